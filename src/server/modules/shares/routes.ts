import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import {
  ConsoleSharePost,
  ConsoleSharePostDetail,
  HideInput,
  MyShareFeed,
  MyShareQuery,
  Participation,
  ParticipationQuery,
  ShareComment,
  ShareCommentInput,
  ShareLikeState,
  ShareList,
  ShareListQuery,
  SharePost,
  SharePostDetail,
  SharePostInput,
  ShareTopic,
  ShareTopicInput,
  ShareTopicList,
  ShareTopicPatch,
  ShareTopicQuery,
} from '../../../shared/api-shares.ts';
import { Uuid } from '../../../shared/primitives.ts';
import type { AppServices } from '../../services.ts';
import { addComment, createPost, deleteComment, deletePost, getPostForConsole, listPosts, myFeed, myPost, setCommentHidden, setLike, setPostHidden } from './service.ts';
import { createTopic, listTopics, updateTopic } from './topics.ts';
import { participation } from './participation.ts';

const IdParams = z.object({ id: Uuid });
const Ok = z.object({ ok: z.literal(true) });

export function registerSharesRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const { db } = services;
  const tags = ['shares'];
  // ---------- the member app ----------
  r.get('/api/me/shares', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '互动 My branch’s or village’s shared posts, newest first, and this month’s topic', querystring: MyShareQuery, response: { 200: MyShareFeed } },
    handler: async (req) => myFeed(db, context(req), req.query),
  });
  r.get('/api/me/shares/:id', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '分享详情 A post with its comments', params: IdParams, response: { 200: SharePostDetail } },
    handler: async (req) => myPost(db, context(req), req.params.id),
  });
  r.post('/api/me/shares', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '分享 Share text, photos and a voice recording with my branch or village', body: SharePostInput, response: { 200: SharePost } },
    handler: async (req) => createPost(db, context(req), req.body),
  });
  r.delete('/api/me/shares/:id', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '删除我的分享 Delete my own post', params: IdParams, response: { 200: Ok } },
    handler: async (req) => {
      await deletePost(db, context(req), req.params.id);
      return { ok: true as const };
    },
  });
  r.post('/api/me/shares/:id/comments', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '评论 Comment on a post', params: IdParams, body: ShareCommentInput, response: { 200: ShareComment } },
    handler: async (req) => addComment(db, context(req), req.params.id, req.body),
  });
  r.delete('/api/me/share-comments/:id', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '删除我的评论 Delete my own comment', params: IdParams, response: { 200: Ok } },
    handler: async (req) => {
      await deleteComment(db, context(req), req.params.id);
      return { ok: true as const };
    },
  });
  r.put('/api/me/shares/:id/like', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '点赞 Like a post', params: IdParams, response: { 200: ShareLikeState } },
    handler: async (req) => setLike(db, context(req), req.params.id, true),
  });
  r.delete('/api/me/shares/:id/like', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '取消点赞 Take back a like', params: IdParams, response: { 200: ShareLikeState } },
    handler: async (req) => setLike(db, context(req), req.params.id, false),
  });
  // ---------- the console ----------
  r.get('/api/shares', {
    config: { access: 'session' },
    schema: { tags, summary: '分享 Posts seen or written in a unit, newest first (filters: month, topic, kind, hidden)', querystring: ShareListQuery, response: { 200: ShareList } },
    handler: async (req) => listPosts(db, context(req), req.query),
  });
  r.get('/api/shares/participation', {
    config: { access: 'session' },
    schema: { tags, summary: '分享情况 Who of a unit has shared in a month (or to a topic) and who has not', querystring: ParticipationQuery, response: { 200: Participation } },
    handler: async (req) => participation(db, context(req), req.query),
  });
  r.get('/api/shares/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '分享详情 A post with its comments, hidden ones too', params: IdParams, response: { 200: ConsoleSharePostDetail } },
    handler: async (req) => getPostForConsole(db, context(req), req.params.id),
  });
  r.post('/api/shares/:id/hide', {
    config: { access: 'session' },
    schema: { tags, summary: '隐藏分享 Hide a post with a reason (the author sees why)', params: IdParams, body: HideInput, response: { 200: ConsoleSharePost } },
    handler: async (req) => setPostHidden(db, context(req), req.params.id, req.body),
  });
  r.post('/api/shares/:id/unhide', {
    config: { access: 'session' },
    schema: { tags, summary: '恢复分享 Show a hidden post again', params: IdParams, response: { 200: ConsoleSharePost } },
    handler: async (req) => setPostHidden(db, context(req), req.params.id, null),
  });
  r.post('/api/share-comments/:id/hide', {
    config: { access: 'session' },
    schema: { tags, summary: '隐藏评论 Hide a comment with a reason', params: IdParams, body: HideInput, response: { 200: ShareComment } },
    handler: async (req) => setCommentHidden(db, context(req), req.params.id, req.body),
  });
  r.post('/api/share-comments/:id/unhide', {
    config: { access: 'session' },
    schema: { tags, summary: '恢复评论 Show a hidden comment again', params: IdParams, response: { 200: ShareComment } },
    handler: async (req) => setCommentHidden(db, context(req), req.params.id, null),
  });
  r.get('/api/share-topics', {
    config: { access: 'session' },
    schema: { tags, summary: '每月话题 Monthly topics of the units in scope', querystring: ShareTopicQuery, response: { 200: ShareTopicList } },
    handler: async (req) => listTopics(db, context(req), req.query),
  });
  r.post('/api/share-topics', {
    config: { access: 'session' },
    schema: { tags, summary: '设置每月话题 Set a unit’s topic for a month', body: ShareTopicInput, response: { 200: ShareTopic } },
    handler: async (req) => createTopic(db, context(req), req.body),
  });
  r.patch('/api/share-topics/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改每月话题 Edit, close or hide a topic', params: IdParams, body: ShareTopicPatch, response: { 200: ShareTopic } },
    handler: async (req) => updateTopic(db, context(req), req.params.id, req.body),
  });
}
