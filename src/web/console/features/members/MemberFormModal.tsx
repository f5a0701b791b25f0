import { App, Col, DatePicker, Form, Input, Modal, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { endpoints } from '../../api.ts';
import { applyFormIssues, useApi, useApiMutation, useOrgs, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { Gender, MemberDetail, MemberInput, MemberStatus } from '../../types.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';

interface FormValues {
  name: string;
  gender: Gender;
  birthDate: Dayjs | null;
  ethnicity: string;
  education: string;
  phone: string;
  idNumber: string;
  joinDate: Dayjs | null;
  status: MemberStatus;
  orgId: string;
  gridId: string | null;
  homeAddress: string;
  occupation: string;
  hardshipNote: string;
}

const FIELDS = ['name', 'gender', 'birthDate', 'ethnicity', 'education', 'phone', 'idNumber', 'joinDate', 'status', 'orgId', 'gridId', 'homeAddress', 'occupation', 'hardshipNote'] as const;

const EDUCATION_ZH = ['研究生', '大学本科', '大学专科', '中专', '高中', '初中', '小学及以下'];

const text = (v: string | undefined | null): string | null => (v && v.trim() ? v.trim() : null);
const req = (message: string) => [{ required: true, message }];
const date = (d: Dayjs | null | undefined): string | null => (d ? d.format('YYYY-MM-DD') : null);

interface Props {
  open: boolean;
  /** edit when given, create otherwise */
  member?: MemberDetail;
  defaultOrgId?: string;
  onClose: () => void;
  onSaved: (m: MemberDetail) => void;
}

export function MemberFormModal({ open, member, defaultOrgId, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose);
  const save = useApiMutation((body: MemberInput) => (member ? endpoints.members.update({ id: member.id }, body) : endpoints.members.create(body)), { changes: ['members'] });
  const orgs = useOrgs();
  const grids = useApi(open ? endpoints.grids.list.at() : null);
  const orgId = Form.useWatch('orgId', form);

  // the modal is destroyed when hidden: initial values apply afresh on every opening
  const initialValues: Partial<FormValues> = member
    ? {
        name: member.name,
        gender: member.gender,
        birthDate: member.birthDate ? dayjs(member.birthDate) : null,
        ethnicity: member.ethnicity ?? '',
        education: member.education ?? '',
        phone: member.phone,
        idNumber: '',
        joinDate: member.joinDate ? dayjs(member.joinDate) : null,
        status: member.status,
        orgId: member.orgId,
        gridId: member.gridId,
        homeAddress: member.homeAddress ?? '',
        occupation: member.occupation ?? '',
        hardshipNote: member.hardshipNote ?? '',
      }
    : { gender: 'male', status: 'full', ethnicity: '汉族', ...(defaultOrgId ? { orgId: defaultOrgId } : {}) };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: MemberInput = {
      name: v.name.trim(),
      gender: v.gender,
      birthDate: date(v.birthDate),
      ethnicity: text(v.ethnicity),
      education: text(v.education),
      phone: v.phone.trim(),
      joinDate: date(v.joinDate),
      status: v.status,
      orgId: v.orgId,
      gridId: v.gridId ?? null,
      homeAddress: text(v.homeAddress),
      occupation: text(v.occupation),
      // a viewer who cannot see the note gets null: do not overwrite it with null then
      ...(member && member.hardshipNote === null && !text(v.hardshipNote) ? {} : { hardshipNote: text(v.hardshipNote) }),
    };
    const idNumber = text(v.idNumber);
    if (idNumber) body.idNumber = idNumber;
    try {
      const saved = await save.mutateAsync(body);
      void message.success(member ? t('common.saved') : t('member.created'));
      onSaved(saved);
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) showError(e);
    }
  };

  // grids of the chosen unit first; a grid may also span several units, so the others stay selectable
  const orgName = new Map((orgs.data?.items ?? []).map((o) => [o.id, o.name]));
  const gridOptions = [...(grids.data?.items ?? [])]
    .sort((a, b) => Number(b.orgId === orgId) - Number(a.orgId === orgId))
    .map((g) => ({ value: g.id, label: `${g.name}（${orgName.get(g.orgId) ?? ''}）` }));

  return (
    <Modal
      title={member ? t('member.editTitle') : t('member.createTitle')}
      open={open}
      onCancel={requestClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      width={760}
      destroyOnHidden
    >
      <Form<FormValues> form={form} layout="vertical" name="memberForm" onValuesChange={markChanged} requiredMark initialValues={initialValues}>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label={t('member.name')} name="name" rules={req(t('member.nameRequired'))}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t('member.gender')} name="gender" rules={req(t('common.required'))}>
              <Select
                options={[
                  { value: 'male', label: t('member.gender.male') },
                  { value: 'female', label: t('member.gender.female') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t('member.phone')} name="phone" rules={[...req(t('member.phoneRequired')), { pattern: /^1\d{10}$/, message: t('member.phoneInvalid') }]}>
              <Input maxLength={11} inputMode="tel" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t('member.birthDate')} name="birthDate">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t('member.ethnicity')} name="ethnicity">
              <Input maxLength={20} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t('member.education')} name="education">
              <Select allowClear options={EDUCATION_ZH.map((e) => ({ value: e, label: e }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              label={t('member.idNumber')}
              name="idNumber"
              extra={member ? t('member.idNumberKeep') : undefined}
              rules={[{ pattern: /^(\d{17}[\dXx]|\d{15})$/, message: t('member.idNumberInvalid') }]}
            >
              <Input maxLength={18} autoComplete="off" placeholder={member?.idNumberMasked ?? ''} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label={t('member.joinDate')} name="joinDate">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label={t('member.status')} name="status" rules={req(t('common.required'))}>
              <Select
                options={[
                  { value: 'full', label: t('member.status.full') },
                  { value: 'probationary', label: t('member.status.probationary') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('member.org')} name="orgId" rules={req(t('member.orgRequired'))}>
              <OrgTreeSelect orgs={orgs.data?.items} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('member.grid')} name="gridId">
              <Select allowClear options={gridOptions} loading={grids.loading} placeholder={t('member.gridPlaceholder')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('member.homeAddress')} name="homeAddress">
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('member.occupation')} name="occupation">
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item label={t('member.hardshipNote')} name="hardshipNote" extra={t('member.hardshipHint')}>
              <Input.TextArea maxLength={500} rows={2} showCount />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
