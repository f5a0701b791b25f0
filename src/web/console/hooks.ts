import { App } from 'antd';
import type { FormInstance, TablePaginationConfig } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, endpoints, toSearch, type Query } from './api.ts';
import { useApi, type Loaded } from './query/queries.ts';
import { useI18n } from './i18n.tsx';
import { navigate, useLocation } from './router.tsx';
import type { Items, OrgNode, Regions } from './types.ts';

export { useApi, useApiMutation, type Loaded } from './query/queries.ts';

export function useOrgs(): Loaded<Items<OrgNode>> {
  return useApi(endpoints.orgs.list.at());
}

/** The region list is static: fetched once per page load. */
export function useRegions(): Regions | undefined {
  return useApi(endpoints.regions.get.at(), { staleTime: Infinity }).data;
}

/** Shows an API error as a toast; returns the message shown. */
export function useShowError(): (e: unknown) => string {
  const { message } = App.useApp();
  const { t } = useI18n();
  return useCallback(
    (e: unknown) => {
      const text = errorText(e, t('error.generic'), t('error.network'));
      void message.error(text);
      return text;
    },
    [message, t],
  );
}

export function errorText(e: unknown, generic: string, network: string): string {
  if (e instanceof ApiError) {
    if (e.code === 'network') return network;
    return e.message || generic;
  }
  return generic;
}

/** Puts server field issues next to the form's fields; returns true when at least one matched a field. */
export function applyFormIssues(form: FormInstance, e: unknown, fieldNames: readonly string[]): boolean {
  if (!(e instanceof ApiError) || e.issues.length === 0) return false;
  const byField = new Map<string, string[]>();
  for (const issue of e.issues) {
    const name = issue.field.split(/[./]/).filter(Boolean).pop() ?? issue.field;
    if (!fieldNames.includes(name)) continue;
    byField.set(name, [...(byField.get(name) ?? []), issue.message]);
  }
  if (byField.size === 0) return false;
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return true;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(h);
  }, [value, ms]);
  return v;
}

export type UrlFilters<K extends string> = Partial<Record<K, string>>;

export interface UrlList<K extends string> {
  /** the filters in the address, empty values left out */
  filters: UrlFilters<K>;
  page: number;
  pageSize: number;
  hasFilters: boolean;
  /** Goes to these filters; page 1 unless told otherwise, the page size kept. */
  setQuery: (next: UrlFilters<K>, opts?: { page?: number; pageSize?: number; replace?: boolean }) => void;
  /** Changes some filters (an empty value drops the filter) and goes back to page 1. */
  setFilter: (patch: Partial<Record<K, string | null | undefined>>, opts?: { replace?: boolean }) => void;
  /** The table's pagination, kept in the address too. */
  pagination: (total: number | undefined) => TablePaginationConfig;
}

const DEFAULT_PAGE_SIZE = 20;

/** A list page whose filters, page and page size live in the address (`path?orgId=…&page=2`), so reloads and links keep them. */
export function useUrlList<K extends string>(path: string, keys: readonly K[]): UrlList<K> {
  const { t } = useI18n();
  const loc = useLocation();
  const filters = useMemo(() => {
    const f: UrlFilters<K> = {};
    for (const k of keys) {
      const v = loc.query.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [loc.href]); // eslint-disable-line react-hooks/exhaustive-deps -- the keys are a constant of the page
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const pageSize = Math.min(200, Math.max(1, Number(loc.query.get('pageSize')) || DEFAULT_PAGE_SIZE));

  const setQuery: UrlList<K>['setQuery'] = (next, opts = {}) => {
    const q: Query = { ...next };
    if (opts.page && opts.page > 1) q.page = opts.page;
    const ps = opts.pageSize ?? pageSize;
    if (ps !== DEFAULT_PAGE_SIZE) q.pageSize = ps;
    navigate(path + toSearch(q), { replace: opts.replace ?? false });
  };
  const setFilter: UrlList<K>['setFilter'] = (patch, opts = {}) => {
    const next: UrlFilters<K> = { ...filters };
    for (const k of Object.keys(patch) as K[]) {
      const v = patch[k];
      if (v) next[k] = v;
      else delete next[k];
    }
    setQuery(next, opts);
  };
  const pagination = (total: number | undefined): TablePaginationConfig => ({
    current: page,
    pageSize,
    total: total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: [20, 50, 100],
    showTotal: (n) => t('common.totalItems', { n }),
    onChange: (p, ps) => setQuery(filters, { page: ps !== pageSize ? 1 : p, pageSize: ps }),
  });
  return { filters, page, pageSize, hasFilters: Object.keys(filters).length > 0, setQuery, setFilter, pagination };
}

/** The text of a search box that commits to the address once typing pauses; follows the address when it changes (back, reset). */
export function useUrlSearchText(current: string | undefined, commit: (q: string | undefined) => void): [string, (text: string) => void] {
  const [text, setText] = useState(current ?? '');
  useEffect(() => setText(current ?? ''), [current]);
  const debounced = useDebounced(text, 400);
  useEffect(() => {
    const q = debounced.trim() || undefined;
    if (q !== current) commit(q);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only react to the typed text
  }, [debounced]);
  return [text, setText];
}
