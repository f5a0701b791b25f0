import { Space, Spin, Switch, Tooltip } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../../api.ts';
import { errorText } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { issueSheet, notActiveIds, useQrCodes } from './invitations.ts';

interface CardInvitations {
  /** the toolbar's switch 附开通二维码, with its progress and outcome */
  control: ReactNode;
  /** the member's activation QR code (an image address) when the switch is on and they were invited */
  qrFor: (memberId: string) => string | undefined;
}

/**
 * 附开通二维码 on the grid contact cards: when switched on, the printed members not yet activated
 * get an invitation (the bulk endpoint, under the unit asked for, or else the widest unit the
 * secretary reads) and their card's QR code becomes their own activation code. Members already
 * using the app keep the app's address.
 */
export function useCardInvitations(memberIds: readonly string[], orgId: string | undefined): CardInvitations {
  const { t } = useI18n();
  const [on, setOn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [links, setLinks] = useState<Map<string, string>>(() => new Map());
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const codes = useQrCodes([...links.values()]);
  const key = memberIds.join(',');

  useEffect(() => {
    if (!on) {
      setLinks(new Map());
      setNote(null);
      return;
    }
    let alive = true;
    setBusy(true);
    void (async () => {
      try {
        const printed = new Set(key ? key.split(',') : []);
        const open = await notActiveIds(orgId);
        const wanted = open.ids.filter((id) => printed.has(id));
        const items = wanted.length ? await issueSheet(open.orgId, wanted) : [];
        if (!alive) return;
        setLinks(new Map(items.map((i) => [i.memberId, i.link])));
        setNote({ text: t('cards.invitationIssued', { n: items.length }), error: false });
      } catch (e) {
        if (!alive) return;
        setOn(false);
        setNote({ text: e instanceof ApiError ? errorText(e, t('error.generic'), t('error.network')) : t('error.generic'), error: true });
      } finally {
        if (alive) setBusy(false);
      }
    })();
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- issued once per switch-on and set of cards
  }, [on, key, orgId]);

  const control = (
    <Space size={6}>
      <Tooltip title={t('cards.withInvitationHint')}>
        <label style={{ display: 'inline-flex', alignItems: 'center', gap: 6, cursor: 'pointer' }}>
          <Switch size="small" checked={on} disabled={busy || memberIds.length === 0} onChange={setOn} data-testid="cards-with-invitation" />
          {t('cards.withInvitation')}
        </label>
      </Tooltip>
      {busy && <Spin size="small" />}
      {note && <span className={note.error ? 'lx-warn' : 'lx-muted'}>{note.text}</span>}
    </Space>
  );
  return {
    control,
    qrFor: (memberId) => {
      const link = links.get(memberId);
      return link ? codes.get(link) : undefined;
    },
  };
}
