import { describe, expect, it } from 'vitest';
import { shanghaiDate } from './clock.ts';

/**
 * The PostgreSQL pass of the suite runs in another time zone than the PGlite pass (vitest.config.ts),
 * so a test or a use case that reads the machine's zone fails in one of them. This checks that the
 * pass really runs where it says, and that the China day does not follow it.
 */
describe('the time zone the suite runs in', () => {
  it('is the one its pass names', () => {
    const zone = process.env.TZ;
    if (zone) expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(zone);
    // 1 January 2026, 20:00 UTC: still the 1st in Los Angeles and UTC, already the 2nd in Beijing.
    const evening = new Date('2026-01-01T20:00:00Z');
    if (zone === 'America/Los_Angeles') expect(evening.getTimezoneOffset()).toBe(480);
    expect(shanghaiDate(evening)).toBe('2026-01-02');
  });
});
