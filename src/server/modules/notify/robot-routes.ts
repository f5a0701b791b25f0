import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { Uuid } from '../../../shared/primitives.ts';
import { ChannelHealth, HealthQuery, Robot, RobotInput, RobotList, RobotPatch, RobotQuery, RobotTestResult } from '../../../shared/api-robots.ts';
import type { RobotProviderOptions } from './providers/robots/index.ts';
import { createRobot, listRobots, removeRobot, testRobot, updateRobot, type RobotDeps } from './robots.ts';
import { channelHealth } from './health.ts';

const IdParams = z.object({ id: Uuid });

/** Group robots per unit and the channels' health (console, secretaries over the unit). */
export function registerRobotRoutes(app: App, services: AppServices, opts: { providerOptions?: RobotProviderOptions } = {}): void {
  const r = typed(app);
  const tags = ['notify'];
  const { db } = services;
  const deps: RobotDeps = {
    cipher: services.cipher,
    production: services.config.env === 'production',
    publicUrl: services.config.publicUrl,
    ...(opts.providerOptions ? { providerOptions: opts.providerOptions } : {}),
  };

  r.get('/api/notify/robots', {
    config: { access: 'session' },
    schema: { tags, summary: '群机器人 The group robots of a unit and below (webhooks masked)', querystring: RobotQuery, response: { 200: RobotList } },
    handler: async (req) => listRobots(db, context(req), deps, req.query.orgId),
  });
  r.post('/api/notify/robots', {
    config: { access: 'session' },
    schema: { tags, summary: '添加群机器人 Add a 企业微信 / 钉钉 / 飞书 group robot to a unit', body: RobotInput, response: { 200: Robot } },
    handler: async (req) => createRobot(db, context(req), deps, req.body),
  });
  r.patch('/api/notify/robots/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改群机器人 Rename, switch on or off, or give a new webhook or secret', params: IdParams, body: RobotPatch, response: { 200: Robot } },
    handler: async (req) => updateRobot(db, context(req), deps, req.params.id, req.body),
  });
  r.delete('/api/notify/robots/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '删除群机器人 Remove a robot (what it sent stays in the history; what it had still to send is cancelled)', params: IdParams, response: { 204: z.null() } },
    handler: async (req, reply) => {
      await removeRobot(db, context(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
  r.post('/api/notify/robots/:id/test', {
    config: { access: 'session' },
    schema: { tags, summary: '发送测试消息 Send "连心测试消息" through the robot and answer what the service said', params: IdParams, response: { 200: RobotTestResult } },
    handler: async (req) => testRobot(db, context(req), deps, req.params.id),
  });
  r.get('/api/notify/health', {
    config: { access: 'session' },
    schema: { tags, summary: '渠道健康 Robots, SMS, Web Push and the outbox: last success and error, sends today, limits', querystring: HealthQuery, response: { 200: ChannelHealth } },
    handler: async (req) => channelHealth(db, context(req), req.query),
  });
}
