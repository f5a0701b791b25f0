import { Modal, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import type { ServiceSignupRow, ServiceTask } from '../../../../shared/api-service.ts';
import { endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

/** A task's sign-ups: the confirmed ones, then the waiting list in its order. */
export function SignupsModal({ task, onClose }: { task: ServiceTask | null; onClose: () => void }) {
  const { t } = useI18n();
  const data = useApi(task ? endpoints.service.signups.at({ id: task.id }) : null);
  const columns: TableColumnsType<ServiceSignupRow> = [
    { title: t('svc.signups.name'), key: 'name', render: (_: unknown, s) => s.member.name },
    { title: t('svc.signups.unit'), key: 'unit', render: (_: unknown, s) => s.member.orgName },
    {
      title: t('svc.signups.status'),
      key: 'status',
      render: (_: unknown, s) => (s.status === 'confirmed' ? <Tag color="green">{t('svc.signups.confirmed')}</Tag> : <Tag color="orange">{t('svc.signups.waiting', { n: s.position ?? 0 })}</Tag>),
    },
    { title: t('svc.signups.at'), dataIndex: 'createdAt', render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
  ];
  return (
    <Modal open={task !== null} title={t('svc.signups.title', { task: task?.title ?? '' })} onCancel={onClose} footer={null} width={640} destroyOnHidden>
      <div data-testid="service-signups">
        {data.error && !data.data ? (
          <LoadFailed error={data.error} onReload={data.reload} testId="service-signups-failed" />
        ) : (
          <Table<ServiceSignupRow> rowKey="signupId" size="small" loading={data.loading} columns={columns} dataSource={data.data?.items ?? []} pagination={false} locale={{ emptyText: t('svc.signups.empty') }} />
        )}
      </div>
    </Modal>
  );
}
