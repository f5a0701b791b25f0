import { Select, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../api.ts';
import { useDebounced } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';

interface Option {
  value: string;
  label: string;
}

interface Props {
  id?: string;
  value?: string | null;
  onChange?: (value: string | null) => void;
  /** label of the current value, so it shows before any search */
  initialLabel?: string | null;
  excludeId?: string;
  orgId?: string;
  placeholder?: string;
  'aria-label'?: string;
}

/** Search-as-you-type member select over GET /api/members?q= (server-side search). */
export function MemberPicker({ id, value, onChange, initialLabel, excludeId, orgId, placeholder, 'aria-label': ariaLabel }: Props) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 300);
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let alive = true;
    setLoading(true);
    endpoints.members
      .list({ q: q.trim() || undefined, orgId, page: 1, pageSize: 20 })
      .then((list) => {
        if (!alive) return;
        setOptions(list.items.filter((m) => m.id !== excludeId).map((m) => ({ value: m.id, label: `${m.name} · ${m.phone}` })));
      })
      .catch(() => alive && setOptions([]))
      .finally(() => alive && setLoading(false));
    return () => {
      alive = false;
    };
  }, [q, excludeId, orgId]);

  const merged = value && initialLabel && !q.trim() && !options.some((o) => o.value === value) ? [{ value, label: initialLabel }, ...options] : options;

  return (
    <Select<string | null, Option>
      id={id}
      aria-label={ariaLabel}
      value={value ?? null}
      onChange={(v) => onChange?.(v ?? null)}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      placeholder={placeholder ?? t('member.pickPlaceholder')}
      options={merged}
      notFoundContent={loading ? <Spin size="small" /> : t('common.noMatch')}
      style={{ width: '100%' }}
    />
  );
}
