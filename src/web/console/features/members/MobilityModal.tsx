import { Alert, App, Cascader, Col, DatePicker, Form, Input, Modal, Row } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { applyFormIssues, useApiMutation, useRegions, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MemberDetail, MobilityInput } from '../../types.ts';
import { chinaToday } from '../../china-day.ts';

const today = chinaToday;
const s = (x: string | undefined): string | null => (x && x.trim() ? x.trim() : null);

interface MobilityForm {
  region: string[];
  workplace: string;
  occupation: string;
  since: Dayjs;
  expectedReturn: Dayjs | null;
  contact: string;
  hostOrg: string;
  activityCardNo: string;
}

interface RegionOption {
  value: string;
  label: string;
  children?: RegionOption[];
}

export function MobilityModal({ open, member, onClose, onSaved }: { open: boolean; member: MemberDetail; onClose: () => void; onSaved: (d: MemberDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const regions = useRegions();
  const [form] = Form.useForm<MobilityForm>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose);
  const recordDestination = useApiMutation((body: MobilityInput) => endpoints.members.recordDestination({ id: member.id }, body), { changes: ['members'] });
  const busy = recordDestination.isPending;
  const mob = member.mobility;

  // built once per region list, so the cascader keeps its open column while the dialog re-renders
  const options: RegionOption[] = useMemo(
    () =>
      (regions?.provinces ?? []).map((p) => ({
        value: p.code,
        label: p.name,
        children: p.children?.map((c) => ({ value: c.code, label: c.name, children: c.children?.map((d) => ({ value: d.code, label: d.name })) })),
      })),
    [regions],
  );

  // the modal is destroyed when hidden, so initial values apply afresh on every opening
  const initialValues: Partial<MobilityForm> =
      mob
        ? {
            region: [mob.provinceCode, mob.cityCode, mob.districtCode].filter((x): x is string => !!x),
            workplace: mob.workplace ?? '',
            occupation: mob.occupation ?? '',
            since: today(),
            expectedReturn: mob.expectedReturn ? dayjs(mob.expectedReturn) : null,
            contact: mob.contact ?? '',
            hostOrg: mob.hostOrg ?? '',
            activityCardNo: mob.activityCardNo ?? '',
          }
        : { since: today(), contact: member.phone, occupation: member.occupation ?? '' };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const [provinceCode = '', cityCode = null, districtCode = null] = v.region;
    const body: MobilityInput = {
      provinceCode,
      cityCode,
      districtCode,
      workplace: s(v.workplace),
      occupation: s(v.occupation),
      since: v.since.format('YYYY-MM-DD'),
      expectedReturn: v.expectedReturn ? v.expectedReturn.format('YYYY-MM-DD') : null,
      contact: s(v.contact),
      hostOrg: s(v.hostOrg),
      activityCardNo: s(v.activityCardNo),
    };
    try {
      const d = await recordDestination.mutateAsync(body);
      void message.success(t('mobility.saved'));
      onSaved(d);
    } catch (e) {
      const matched = applyFormIssues(form, e, ['workplace', 'occupation', 'since', 'expectedReturn', 'contact', 'hostOrg', 'activityCardNo']);
      const regionIssues = e instanceof ApiError ? e.issues.filter((i) => /(province|city|district)Code$/.test(i.field)) : [];
      if (regionIssues.length) form.setFields([{ name: 'region', errors: regionIssues.map((i) => i.message) }]);
      if (!matched && !regionIssues.length) showError(e);
    }
  };

  return (
    <Modal
      title={mob ? t('mobility.changeTitle', { name: member.name }) : t('mobility.registerTitle', { name: member.name })}
      open={open}
      onCancel={requestClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={680}
      destroyOnHidden
    >
      {mob && <Alert type="info" showIcon title={t('mobility.changeHint')} style={{ marginBottom: 16 }} />}
      <Form<MobilityForm> form={form} layout="vertical" name="mobilityForm" onValuesChange={markChanged} initialValues={initialValues}>
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item label={t('mobility.place')} name="region" rules={[{ required: true, message: t('mobility.placeRequired') }]}>
              <Cascader<RegionOption>
                options={options}
                changeOnSelect
                showSearch
                placeholder={t('mobility.placePlaceholder')}
                loading={!regions}
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('mobility.workplace')} name="workplace">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('mobility.occupation')} name="occupation">
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('mobility.since')} name="since" rules={[{ required: true, message: t('common.required') }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('mobility.expectedReturn')} name="expectedReturn">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('mobility.contact')} name="contact">
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('mobility.hostOrg')} name="hostOrg">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('mobility.activityCardNo')} name="activityCardNo">
              <Input maxLength={50} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
