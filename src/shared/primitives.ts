import { z } from 'zod';
import { ORG_KINDS } from './enums.ts';
import { inYears, isRealDay } from './calendar.ts';

/**
 * Small building blocks of the HTTP contract, shared by api.ts and api-learning.ts (api.ts re-exports
 * api-learning.ts, so neither can import the other).
 */

/** A day of the calendar, 'YYYY-MM-DD', between 1900 (the oldest birth and joining dates) and 2100. */
export const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式应为 YYYY-MM-DD', abort: true })
  .refine(isRealDay, { message: '日期不存在，请检查年、月、日', abort: true })
  .refine((d) => inYears(d, 1900, 2100), '日期应在 1900 年至 2100 年之间');
export const Uuid = z.uuid();
/** Query fields of a paged list: page from 1, at most 200 rows, 20 unless asked. */
export const Page = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};
export const OrgKind = z.enum(ORG_KINDS);

/**
 * A correction (PATCH body) must name something to change: an empty one would only touch the
 * row's time and write an audit entry of nothing.
 */
export const namesAChange = (patch: Record<string, unknown>): boolean => Object.values(patch).some((v) => v !== undefined);
export const NOTHING_TO_CHANGE = '没有要修改的内容';

/** A calendar month, 'YYYY-MM'. */
export const MonthString = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
