import { CheckCircleFilled, CloseCircleFilled, DownloadOutlined, FileExcelOutlined, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Progress, Result, Row, Space, Steps, Table, Typography, Upload } from 'antd';
import type { TableColumnsType, UploadProps } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ApiError, endpoints, uploadFile } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { errorText } from '../../hooks.ts';
import { translate, useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { Link } from '../../router.tsx';
import type { ImportJob } from '../../types.ts';

type Issue = ImportJob['issues'][number];
type Stage = { kind: 'idle' } | { kind: 'uploading'; fileName: string; percent: number } | { kind: 'processing'; fileName: string; job: ImportJob } | { kind: 'finished'; fileName: string; job: ImportJob } | { kind: 'error'; fileName: string; message: string };

const PHASE_KEYS: Record<ImportJob['phase'], MsgKey> = {
  reading: 'import.phase.reading',
  validating: 'import.phase.validating',
  writing: 'import.phase.writing',
  finished: 'import.phase.finished',
};
const PHASES: ImportJob['phase'][] = ['reading', 'validating', 'writing', 'finished'];
const POLL_MS = 500;

export function ImportPage() {
  const { t } = useI18n();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const alive = useRef(true);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
    };
  }, []);

  const poll = (fileName: string, id: string) => {
    timer.current = window.setTimeout(async () => {
      if (!alive.current) return;
      try {
        const job = await endpoints.imports.get({ id });
        if (!alive.current) return;
        if (job.state === 'queued' || job.state === 'running') {
          setStage({ kind: 'processing', fileName, job });
          poll(fileName, id);
        } else setStage({ kind: 'finished', fileName, job });
      } catch (e) {
        if (alive.current) setStage({ kind: 'error', fileName, message: errorText(e, t('import.failedGeneric'), t('error.network')) });
      }
    }, POLL_MS);
  };

  const start = async (file: File) => {
    if (!/\.xlsx$/i.test(file.name)) {
      setStage({ kind: 'error', fileName: file.name, message: t('import.onlyXlsx') });
      return;
    }
    setStage({ kind: 'uploading', fileName: file.name, percent: 0 });
    try {
      const job = await uploadFile<ImportJob>('/api/imports', file, (percent) => {
        if (alive.current) setStage((s) => (s.kind === 'uploading' ? { ...s, percent } : s));
      });
      if (!alive.current) return;
      if (job.state === 'queued' || job.state === 'running') {
        setStage({ kind: 'processing', fileName: file.name, job });
        poll(file.name, job.id);
      } else setStage({ kind: 'finished', fileName: file.name, job });
    } catch (e) {
      if (!alive.current) return;
      // a file refused at upload with per-row issues is shown like a failed job
      if (e instanceof ApiError && e.issues.length > 0) {
        const issues = e.issues.map((i) => ({ row: i.row ?? 0, column: i.field, message: i.message }));
        const job: ImportJob = { id: '', state: 'failed', phase: 'finished', processed: 0, total: 0, imported: 0, issues, message: e.message || null, queuePosition: null };
        setStage({ kind: 'finished', fileName: file.name, job });
      } else setStage({ kind: 'error', fileName: file.name, message: errorText(e, t('import.failedGeneric'), t('error.network')) });
    }
  };

  const uploadProps: UploadProps = {
    accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    multiple: false,
    maxCount: 1,
    showUploadList: false,
    disabled: stage.kind === 'uploading' || stage.kind === 'processing',
    beforeUpload: (file) => {
      void start(file);
      return false;
    },
  };

  const busy = stage.kind === 'uploading' || stage.kind === 'processing';

  return (
    <>
      <PageHeader
        title={t('import.title')}
        sub={t('import.sub')}
        extra={
          <Button icon={<DownloadOutlined aria-hidden />} href="/api/members/import-template" download>
            {t('import.downloadTemplate')}
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card>
            <Upload.Dragger {...uploadProps} aria-label={t('import.dropLabel')}>
              <p className="ant-upload-drag-icon">
                <InboxOutlined aria-hidden />
              </p>
              <p className="ant-upload-text">{t('import.drop')}</p>
              <p className="ant-upload-hint">{t('import.dropHint')}</p>
            </Upload.Dragger>

            <div data-testid="import-result" style={{ marginTop: 24 }} aria-live="polite">
              {stage.kind === 'uploading' && (
                <div>
                  <Typography.Text>
                    <FileExcelOutlined aria-hidden /> {t('import.uploading', { file: stage.fileName })}
                  </Typography.Text>
                  <Progress percent={stage.percent} status="active" aria-label={t('import.uploadProgress')} />
                </div>
              )}
              {stage.kind === 'processing' && <JobProgress fileName={stage.fileName} job={stage.job} />}
              {stage.kind === 'error' && (
                <Alert
                  type="error"
                  showIcon
                  title={t('import.failedTitle')}
                  description={
                    <>
                      {!stage.message.includes(translate('zh-CN', 'import.nothingImported')) && <div>{stage.message}</div>}
                      <div>{t('import.nothingImported')}</div>
                    </>
                  }
                />
              )}
              {stage.kind === 'finished' && stage.job.state === 'done' && (
                <Result
                  status="success"
                  icon={<CheckCircleFilled aria-hidden />}
                  title={t('import.success', { n: stage.job.imported })}
                  subTitle={stage.fileName}
                  extra={[
                    <Link key="list" to="/members">
                      <Button type="primary">{t('import.viewMembers')}</Button>
                    </Link>,
                    <Button key="again" icon={<ReloadOutlined aria-hidden />} onClick={() => setStage({ kind: 'idle' })}>
                      {t('import.again')}
                    </Button>,
                  ]}
                />
              )}
              {stage.kind === 'finished' && stage.job.state === 'failed' && <FailedJob fileName={stage.fileName} job={stage.job} onAgain={() => setStage({ kind: 'idle' })} />}
            </div>
            {busy && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {t('import.keepOpen')}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('import.howTitle')}>
            <Steps
              orientation="vertical"
              size="small"
              current={-1}
              items={[
                { title: t('import.how1'), content: t('import.how1d') },
                { title: t('import.how2'), content: t('import.how2d') },
                { title: t('import.how3'), content: t('import.how3d') },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function JobProgress({ fileName, job }: { fileName: string; job: ImportJob }) {
  const { t } = useI18n();
  const percent = job.total > 0 ? Math.floor((job.processed / job.total) * 100) : 0;
  const phaseIndex = PHASES.indexOf(job.phase);
  return (
    <div>
      <Space style={{ marginBottom: 8 }} wrap>
        <FileExcelOutlined aria-hidden />
        <Typography.Text strong>{fileName}</Typography.Text>
        {job.state === 'queued' && (job.queuePosition ?? 0) > 0 ? (
          <Typography.Text type="secondary">{t('import.queued', { n: job.queuePosition ?? 0 })}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t(PHASE_KEYS[job.phase])}</Typography.Text>
        )}
        {job.total > 0 && <Typography.Text type="secondary">{t('import.processed', { processed: job.processed, total: job.total })}</Typography.Text>}
      </Space>
      <Steps
        size="small"
        current={job.state === 'queued' ? -1 : phaseIndex}
        style={{ marginBottom: 12 }}
        items={PHASES.slice(0, 3).map((p) => ({ title: t(PHASE_KEYS[p]) }))}
      />
      <Progress percent={percent} status={job.state === 'queued' ? 'normal' : 'active'} aria-label={t('import.processProgress')} />
    </div>
  );
}

function FailedJob({ fileName, job, onAgain }: { fileName: string; job: ImportJob; onAgain: () => void }) {
  const { t } = useI18n();
  const columns: TableColumnsType<Issue> = [
    { title: t('import.col.row'), dataIndex: 'row', width: 80 },
    { title: t('import.col.column'), dataIndex: 'column', width: 160 },
    { title: t('import.col.message'), dataIndex: 'message' },
  ];
  return (
    <div>
      <Alert
        type="error"
        showIcon
        icon={<CloseCircleFilled aria-hidden />}
        title={t('import.nothingImported')}
        description={
          <>
            {job.message && !job.message.includes(translate('zh-CN', 'import.nothingImported')) && <div>{job.message}</div>}
            <div>
              {fileName}
              {job.issues.length > 0 && ` · ${t('import.issueCount', { n: job.issues.length })}`}
            </div>
          </>
        }
        action={
          <Button size="small" icon={<ReloadOutlined aria-hidden />} onClick={onAgain}>
            {t('import.again')}
          </Button>
        }
        style={{ marginBottom: 16 }}
      />
      {job.issues.length > 0 && (
        <div data-testid="import-issues">
          <Table<Issue>
            rowKey={(r) => `${r.row}-${r.column}-${r.message}`}
            size="small"
            columns={columns}
            dataSource={job.issues}
            pagination={job.issues.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          />
        </div>
      )}
    </div>
  );
}
