import { UserAddOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { errorText, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { OrgTreeSelect, subtreeIds } from '../../components/common.tsx';

export interface PickedMember {
  id: string;
  name: string;
}

const PAGE = 200;

/**
 * Every mobile member of a unit and the units under it, read from the members list (the same
 * filter as the members page's 流动党员). The meeting API takes explicit invitees, so "only mobile
 * members" is planned as this list.
 */
export async function mobileMembersOf(orgId: string): Promise<PickedMember[]> {
  const found: PickedMember[] = [];
  for (let page = 1; ; page++) {
    const list = await endpoints.members.list({ orgId, mobile: 'true', page, pageSize: PAGE });
    found.push(...list.items.map((m) => ({ id: m.id, name: m.name })));
    if (list.items.length < PAGE || found.length >= list.total) return found;
  }
}

/** How many mobile members a unit and the units under it have; null while unknown or without a unit. */
export function useMobileMemberCount(orgId: string | undefined): number | null {
  const [count, setCount] = useState<{ orgId: string; n: number } | null>(null);
  useEffect(() => {
    if (!orgId) return;
    let alive = true;
    endpoints.members
      .list({ orgId, mobile: 'true', page: 1, pageSize: 1 })
      .then((list) => alive && setCount({ orgId, n: list.total }))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [orgId]);
  return count && count.orgId === orgId ? count.n : null;
}

interface AddUnitMobileMembersProps {
  /** the unit the meeting is for: the one offered first, with the units under it */
  orgId: string | undefined;
  onAdd: (members: PickedMember[]) => void;
  testId: string;
}

/** Adds a whole unit's mobile members to a list of invitees in one step. */
export function AddUnitMobileMembers({ orgId, onAdd, testId }: AddUnitMobileMembersProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const orgs = useOrgs();
  const [unit, setUnit] = useState<{ under: string | undefined; id: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // a unit picked under another meeting unit is forgotten when the meeting's unit changes
  const chosen = unit && unit.under === orgId ? unit.id : orgId;
  const all = orgs.data?.items;
  const under = all && orgId ? all.filter((o) => subtreeIds(all, orgId).has(o.id)) : undefined;

  const add = async () => {
    if (!chosen) return;
    setBusy(true);
    try {
      const found = await mobileMembersOf(chosen);
      if (found.length === 0) void message.info(t('session.noMobileMembers'));
      else {
        onAdd(found);
        void message.success(t('session.addedMobile', { n: found.length }));
      }
    } catch (e) {
      void message.error(errorText(e, t('error.generic'), t('error.network')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space wrap>
      <OrgTreeSelect
        orgs={under}
        value={chosen}
        onChange={(id: string) => setUnit({ under: orgId, id })}
        allowClear={false}
        style={{ width: 260 }}
        aria-label={t('session.addMobileUnit')}
        data-testid={`${testId}-unit`}
      />
      <Button icon={<UserAddOutlined aria-hidden />} loading={busy} disabled={!chosen} onClick={() => void add()} data-testid={`${testId}-add`}>
        {t('session.addMobile')}
      </Button>
    </Space>
  );
}
