import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { Uuid } from '../../../shared/primitives.ts';
import {
  MemberNoticeChannels,
  MemberNoticeChannelsBody,
  NoticeChannels,
  NoticeChannelsBody,
  PushKey,
  PushSubscriptionBody,
  PushSubscriptionRemoved,
  PushSubscriptionSaved,
  RemovePushSubscriptionBody,
} from '../../../shared/api-notify-member.ts';
import { pushPublicKey, removePushSubscription, savePushSubscription } from './push-subscriptions.ts';
import { myNoticeChannels, setMemberSmsConsent, setMyNoticeChannels } from './preferences.ts';

/** The member's own channels (通知方式) and this phone's Web Push; the secretary's record of SMS consent. */
export function registerNotifyMemberRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['member app'];
  const { db, cipher } = services;
  r.get('/api/me/push/key', {
    config: { access: 'session' },
    schema: { tags, summary: '本机通知的公钥 The VAPID public key browsers subscribe with', response: { 200: PushKey } },
    handler: async (req) => pushPublicKey(db, cipher, context(req)),
  });
  r.post('/api/me/push/subscriptions', {
    config: { access: 'session' },
    schema: { tags, summary: '本机订阅通知 Subscribe this browser to Web Push', body: PushSubscriptionBody, response: { 200: PushSubscriptionSaved } },
    handler: async (req) => {
      const userAgent = req.headers['user-agent']?.slice(0, 300) ?? null;
      return savePushSubscription(db, context(req), req.body, userAgent);
    },
  });
  r.delete('/api/me/push/subscriptions', {
    config: { access: 'session' },
    schema: { tags, summary: '本机取消订阅 Remove this browser\'s Web Push subscription', body: RemovePushSubscriptionBody, response: { 200: PushSubscriptionRemoved } },
    handler: async (req) => removePushSubscription(db, context(req), req.body.endpoint),
  });
  r.get('/api/me/notices/channels', {
    config: { access: 'session' },
    schema: { tags, summary: '通知方式 What reaches me and my switches', response: { 200: NoticeChannels } },
    handler: async (req) => myNoticeChannels(db, context(req)),
  });
  r.put('/api/me/notices/channels', {
    config: { access: 'session' },
    schema: { tags, summary: '设置通知方式 Turn my channels on or off (SMS: my consent)', body: NoticeChannelsBody, response: { 200: NoticeChannels } },
    handler: async (req) => setMyNoticeChannels(db, context(req), req.body),
  });
  r.put('/api/members/:id/notice-channels', {
    config: { access: 'session' },
    schema: {
      tags: ['members'],
      summary: '登记党员的短信同意 Record a member\'s SMS consent',
      params: z.object({ id: Uuid }),
      body: MemberNoticeChannelsBody,
      response: { 200: MemberNoticeChannels },
    },
    handler: async (req) => setMemberSmsConsent(db, context(req), req.params.id, req.body.sms),
  });
}
