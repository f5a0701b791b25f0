import { sql, type RawBuilder } from 'kysely';

/** Members live by Asia/Shanghai: UTC+8, no daylight saving. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The calendar day in Asia/Shanghai, 'YYYY-MM-DD'. */
export const shanghaiDate = (at: Date = new Date()): string => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** SQL: the start of today in Asia/Shanghai (a timestamptz), whatever the server's zone. */
export const shanghaiTodayStart: RawBuilder<Date> = sql<Date>`(((now() AT TIME ZONE 'Asia/Shanghai')::date)::timestamp AT TIME ZONE 'Asia/Shanghai')`;
