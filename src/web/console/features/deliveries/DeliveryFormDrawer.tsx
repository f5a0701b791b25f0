import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Cascader, Col, DatePicker, Divider, Drawer, Form, Grid, Input, Row, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { errorText, useApiMutation, useOrgs, useRegions } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import type { Delivery, DeliveryInput, DeliveryPatch } from '../../types.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { ITEM_PRESETS } from '../cards/labels.tsx';
import { PhotosField, type PhotoValue } from './PhotosField.tsx';
import { chinaToday } from '../../china-day.ts';

interface MetForm {
  memberId: string | null;
  items: string[];
  handedTo: string;
  words: string;
}

interface FormValues {
  orgId: string;
  tripOn: Dayjs;
  region: string[];
  travellers: string[];
  members: MetForm[];
  notes: string;
  followUp: string;
  photos: PhotoValue[];
}

interface RegionOption {
  value: string;
  label: string;
  children?: RegionOption[];
}

const TOP_FIELDS = ['orgId', 'tripOn', 'travellers', 'members', 'notes', 'followUp'] as const;
const PRESET_IDS = ['books', 'materials', 'badge', 'other'] as const;
const blank = (v: string | undefined | null): string | null => (v && v.trim() ? v.trim() : null);
const emptyMet = (): MetForm => ({ memberId: null, items: [], handedTo: '', words: '' });

interface Props {
  open: boolean;
  /** edit this trip when given, record a new one otherwise */
  delivery?: Delivery | null;
  defaultOrgId?: string | undefined;
  onClose: () => void;
  onSaved: (d: Delivery) => void;
}

/** Records or corrects a study delivery trip (千里送学): where, who went, whom they met and what was handed over, photos. */
export function DeliveryFormDrawer({ open, delivery, defaultOrgId, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { me } = useSession();
  // on a phone the drawer takes the whole screen
  const phone = Grid.useBreakpoint().md === false;
  const orgs = useOrgs();
  const regions = useRegions();
  const [form] = Form.useForm<FormValues>();
  const saveTrip = useApiMutation(
    ({ id, body }: { id: string | null; body: DeliveryInput }) => {
      // the unit of a recorded trip stays; members and photos are replaced as a whole
      const { orgId: _unit, ...patch } = body;
      return id ? endpoints.deliveries.update({ id }, patch satisfies DeliveryPatch) : endpoints.deliveries.create(body);
    },
    { changes: ['deliveries'] },
  );
  const [uploading, setUploading] = useState(false);
  // a photo still uploading is unsaved input too
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose, () => uploading);
  const [failure, setFailure] = useState<string | null>(null);
  const orgId = Form.useWatch('orgId', form);
  const editing = !!delivery;
  // names of the members already on the trip, so their pickers show them before any search
  const names = useMemo(() => new Map((delivery?.members ?? []).map((m) => [m.memberId, m.name])), [delivery]);

  const regionOptions = useMemo<RegionOption[]>(
    () => (regions?.provinces ?? []).map((p) => ({ value: p.code, label: p.name, children: p.children?.map((c) => ({ value: c.code, label: c.name })) })),
    [regions],
  );

  useEffect(() => {
    if (!open) return;
    setFailure(null);
    form.resetFields();
    if (delivery) {
      form.setFieldsValue({
        orgId: delivery.orgId,
        tripOn: dayjs(delivery.tripOn),
        region: [delivery.provinceCode, delivery.cityCode].filter((x): x is string => !!x),
        travellers: delivery.travellers,
        members: delivery.members.map((m) => ({ memberId: m.memberId, items: m.items, handedTo: m.handedTo ?? '', words: m.words ?? '' })),
        notes: delivery.notes ?? '',
        followUp: delivery.followUp ?? '',
        photos: delivery.photos.map((p) => ({ fileId: p.fileId, url: p.url, caption: p.caption })),
      });
    } else {
      const first = defaultOrgId ?? orgs.data?.items[0]?.id;
      form.setFieldsValue({
        ...(first ? { orgId: first } : {}),
        tripOn: chinaToday(),
        region: [],
        travellers: [me.displayName],
        members: [emptyMet()],
        notes: '',
        followUp: '',
        photos: [],
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- fill the form each time it opens
  }, [open, delivery]);

  useEffect(() => {
    const first = orgs.data?.items[0]?.id;
    if (open && !delivery && first && !form.getFieldValue('orgId')) form.setFieldValue('orgId', defaultOrgId ?? first);
  }, [orgs.data, open, delivery, defaultOrgId, form]);

  /** Server issues next to their fields: `members.3.memberId` goes to the fourth member's picker. */
  const showIssues = (e: unknown): boolean => {
    if (!(e instanceof ApiError) || e.issues.length === 0) return false;
    const fields: { name: (string | number)[]; errors: string[] }[] = [];
    for (const issue of e.issues) {
      const path = issue.field.split(/[./]/).filter(Boolean);
      const head = path[0] ?? '';
      if (head === 'provinceCode' || head === 'cityCode') fields.push({ name: ['region'], errors: [issue.message] });
      else if (head === 'photoFileIds') fields.push({ name: ['photos'], errors: [issue.message] });
      else if (head === 'members' && path.length >= 3 && /^\d+$/.test(path[1] ?? '')) {
        const leaf = path[2] ?? '';
        fields.push({ name: ['members', Number(path[1]), ['memberId', 'items', 'handedTo', 'words'].includes(leaf) ? leaf : 'memberId'], errors: [issue.message] });
      } else if ((TOP_FIELDS as readonly string[]).includes(head)) fields.push({ name: [head], errors: [issue.message] });
    }
    if (fields.length === 0) return false;
    // one field may carry several messages
    const merged = new Map<string, { name: (string | number)[]; errors: string[] }>();
    for (const f of fields) {
      const key = f.name.join('.');
      const had = merged.get(key);
      if (had) had.errors.push(...f.errors);
      else merged.set(key, { name: f.name, errors: [...f.errors] });
    }
    form.setFields([...merged.values()] as Parameters<typeof form.setFields>[0]);
    return true;
  };

  const save = async (v: FormValues) => {
    const [provinceCode = '', cityCode = null] = v.region ?? [];
    const body: DeliveryInput = {
      orgId: v.orgId,
      tripOn: v.tripOn.format('YYYY-MM-DD'),
      provinceCode,
      cityCode,
      travellers: (v.travellers ?? []).map((x) => x.trim()).filter(Boolean),
      members: (v.members ?? []).map((m) => ({
        memberId: m.memberId ?? '',
        items: (m.items ?? []).map((x) => x.trim()).filter(Boolean),
        handedTo: blank(m.handedTo),
        words: blank(m.words),
      })),
      notes: blank(v.notes),
      followUp: blank(v.followUp),
      photoFileIds: (v.photos ?? []).map((p) => p.fileId),
    };
    setFailure(null);
    try {
      const saved = await saveTrip.mutateAsync({ id: delivery?.id ?? null, body });
      void message.success(delivery ? t('common.saved') : t('delivery.created'));
      onSaved(saved);
    } catch (e) {
      if (!showIssues(e)) setFailure(errorText(e, t('error.generic'), t('error.network')));
      else setFailure(t('delivery.fixFields'));
    }
  };

  return (
    <Drawer
      open={open}
      size={phone ? '100%' : 800}
      title={editing ? t('delivery.editTitle') : t('delivery.createTitle')}
      onClose={requestClose}
      forceRender
      extra={
        <Space>
          <Button onClick={requestClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saveTrip.isPending} disabled={uploading} onClick={() => form.submit()} data-testid="delivery-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<FormValues> form={form} layout="vertical" name="delivery" onValuesChange={markChanged} onFinish={(v) => void save(v)} data-testid="delivery-form">
        {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} data-testid="delivery-failure" />}
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item label={t('delivery.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]}>
              <OrgTreeSelect orgs={orgs.data?.items} allowClear={false} disabled={editing} data-testid="delivery-org" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('delivery.tripOn')} name="tripOn" rules={[{ required: true, message: t('common.required') }]}>
              <DatePicker style={{ width: '100%' }} allowClear={false} disabledDate={(d) => d.isAfter(chinaToday(), 'day')} data-testid="delivery-date" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('delivery.place')} name="region" rules={[{ required: true, type: 'array', min: 1, message: t('delivery.placeRequired') }]} extra={t('delivery.placeHint')}>
              <Cascader<RegionOption>
                options={regionOptions}
                changeOnSelect
                showSearch
                placeholder={t('delivery.placePlaceholder')}
                loading={!regions}
                style={{ width: '100%' }}
                data-testid="delivery-place"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('delivery.travellers')} name="travellers" rules={[{ required: true, type: 'array', min: 1, message: t('delivery.travellersRequired') }]} extra={t('delivery.travellersHint')}>
              <Select mode="tags" maxCount={20} tokenSeparators={[',', '，', '、', ' ']} open={false} suffixIcon={null} data-testid="delivery-travellers" />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          {t('delivery.membersMet')}
        </Divider>
        <Form.List
          name="members"
          rules={[
            {
              validator: async (_, list: MetForm[] | undefined) => {
                if (!list || list.length === 0) throw new Error(t('delivery.membersRequired'));
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              {fields.map((field, i) => (
                <Card
                  key={field.key}
                  size="small"
                  title={t('delivery.memberN', { n: i + 1 })}
                  data-testid={`delivery-member-${i}`}
                  extra={
                    fields.length > 1 && (
                      <Button size="small" type="text" danger icon={<DeleteOutlined aria-hidden />} aria-label={t('delivery.memberRemove', { n: i + 1 })} onClick={() => remove(field.name)} data-testid={`delivery-member-remove-${i}`} />
                    )
                  }
                >
                  <Row gutter={16}>
                    <Col xs={24} md={12}>
                      <Form.Item
                        label={t('delivery.member')}
                        name={[field.name, 'memberId']}
                        dependencies={fields.filter((f) => f.key !== field.key).map((f) => ['members', f.name, 'memberId'])}
                        rules={[
                          { required: true, message: t('delivery.memberRequired') },
                          ({ getFieldValue }) => ({
                            validator: async (_, value: string | null) => {
                              if (!value) return;
                              const all = (getFieldValue('members') as MetForm[] | undefined) ?? [];
                              if (all.filter((m) => m?.memberId === value).length > 1) throw new Error(t('delivery.memberTwice'));
                            },
                          }),
                        ]}
                      >
                        <MemberPickerInRow orgId={orgId} names={names} testId={`delivery-member-picker-${i}`} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={12}>
                      <Form.Item label={t('delivery.handedTo')} name={[field.name, 'handedTo']} extra={t('delivery.handedToHint')}>
                        <Input maxLength={50} placeholder={t('delivery.handedToPlaceholder')} data-testid={`delivery-handed-to-${i}`} />
                      </Form.Item>
                    </Col>
                    <Col span={24}>
                      <Form.Item label={t('delivery.items')} name={[field.name, 'items']}>
                        <ItemsField testId={`delivery-items-${i}`} />
                      </Form.Item>
                    </Col>
                    <Col span={24}>
                      <Form.Item label={t('delivery.words')} name={[field.name, 'words']} style={{ marginBottom: 0 }}>
                        <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 6 }} placeholder={t('delivery.wordsPlaceholder')} data-testid={`delivery-words-${i}`} />
                      </Form.Item>
                    </Col>
                  </Row>
                </Card>
              ))}
              <Form.ErrorList errors={errors} />
              {fields.length < 200 && (
                <Button type="dashed" block icon={<PlusOutlined aria-hidden />} onClick={() => add(emptyMet())} data-testid="delivery-member-add">
                  {t('delivery.memberAdd')}
                </Button>
              )}
            </Space>
          )}
        </Form.List>

        <Divider titlePlacement="start" plain>
          {t('delivery.section.more')}
        </Divider>
        <Form.Item label={t('delivery.notes')} name="notes">
          <Input.TextArea maxLength={2000} showCount autoSize={{ minRows: 3, maxRows: 8 }} placeholder={t('delivery.notesPlaceholder')} data-testid="delivery-notes" />
        </Form.Item>
        <Form.Item label={t('delivery.followUp')} name="followUp" extra={t('delivery.followUpHint')}>
          <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 6 }} data-testid="delivery-follow-up" />
        </Form.Item>
        <Form.Item label={t('delivery.photos')} name="photos" extra={t('delivery.photosHint')}>
          <PhotosField onBusyChange={setUploading} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** The member picker of one "member met" row: searches inside the trip's unit, shows the known name first. */
function MemberPickerInRow({ id, value, onChange, orgId, names, testId }: { id?: string; value?: string | null; onChange?: (v: string | null) => void; orgId: string | undefined; names: Map<string, string>; testId: string }) {
  const { t } = useI18n();
  return (
    <div data-testid={testId}>
      <MemberPicker
        {...(id ? { id } : {})}
        value={value ?? null}
        {...(onChange ? { onChange } : {})}
        {...(orgId ? { orgId } : {})}
        initialLabel={value ? (names.get(value) ?? null) : null}
        placeholder={t('delivery.memberPlaceholder')}
        aria-label={t('delivery.member')}
      />
    </div>
  );
}

/** What was handed over: the four usual kinds as chips, plus free words (a book's title, a gift). */
function ItemsField({ id, value, onChange, testId }: { id?: string; value?: string[]; onChange?: (v: string[]) => void; testId: string }) {
  const { t } = useI18n();
  const items = value ?? [];
  const presetWords = ITEM_PRESETS.map((p) => p.word);
  const others = items.filter((w) => !presetWords.includes(w));
  const toggle = (word: string, on: boolean) => {
    const next = on ? [...items, word] : items.filter((w) => w !== word);
    // presets first in their usual order, then the free words as typed
    onChange?.([...presetWords.filter((w) => next.includes(w)), ...next.filter((w) => !presetWords.includes(w))]);
  };
  const setOthers = (words: string[]) => {
    const cleaned = [...new Set(words.map((w) => w.trim()).filter((w) => w && !presetWords.includes(w)))];
    onChange?.([...presetWords.filter((w) => items.includes(w)), ...cleaned]);
  };
  return (
    <div id={id} data-testid={testId}>
      <Space size={[4, 8]} wrap style={{ marginBottom: 8 }}>
        {ITEM_PRESETS.map((p, i) => (
          <Tag.CheckableTag
            key={p.word}
            checked={items.includes(p.word)}
            onChange={(on) => toggle(p.word, on)}
            style={{ border: '1px solid #d9d9d9', padding: '2px 10px', fontSize: 14 }}
            data-testid={`${testId}-${PRESET_IDS[i] ?? p.word}`}
          >
            {t(p.key)}
          </Tag.CheckableTag>
        ))}
      </Space>
      <Select
        mode="tags"
        value={others}
        onChange={setOthers}
        maxCount={20 - presetWords.filter((w) => items.includes(w)).length}
        tokenSeparators={[';', '；']}
        open={false}
        suffixIcon={null}
        placeholder={t('delivery.itemsPlaceholder')}
        aria-label={t('delivery.itemsOther')}
        data-testid={`${testId}-other`}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('delivery.itemsHint')}
      </Typography.Text>
    </div>
  );
}
