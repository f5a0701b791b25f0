import { describe, expect, it } from 'vitest';
import type { InboxEntry, MySession } from '../api.ts';
import { openCheckins, pushesForToday } from './Today.tsx';

function push(pushId: string, readAt: string | null, title = `推送 ${pushId}`): InboxEntry {
  return { pushId, title, deliveredAt: '2026-03-02T01:00:00.000Z', openedAt: readAt, readAt, reminded: false, items: [] };
}

function session(id: string, checkinClosesAt: string): MySession {
  return {
    id,
    kind: 'party_lecture',
    title: `党课 ${id}`,
    orgName: '第一支部',
    startsAt: '2026-03-02T06:00:00.000Z',
    endsAt: '2026-03-02T08:00:00.000Z',
    mode: 'on_site',
    meetingUrl: null,
    location: '村委会',
    agenda: null,
    replayUrl: null,
    checkinOpensAt: '2026-03-02T05:30:00.000Z',
    checkinClosesAt,
    sessionStatus: 'planned',
    myStatus: 'invited',
    checkedInAt: null,
    leaveStatus: null,
    canCheckIn: true,
    materials: [],
    calendarUrl: `/api/me/sessions/${id}/calendar.ics`,
  };
}

describe('pushesForToday', () => {
  it('keeps one entry per push when the same push comes twice (a kept copy merged with a fresh one)', () => {
    const fresh = push('p1', null, '第一次推送');
    const kept = push('p1', '2026-03-02T02:00:00.000Z', '第一次推送');
    const result = pushesForToday([fresh, push('p2', null), kept, push('p2', null), push('p3', '2026-03-02T03:00:00.000Z')]);
    expect(result.map((p) => p.pushId)).toEqual(['p1', 'p2', 'p3']);
    // the first one seen is the one kept
    expect(result[0]).toBe(fresh);
  });

  it('puts unread pushes first, otherwise keeps the server order', () => {
    const result = pushesForToday([push('a', '2026-03-02T02:00:00.000Z'), push('b', null), push('c', '2026-03-01T02:00:00.000Z'), push('d', null)]);
    expect(result.map((p) => p.pushId)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('returns nothing for no pushes', () => {
    expect(pushesForToday([])).toEqual([]);
  });
});

describe('openCheckins', () => {
  const now = Date.parse('2026-03-02T07:00:00.000Z');
  const closed = session('s1', '2026-03-02T06:30:00.000Z');
  const open = session('s2', '2026-03-02T08:00:00.000Z');

  it('offers every window of a fresh answer, even one the phone’s fast clock thinks closed', () => {
    expect(openCheckins([closed, open], false, now).map((s) => s.id)).toEqual(['s1', 's2']);
  });

  it('offers only the windows still open by the phone’s clock from a kept copy', () => {
    expect(openCheckins([closed, open], true, now).map((s) => s.id)).toEqual(['s2']);
  });

  it('drops a window that closes at this very moment from a kept copy', () => {
    expect(openCheckins([session('s3', '2026-03-02T07:00:00.000Z')], true, now)).toEqual([]);
  });
});
