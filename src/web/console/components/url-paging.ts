import type { TablePaginationConfig } from 'antd';
import type { Translate } from '../i18n.tsx';

/** Rows per page when the address names none. */
export const DEFAULT_PAGE_SIZE = 50;

/** The page and page size a list's address asks for (?page=&pageSize=), within 1–200. */
export function pagingOf(query: URLSearchParams): { page: number; pageSize: number } {
  return {
    page: Math.max(1, Number(query.get('page')) || 1),
    pageSize: Math.min(200, Math.max(1, Number(query.get('pageSize')) || DEFAULT_PAGE_SIZE)),
  };
}

/**
 * A table's pagination kept in the page's address: `go` writes the new page (back to 1 when the
 * size changes) and the size (left out of the address when it is the default).
 */
export function urlPagination(opts: {
  page: number;
  pageSize: number;
  total: number;
  t: Translate;
  go: (patch: { page: number; pageSize: number | undefined }) => void;
}): TablePaginationConfig {
  const { page, pageSize, total, t, go } = opts;
  return {
    current: page,
    pageSize,
    total,
    showSizeChanger: true,
    pageSizeOptions: [20, 50, 100, 200],
    showTotal: (n) => t('common.totalItems', { n }),
    onChange: (p, ps) => go({ page: ps !== pageSize ? 1 : p, pageSize: ps !== DEFAULT_PAGE_SIZE ? ps : undefined }),
  };
}
