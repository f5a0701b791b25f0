/**
 * The real server (src/server/main.ts) with the member app's today cache expiring only after ten
 * minutes: in a test of several processes, a fresh answer can then only come from a change notice.
 */
import { setTodayCacheTtl } from '../../src/server/modules/me/today.ts';

setTodayCacheTtl(10 * 60_000);
await import('../../src/server/main.ts');
