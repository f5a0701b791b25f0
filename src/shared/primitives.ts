import { z } from 'zod';

/**
 * Small building blocks of the HTTP contract, shared by api.ts and api-learning.ts (api.ts re-exports
 * api-learning.ts, so neither can import the other).
 */

export const DateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
export const Uuid = z.uuid();
/** Query fields of a paged list: page from 1, at most 200 rows, 20 unless asked. */
export const Page = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};
export const OrgKind = z.enum(['committee', 'general_branch', 'branch', 'group']);
