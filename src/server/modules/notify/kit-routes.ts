import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { ChannelReport, GroupKit, KitMark, KitMarkBody, KitQuery, ReportQuery } from '../../../shared/api-notify-kit.ts';
import { getGroupKit, markKitSent } from './group-kit.ts';
import { channelReport } from './report.ts';

/** The WeChat group kit and the per-channel report of a push or a class (console). */
export function registerNotifyKitRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['notify'];
  const db = services.db;

  r.get('/api/notify/kit', {
    config: { access: 'session' },
    schema: { tags, summary: '微信群工具包 The text and link of a push or a class for a unit\'s WeChat group', querystring: KitQuery, response: { 200: GroupKit } },
    handler: async (req) => getGroupKit(db, context(req), services.config.publicUrl, req.query),
  });
  r.post('/api/notify/kit/mark', {
    config: { access: 'session' },
    schema: { tags, summary: '已发到群里 Record that the kit was sent to the unit\'s group', body: KitMarkBody, response: { 200: KitMark } },
    handler: async (req) => markKitSent(db, context(req), req.body),
  });
  r.get('/api/notify/report', {
    config: { access: 'session' },
    schema: { tags, summary: '触达情况 What the outbox did with a push\'s or a class\'s notices, per channel', querystring: ReportQuery, response: { 200: ChannelReport } },
    handler: async (req) => channelReport(db, context(req), req.query),
  });
}
