import { describe, expect, it } from 'vitest';
import { isKept, keptForm } from './kept-forms.ts';
import type { MyPledges } from './pledges-api.ts';
import { keys } from './queries.ts';

const mine: MyPledges = {
  year: 2026,
  period: { year: 2026, opensOn: '2026-01-01', closesOn: '2026-12-31', setBy: null, open: true },
  pledges: [
    {
      id: 'p1',
      kind: 'suggestion',
      body: '村口路灯',
      createdAt: '2026-03-01T02:00:00.000Z',
      updatedAt: '2026-03-01T02:00:00.000Z',
      followUp: { name: '王书记', dueOn: '2026-04-01' },
      outcome: 'in_progress',
      outcomeNote: null,
      outcomeAt: null,
      editable: false,
    },
  ],
};

describe('what of 四个一承诺 is kept on the phone', () => {
  it('keeps one’s own pledges of the year with the period, so they can be written on a cold start without signal', () => {
    expect(isKept(keys.pledges)).toBe(true);
    expect(keptForm(keys.pledges, mine)).toEqual(mine);
  });

  it('keeps only the fields the screen shows, nothing a later answer adds', () => {
    const more = { ...mine, seekers: ['某村民'], pledges: mine.pledges.map((p) => ({ ...p, followUp: { ...p.followUp, memberId: 'm9', phone: '13900000000' }, memberPhone: '13900000001' })) };
    const kept = keptForm(keys.pledges, more);
    expect(kept).toEqual(mine);
    expect(JSON.stringify(kept)).not.toContain('1390000000');
  });

  it('never keeps 岗位信息 (the villagers proposed for a job are named there)', () => {
    expect(isKept(keys.jobs)).toBe(false);
  });
});
