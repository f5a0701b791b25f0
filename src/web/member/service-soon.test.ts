import { describe, expect, it } from 'vitest';
import { soonSignup } from './service-soon.ts';

const signup = (status: 'confirmed' | 'waiting', startsOn: string, endsOn: string, id: string) => ({ id, status, project: { startsOn, endsOn } });

describe('首页 names a sign-up whose project is on today or tomorrow', () => {
  it('a project starting today or tomorrow, or a short one running then; today first', () => {
    expect(soonSignup([signup('confirmed', '2028-03-01', '2028-03-01', 'a')], '2028-03-01')).toMatchObject({ signup: { id: 'a' }, when: 'today' });
    expect(soonSignup([signup('confirmed', '2028-03-01', '2028-03-01', 'a')], '2028-02-29')).toMatchObject({ signup: { id: 'a' }, when: 'tomorrow' });
    // a three-day event running today
    expect(soonSignup([signup('confirmed', '2028-02-28', '2028-03-01', 'b')], '2028-02-29')).toMatchObject({ signup: { id: 'b' }, when: 'today' });
    // a long project starting tomorrow, and a one-day event today: today's first
    const both = [signup('confirmed', '2028-03-01', '2028-05-31', 'long'), signup('confirmed', '2028-02-29', '2028-02-29', 'day')];
    expect(soonSignup(both, '2028-02-29')).toMatchObject({ signup: { id: 'day' }, when: 'today' });
  });

  it('nothing for a weeks-long project already running, a waiting sign-up, or a project past or further off', () => {
    expect(soonSignup([signup('confirmed', '2028-01-01', '2028-04-30', 'long')], '2028-02-29')).toBeNull();
    expect(soonSignup([signup('waiting', '2028-02-29', '2028-02-29', 'w')], '2028-02-29')).toBeNull();
    expect(soonSignup([signup('confirmed', '2028-02-27', '2028-02-28', 'past')], '2028-02-29')).toBeNull();
    expect(soonSignup([signup('confirmed', '2028-03-02', '2028-03-02', 'later')], '2028-02-29')).toBeNull();
    expect(soonSignup([], '2028-02-29')).toBeNull();
  });
});
