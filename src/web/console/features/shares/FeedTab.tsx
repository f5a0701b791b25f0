import { App, Button, DatePicker, Drawer, Empty, Form, List, Select, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { SHARE_KINDS } from '../../../../shared/enums.ts';
import type { ConsoleSharePost, ShareComment } from '../../../../shared/api-shares.ts';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter } from '../../components/common.tsx';
import { useApi, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { HideDialog } from './HideDialog.tsx';
import { PostCard } from './PostCard.tsx';
import { KIND_KEY } from './labels.ts';

const FILTER_KEYS = ['orgId', 'month', 'topicId', 'kind', 'hidden'] as const;
type Hiding = { kind: 'post'; id: string } | { kind: 'comment'; id: string; postId: string };

/** The posts seen or written in the secretary's units, newest first, 20 a page (keyset cursor). */
export function FeedTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const { filters, hasFilters, setQuery, setFilter } = useUrlList('/shares', FILTER_KEYS);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const hidden = filters.hidden === 'hidden' || filters.hidden === 'visible' ? filters.hidden : 'all';
  const kind = SHARE_KINDS.find((k) => k === filters.kind);
  const list = useApi(
    endpoints.shares.list.at({
      ...(filters.orgId ? { orgId: filters.orgId } : {}),
      ...(filters.month ? { month: filters.month } : {}),
      ...(filters.topicId ? { topicId: filters.topicId } : {}),
      ...(kind ? { kind } : {}),
      hidden,
      ...(cursor ? { cursor } : {}),
    }),
  );
  const topics = useApi(endpoints.shares.topics.at({ ...(filters.orgId ? { orgId: filters.orgId } : {}), ...(filters.month ? { month: filters.month } : {}) }));
  const [openId, setOpenId] = useState<string | null>(null);
  const detail = useApi(openId ? endpoints.shares.detail.at({ id: openId }) : null);
  const [hiding, setHiding] = useState<Hiding | null>(null);

  const change = (patch: Partial<Record<(typeof FILTER_KEYS)[number], string | undefined>>) => {
    setCursors([]);
    setFilter(patch);
  };
  const unhidePost = async (p: ConsoleSharePost) => {
    try {
      await endpoints.shares.unhide({ id: p.id });
      void message.success(t('share.unhiddenDone'));
      list.reload();
      detail.reload();
    } catch (e) {
      showError(e);
    }
  };
  const unhideComment = async (c: ShareComment) => {
    try {
      await endpoints.shares.unhideComment({ id: c.id });
      void message.success(t('share.unhiddenDone'));
      detail.reload();
    } catch (e) {
      showError(e);
    }
  };
  const hide = async (reason: string) => {
    if (!hiding) return;
    if (hiding.kind === 'post') await endpoints.shares.hide({ id: hiding.id }, { reason });
    else await endpoints.shares.hideComment({ id: hiding.id }, { reason });
    void message.success(t('share.hiddenDone'));
    list.reload();
    detail.reload();
  };

  const d = list.data;
  const post = detail.data && detail.data.id === openId ? detail.data : undefined;
  return (
    <>
      <FilterBar
        name="shareFilters"
        hasFilters={hasFilters}
        onReset={() => {
          setCursors([]);
          setQuery({});
        }}
      >
        <OrgFilter id="sf-org" label={t('share.org')} value={filters.orgId} onChange={(v) => change({ orgId: v })} />
        <Form.Item label={t('share.month')}>
          <DatePicker picker="month" value={filters.month ? dayjs(`${filters.month}-01`) : null} onChange={(v) => change({ month: v ? v.format('YYYY-MM') : undefined })} data-testid="share-filter-month" />
        </Form.Item>
        <Form.Item label={t('share.topic')}>
          <Select
            allowClear
            style={{ width: 200 }}
            placeholder={t('common.all')}
            value={filters.topicId}
            onChange={(v?: string) => change({ topicId: v })}
            options={(topics.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.month} ${x.title}` }))}
            data-testid="share-filter-topic"
          />
        </Form.Item>
        <Form.Item label={t('share.kind')}>
          <Select allowClear style={{ width: 140 }} placeholder={t('common.all')} value={kind} onChange={(v?: string) => change({ kind: v })} options={SHARE_KINDS.map((k) => ({ value: k, label: t(KIND_KEY[k]) }))} data-testid="share-filter-kind" />
        </Form.Item>
        <Form.Item label={t('share.hiddenFilter')}>
          <Select
            style={{ width: 120 }}
            value={hidden}
            onChange={(v: string) => change({ hidden: v === 'all' ? undefined : v })}
            options={(['all', 'hidden', 'visible'] as const).map((h) => ({ value: h, label: t(`share.hidden.${h}`) }))}
            data-testid="share-filter-hidden"
          />
        </Form.Item>
      </FilterBar>
      <div data-testid="shares-feed">
        {!d ? (
          <Skeleton active />
        ) : d.items.length === 0 ? (
          <Empty description={list.error ? list.error.message || t('error.generic') : t('share.empty')} />
        ) : (
          d.items.map((p) => <PostCard key={p.id} post={p} onOpen={() => setOpenId(p.id)} onHide={() => setHiding({ kind: 'post', id: p.id })} onUnhide={() => void unhidePost(p)} />)
        )}
      </div>
      <Space style={{ marginTop: 8 }}>
        {cursors.length > 0 && <Button onClick={() => setCursors([])}>{t('share.firstPage')}</Button>}
        {d?.nextCursor && (
          <Button onClick={() => setCursors([...cursors, d.nextCursor as string])} data-testid="share-next-page">
            {t('share.nextPage')}
          </Button>
        )}
      </Space>
      <Drawer open={!!openId} onClose={() => setOpenId(null)} title={t('share.detailTitle')} size="large" destroyOnHidden>
        {!post ? (
          <Skeleton active />
        ) : (
          <>
            <PostCard post={post} onOpen={() => {}} onHide={() => setHiding({ kind: 'post', id: post.id })} onUnhide={() => void unhidePost(post)} />
            <List
              dataSource={post.comments}
              locale={{ emptyText: t('share.noComments') }}
              renderItem={(c) => (
                <List.Item
                  data-testid={`share-comment-${c.id}`}
                  actions={[
                    c.hidden ? (
                      <Button key="u" size="small" onClick={() => void unhideComment(c)}>
                        {t('share.unhide')}
                      </Button>
                    ) : (
                      <Button key="h" size="small" danger onClick={() => setHiding({ kind: 'comment', id: c.id, postId: post.id })} data-testid={`share-hide-comment-${c.id}`}>
                        {t('share.hide')}
                      </Button>
                    ),
                  ]}
                >
                  <List.Item.Meta
                    title={
                      <Space size={6}>
                        {c.author.name}
                        <Typography.Text type="secondary">{dayjs(c.createdAt).format('MM-DD HH:mm')}</Typography.Text>
                        {c.hidden && <Tag color="error">{t('share.hiddenTag')}</Tag>}
                      </Space>
                    }
                    description={
                      <>
                        <span style={{ whiteSpace: 'pre-wrap' }}>{c.body}</span>
                        {c.hidden && <Typography.Paragraph type="danger">{t('share.hiddenReason', { reason: c.hidden.reason })}</Typography.Paragraph>}
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          </>
        )}
      </Drawer>
      <HideDialog open={!!hiding} onClose={() => setHiding(null)} onHide={hide} />
    </>
  );
}
