import crypto from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { changeVersion } from '../../freshness.ts';
import type { Today } from '../../../shared/api.ts';
import { listTodayPushes } from '../pushes/index.ts';
import { listMyMakeups, listMyMeetings } from '../meetings/index.ts';
import { myCareCounts } from '../care/index.ts';
import { countMyOverdueTalks } from '../talks/index.ts';
import { myGreetings } from '../cards/index.ts';
import { requireMember } from '../../directory/index.ts';

/**
 * What is due today for a member: today's study (and older unread pushes), open make-ups, the
 * next class, classes whose check-in is open right now, open care tasks (assigned to them or about
 * their mentees) and mentees due a talk, the political birthday (政治生日) and unopened holiday cards.
 *
 * The member app asks for this on every open, from weak networks, so the answer is kept per
 * member, already serialized, with an ETag. It is dropped when anything in the tenant changes in
 * this process or, on PostgreSQL, in another one (see freshness.ts), when the Shanghai date
 * changes, when a check-in window opens or closes, and after TODAY_TTL_MS in any case (another
 * process's changes missed while the change feed was reconnecting).
 */
export interface TodayAnswer {
  json: string;
  etag: string;
}

const TODAY_TTL_MS = 10_000;
let ttlMs = TODAY_TTL_MS;

/** Tests that prove only a change notice can refresh the cache set a longer expiry. */
export function setTodayCacheTtl(ms: number): void {
  ttlMs = ms;
}
const MAX_ENTRIES = 50_000;

interface Entry extends TodayAnswer {
  version: number;
  until: number;
}
const cache = new Map<string, Entry>();
/** Builds in progress, by account and change version. */
const building = new Map<string, Promise<Entry>>();

export async function buildToday(db: Database, ctx: RequestContext, now: Date = clock.now()): Promise<{ today: Today; validUntil: number }> {
  requireMember(ctx);
  const date = shanghaiDate(now);
  const [pushes, makeups, sessions, careTasks, talksOverdue, greetings] = await Promise.all([
    listTodayPushes(db, ctx),
    listMyMakeups(db, ctx),
    listMyMeetings(db, ctx, now),
    myCareCounts(db, ctx, date),
    countMyOverdueTalks(db, ctx, date),
    myGreetings(db, ctx, date),
  ]);
  const t = now.getTime();
  const checkinOpen = sessions.upcoming.filter((s) => s.canCheckIn);
  const nextSession = sessions.upcoming.find((s) => new Date(s.startsAt).getTime() > t) ?? sessions.upcoming[0] ?? null;
  // The answer changes by itself when a check-in window opens or closes, or at midnight in China.
  const boundaries = sessions.upcoming
    .flatMap((s) => [new Date(s.checkinOpensAt).getTime(), new Date(s.checkinClosesAt).getTime()])
    .filter((b) => b > t);
  const chinaMidnight = Date.parse(`${shanghaiDate(new Date(t + 86_400_000))}T00:00:00+08:00`);
  const validUntil = Math.min(t + ttlMs, chinaMidnight, ...boundaries);
  return {
    today: {
      date,
      pushes,
      makeups: makeups.filter((m) => m.status === 'open' || m.status === 'returned'),
      nextSession,
      checkinOpen,
      careTasks: careTasks.open,
      careTasksOverdue: careTasks.overdue,
      talksOverdue,
      politicalBirthday: greetings.politicalBirthday,
      unopenedCards: greetings.unopenedCards,
    },
    validUntil,
  };
}

export async function getToday(db: Database, ctx: RequestContext, now: Date = clock.now()): Promise<TodayAnswer> {
  const { actor } = ctx;
  const key = `${actor.tenantId}:${actor.accountId}`;
  const version = changeVersion(actor.tenantId);
  const hit = cache.get(key);
  if (hit && hit.version === version && hit.until > now.getTime()) return hit;
  // One build per account at a time: a phone that retries, or many requests arriving together
  // when the entry has just expired, wait for the build already running instead of each
  // queueing six queries on the database.
  const flightKey = `${key}:${version}`;
  const running = building.get(flightKey);
  if (running) return running;
  const build = (async (): Promise<Entry> => {
    const { today, validUntil } = await buildToday(db, ctx, now);
    const json = JSON.stringify(today);
    const etag = `"${crypto.createHash('sha1').update(json).digest('base64url')}"`;
    if (cache.size >= MAX_ENTRIES) cache.clear();
    const entry: Entry = { json, etag, version, until: validUntil };
    cache.set(key, entry);
    return entry;
  })();
  building.set(flightKey, build);
  try {
    return await build;
  } finally {
    building.delete(flightKey);
  }
}
