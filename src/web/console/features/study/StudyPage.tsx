import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Drawer, Empty, Form, Input, InputNumber, Popconfirm, Radio, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter, OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { FileField, STUDY_CATEGORIES, STUDY_CATEGORY_KEYS, STUDY_KINDS, STUDY_KIND_KEYS, StudyKindTag } from '../../components/learning.tsx';
import { RichTextEditor } from '../../components/RichTextEditor.tsx';
import { ArticleAudioField } from './ArticleAudio.tsx';
import { applyFormIssues, useApi, useApiMutation, useOrgs, useShowError, useUrlList, useUrlSearchText } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { StudyCategory, StudyItemInput, StudyItemKind, StudyItemPatch, StudyItemSummary } from '../../types.ts';

const FILTER_KEYS = ['q', 'orgId', 'category', 'kind', 'includeRetired'] as const;

export function StudyPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/study', FILTER_KEYS);
  const list = useApi(endpoints.studyItems.list.at({ ...filters, page, pageSize }));
  const [editing, setEditing] = useState<null | { id: string | null }>(null);

  const [text, setText] = useUrlSearchText(filters.q, (q) => setFilter({ q }, { replace: true }));

  const retire = async (item: StudyItemSummary) => {
    try {
      await endpoints.studyItems.retire({ id: item.id });
      void message.success(t('study.retired'));
      list.reload();
    } catch (e) {
      showError(e);
    }
  };

  const columns: TableColumnsType<StudyItemSummary> = [
    {
      title: t('study.title'),
      dataIndex: 'title',
      ellipsis: true,
      render: (_: unknown, i) => (
        <div style={{ minWidth: 0 }}>
          <a onClick={() => setEditing({ id: i.id })} data-testid={`study-row-${i.id}`} style={{ fontWeight: 500 }} title={i.title}>
            {i.title}
          </a>
          {i.summary && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: i.summary }} style={{ display: 'block' }}>
              {i.summary}
            </Typography.Text>
          )}
        </div>
      ),
    },
    { title: t('study.kind'), dataIndex: 'kind', width: 90, render: (_: unknown, i) => <StudyKindTag kind={i.kind} /> },
    { title: t('study.category'), dataIndex: 'category', width: 100, render: (_: unknown, i) => t(STUDY_CATEGORY_KEYS[i.category]) },
    {
      title: t('study.tags'),
      dataIndex: 'tags',
      width: 150,
      render: (_: unknown, i) =>
        i.tags.length ? (
          <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
            {i.tags.map((tag) => (
              <Tag key={tag} style={{ marginInlineEnd: 0 }}>
                {tag}
              </Tag>
            ))}
          </span>
        ) : (
          '—'
        ),
    },
    { title: t('study.author'), dataIndex: 'author', width: 100, render: (_: unknown, i) => i.author ?? '—' },
    { title: t('study.org'), dataIndex: 'orgName', width: 140, ellipsis: true },
    { title: t('study.minutes'), dataIndex: 'minutes', width: 80, render: (_: unknown, i) => t('study.minutesN', { n: i.minutes }) },
    { title: t('study.updatedAt'), dataIndex: 'updatedAt', width: 150, render: (_: unknown, i) => dayjs(i.updatedAt).format('YYYY-MM-DD HH:mm') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 130,
      render: (_: unknown, i) =>
        i.retired ? (
          <Tag>{t('study.retiredTag')}</Tag>
        ) : (
          <Space size={4}>
            <Button size="small" type="link" onClick={() => setEditing({ id: i.id })}>
              {t('common.edit')}
            </Button>
            <Popconfirm title={t('study.retireConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => retire(i)}>
              <Button size="small" type="link" danger data-testid={`retire-study-${i.id}`}>
                {t('study.retire')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('study.pageTitle')}
        sub={list.data ? t('common.totalItems', { n: list.data.total }) : undefined}
        extra={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setEditing({ id: null })} data-testid="new-study-item">
            {t('study.create')}
          </Button>
        }
      />
      <FilterBar name="studyFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <Form.Item label={t('common.search')} htmlFor="sf-q">
          <Input id="sf-q" allowClear prefix={<SearchOutlined aria-hidden />} placeholder={t('study.searchPlaceholder')} value={text} onChange={(e) => setText(e.target.value)} style={{ width: 200 }} data-testid="study-search" />
        </Form.Item>
        <OrgFilter id="sf-org" label={t('study.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} width={180} />
        <Form.Item label={t('study.category')} htmlFor="sf-category">
          <Select
            id="sf-category"
            allowClear
            placeholder={t('common.all')}
            value={filters.category ?? null}
            onChange={(v: string | null) => setFilter({ category: v })}
            style={{ width: 120 }}
            options={STUDY_CATEGORIES.map((c) => ({ value: c, label: t(STUDY_CATEGORY_KEYS[c]) }))}
          />
        </Form.Item>
        <Form.Item label={t('study.kind')} htmlFor="sf-kind">
          <Select
            id="sf-kind"
            allowClear
            placeholder={t('common.all')}
            value={filters.kind ?? null}
            onChange={(v: string | null) => setFilter({ kind: v })}
            style={{ width: 110 }}
            options={STUDY_KINDS.map((k) => ({ value: k, label: t(STUDY_KIND_KEYS[k]) }))}
          />
        </Form.Item>
        <Form.Item>
          <Checkbox checked={filters.includeRetired === 'true'} onChange={(e) => setFilter({ includeRetired: e.target.checked ? 'true' : null })}>
            {t('study.includeRetired')}
          </Checkbox>
        </Form.Item>
      </FilterBar>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="study-table">
          <Table<StudyItemSummary>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            rowClassName={(i) => (i.retired ? 'lx-row-muted' : '')}
            locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : hasFilters ? t('common.emptyFiltered') : t('study.empty')} /> }}
            pagination={pagination(list.data?.total)}
            scroll={{ x: 1200 }}
          />
        </div>
      </Card>
      <style>{'.lx-row-muted td{opacity:.55}'}</style>
      {editing && (
        <StudyItemDrawer
          id={editing.id}
          defaultOrgId={filters.orgId}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
    </>
  );
}

interface FormValues {
  orgId: string;
  kind: StudyItemKind;
  title: string;
  category: StudyCategory;
  tags: string[];
  author?: string | null;
  summary?: string | null;
  minutes: number;
  bodyHtml?: string | null;
  mediaSource: 'file' | 'link';
  mediaUrl?: string | null;
  fileId?: string | null;
  audioFileId?: string | null;
}

const FIELDS = ['orgId', 'kind', 'title', 'category', 'tags', 'author', 'summary', 'minutes', 'bodyHtml', 'mediaUrl', 'fileId', 'audioFileId'] as const;
const ACCEPT: Record<Exclude<StudyItemKind, 'article'>, string> = {
  audio: 'audio/mpeg,audio/mp4,audio/aac,audio/ogg,audio/wav,.mp3,.m4a,.aac,.wav,.ogg',
  video: 'video/mp4,video/webm,.mp4,.webm',
  pdf: 'application/pdf,.pdf',
};
const blank = (v: string | null | undefined): string | null => (v && v.trim() ? v.trim() : null);

function StudyItemDrawer({ id, defaultOrgId, onClose, onSaved }: { id: string | null; defaultOrgId: string | undefined; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const existing = useApi(id ? endpoints.studyItems.get.at({ id }) : null);
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(id, onClose);
  // Saved only once a recording in progress is stopped and stored.
  const [recordingAudio, setRecordingAudio] = useState(false);
  const saveItem = useApiMutation(
    (body: StudyItemPatch | StudyItemInput) => (id ? endpoints.studyItems.update({ id }, body as StudyItemPatch) : endpoints.studyItems.create(body as StudyItemInput)),
    { changes: ['studyItems'] },
  );
  const kind = Form.useWatch('kind', form) ?? 'article';
  const mediaSource = Form.useWatch('mediaSource', form) ?? 'file';
  const item = existing.data;

  // a new item belongs to the unit filtered on, else the first unit the caller sees (once loaded)
  useEffect(() => {
    const first = orgs.data?.items[0]?.id;
    if (!id && first && !form.getFieldValue('orgId')) form.setFieldValue('orgId', defaultOrgId ?? first);
  }, [orgs.data, id, defaultOrgId, form]);

  useEffect(() => {
    if (!item) return;
    form.setFieldsValue({
      orgId: item.orgId,
      kind: item.kind,
      title: item.title,
      category: item.category,
      tags: item.tags,
      author: item.author,
      summary: item.summary,
      minutes: item.minutes,
      bodyHtml: item.bodyHtml,
      mediaSource: item.mediaUrl ? 'link' : 'file',
      mediaUrl: item.mediaUrl,
      fileId: item.file?.id ?? null,
      audioFileId: item.audio?.id ?? null,
    });
  }, [item, form]);

  const save = async (v: FormValues) => {
    const media = v.kind === 'audio' || v.kind === 'video' ? v.mediaSource : v.kind === 'pdf' ? 'file' : null;
    const common = {
      title: v.title,
      category: v.category,
      tags: v.tags ?? [],
      author: blank(v.author),
      summary: blank(v.summary),
      minutes: v.minutes,
      bodyHtml: v.kind === 'article' ? (v.bodyHtml ?? '') : null,
      mediaUrl: media === 'link' ? blank(v.mediaUrl) : null,
      fileId: media === 'file' ? (v.fileId ?? null) : null,
      // An article's recording, sent only when it changed: an unchanged one leaves speech synthesis to its work.
      ...(v.kind === 'article' && (v.audioFileId ?? null) !== (item?.audio?.id ?? null) ? { audioFileId: v.audioFileId ?? null } : {}),
    };
    try {
      await saveItem.mutateAsync(id ? (common satisfies StudyItemPatch) : ({ ...common, orgId: v.orgId, kind: v.kind } satisfies StudyItemInput));
      void message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) showError(e);
    }
  };

  return (
    <Drawer
      open
      size={820}
      title={id ? t('study.editTitle') : t('study.create')}
      onClose={requestClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={requestClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={saveItem.isPending}
            disabled={(!!id && !item) || recordingAudio}
            title={recordingAudio ? t('study.audio.saveWhileRecording') : undefined}
            onClick={() => form.submit()}
            data-testid="save-study-item"
          >
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {id && existing.loading && !item ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : id && existing.error ? (
        <Typography.Text type="danger">{existing.error.message || t('error.generic')}</Typography.Text>
      ) : (
        <Form<FormValues>
          form={form}
          layout="vertical"
          name="studyItem"
          onValuesChange={markChanged}
          initialValues={{ kind: 'article', category: 'theory', tags: [], minutes: 5, mediaSource: 'file', orgId: defaultOrgId ?? orgs.data?.items[0]?.id }}
          onFinish={(v) => void save(v)}
        >
          <Space size={16} wrap style={{ width: '100%' }} align="start">
            <Form.Item label={t('study.kind')} name="kind" rules={[{ required: true, message: t('common.required') }]}>
              <Radio.Group optionType="button" disabled={!!id} data-testid="study-kind" options={STUDY_KINDS.map((k) => ({ value: k, label: t(STUDY_KIND_KEYS[k]) }))} />
            </Form.Item>
            <Form.Item label={t('study.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]} style={{ minWidth: 240 }}>
              <OrgTreeSelect orgs={orgs.data?.items} disabled={!!id} allowClear={false} data-testid="study-org" />
            </Form.Item>
          </Space>
          <Form.Item label={t('study.title')} name="title" rules={[{ required: true, whitespace: true, message: t('study.titleRequired') }, { max: 200 }]}>
            <Input maxLength={200} data-testid="study-title" />
          </Form.Item>
          <Space size={16} wrap align="start">
            <Form.Item label={t('study.category')} name="category" rules={[{ required: true, message: t('common.required') }]}>
              <Select style={{ width: 150 }} data-testid="study-category" options={STUDY_CATEGORIES.map((c) => ({ value: c, label: t(STUDY_CATEGORY_KEYS[c]) }))} />
            </Form.Item>
            <Form.Item label={t('study.author')} name="author">
              <Input maxLength={50} style={{ width: 160 }} data-testid="study-author" />
            </Form.Item>
            <Form.Item label={t('study.minutes')} name="minutes" rules={[{ required: true, message: t('common.required') }]} extra={t('study.minutesHint')}>
              <InputNumber min={1} max={600} precision={0} suffix={t('study.minuteUnit')} style={{ width: 130 }} data-testid="study-minutes" />
            </Form.Item>
          </Space>
          <Form.Item label={t('study.tags')} name="tags" extra={t('study.tagsHint')}>
            <Select mode="tags" maxCount={10} tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} data-testid="study-tags" />
          </Form.Item>
          <Form.Item label={t('study.summary')} name="summary">
            <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 4 }} data-testid="study-summary" />
          </Form.Item>
          {kind === 'article' && (
            <Form.Item label={t('study.body')} name="bodyHtml" rules={[{ required: true, message: t('study.bodyRequired') }]} valuePropName="value">
              <RichTextEditor testId="study-body" />
            </Form.Item>
          )}
          {kind === 'article' && (
            <Form.Item label={t('study.audio')} name="audioFileId" extra={t('study.audio.hint')}>
              <ArticleAudioField initialFile={item?.audio ?? null} onRecordingChange={setRecordingAudio} speechState={item?.speech} />
            </Form.Item>
          )}
          {(kind === 'audio' || kind === 'video') && (
            <>
              <Form.Item label={t('study.mediaSource')} name="mediaSource">
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'file', label: t('study.mediaUpload') },
                    { value: 'link', label: t('study.mediaLink') },
                  ]}
                  data-testid="study-media-source"
                />
              </Form.Item>
              {mediaSource === 'link' ? (
                <Form.Item label={t('study.mediaUrl')} name="mediaUrl" rules={[{ required: true, message: t('common.required') }, { pattern: /^https?:\/\/\S+$/i, message: t('common.urlInvalid') }]} extra={t('study.mediaUrlHint')}>
                  <Input placeholder="https://" data-testid="study-media-url" />
                </Form.Item>
              ) : (
                <Form.Item label={t('study.file')} name="fileId" rules={[{ required: true, message: t('study.fileRequired') }]} extra={t(kind === 'audio' ? 'study.audioHint' : 'study.videoHint')}>
                  <FileField purpose="study" accept={ACCEPT[kind]} initialFile={item?.file ?? null} testId="study-file" />
                </Form.Item>
              )}
            </>
          )}
          {kind === 'pdf' && (
            <Form.Item label={t('study.file')} name="fileId" rules={[{ required: true, message: t('study.fileRequired') }]} extra={t('study.pdfHint')}>
              <FileField purpose="study" accept={ACCEPT.pdf} initialFile={item?.file ?? null} testId="study-file" />
            </Form.Item>
          )}
        </Form>
      )}
    </Drawer>
  );
}
