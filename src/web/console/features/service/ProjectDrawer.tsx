import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ServiceProject, ServiceProjectStatus, ServiceTaskInput } from '../../../../shared/api-service.ts';
import { endpoints } from '../../api.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { DayPicker } from '../../components/DayPicker.tsx';
import { applyFormIssues, useApi, useApiMutation, useOrgs, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { StatusTag } from './ProjectsTab.tsx';

interface Values {
  orgId: string;
  teamId: string | null;
  title: string;
  place: string;
  description: string;
  startsOn: Dayjs | null;
  endsOn: Dayjs | null;
  tasks: { id?: string; title: string; description: string; remote: boolean; capacity: number }[];
}

const FIELDS = ['orgId', 'teamId', 'title', 'place', 'description', 'startsOn', 'endsOn', 'tasks', 'title', 'capacity'] as const;

/**
 * A project in a drawer: new (`'new'`) or an existing one. Its tasks are edited in it (a removed
 * task is retired, its sign-ups kept); closing, reopening and cancelling are buttons at the bottom.
 */
export function ProjectDrawer({ project, onClose }: { project: ServiceProject | 'new' | null; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const teams = useApi(project ? endpoints.teams.list.at() : null);
  const [form] = Form.useForm<Values>();
  const existing = project && project !== 'new' ? project : null;
  const create = useApiMutation((v: Parameters<typeof endpoints.service.createProject>[0]) => endpoints.service.createProject(v), { changes: ['service'] });
  const update = useApiMutation((v: { id: string; body: Parameters<typeof endpoints.service.updateProject>[1] }) => endpoints.service.updateProject({ id: v.id }, v.body), { changes: ['service'] });

  const initialValues: Partial<Values> = existing
    ? {
        orgId: existing.org.id,
        teamId: existing.team?.id ?? null,
        title: existing.title,
        place: existing.place,
        description: existing.description,
        startsOn: dayjs(existing.startsOn),
        endsOn: dayjs(existing.endsOn),
        tasks: existing.tasks.map((k) => ({ id: k.id, title: k.title, description: k.description, remote: k.remote, capacity: k.capacity })),
      }
    : { teamId: null, tasks: [{ title: '', description: '', remote: false, capacity: 5 }] };

  const tasksOf = (v: Values): ServiceTaskInput[] => v.tasks.map((k) => ({ ...(k.id ? { id: k.id } : {}), title: k.title, description: k.description ?? '', remote: !!k.remote, capacity: k.capacity }));

  const save = async () => {
    const v = await form.validateFields();
    const startsOn = v.startsOn?.format('YYYY-MM-DD') ?? '';
    const endsOn = v.endsOn?.format('YYYY-MM-DD') ?? '';
    try {
      if (existing) {
        await update.mutateAsync({ id: existing.id, body: { updatedAt: existing.updatedAt, title: v.title, place: v.place ?? '', description: v.description ?? '', startsOn, endsOn, tasks: tasksOf(v) } });
        message.success(t('svc.saved'));
      } else {
        await create.mutateAsync({ orgId: v.orgId, teamId: v.teamId, title: v.title, place: v.place ?? '', description: v.description ?? '', startsOn, endsOn, tasks: tasksOf(v) });
        message.success(t('svc.created'));
      }
      onClose();
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) showError(e);
    }
  };

  const setStatus = async (status: ServiceProjectStatus) => {
    if (!existing) return;
    try {
      await update.mutateAsync({ id: existing.id, body: { updatedAt: existing.updatedAt, status } });
      message.success(t('svc.saved'));
      onClose();
    } catch (e) {
      showError(e);
    }
  };

  const teamOptions = (teams.data?.items ?? []).map((x) => ({ value: x.id, label: x.gridName ? `${x.name} · ${x.gridName}` : x.name }));

  return (
    <Drawer
      open={project !== null}
      onClose={onClose}
      title={
        existing ? (
          <Space>
            {t('svc.editProject')} <StatusTag status={existing.status} />
          </Space>
        ) : (
          t('svc.newProject')
        )
      }
      size="large"
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => void save()} loading={create.isPending || update.isPending} data-testid="service-project-save">
          {t('svc.save')}
        </Button>
      }
      footer={
        existing && (
          <Space>
            {existing.status === 'open' && (
              <Button onClick={() => void setStatus('closed')} data-testid="service-project-close">
                {t('svc.close')}
              </Button>
            )}
            {existing.status === 'closed' && <Button onClick={() => void setStatus('open')}>{t('svc.reopen')}</Button>}
            {existing.status !== 'cancelled' && (
              <Popconfirm title={t('svc.cancelConfirm')} onConfirm={() => void setStatus('cancelled')}>
                <Button danger>{t('svc.cancel')}</Button>
              </Popconfirm>
            )}
          </Space>
        )
      }
    >
      <Form key={existing?.id ?? 'new'} form={form} layout="vertical" name="serviceProject" preserve={false} initialValues={initialValues}>
        <Form.Item name="orgId" label={t('svc.org')} rules={[{ required: true, message: t('svc.required') }]}>
          <OrgTreeSelect orgs={orgs.data?.items} disabled={!!existing} data-testid="service-project-org" />
        </Form.Item>
        <Form.Item name="teamId" label={t('svc.project.team')}>
          <Select allowClear disabled={!!existing} placeholder={t('svc.project.noTeam')} options={teamOptions} data-testid="service-project-team" />
        </Form.Item>
        <Form.Item name="title" label={t('svc.project.title')} rules={[{ required: true, whitespace: true, message: t('svc.required') }]}>
          <Input maxLength={100} data-testid="service-project-title" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="startsOn" label={t('svc.project.dates')} rules={[{ required: true, message: t('svc.required') }]}>
            <DayPicker data-testid="service-project-starts" />
          </Form.Item>
          <Form.Item
            name="endsOn"
            label=" "
            dependencies={['startsOn']}
            rules={[
              { required: true, message: t('svc.required') },
              ({ getFieldValue }) => ({
                validator: (_, v: Dayjs | null) => {
                  const s = getFieldValue('startsOn') as Dayjs | null;
                  return v && s && v.isBefore(s, 'day') ? Promise.reject(new Error(t('svc.endsBeforeStarts'))) : Promise.resolve();
                },
              }),
            ]}
          >
            <DayPicker data-testid="service-project-ends" />
          </Form.Item>
        </Space>
        <Form.Item name="place" label={t('svc.project.place')}>
          <Input maxLength={200} data-testid="service-project-place" />
        </Form.Item>
        <Form.Item name="description" label={t('svc.project.description')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Typography.Title level={5}>{t('svc.project.tasks')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('svc.task.removeHint')}</Typography.Paragraph>
        <Form.List name="tasks">
          {(fields, { add, remove }) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {fields.map((field, i) => (
                <Card
                  key={field.key}
                  size="small"
                  data-testid={`service-task-${i}`}
                  extra={
                    fields.length > 1 && (
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('svc.task.remove')} />
                    )
                  }
                >
                  <Form.Item name={[field.name, 'id']} hidden>
                    <Input />
                  </Form.Item>
                  <Space wrap align="start">
                    <Form.Item name={[field.name, 'title']} label={t('svc.task.title')} rules={[{ required: true, whitespace: true, message: t('svc.required') }]}>
                      <Input maxLength={100} style={{ width: 220 }} data-testid={`service-task-title-${i}`} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'capacity']} label={t('svc.task.capacity')} rules={[{ required: true, message: t('svc.required') }]}>
                      <InputNumber min={1} max={1000} precision={0} data-testid={`service-task-capacity-${i}`} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'remote']} label={t('svc.task.remote')} valuePropName="checked">
                      <Switch data-testid={`service-task-remote-${i}`} />
                    </Form.Item>
                  </Space>
                  <Form.Item name={[field.name, 'description']} label={t('svc.task.description')} style={{ marginBottom: 0 }}>
                    <Input maxLength={1000} />
                  </Form.Item>
                </Card>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ title: '', description: '', remote: false, capacity: 5 })} data-testid="service-task-add">
                {t('svc.task.add')}
              </Button>
            </Space>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
