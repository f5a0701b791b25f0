import { DownloadOutlined, EditOutlined, PrinterOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Result, Select, Space, Spin, Steps, Table, Tag, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import dayjs from 'dayjs';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { EVALUATION_GRADES, EVALUATION_PHASES } from '../../../../shared/enums.ts';
import type { EvaluationGrade, EvaluationPhase, EvaluationRoundDetail, EvaluationSubject } from '../../../../shared/api-evaluations.ts';
import { endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { useApi, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { GradeTag, PhaseTag } from './labels.tsx';

const Chart = lazy(() => import('../../components/Chart.tsx'));
const GRADE_CHART_COLORS: Record<EvaluationGrade, string> = { excellent: '#cf1322', qualified: '#52c41a', basic: '#faad14', unqualified: '#8c8c8c' };

type Line = { grade: EvaluationGrade | null; reason: string };

/** One round of 民主评议党员: its phases, the members' self-evaluations, the tally, the proposal with the cap, 公示 and the final grades. */
export function EvaluationPage({ id }: { id: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.evaluations.get.at({ id }));
  const d = res.data;
  if (res.error && !d) return <Result status={res.error.status === 403 ? '403' : '404'} title={res.error.message} />;
  if (!d) return <Spin size="large" style={{ display: 'block', margin: '80px auto' }} />;
  const step = EVALUATION_PHASES.indexOf(d.phase);
  return (
    <>
      <PageHeader
        title={
          <Space>
            <span>{t('evaluation.roundTitle', { org: d.orgName, year: d.year })}</span>
            <PhaseTag phase={d.phase} />
          </Space>
        }
        sub={<Link to="/evaluations">{t('evaluation.pageTitle')}</Link>}
        extra={
          <Space wrap>
            <Button icon={<DownloadOutlined aria-hidden />} href={`/api/evaluations/${d.id}/export`} data-testid="evaluation-export">
              {t('evaluation.export')}
            </Button>
            <Button icon={<PrinterOutlined aria-hidden />} href={`/print/evaluation/${d.id}`} target="_blank" data-testid="evaluation-print">
              {t('evaluation.print')}
            </Button>
          </Space>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Steps
          size="small"
          current={step}
          status={d.phase === 'final' ? 'finish' : 'process'}
          items={EVALUATION_PHASES.map((p) => ({ title: t(`evaluation.phase.${p}` as const) }))}
          data-testid="evaluation-steps"
        />
        <div style={{ marginTop: 16 }}>
          <PhaseActions round={d} onChanged={res.setData} />
        </div>
      </Card>
      {(d.phase === 'ballot' || d.phase === 'proposal' || d.phase === 'notice' || d.phase === 'final') && <TallyCard round={d} onChanged={res.setData} />}
      {(d.phase === 'proposal' || d.phase === 'notice' || d.phase === 'final') && <GradesCard round={d} onChanged={res.setData} />}
      <SubjectsCard round={d} />
    </>
  );
}

function PhaseActions({ round, onChanged }: { round: EvaluationRoundDetail; onChanged: (d: EvaluationRoundDetail) => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const [asking, setAsking] = useState<'peer' | 'notice' | null>(null);
  const next = EVALUATION_PHASES[EVALUATION_PHASES.indexOf(round.phase) + 1] as EvaluationPhase | undefined;
  if (round.phase === 'final') return <Alert type="success" showIcon title={t('evaluation.finalized')} />;
  if (round.phase === 'notice') {
    return (
      <Space wrap>
        {round.noticeUntil && <Tag color="gold">{t('evaluation.noticeInfo', { date: round.noticeUntil })}</Tag>}
        <Typography.Text type="secondary">{t('evaluation.proposalHint')}</Typography.Text>
      </Space>
    );
  }
  if (!next) return null;
  const move = async (extra: { noticeUntil?: string; peerMeetingOn?: string; peerNote?: string } = {}) => {
    try {
      const d = await endpoints.evaluations.phase({ id: round.id }, { phase: next, ...extra });
      onChanged(d);
      setAsking(null);
      void message.success(t('evaluation.moved', { phase: t(`evaluation.phase.${next}` as const) }));
    } catch (e) {
      showError(e);
    }
  };
  const click = () => {
    if (round.phase === 'peer') return setAsking('peer');
    if (next === 'notice') return setAsking('notice');
    modal.confirm({
      title: t('evaluation.next', { phase: t(`evaluation.phase.${next}` as const) }),
      content: round.phase === 'ballot' ? t('evaluation.ballotCloseConfirm') : t('evaluation.nextConfirm', { phase: t(`evaluation.phase.${next}` as const) }),
      okButtonProps: { 'data-testid': 'evaluation-next-ok' } as ButtonProps,
      onOk: () => move(),
    });
  };
  return (
    <>
      <Button type="primary" icon={<RightOutlined aria-hidden />} onClick={click} data-testid="evaluation-next">
        {t('evaluation.next', { phase: t(`evaluation.phase.${next}` as const) })}
      </Button>
      {asking === 'peer' && <PeerModal onCancel={() => setAsking(null)} onOk={(v) => move(v)} />}
      {asking === 'notice' && <NoticeModal onCancel={() => setAsking(null)} onOk={(v) => move(v)} />}
    </>
  );
}

function PeerModal({ onCancel, onOk }: { onCancel: () => void; onOk: (v: { peerMeetingOn?: string; peerNote?: string }) => Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ on?: dayjs.Dayjs; note?: string }>();
  return (
    <Modal
      open
      title={t('evaluation.next', { phase: t('evaluation.phase.ballot') })}
      onCancel={onCancel}
      okButtonProps={{ 'data-testid': 'evaluation-peer-ok' } as ButtonProps}
      onOk={async () => {
        const v = form.getFieldsValue();
        await onOk({ ...(v.on ? { peerMeetingOn: v.on.format('YYYY-MM-DD') } : {}), ...(v.note ? { peerNote: v.note } : {}) });
      }}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="on" label={t('evaluation.peerMeetingOn')}>
          <DatePicker id="evaluation-peer-on" />
        </Form.Item>
        <Form.Item name="note" label={t('evaluation.peerNote')}>
          <Input.TextArea rows={3} maxLength={2000} placeholder={t('evaluation.peerNotePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NoticeModal({ onCancel, onOk }: { onCancel: () => void; onOk: (v: { noticeUntil: string }) => Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ until: dayjs.Dayjs }>();
  return (
    <Modal
      open
      title={t('evaluation.next', { phase: t('evaluation.phase.notice') })}
      onCancel={onCancel}
      okButtonProps={{ 'data-testid': 'evaluation-notice-ok' } as ButtonProps}
      onOk={async () => {
        const v = await form.validateFields();
        await onOk({ noticeUntil: v.until.format('YYYY-MM-DD') });
      }}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="until" label={t('evaluation.noticeUntil')} rules={[{ required: true, message: t('evaluation.noticeRequired') }]}>
          <DatePicker id="evaluation-notice-until" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function TallyCard({ round, onChanged }: { round: EvaluationRoundDetail; onChanged: (d: EvaluationRoundDetail) => void }) {
  const { t } = useI18n();
  const [paper, setPaper] = useState(false);
  const graded = round.subjects.filter((s) => s.graded);
  const option = useMemo<EChartsCoreOption | null>(() => {
    if (graded.length === 0) return null;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: graded.map((s) => s.name), axisLabel: { interval: 0, rotate: graded.length > 10 ? 45 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: EVALUATION_GRADES.map((g) => ({
        name: t(`evaluation.grade.${g}` as const),
        type: 'bar',
        stack: 'votes',
        barMaxWidth: 28,
        data: graded.map((s) => s.tally[g]),
        itemStyle: { color: GRADE_CHART_COLORS[g] },
      })),
    };
  }, [graded, t]);
  const columns: TableColumnsType<EvaluationSubject> = [
    { title: t('evaluation.name'), dataIndex: 'name', width: 120 },
    ...EVALUATION_GRADES.map((g) => ({
      title: t(`evaluation.grade.${g}` as const),
      key: g,
      width: 90,
      align: 'right' as const,
      render: (_: unknown, s: EvaluationSubject) => s.tally[g],
    })),
  ];
  return (
    <Card
      title={t('evaluation.tally')}
      style={{ marginBottom: 16 }}
      extra={
        (round.phase === 'ballot' || round.phase === 'proposal') && (
          <Button icon={<EditOutlined aria-hidden />} onClick={() => setPaper(true)} data-testid="evaluation-paper">
            {t('evaluation.paper')}
          </Button>
        )
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text data-testid="evaluation-tally-info">
          {t('evaluation.tallyInfo', { voters: round.voters, online: round.onlineBallots, paper: round.paperBallots })}
        </Typography.Text>
        <Typography.Text type="secondary">{t('evaluation.tallySecret')}</Typography.Text>
        {!round.tallyOpen && (
          <Alert type="info" showIcon title={t('evaluation.tallyClosed')} data-testid="evaluation-tally-closed" />
        )}
        {round.tallyOpen && option && (
          <Suspense fallback={<Spin />}>
            <Chart option={option} height={260} ariaLabel={t('evaluation.chart')} />
          </Suspense>
        )}
        {round.tallyOpen && (
          <Table<EvaluationSubject> rowKey="memberId" size="small" dataSource={graded} columns={columns} pagination={false} scroll={{ x: 500 }} data-testid="evaluation-tally" />
        )}
      </Space>
      {paper && <PaperModal round={round} onClose={() => setPaper(false)} onChanged={onChanged} />}
    </Card>
  );
}

function PaperModal({ round, onClose, onChanged }: { round: EvaluationRoundDetail; onClose: () => void; onChanged: (d: EvaluationRoundDetail) => void }) {
  const { t } = useI18n();
  const showError = useShowError();
  const graded = round.subjects.filter((s) => s.graded);
  const [ballots, setBallots] = useState<number>(round.paperBallots);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    setSaving(true);
    try {
      const list = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([k, count]) => {
          const [memberId, grade] = k.split('|') as [string, EvaluationGrade];
          return { memberId, grade, count };
        });
      onChanged(await endpoints.evaluations.paper({ id: round.id }, { paperBallots: ballots, counts: list }));
      onClose();
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open width={720} title={t('evaluation.paperTitle')} onCancel={onClose} onOk={() => void submit()} confirmLoading={saving} okButtonProps={{ 'data-testid': 'evaluation-paper-ok' } as ButtonProps}>
      <Form layout="inline" style={{ marginBottom: 12 }}>
        <Form.Item label={t('evaluation.paperBallots')} htmlFor="evaluation-paper-ballots">
          <InputNumber id="evaluation-paper-ballots" min={0} precision={0} value={ballots} onChange={(v) => setBallots(v ?? 0)} />
        </Form.Item>
      </Form>
      <Table<EvaluationSubject>
        rowKey="memberId"
        size="small"
        dataSource={graded}
        pagination={false}
        scroll={{ y: 400 }}
        columns={[
          { title: t('evaluation.name'), dataIndex: 'name', width: 100 },
          ...EVALUATION_GRADES.map((g) => ({
            title: t(`evaluation.grade.${g}` as const),
            key: g,
            render: (_: unknown, s: EvaluationSubject) => (
              <InputNumber
                size="small"
                min={0}
                precision={0}
                aria-label={`${s.name} ${t(`evaluation.grade.${g}` as const)}`}
                data-testid={`paper-${s.memberId}-${g}`}
                value={counts[`${s.memberId}|${g}`] ?? 0}
                onChange={(v) => setCounts((c) => ({ ...c, [`${s.memberId}|${g}`]: v ?? 0 }))}
              />
            ),
          })),
        ]}
      />
    </Modal>
  );
}

/** The proposal (评定意见) and, in 公示, the final grades: the tally beside each, the cap shown live. */
function GradesCard({ round, onChanged }: { round: EvaluationRoundDetail; onChanged: (d: EvaluationRoundDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const graded = round.subjects.filter((s) => s.graded);
  const editable = round.phase === 'proposal' || round.phase === 'notice';
  const initial = () => Object.fromEntries(graded.map((s) => [s.memberId, { grade: (round.phase === 'final' ? s.finalGrade : s.proposedGrade) ?? null, reason: (round.phase === 'final' ? s.finalReason : s.proposedReason) ?? '' }]));
  const [lines, setLines] = useState<Record<string, Line>>(initial);
  useEffect(() => setLines(initial()), [round]); // eslint-disable-line react-hooks/exhaustive-deps
  const [saving, setSaving] = useState(false);
  const [finalOpen, setFinalOpen] = useState(false);
  const [early, setEarly] = useState(false);
  const excellent = Object.values(lines).filter((l) => l.grade === 'excellent').length;
  const over = excellent > round.maxExcellent;
  const set = (memberId: string, patch: Partial<Line>) => setLines((ls) => ({ ...ls, [memberId]: { ...(ls[memberId] ?? { grade: null, reason: '' }), ...patch } }));
  const payload = () =>
    Object.entries(lines)
      .filter(([, l]) => l.grade)
      .map(([memberId, l]) => ({ memberId, grade: l.grade as EvaluationGrade, reason: l.reason.trim() || null }));
  const saveProposal = async () => {
    setSaving(true);
    try {
      onChanged(await endpoints.evaluations.proposal({ id: round.id }, { grades: payload() }));
      void message.success(t('common.saved'));
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  const finalize = async () => {
    setSaving(true);
    try {
      onChanged(await endpoints.evaluations.final({ id: round.id }, { grades: payload(), confirmEarly: early }));
      setFinalOpen(false);
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  // The server says whether 公示 still runs (its clock, China's day): finalizing then needs confirmEarly.
  const noticeRunning = round.noticeRunning;
  const columns: TableColumnsType<EvaluationSubject> = [
    { title: t('evaluation.name'), dataIndex: 'name', width: 110 },
    {
      title: t('evaluation.tally'),
      key: 'tally',
      width: 220,
      render: (_: unknown, s) => (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {EVALUATION_GRADES.map((g) => `${t(`evaluation.grade.${g}` as const)} ${s.tally[g]}`).join(' · ')}
        </Typography.Text>
      ),
    },
    ...(round.phase !== 'proposal'
      ? [{ title: t('evaluation.proposedGrade'), key: 'proposed', width: 100, render: (_: unknown, s: EvaluationSubject) => <GradeTag grade={s.proposedGrade} /> }]
      : []),
    {
      title: round.phase === 'proposal' ? t('evaluation.proposedGrade') : t('evaluation.finalGrade'),
      key: 'grade',
      width: 150,
      render: (_: unknown, s) =>
        editable ? (
          <Select<EvaluationGrade>
            style={{ width: 130 }}
            placeholder={t('evaluation.chooseGrade')}
            aria-label={`${s.name} ${t('evaluation.chooseGrade')}`}
            data-testid={`grade-${s.memberId}`}
            value={lines[s.memberId]?.grade ?? undefined}
            onChange={(g) => set(s.memberId, { grade: g })}
            options={EVALUATION_GRADES.map((g) => ({ value: g, label: t(`evaluation.grade.${g}` as const) }))}
          />
        ) : (
          <GradeTag grade={s.finalGrade} />
        ),
    },
    {
      title: t('evaluation.reason'),
      key: 'reason',
      render: (_: unknown, s) => {
        const l = lines[s.memberId];
        if (!editable) return <Typography.Text>{(round.phase === 'final' ? s.finalReason : s.proposedReason) ?? ''}</Typography.Text>;
        const needed = l?.grade === 'unqualified';
        return (
          <Input
            size="small"
            aria-label={`${s.name} ${t('evaluation.reason')}`}
            data-testid={`reason-${s.memberId}`}
            status={needed && !l?.reason.trim() ? 'error' : undefined}
            placeholder={needed ? t('evaluation.reasonRequired') : ''}
            value={l?.reason ?? ''}
            maxLength={1000}
            onChange={(e) => set(s.memberId, { reason: e.target.value })}
          />
        );
      },
    },
  ];
  return (
    <Card
      title={round.phase === 'final' ? t('evaluation.finalGrade') : t('evaluation.proposal')}
      style={{ marginBottom: 16 }}
      extra={
        <Space>
          {round.phase === 'proposal' && (
            <Button type="primary" loading={saving} onClick={() => void saveProposal()} data-testid="evaluation-save-proposal">
              {t('evaluation.saveProposal')}
            </Button>
          )}
          {round.phase === 'notice' && (
            <Button type="primary" onClick={() => setFinalOpen(true)} data-testid="evaluation-final">
              {t('evaluation.final')}
            </Button>
          )}
        </Space>
      }
    >
      {editable && (
        <Alert
          style={{ marginBottom: 12 }}
          type={over ? 'error' : 'info'}
          showIcon
          data-testid="evaluation-cap-live"
          title={t('evaluation.capLive', { n: excellent, max: round.maxExcellent, num: round.cap.num, den: round.cap.den })}
          description={over ? t('evaluation.capOver') : t('evaluation.proposalHint')}
        />
      )}
      <Table<EvaluationSubject> rowKey="memberId" size="small" dataSource={graded} columns={columns} pagination={false} scroll={{ x: 700 }} data-testid="evaluation-grades" />
      {finalOpen && (
        <Modal open title={t('evaluation.finalTitle')} onCancel={() => setFinalOpen(false)} onOk={() => void finalize()} confirmLoading={saving} okButtonProps={{ 'data-testid': 'evaluation-final-ok' } as ButtonProps}>
          <Typography.Paragraph>{t('evaluation.finalBody')}</Typography.Paragraph>
          {noticeRunning && (
            <Checkbox checked={early} onChange={(e) => setEarly(e.target.checked)} data-testid="evaluation-confirm-early">
              {t('evaluation.confirmEarly')}
            </Checkbox>
          )}
        </Modal>
      )}
    </Card>
  );
}

function SubjectsCard({ round }: { round: EvaluationRoundDetail }) {
  const { t } = useI18n();
  const columns: TableColumnsType<EvaluationSubject> = [
    {
      title: t('evaluation.name'),
      dataIndex: 'name',
      width: 130,
      render: (_: unknown, s) => (
        <Space size={4}>
          <Link to={`/members/${s.memberId}`}>{s.name}</Link>
          {s.mobile && <Tag color="blue">{t('evaluation.mobile')}</Tag>}
        </Space>
      ),
    },
    { title: t('evaluation.status'), key: 'status', width: 190, render: (_: unknown, s) => (s.graded ? t('evaluation.full') : <Tag>{t('evaluation.probationary')}</Tag>) },
    {
      title: t('evaluation.self'),
      key: 'self',
      render: (_: unknown, s) =>
        s.selfText ? (
          <Typography.Paragraph ellipsis={{ rows: 2, expandable: true }} style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>
            {s.selfText}
          </Typography.Paragraph>
        ) : (
          <Typography.Text type="secondary">{t('evaluation.selfMissing')}</Typography.Text>
        ),
    },
  ];
  return (
    <Card title={t('evaluation.subjects')}>
      <Table<EvaluationSubject> rowKey="memberId" size="small" dataSource={round.subjects} columns={columns} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: 600 }} data-testid="evaluation-subjects" />
    </Card>
  );
}
