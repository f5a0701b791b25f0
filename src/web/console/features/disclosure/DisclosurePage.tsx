import { App, Alert, Button, Card, Checkbox, Descriptions, Drawer, Form, Input, Popconfirm, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import type { Disclosure, DisclosureSection, DisclosureState, DisclosureSummary } from '../../../../shared/api-disclosure.ts';
import { DISCLOSURE_NOTE_MAX, DISCLOSURE_SECTIONS } from '../../../../shared/enums.ts';
import { addMonths, chinaDateTime } from '../../../../shared/china-time.ts';

const STATE_COLOR: Record<DisclosureState, string> = { draft: 'default', submitted: 'gold', approved: 'green', returned: 'red' };
const stateKey = (s: DisclosureState): MsgKey => `disclosure.state.${s}` as MsgKey;
const sectionKey = (s: DisclosureSection): MsgKey => `disclosure.section.${s}` as MsgKey;
/** the months one may draft: the server's current China month and the eleven before it */
const monthsUpTo = (current: string): string[] => Array.from({ length: 12 }, (_, i) => addMonths(`${current}-01`, -i).slice(0, 7));

function StateTag({ state }: { state: DisclosureState }) {
  const { t } = useI18n();
  return (
    <Tag color={STATE_COLOR[state]} data-testid="disclosure-state">
      {t(stateKey(state))}
    </Tag>
  );
}

/**
 * 党务公开: per unit and month, draft the disclosure from the data, preview it exactly as the public
 * page will show it, leave sections out, add a note, submit, approve or send back, withdraw, and copy
 * the public link. The preview is the server's own rendering of the public page (an iframe of the
 * HTML the preview route answers, sandboxed: no script, no same origin), so what is approved is
 * byte for byte what /open shows — a React copy of the page could drift from it.
 */
export function DisclosurePage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const units = useApi(endpoints.disclosure.units.at());
  const noUnits = units.error?.status === 403 || (units.data !== undefined && units.data.items.length === 0);
  const [orgId, setOrgId] = useState<string | undefined>(undefined);
  const [month, setMonth] = useState<string | undefined>(undefined);
  const [openId, setOpenId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  useEffect(() => {
    if (!units.data) return;
    setOrgId((o) => o ?? units.data?.items[0]?.orgId);
    setMonth((m) => m ?? units.data?.currentMonth);
  }, [units.data]);
  const list = useApi(noUnits || !orgId ? null : endpoints.disclosure.list.at({ orgId, page, pageSize: 20 }));
  const generate = useApiMutation((body: { orgId: string; month: string }) => endpoints.disclosure.generate(body), { changes: ['disclosure'] });
  const months = useMemo(() => (units.data ? monthsUpTo(units.data.currentMonth) : []), [units.data]);

  const onGenerate = async () => {
    if (!orgId || !month) return;
    try {
      const made = await generate.mutateAsync({ orgId, month });
      void message.success(t('disclosure.generated'));
      setOpenId(made.id);
    } catch (e) {
      showError(e);
    }
  };

  const columns: TableColumnsType<DisclosureSummary> = [
    {
      title: t('disclosure.month'),
      dataIndex: 'month',
      render: (_: unknown, d) => (
        <a onClick={() => setOpenId(d.id)} data-testid={`disclosure-row-${d.month}`} style={{ fontWeight: 500 }}>
          {d.month}
        </a>
      ),
    },
    { title: t('disclosure.unit'), dataIndex: 'orgName', ellipsis: true },
    { title: t('disclosure.state'), dataIndex: 'state', width: 110, render: (_: unknown, d) => <StateTag state={d.state} /> },
    { title: t('disclosure.updatedAt'), dataIndex: 'updatedAt', width: 160, render: (_: unknown, d) => chinaDateTime(new Date(d.updatedAt)) },
    { title: t('disclosure.approvedAt'), dataIndex: 'approvedAt', width: 160, render: (_: unknown, d) => (d.approvedAt && d.state === 'approved' ? chinaDateTime(new Date(d.approvedAt)) : '—') },
  ];

  const unitPage = list.data?.items[0]?.publicUrl.replace(/\/\d{4}-\d{2}$/, '');
  return (
    <>
      <PageHeader title={t('disclosure.pageTitle')} sub={t('disclosure.pageSub')} />
      {noUnits ? (
        <Typography.Paragraph type="secondary" data-testid="disclosure-no-units">
          {t('disclosure.noUnits')}
        </Typography.Paragraph>
      ) : (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Space wrap>
            <label htmlFor="disclosure-unit">{t('disclosure.unit')}</label>
            <Select
              id="disclosure-unit"
              value={orgId ?? null}
              onChange={(v: string) => {
                setOrgId(v);
                setPage(1);
              }}
              style={{ width: 200 }}
              options={(units.data?.items ?? []).map((u) => ({ value: u.orgId, label: u.orgName }))}
              data-testid="disclosure-unit"
            />
            <label htmlFor="disclosure-month">{t('disclosure.month')}</label>
            <Select id="disclosure-month" value={month ?? null} onChange={(v: string) => setMonth(v)} style={{ width: 120 }} options={months.map((m) => ({ value: m, label: m }))} data-testid="disclosure-month" />
            <Button type="primary" onClick={() => void onGenerate()} loading={generate.isPending} disabled={!orgId || !month} data-testid="disclosure-generate">
              {month === units.data?.currentMonth ? t('disclosure.generate') : t('disclosure.generateMonth')}
            </Button>
            {unitPage && (
              <Typography.Link href={unitPage} target="_blank" rel="noopener noreferrer" data-testid="disclosure-unit-page">
                {t('disclosure.unitPage')}
              </Typography.Link>
            )}
          </Space>
        </Card>
      )}
      {!noUnits && (
        <Table<DisclosureSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          locale={{ emptyText: t('disclosure.empty') }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
          data-testid="disclosure-list"
        />
      )}
      {openId && <DisclosureDrawer key={openId} id={openId} onClose={() => setOpenId(null)} />}
    </>
  );
}

function DisclosureDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const loaded = useApi(endpoints.disclosure.get.at({ id }));
  const d = loaded.data;
  const preview = useApi(endpoints.disclosure.preview.at({ id }));
  const act = useApiMutation((fn: () => Promise<Disclosure>) => fn(), { changes: ['disclosure'] });
  const [included, setIncluded] = useState<DisclosureSection[]>([]);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState(false);
  useEffect(() => {
    if (!d) return;
    setIncluded(DISCLOSURE_SECTIONS.filter((s) => !d.omitted.includes(s)));
    setNote(d.note ?? '');
  }, [d]);

  const changed = d !== undefined && (note !== (d.note ?? '') || DISCLOSURE_SECTIONS.some((s) => included.includes(s) === d.omitted.includes(s)));
  const run = async (fn: () => Promise<Disclosure>, done: MsgKey): Promise<Disclosure | null> => {
    try {
      const after = await act.mutateAsync(fn);
      loaded.setData(after);
      preview.reload();
      void message.success(t(done));
      return after;
    } catch (e) {
      showError(e);
      // Changed since it was read: show it as it is now.
      if (e instanceof ApiError && e.status === 409) {
        loaded.reload();
        preview.reload();
      }
      return null;
    }
  };
  const patch = () => endpoints.disclosure.update({ id }, { omitted: DISCLOSURE_SECTIONS.filter((s) => !included.includes(s)), note: note.trim() === '' ? null : note });
  const onSave = () => void run(patch, 'disclosure.saved');
  const onSubmit = async () => {
    if (changed && !(await run(patch, 'disclosure.saved'))) return;
    await run(() => endpoints.disclosure.submit({ id }), 'disclosure.submitted');
  };
  const onCopy = async () => {
    if (!d) return;
    try {
      await navigator.clipboard.writeText(d.publicUrl);
      void message.success(t('disclosure.copied'));
    } catch (e) {
      showError(e);
    }
  };

  return (
    <Drawer open size={900} title={d ? t('disclosure.drawerTitle', { org: d.orgName, month: d.month }) : t('disclosure.pageTitle')} onClose={onClose} destroyOnHidden data-testid="disclosure-drawer">
      {!d ? (
        <Skeleton active />
      ) : (
        <>
          <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('disclosure.state')}>
              <StateTag state={d.state} />
            </Descriptions.Item>
            <Descriptions.Item label={t('disclosure.publicLink')}>
              <Space wrap>
                <Typography.Text data-testid="disclosure-public-url">
                  {d.publicUrl}
                </Typography.Text>
                <Button size="small" onClick={() => void onCopy()} data-testid="disclosure-copy-link">
                  {t('disclosure.copyLink')}
                </Button>
                {d.state !== 'approved' && <Typography.Text type="secondary">{t('disclosure.publicLinkHint')}</Typography.Text>}
              </Space>
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('disclosure.generatedAt', { at: chinaDateTime(new Date(d.generatedAt)) })} · {t('disclosure.people', { created: d.createdByName, submitted: d.submittedByName ?? '—', reviewed: d.reviewedByName ?? '—' })}
          </Typography.Paragraph>
          {d.state === 'returned' && d.returnReason && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('disclosure.returnedBecause', { reason: d.returnReason })} data-testid="disclosure-returned" />}
          {d.state === 'approved' && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('disclosure.frozen')} />}

          {d.can.review && (
            <Card size="small" title={t('disclosure.review')} style={{ marginBottom: 16, borderColor: '#faad14' }} data-testid="disclosure-review">
              <Typography.Paragraph type="secondary">{t('disclosure.reviewHint')}</Typography.Paragraph>
              <Input.TextArea
                aria-label={t('disclosure.reason')}
                placeholder={t('disclosure.reason')}
                value={reason}
                maxLength={DISCLOSURE_NOTE_MAX}
                status={reasonError ? 'error' : undefined}
                onChange={(e) => {
                  setReason(e.target.value);
                  setReasonError(false);
                }}
                autoSize={{ minRows: 2, maxRows: 4 }}
                data-testid="disclosure-reason"
              />
              {reasonError && <Typography.Text type="danger">{t('disclosure.reasonRequired')}</Typography.Text>}
              <Space style={{ marginTop: 8 }}>
                <Button type="primary" loading={act.isPending} onClick={() => void run(() => endpoints.disclosure.approve({ id }, { updatedAt: d.updatedAt }), 'disclosure.approved')} data-testid="disclosure-approve">
                  {t('disclosure.approve')}
                </Button>
                <Button
                  danger
                  loading={act.isPending}
                  onClick={() => {
                    if (!reason.trim()) {
                      setReasonError(true);
                      return;
                    }
                    void run(() => endpoints.disclosure.sendBack({ id }, { reason: reason.trim(), updatedAt: d.updatedAt }), 'disclosure.sentBack').then((after) => after && setReason(''));
                  }}
                  data-testid="disclosure-send-back"
                >
                  {t('disclosure.sendBack')}
                </Button>
              </Space>
            </Card>
          )}

          {d.can.edit && (
            <Card size="small" style={{ marginBottom: 16 }}>
              <Form layout="vertical">
                <Form.Item label={t('disclosure.sections')} extra={t('disclosure.sectionsHint')}>
                  <Checkbox.Group value={included} onChange={(v) => setIncluded(v as DisclosureSection[])} data-testid="disclosure-sections">
                    <Space orientation="vertical">
                      {DISCLOSURE_SECTIONS.map((s) => (
                        <Checkbox key={s} value={s} data-testid={`disclosure-section-${s}`}>
                          {t(sectionKey(s))}
                        </Checkbox>
                      ))}
                    </Space>
                  </Checkbox.Group>
                </Form.Item>
                <Form.Item label={t('disclosure.note')} htmlFor="disclosure-note">
                  <Input.TextArea id="disclosure-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={DISCLOSURE_NOTE_MAX} showCount autoSize={{ minRows: 2, maxRows: 6 }} placeholder={t('disclosure.notePlaceholder')} data-testid="disclosure-note" />
                </Form.Item>
              </Form>
              <Space wrap>
                <Button onClick={onSave} disabled={!changed} loading={act.isPending} data-testid="disclosure-save">
                  {t('disclosure.save')}
                </Button>
                <Button onClick={() => void run(() => endpoints.disclosure.generate({ orgId: d.orgId, month: d.month }), 'disclosure.generated')} loading={act.isPending} data-testid="disclosure-regenerate">
                  {t('disclosure.regenerate')}
                </Button>
                <Button type="primary" onClick={() => void onSubmit()} loading={act.isPending} data-testid="disclosure-submit">
                  {t('disclosure.submit')}
                </Button>
              </Space>
            </Card>
          )}
          {d.can.withdraw && (
            <Popconfirm title={t('disclosure.withdrawConfirm')} onConfirm={() => void run(() => endpoints.disclosure.withdraw({ id }), 'disclosure.withdrawn')}>
              <Button danger style={{ marginBottom: 16 }} data-testid="disclosure-withdraw">
                {t('disclosure.withdraw')}
              </Button>
            </Popconfirm>
          )}

          <Typography.Title level={5}>{t('disclosure.preview')}</Typography.Title>
          {preview.data ? (
            <iframe
              title={t('disclosure.previewTitle')}
              sandbox=""
              srcDoc={preview.data.html}
              style={{ width: '100%', maxWidth: 420, height: 640, border: '1px solid #eee', borderRadius: 8, display: 'block' }}
              data-testid="disclosure-preview"
            />
          ) : (
            <Skeleton active />
          )}
        </>
      )}
    </Drawer>
  );
}
