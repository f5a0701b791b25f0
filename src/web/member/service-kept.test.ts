import { describe, expect, it } from 'vitest';
import { isKept } from './kept-forms.ts';
import { keys } from './queries.ts';

describe('what of 志愿服务 is kept on the phone', () => {
  it('keeps the projects, sign-ups and hours and the names of one’s teams, so 记录服务 offers its choices without signal', () => {
    expect(isKept(keys.service)).toBe(true);
    expect(isKept(keys.serviceProject('p1'))).toBe(true);
    expect(isKept(keys.myTeams)).toBe(true);
  });

  it('never keeps a team’s people looked after nor its logs (they name them)', () => {
    expect(isKept(keys.team('t1'))).toBe(false);
    expect(isKept(keys.teamLogs('t1'))).toBe(false);
  });
});
