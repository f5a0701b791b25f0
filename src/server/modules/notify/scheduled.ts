import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { clock } from '../../clock.ts';
import { dispatchDue } from './dispatch.ts';
import type { NotifyRuntime } from './runtime.ts';

/** The outbox's scheduled work: sending what is due, every 5 seconds. */
export function notifyJobs(runtime: NotifyRuntime): ScheduledJob[] {
  return [{ name: 'notify.dispatch', everyMs: 5_000, run: (db, now) => dispatchDue(db, runtime, now, { clock: () => clock.now() }) }];
}
