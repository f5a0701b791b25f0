import { Alert, App, Checkbox, Form, Input, Modal, Radio, Switch, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { applyFormIssues, errorText, useApiMutation, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { Robot, RobotKindValue } from '../../../../shared/api-robots.ts';

interface Values {
  orgId?: string;
  kind: RobotKindValue;
  name: string;
  webhook: string;
  secret: string;
  removeSecret: boolean;
  enabled: boolean;
}

const FIELDS = ['orgId', 'kind', 'name', 'webhook', 'secret'] as const;
export const ROBOT_KINDS: RobotKindValue[] = ['wecom', 'dingtalk', 'feishu'];

/**
 * Adds a group robot to a unit, or edits one. The form says where each app shows its webhook; the
 * webhook and secret are never shown again once saved (the server answers only their host and last
 * characters), so editing leaves them empty: empty keeps what is stored.
 */
export function RobotFormModal({ open, robot, defaultOrgId, onClose }: { open: boolean; robot: Robot | null; defaultOrgId?: string | undefined; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const orgs = useOrgs();
  const [form] = Form.useForm<Values>();
  const [failure, setFailure] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form) ?? robot?.kind ?? 'wecom';
  const removeSecret = Form.useWatch('removeSecret', form) ?? false;
  const create = useApiMutation(endpoints.robots.create, { changes: ['notify'] });
  const update = useApiMutation(({ id, patch }: { id: string; patch: Parameters<typeof endpoints.robots.update>[1] }) => endpoints.robots.update({ id }, patch), { changes: ['notify'] });
  const pending = create.isPending || update.isPending;

  useEffect(() => {
    if (!open) return;
    setFailure(null);
    form.resetFields();
    form.setFieldsValue(
      robot
        ? { orgId: robot.orgId, kind: robot.kind, name: robot.name, webhook: '', secret: '', removeSecret: false, enabled: robot.enabled }
        : { orgId: defaultOrgId, kind: 'wecom', name: '', webhook: '', secret: '', removeSecret: false, enabled: true },
    );
  }, [open, robot, defaultOrgId, form]);

  const submit = async (v: Values) => {
    setFailure(null);
    try {
      if (robot) {
        const secret = v.kind === 'wecom' ? undefined : v.removeSecret ? null : v.secret.trim() || undefined;
        await update.mutateAsync({
          id: robot.id,
          patch: {
            ...(v.name.trim() !== robot.name ? { name: v.name.trim() } : {}),
            ...(v.enabled !== robot.enabled ? { enabled: v.enabled } : {}),
            ...(v.webhook.trim() ? { webhook: v.webhook.trim() } : {}),
            ...(secret !== undefined ? { secret } : {}),
          },
        });
      } else {
        await create.mutateAsync({
          orgId: v.orgId ?? '',
          kind: v.kind,
          name: v.name.trim(),
          webhook: v.webhook.trim(),
          ...(v.kind !== 'wecom' && v.secret.trim() ? { secret: v.secret.trim() } : {}),
        });
      }
      void message.success(t('robots.saved'));
      onClose();
    } catch (e) {
      if (applyFormIssues(form, e, FIELDS)) setFailure(t('robots.form.fixFields'));
      else setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  return (
    <Modal
      open={open}
      title={robot ? t('robots.form.editTitle') : t('robots.form.addTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('robots.form.save')}
      okButtonProps={{ loading: pending, 'data-testid': 'robot-save' } as ButtonProps}
      width={620}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} name="robot-form">
        {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} data-testid="robot-form-error" />}
        <Form.Item name="orgId" label={t('robots.form.unit')} extra={t('robots.form.unitHint')} rules={[{ required: true, message: t('robots.form.unitRequired') }]}>
          <OrgTreeSelect orgs={orgs.data?.items} disabled={Boolean(robot)} data-testid="robot-org" />
        </Form.Item>
        <Form.Item name="kind" label={t('robots.form.kind')}>
          <Radio.Group disabled={Boolean(robot)} optionType="button" buttonStyle="solid" data-testid="robot-kind">
            {ROBOT_KINDS.map((k) => (
              <Radio.Button key={k} value={k} data-testid={`robot-kind-${k}`}>
                {t(`robots.kind.${k}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('robots.where.title')}
          description={<Typography.Text data-testid="robot-where">{t(`robots.where.${kind}`)}</Typography.Text>}
        />
        <Form.Item name="name" label={t('robots.form.name')} rules={[{ required: true, whitespace: true, message: t('robots.form.nameRequired') }, { max: 60 }]}>
          <Input placeholder={t('robots.form.namePlaceholder')} maxLength={60} data-testid="robot-name" />
        </Form.Item>
        <Form.Item name="webhook" label={t('robots.form.webhook')} rules={robot ? [] : [{ required: true, whitespace: true, message: t('robots.form.webhookRequired') }]}>
          <Input.Password
            placeholder={robot ? `${robot.webhookMasked} · ${t('robots.form.webhookKeep')}` : 'https://…'}
            autoComplete="off"
            visibilityToggle
            data-testid="robot-webhook"
          />
        </Form.Item>
        {kind !== 'wecom' && (
          <Form.Item name="secret" label={t('robots.form.secret')}>
            <Input.Password
              placeholder={robot?.secretSet ? t('robots.form.secretKeep') : t('robots.form.secretPlaceholder')}
              autoComplete="off"
              disabled={removeSecret}
              data-testid="robot-secret"
            />
          </Form.Item>
        )}
        {robot && kind !== 'wecom' && robot.secretSet && (
          <Form.Item name="removeSecret" valuePropName="checked">
            <Checkbox>{t('robots.form.removeSecret')}</Checkbox>
          </Form.Item>
        )}
        {robot && (
          <Form.Item name="enabled" label={t('robots.form.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
