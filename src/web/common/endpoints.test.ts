import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Method, RequestOptions } from './http.ts';
import { contract } from '../../shared/endpoints.ts';
import { bindEndpoints, fillPath } from './endpoints.ts';

function recorder() {
  const sent: { method: Method; path: string; options: RequestOptions }[] = [];
  const endpoints = bindEndpoints(contract, async <T>(method: Method, path: string, options: RequestOptions) => {
    sent.push({ method, path, options });
    return {} as T;
  });
  return { sent, endpoints };
}

describe('bound endpoints', () => {
  it('fill the path parameters, then send the query of a read or the body of a write', async () => {
    const { sent, endpoints } = recorder();
    await endpoints.members.list({ q: '张', page: 2 });
    await endpoints.members.get({ id: 'a/b' });
    await endpoints.members.update({ id: 'm1' }, { phone: '13800000000' });
    await endpoints.meetings.decideLeave({ id: 's1', memberId: 'm2' }, { approve: true });
    await endpoints.members.confirmLostContact({ id: 'm1' });
    await endpoints.orgs.dismiss({ id: 'o1', assignmentId: 'r1' });
    expect(sent).toEqual([
      { method: 'GET', path: '/api/members', options: { query: { q: '张', page: 2 } } },
      { method: 'GET', path: '/api/members/a%2Fb', options: { query: undefined } },
      { method: 'PATCH', path: '/api/members/m1', options: { body: { phone: '13800000000' } } },
      { method: 'POST', path: '/api/sessions/s1/leave/m2', options: { body: { approve: true } } },
      { method: 'POST', path: '/api/members/m1/lost-contact', options: { body: {} } },
      { method: 'DELETE', path: '/api/orgs/o1/leaders/r1', options: {} },
    ]);
  });

  it('give a read as a request for the query cache, without sending it', () => {
    const { sent, endpoints } = recorder();
    expect(endpoints.careTasks.list.at({ status: 'open' })).toEqual({ path: '/api/care-tasks', query: { status: 'open' } });
    expect(endpoints.careTasks.get.at({ id: 't1' })).toEqual({ path: '/api/care-tasks/t1' });
    expect(sent).toEqual([]);
  });

  it('are typed from the shared schemas', () => {
    const { endpoints } = recorder();
    expectTypeOf(endpoints.members.list).returns.resolves.toHaveProperty('items');
    expectTypeOf(endpoints.members.get).parameter(0).toEqualTypeOf<Record<'id', string>>();
    expectTypeOf(endpoints.meetings.get).returns.resolves.toHaveProperty('attendance');
    // @ts-expect-error a member's detail needs its id
    expect(() => endpoints.members.get()).toThrow(/missing parameter id/);
    expect(() => fillPath('/api/members/:id', {})).toThrow(/missing parameter id/);
  });
});
