import { ArrowLeftOutlined, DownloadOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Input, InputNumber, Progress, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { errorText, useApi, useApiMutation } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { InflowOpinion, ReviewEntry, ReviewEvidence, ReviewEvidenceKind, ReviewRound, RubricItem } from '../../../../shared/api-reviews.ts';
import { StatusTag } from './ReviewsPage.tsx';
import { chinaDateTime } from '../../../../shared/china-time.ts';

/** A part of a whole, in percent (0 when there is no whole). */
const share = (n: number, of: number): number => (of ? Math.round((n / of) * 100) : 0);

type T = ReturnType<typeof useI18n>['t'];

/** One line of evidence, worded; a kind without records says so instead of showing zero. */
function evidenceLine(t: T, kind: ReviewEvidenceKind, e: ReviewEvidence): string {
  switch (kind) {
    case 'classes':
      return t('reviews.ev.classes', { attended: e.classes.attended, madeUp: e.classes.madeUp, missed: e.classes.missed });
    case 'pushes':
      return t('reviews.ev.pushes', { read: e.pushes.read, delivered: e.pushes.delivered });
    case 'service':
    case 'pledges':
      return e[kind] === null ? t('reviews.ev.none', { what: t(`reviews.ev.${kind}`) }) : `${t(`reviews.ev.${kind}`)} ${e[kind]}`;
    default:
      return e[kind] === null ? t('reviews.ev.none', { what: t(`reviews.evKind.${kind}`) }) : t(`reviews.ev.${kind}`, { n: e[kind] ?? 0 });
  }
}

function ScoreInput({ item, value, disabled, onSave }: { item: RubricItem; value: number | undefined; disabled: boolean; onSave: (v: number | null) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<number | null>(value ?? null);
  useEffect(() => setDraft(value ?? null), [value]);
  const commit = () => {
    if ((draft ?? null) !== (value ?? null)) onSave(draft);
  };
  return (
    <InputNumber
      aria-label={`${item.title} ${t('reviews.score')}`}
      data-testid={`score-${item.key}`}
      min={0}
      max={item.points}
      precision={0}
      value={draft}
      disabled={disabled}
      onChange={(v) => setDraft(v)}
      onBlur={commit}
      onPressEnter={commit}
      style={{ width: 90 }}
    />
  );
}

function InflowEditor({ value, disabled, onSave }: { value: InflowOpinion | null; disabled: boolean; onSave: (v: InflowOpinion | null) => Promise<void> }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [orgName, setOrgName] = useState(value?.orgName ?? '');
  const [text, setText] = useState(value?.text ?? '');
  if (!editing) {
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        {value ? (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="inflow-text">
            <Typography.Text strong>{value.orgName}：</Typography.Text>
            {value.text}
          </Typography.Paragraph>
        ) : (
          <Typography.Text type="secondary">{t('reviews.inflowNone')}</Typography.Text>
        )}
        {!disabled && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="inflow-edit">
            {t('reviews.inflowEdit')}
          </Button>
        )}
      </Space>
    );
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input aria-label={t('reviews.inflowOrg')} placeholder={t('reviews.inflowOrg')} value={orgName} maxLength={60} onChange={(e) => setOrgName(e.target.value)} data-testid="inflow-org" />
      <Input.TextArea aria-label={t('reviews.inflowText')} placeholder={t('reviews.inflowText')} value={text} maxLength={1000} autoSize={{ minRows: 2, maxRows: 6 }} onChange={(e) => setText(e.target.value)} data-testid="inflow-opinion" />
      <Space>
        <Button type="primary" size="small" onClick={() => void onSave({ orgName, text }).then(() => setEditing(false))} data-testid="inflow-save">
          {t('reviews.save')}
        </Button>
        {value && (
          <Button size="small" onClick={() => void onSave(null).then(() => setEditing(false))}>
            {t('reviews.inflowClear')}
          </Button>
        )}
        <Button size="small" onClick={() => setEditing(false)}>
          {t('reviews.cancel')}
        </Button>
      </Space>
    </Space>
  );
}

function EntryCard({ round, entry, onChanged }: { round: ReviewRound; entry: ReviewEntry; onChanged: (e: ReviewEntry) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [comment, setComment] = useState(entry.comment ?? '');
  useEffect(() => setComment(entry.comment ?? ''), [entry.comment]);
  const params = { id: round.id, memberId: entry.memberId };
  const score = useApiMutation((scores: Record<string, number | null>) => endpoints.reviews.score(params, { scores }), { changes: ['reviews'] });
  const saveComment = useApiMutation((c: string) => endpoints.reviews.comment(params, { comment: c }), { changes: ['reviews'] });
  const saveInflow = useApiMutation((o: InflowOpinion | null) => endpoints.reviews.inflow(params, { inflowOpinion: o }), { changes: ['reviews'] });
  const fail = (e: unknown) => void message.error(errorText(e, t('error.generic'), t('error.network')));
  const scoring = round.status === 'scoring';
  const editable = round.status === 'open' || round.status === 'scoring';
  const complete = round.rubric.every((i) => typeof entry.scores[i.key] === 'number');
  const columns: TableColumnsType<RubricItem> = [
    { title: t('reviews.item'), dataIndex: 'title', width: 140 },
    { title: t('reviews.points'), dataIndex: 'points', width: 70, align: 'right' },
    {
      title: t('reviews.evidence'),
      key: 'evidence',
      render: (_, item) => (
        <Space direction="vertical" size={0}>
          {item.evidence.map((k) => (
            <Typography.Text key={k} type={(k === 'service' || k === 'pledges' || k === 'shares' || k === 'questions' || k === 'talks') && entry.evidence[k] === null ? 'secondary' : undefined} data-testid={`evidence-${k}`}>
              {evidenceLine(t, k, entry.evidence)}
            </Typography.Text>
          ))}
        </Space>
      ),
    },
    {
      title: t('reviews.score'),
      key: 'score',
      width: 110,
      render: (_, item) => (
        <ScoreInput
          item={item}
          value={entry.scores[item.key]}
          disabled={!scoring || score.isPending}
          onSave={(v) =>
            void score
              .mutateAsync({ [item.key]: v })
              .then(onChanged)
              .catch(fail)
          }
        />
      ),
    },
  ];
  return (
    <Card
      data-testid="review-entry"
      data-member={entry.memberName}
      style={{ marginBottom: 16 }}
      title={
        <Space wrap>
          <Link to={`/members/${entry.memberId}`}>{entry.memberName}</Link>
          {entry.placeName && <Tag>{entry.placeName}</Tag>}
        </Space>
      }
      extra={
        <Typography.Text strong data-testid="entry-total" style={{ fontSize: 16 }}>
          {t('reviews.total')} {entry.total ?? '—'}
          {!complete && <Typography.Text type="secondary"> （{t('reviews.notScored')}）</Typography.Text>}
        </Typography.Text>
      }
    >
      <Table<RubricItem> rowKey="key" size="small" pagination={false} dataSource={round.rubric} columns={columns} style={{ marginBottom: 16 }} />
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('reviews.selfSummary')}>
          {entry.selfSummary ? (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="entry-summary">
              {entry.selfSummary}
            </Typography.Paragraph>
          ) : (
            <Typography.Text type="secondary">{t('reviews.noSummary')}</Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('reviews.inflow')}>
          <InflowEditor
            value={entry.inflowOpinion}
            disabled={!editable}
            onSave={(o) =>
              saveInflow
                .mutateAsync(o)
                .then(onChanged)
                .catch((e: unknown) => {
                  fail(e);
                  throw e;
                })
            }
          />
        </Descriptions.Item>
        <Descriptions.Item label={t('reviews.comment')}>
          {editable ? (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.TextArea aria-label={t('reviews.comment')} value={comment} maxLength={1000} autoSize={{ minRows: 2, maxRows: 6 }} placeholder={t('reviews.commentPlaceholder')} onChange={(e) => setComment(e.target.value)} data-testid="entry-comment" />
              <Button
                size="small"
                loading={saveComment.isPending}
                disabled={comment === (entry.comment ?? '')}
                onClick={() =>
                  void saveComment
                    .mutateAsync(comment)
                    .then((e) => {
                      onChanged(e);
                      void message.success(t('reviews.saved'));
                    })
                    .catch(fail)
                }
                data-testid="entry-comment-save"
              >
                {t('reviews.commentSave')}
              </Button>
            </Space>
          ) : (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{entry.comment ?? '—'}</Typography.Paragraph>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

export function ReviewRoundPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const res = useApi(endpoints.reviews.round.at({ id }));
  const round = res.data;
  const refresh = useApiMutation(() => endpoints.reviews.refreshEvidence({ id }), { changes: ['reviews'] });
  const startScoring = useApiMutation(() => endpoints.reviews.startScoring({ id }), { changes: ['reviews'] });
  const publish = useApiMutation(() => endpoints.reviews.publish({ id }), { changes: ['reviews'] });
  const fail = (e: unknown) => void message.error(errorText(e, t('error.generic'), t('error.network')));
  const setEntry = (e: ReviewEntry) => {
    if (round) res.setData({ ...round, entries: round.entries.map((x) => (x.memberId === e.memberId ? e : x)) });
  };
  if (res.error && !round) return <Alert type="error" showIcon message={res.error.message} />;
  if (!round) return <Skeleton active />;
  const first = round.entries[0];
  return (
    <>
      <Link to="/reviews">
        <ArrowLeftOutlined aria-hidden /> {t('reviews.back')}
      </Link>
      <PageHeader
        title={
          <Space>
            <span data-testid="round-title">
              {round.orgName} {round.quarter}
            </span>
            <StatusTag status={round.status} />
          </Space>
        }
        sub={first ? `${t('reviews.period', { from: first.evidence.from, to: first.evidence.to })} · ${t('reviews.gatheredAt', { at: chinaDateTime(new Date(first.gatheredAt)) })}` : undefined}
        extra={
          <Space wrap>
            {(round.status === 'open' || round.status === 'scoring') && (
              <Button icon={<ReloadOutlined aria-hidden />} loading={refresh.isPending} onClick={() => void refresh.mutateAsync().then(res.setData).catch(fail)} data-testid="review-refresh">
                {t('reviews.refresh')}
              </Button>
            )}
            <Button icon={<DownloadOutlined aria-hidden />} href={`/api/reviews/rounds/${round.id}/export`} data-testid="review-export">
              {t('reviews.export')}
            </Button>
            {round.status === 'open' && (
              <Button
                type="primary"
                loading={startScoring.isPending}
                data-testid="review-start-scoring"
                onClick={() => modal.confirm({ title: t('reviews.startScoringConfirm'), okText: t('common.confirm'), cancelText: t('reviews.cancel'), onOk: () => startScoring.mutateAsync().then(res.setData).catch(fail) })}
              >
                {t('reviews.startScoring')}
              </Button>
            )}
            {round.status === 'scoring' && (
              <Button
                type="primary"
                icon={<SendOutlined aria-hidden />}
                loading={publish.isPending}
                disabled={round.scored < round.members}
                data-testid="review-publish"
                onClick={() => modal.confirm({ title: t('reviews.publishConfirm'), okText: t('common.confirm'), cancelText: t('reviews.cancel'), onOk: () => publish.mutateAsync().then(res.setData).catch(fail) })}
              >
                {t('reviews.publish')}
              </Button>
            )}
          </Space>
        }
      />
      <Space style={{ marginBottom: 16 }} wrap size="large">
        <Tag>
          {t('reviews.members')} {round.members}
        </Tag>
        <Space data-testid="round-submitted">
          <Progress percent={share(round.submitted, round.members)} size="small" style={{ width: 90 }} showInfo={false} />
          <span>{t('reviews.submittedOf', { n: round.submitted, of: round.members })}</span>
        </Space>
        <Space data-testid="round-scored">
          <Progress percent={share(round.scored, round.members)} size="small" style={{ width: 90 }} showInfo={false} />
          <span>{t('reviews.scoredOf', { n: round.scored, of: round.members })}</span>
        </Space>
      </Space>
      {round.status === 'scoring' && round.scored < round.members && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('reviews.publishWaits', { n: round.members - round.scored })} data-testid="review-publish-waits" />
      )}
      {round.entries.length === 0 ? <Empty description={t('reviews.noMembers')} /> : round.entries.map((e) => <EntryCard key={e.memberId} round={round} entry={e} onChanged={setEntry} />)}
    </>
  );
}
