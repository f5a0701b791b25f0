import { SECRETARIES, type AuthzModule } from '../support/authz.ts';
import { contextFor, PHONES } from '../support/harness.ts';
import { createStudyItem } from '../../src/server/modules/library/service.ts';
import { createPush } from '../../src/server/modules/pushes/service.ts';
import { planMeeting } from '../../src/server/modules/meetings/planning.ts';
import { clock } from '../../src/server/clock.ts';

/**
 * Authorization cases of the WeChat group kit and the per-channel report (run by
 * src/server/authorization.test.ts): a push of 第二党支部 and a class of 第四党小组, whose groups only
 * the secretaries above them may be sent the kit; the branch secretary (第一党支部) and the group
 * leader (第一党小组) sit outside.
 */
const ids = { branch2: '', group2: '', push: '', meeting: '' };
const later = (hours: number) => new Date(clock.now().getTime() + hours * 3_600_000).toISOString();

export const notifyKitAuthz: AuthzModule = {
  setup: async (env, base) => {
    ids.branch2 = base.branch2;
    ids.group2 = base.group2;
    const admin = await contextFor(env, PHONES.tenantAdmin);
    const item = await createStudyItem(env.db, admin, { orgId: base.branch2, kind: 'article', title: '群工具包内容', category: 'theory', tags: [], bodyHtml: '<p>正文</p>', minutes: 3 });
    ids.push = (await createPush(env.db, admin, { orgId: base.branch2, title: '二支部推送', plannedAt: later(24), itemIds: [item.id], audience: 'subtree', memberIds: [] })).id;
    const planned = await planMeeting(env.db, admin, {
      orgId: base.group2,
      kind: 'online_class',
      title: '四组课堂',
      mode: 'online',
      startsAt: later(24),
      endsAt: later(25),
      checkinOpensBefore: 30,
      checkinClosesAfter: 0,
      audience: 'subtree',
      memberIds: [],
      materialIds: [],
      makeupQuestions: [],
      repeatMonths: 1,
    });
    ids.meeting = planned.ids[0] as string;
  },
  cases: [
    {
      method: 'GET',
      route: '/api/notify/kit',
      url: () => `/api/notify/kit?sourceKind=meeting&sourceId=${ids.meeting}&orgId=${ids.group2}`,
      allowed: SECRETARIES,
    },
    {
      method: 'POST',
      route: '/api/notify/kit/mark',
      url: () => '/api/notify/kit/mark',
      body: () => ({ sourceKind: 'push', sourceId: ids.push, orgId: ids.branch2 }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/notify/report', url: () => `/api/notify/report?sourceKind=push&sourceId=${ids.push}`, allowed: SECRETARIES },
  ],
};
