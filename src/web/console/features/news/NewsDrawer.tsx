import { App, Alert, Button, Card, Descriptions, Divider, Drawer, Form, Input, Popconfirm, Select, Skeleton, Space, Timeline, Typography } from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { FileField } from '../../components/learning.tsx';
import { RichTextEditor } from '../../components/RichTextEditor.tsx';
import { applyFormIssues, useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import type { NewsInput, NewsItem, NewsPatch, NewsUnits } from '../../../../shared/api-news.ts';
import { NewsStatusTags } from './NewsPage.tsx';
import { chinaDateTime } from '../../../../shared/china-time.ts';

interface FormValues {
  orgId: string;
  title: string;
  summary?: string;
  coverFileId?: string | null;
  bodyHtml?: string;
}
const FIELDS = ['orgId', 'title', 'summary', 'coverFileId', 'bodyHtml'] as const;
const IMAGE_ACCEPT = 'image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp';

/** The editor of one news item, its review (保密审查), its public link and its history, in one drawer. */
export function NewsDrawer({ id, units, defaultOrgId, onClose, onCreated }: { id: string | null; units: NewsUnits['items']; defaultOrgId: string | undefined; onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const existing = useApi(id ? endpoints.news.get.at({ id }) : null);
  const item = existing.data;
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(id, onClose);
  const save = useApiMutation((body: NewsInput | NewsPatch) => (id ? endpoints.news.update({ id }, body as NewsPatch) : endpoints.news.create(body as NewsInput)), { changes: ['news'] });
  const act = useApiMutation((fn: () => Promise<NewsItem>) => fn(), { changes: ['news'] });

  useEffect(() => {
    if (!item) return;
    form.setFieldsValue({ orgId: item.orgId, title: item.title, summary: item.summary, coverFileId: item.cover?.fileId ?? null, bodyHtml: item.bodyHtml });
  }, [item, form]);

  const editable = !id || (item?.can.edit ?? false);
  const persist = async (v: FormValues): Promise<NewsItem | null> => {
    const common = { title: v.title, summary: v.summary ?? '', bodyHtml: v.bodyHtml ?? '', coverFileId: v.coverFileId ?? null };
    try {
      const saved = await save.mutateAsync(id ? common : { ...common, orgId: v.orgId });
      form.resetFields();
      form.setFieldsValue({ orgId: saved.orgId, title: saved.title, summary: saved.summary, coverFileId: saved.cover?.fileId ?? null, bodyHtml: saved.bodyHtml });
      existing.setData(saved);
      return saved;
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) showError(e);
      return null;
    }
  };

  const onSave = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const saved = await persist(v);
    if (!saved) return;
    void message.success(t('common.saved'));
    if (!id) onCreated(saved.id);
  };

  const onSubmit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const saved = form.isFieldsTouched() || !id ? await persist(v) : item;
    if (!saved) return;
    await run(() => endpoints.news.submit({ id: saved.id }), 'news.submitted');
    if (!id) onCreated(saved.id);
  };

  const run = async (fn: () => Promise<NewsItem>, done: MsgKey): Promise<boolean> => {
    try {
      const after = await act.mutateAsync(fn);
      existing.setData(after);
      void message.success(t(done));
      return true;
    } catch (e) {
      showError(e);
      return false;
    }
  };

  return (
    <Drawer
      open
      size={860}
      title={id ? t('news.editTitle') : t('news.create')}
      onClose={requestClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={requestClose}>{t('common.cancel')}</Button>
          {editable && (
            <Button onClick={() => void onSave()} loading={save.isPending} disabled={!!id && !item} data-testid="news-save">
              {t('news.saveDraft')}
            </Button>
          )}
          {(!id || item?.can.submit) && (
            <Button type="primary" onClick={() => void onSubmit()} loading={act.isPending} data-testid="news-submit">
              {t('news.submit')}
            </Button>
          )}
        </Space>
      }
    >
      {id && existing.loading && !item ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : id && existing.error ? (
        <Typography.Text type="danger">{existing.error.message || t('error.generic')}</Typography.Text>
      ) : (
        <>
          {item && (
            <Space orientation="vertical" style={{ width: '100%', marginBottom: 16 }}>
              <Space wrap>
                <NewsStatusTags item={item} />
                <Typography.Text type="secondary">
                  {t('news.version')} {item.version} · {item.authorName}
                </Typography.Text>
              </Space>
              {item.status === 'returned' && item.reviewNote && <Alert type="warning" showIcon title={t('news.returnedNote', { note: item.reviewNote })} data-testid="news-return-note" />}
              {item.status === 'in_review' && !item.can.review && <Alert type="info" showIcon title={t('news.editInReview')} />}
              {item.live && item.can.edit && <Alert type="info" showIcon title={t('news.editApproved')} />}
            </Space>
          )}
          {item?.can.review && <ReviewCard item={item} onDone={(after) => existing.setData(after)} onStale={existing.reload} />}
          <Form<FormValues>
            form={form}
            layout="vertical"
            name="newsItem"
            disabled={!editable}
            onValuesChange={markChanged}
            initialValues={{ orgId: defaultOrgId ?? (units.find((u) => u.review) ?? units[0])?.orgId, summary: '', bodyHtml: '' }}
          >
            <Form.Item label={t('news.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]}>
              <Select disabled={!!id} style={{ maxWidth: 320 }} options={units.map((u) => ({ value: u.orgId, label: u.orgName }))} data-testid="news-org" />
            </Form.Item>
            <Form.Item label={t('news.title')} name="title" rules={[{ required: true, whitespace: true, message: t('news.titleRequired') }, { max: 120 }]}>
              <Input maxLength={120} data-testid="news-title" />
            </Form.Item>
            <Form.Item label={t('news.summary')} name="summary" extra={t('news.summaryHint')}>
              <Input.TextArea maxLength={200} showCount autoSize={{ minRows: 2, maxRows: 3 }} data-testid="news-summary" />
            </Form.Item>
            <Form.Item label={t('news.cover')} name="coverFileId" extra={t('news.coverHint')}>
              <FileField purpose="news" accept={IMAGE_ACCEPT} initialFile={item?.cover ? { id: item.cover.fileId, url: item.cover.url, fileName: 'cover', mimeType: 'image/*', sizeBytes: 0 } : null} testId="news-cover" />
            </Form.Item>
            <Form.Item label={t('news.body')} name="bodyHtml" valuePropName="value">
              <RichTextEditor testId="news-body" imagePurpose="news" />
            </Form.Item>
          </Form>
          {item && <Published item={item} run={run} />}
          {item && <History item={item} />}
        </>
      )}
    </Drawer>
  );
}

function ReviewCard({ item, onDone, onStale }: { item: NewsItem; onDone: (after: NewsItem) => void; onStale: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = useApiMutation((fn: () => Promise<NewsItem>) => fn(), { changes: ['news'] });
  const self = item.mine;
  const go = async (fn: () => Promise<NewsItem>, done: MsgKey) => {
    try {
      onDone(await act.mutateAsync(fn));
      setNote('');
      void message.success(t(done));
    } catch (e) {
      showError(e);
      // Changed since it was read (the server refuses a decision on text not seen): show it as it is now.
      if (e instanceof ApiError && e.status === 409) onStale();
    }
  };
  return (
    <Card size="small" title={t('news.review')} style={{ marginBottom: 16, borderColor: '#faad14' }} data-testid="news-review">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('news.reviewHint')}
      </Typography.Paragraph>
      {self && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
          {t('news.selfReviewHint')}
        </Typography.Paragraph>
      )}
      <Input.TextArea
        aria-label={t('news.sendBackNote')}
        placeholder={`${t('news.sendBackNote')} / ${t('news.approveNote')}`}
        value={note}
        maxLength={500}
        status={error ? 'error' : undefined}
        onChange={(e) => {
          setNote(e.target.value);
          setError(null);
        }}
        autoSize={{ minRows: 2, maxRows: 4 }}
        data-testid="news-review-note"
      />
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Space style={{ marginTop: 8 }}>
        <Button type="primary" loading={act.isPending} onClick={() => void go(() => endpoints.news.approve({ id: item.id }, { ...(note.trim() ? { note: note.trim() } : {}), updatedAt: item.updatedAt }), 'news.approved')} data-testid="news-approve">
          {t('news.approve')}
        </Button>
        <Button
          danger
          loading={act.isPending}
          onClick={() => {
            if (!note.trim()) return setError(t('news.sendBackNoteRequired'));
            void go(() => endpoints.news.sendBack({ id: item.id }, { note: note.trim(), updatedAt: item.updatedAt }), 'news.sentBack');
          }}
          data-testid="news-send-back"
        >
          {t('news.sendBack')}
        </Button>
      </Space>
    </Card>
  );
}

function Published({ item, run }: { item: NewsItem; run: (fn: () => Promise<NewsItem>, done: MsgKey) => Promise<boolean> }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (item.live) void QRCode.toString(item.publicUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }).then((svg) => live && setQr(`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`));
    return () => {
      live = false;
    };
  }, [item.live, item.publicUrl]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(item.publicUrl);
      void message.success(t('news.copied'));
    } catch {
      void message.error(t('news.copyFailed'));
    }
  };
  const unitUrl = item.publicUrl.replace(/\/[0-9a-f-]{36}$/i, '');
  return (
    <>
      <Divider titlePlacement="start">{t('news.publicLink')}</Divider>
      {item.live ? (
        <Space align="start" size={24} wrap>
          {qr && <img src={qr} alt={t('news.qr')} width={140} height={140} data-testid="news-qr" />}
          <Space orientation="vertical">
            <Typography.Text copyable={false} data-testid="news-public-url">
              <a href={item.publicUrl} target="_blank" rel="noopener noreferrer">
                {item.publicUrl}
              </a>
            </Typography.Text>
            <Space wrap>
              <Button onClick={() => void copy()} data-testid="news-copy-link">
                {t('news.copyLink')}
              </Button>
              <Button href={unitUrl} target="_blank" rel="noopener noreferrer">
                {t('news.unitPage')}
              </Button>
            </Space>
            <Typography.Text type="secondary">{t('news.qr')}</Typography.Text>
            <Space wrap>
              {item.can.withdraw && (
                <Popconfirm title={t('news.withdrawConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => void run(() => endpoints.news.withdraw({ id: item.id }), 'news.withdrawn')}>
                  <Button danger data-testid="news-withdraw">
                    {t('news.withdraw')}
                  </Button>
                </Popconfirm>
              )}
              {item.inLibrary ? (
                <Typography.Text type="success" data-testid="news-in-library">
                  {t('news.inLibrary')}
                </Typography.Text>
              ) : (
                item.can.addToLibrary && (
                  <Button title={t('news.toLibraryHint')} onClick={() => void run(() => endpoints.news.toLibrary({ id: item.id }), 'news.addedToLibrary')} data-testid="news-to-library">
                    {t('news.toLibrary')}
                  </Button>
                )
              )}
            </Space>
            {item.can.addToLibrary && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('news.toLibraryHint')}</Typography.Text>}
          </Space>
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('news.notPublicYet')}</Typography.Text>
      )}
    </>
  );
}

function History({ item }: { item: NewsItem }) {
  const { t } = useI18n();
  return (
    <>
      <Divider titlePlacement="start">{t('news.history')}</Divider>
      {item.history.length === 0 ? (
        <Typography.Text type="secondary">{t('news.history.empty')}</Typography.Text>
      ) : (
        <Timeline
          data-testid="news-history"
          items={item.history.map((h) => ({
            color: h.decision === 'approve' ? 'green' : h.decision === 'return' ? 'red' : 'gray',
            content: (
              <Descriptions size="small" column={1} colon={false}>
                <Descriptions.Item label={chinaDateTime(new Date(h.at))}>
                  {t(`news.history.${h.decision}` as MsgKey)} · {t('news.version')} {h.version} · {h.actorName}
                  {h.selfReview ? `（${t('news.history.self')}）` : ''}
                </Descriptions.Item>
                {h.note && <Descriptions.Item label="">{h.note}</Descriptions.Item>}
              </Descriptions>
            ),
          }))}
        />
      )}
    </>
  );
}
