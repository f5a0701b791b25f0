import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { clock } from '../../clock.ts';
import { dispatchDue } from './dispatch.ts';
import { purgeSmsLoginCodes } from './sms-login.ts';
import type { NotifyRuntime } from './runtime.ts';

/** The outbox's scheduled work: sending what is due, every 5 seconds; old SMS sign-in codes gone hourly. */
export function notifyJobs(runtime: NotifyRuntime): ScheduledJob[] {
  return [
    { name: 'notify.dispatch', everyMs: 5_000, run: (db, now) => dispatchDue(db, runtime, now, { clock: () => clock.now() }) },
    { name: 'notify.purge-sms-codes', everyMs: 60 * 60_000, run: purgeSmsLoginCodes },
  ];
}
