import { CopyOutlined, DeleteOutlined, PrinterOutlined, QrcodeOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Modal, Popconfirm, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { endpoints } from '../../api.ts';
import { useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MemberActivation } from '../../../../shared/api-activation.ts';
import type { IssuedInvitation } from '../../../../shared/api-invitations.ts';
import { InvitationSheet } from './InvitationSheet.tsx';
import { STATUS_COLORS, chinaDayOf, daysLeft, qrSvg, svgDataUrl } from './invitations.ts';

/** The member's state beside their name: 已开通 / 已邀请，N 天后过期 / 未开通. */
export function MemberActivationTag({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.activation.member.at({ id: memberId }));
  const a = res.data;
  if (!a) return null;
  return (
    <Tag color={STATUS_COLORS[a.status]} data-testid="member-activation" data-status={a.status}>
      {stateText(t, a)}
    </Tag>
  );
}

function stateText(t: ReturnType<typeof useI18n>['t'], a: MemberActivation): string {
  if (a.status === 'active') return a.lastSeenAt ? t('invite.state.activeSeen', { date: chinaDayOf(a.lastSeenAt) }) : t('invite.state.active');
  if (a.status === 'invited' && a.expiresAt) {
    const n = daysLeft(a.expiresAt, Date.now());
    return n === 0 ? t('invite.state.invitedToday') : t('invite.state.invited', { n });
  }
  return t('invite.state.none');
}

/** 邀请开通: shown to who may invite the member; opens the invitation dialog. */
export function InviteButton({ memberId, name, unitName }: { memberId: string; name: string; unitName: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.activation.member.at({ id: memberId }));
  const [open, setOpen] = useState(false);
  if (!res.data?.canInvite) return null;
  return (
    <>
      <Button icon={<QrcodeOutlined aria-hidden />} onClick={() => setOpen(true)} data-testid="invite-open">
        {t('invite.button')}
      </Button>
      {open && <InviteModal activation={res.data} name={name} unitName={unitName} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * The link (to copy into WeChat), its QR code large enough to scan from the screen, until when it
 * works, 重新生成 and 作废. A link is shown only when issued (only its hash is kept): a member
 * without one gets one as the dialog opens; an open one is replaced on 重新生成.
 */
function InviteModal({ activation: a, name, unitName, onClose }: { activation: MemberActivation; name: string; unitName: string; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [issued, setIssued] = useState<IssuedInvitation | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const issue = useApiMutation(() => endpoints.invitations.issue({ id: a.memberId }), { changes: ['members'] });
  const revoke = useApiMutation(() => endpoints.invitations.revoke({ id: a.memberId }), { changes: ['members'] });

  const doIssue = useCallback(async () => {
    try {
      const r = await issue.mutateAsync();
      setIssued(r);
      setQr(svgDataUrl(await qrSvg(r.link)));
    } catch (e) {
      showError(e);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the mutation object changes on every render
  }, [a.memberId]);

  // Not activated and no open link: the dialog is the invitation, so it is issued at once (once:
  // a second issue would revoke the link just shown).
  const started = useRef(false);
  useEffect(() => {
    if (a.status !== 'none' || started.current) return;
    started.current = true;
    void doIssue();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, as the dialog opens
  }, []);

  const doRevoke = async () => {
    try {
      await revoke.mutateAsync();
      setIssued(null);
      setQr(null);
      void message.success(t('invite.revoked'));
      onClose();
    } catch (e) {
      showError(e);
    }
  };

  const copy = async () => {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued.link);
      void message.success(t('invite.copied'));
    } catch {
      void message.warning(t('invite.copyFailed'));
    }
  };

  const hasOpen = issued !== null || a.status === 'invited';
  const closePrint = useCallback(() => setPrinting(false), []);
  return (
    <Modal open title={t('invite.title', { name })} onCancel={onClose} footer={null} width={520} destroyOnHidden data-testid="invite-modal">
      {issued ? (
        <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="invite-issued">
          <div style={{ textAlign: 'center' }}>
            {qr ? <img src={qr} alt={t('invite.qrAlt')} width={280} height={280} style={{ imageRendering: 'pixelated' }} data-testid="invite-qr" /> : <Spin />}
            <div>
              <Typography.Text type="secondary">{t('invite.scanHint')}</Typography.Text>
            </div>
          </div>
          <div>
            <Typography.Text strong>{t('invite.link')}</Typography.Text>
            <Space.Compact style={{ width: '100%', marginTop: 4 }}>
              <Input readOnly value={issued.link} onFocus={(e) => e.target.select()} data-testid="invite-link" />
              <Button type="primary" icon={<CopyOutlined aria-hidden />} onClick={() => void copy()} data-testid="invite-copy">
                {t('invite.copy')}
              </Button>
            </Space.Compact>
          </div>
          <Typography.Text strong style={{ color: '#a50f25' }} data-testid="invite-expires">
            {t('invite.expires', { date: chinaDayOf(issued.expiresAt) })}
          </Typography.Text>
          <Typography.Text type="secondary">{t('invite.instructions')}</Typography.Text>
        </Space>
      ) : issue.isPending ? (
        <div style={{ textAlign: 'center', padding: 32 }}>
          <Spin size="large" />
          <div style={{ marginTop: 8 }}>{t('invite.issuing')}</div>
        </div>
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {a.status === 'invited' && a.expiresAt && <Alert type="info" showIcon title={t('invite.openHidden', { date: chinaDayOf(a.expiresAt) })} />}
          {a.status === 'active' && <Alert type="success" showIcon title={t('invite.activeNote')} />}
          <Typography.Text type="secondary">{t('invite.instructions')}</Typography.Text>
        </Space>
      )}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, justifyContent: 'flex-end', marginTop: 16 }}>
        {hasOpen && (
          <Popconfirm title={t('invite.revokeConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }} onConfirm={() => void doRevoke()}>
            <Button danger icon={<DeleteOutlined aria-hidden />} loading={revoke.isPending} data-testid="invite-revoke">
              {t('invite.revoke')}
            </Button>
          </Popconfirm>
        )}
        {issued && (
          <Button icon={<PrinterOutlined aria-hidden />} onClick={() => setPrinting(true)} data-testid="invite-print">
            {t('invite.printSheet')}
          </Button>
        )}
        {hasOpen ? (
          <Popconfirm title={t('invite.regenerateConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => void doIssue()}>
            <Button icon={<ReloadOutlined aria-hidden />} loading={issue.isPending} data-testid="invite-regenerate">
              {t('invite.regenerate')}
            </Button>
          </Popconfirm>
        ) : (
          <Button type="primary" icon={<QrcodeOutlined aria-hidden />} loading={issue.isPending} onClick={() => void doIssue()} data-testid="invite-issue">
            {t('invite.issue')}
          </Button>
        )}
        <Button onClick={onClose}>{t('common.close')}</Button>
      </div>
      {printing && issued && (
        <InvitationSheet items={[{ memberId: a.memberId, name, unitName, link: issued.link, expiresAt: issued.expiresAt }]} unitName={unitName} onClose={closePrint} />
      )}
    </Modal>
  );
}
