import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type ErrorCode, type FieldIssue } from './errors.ts';

// zod's own messages (the checks a schema gives no message of its own) are worded in Chinese; for an en-US
// caller the error mapping in app.ts words them again with zod's English locale (i18n/translate.ts).
z.config(z.locales.zhCN());

/**
 * The edge's one check on every string a request carries (path parameters, query, JSON body; keys as
 * well as values), before any schema or use case sees it. PostgreSQL refuses U+0000 in text and
 * jsonb, and a lone UTF-16 surrogate cannot be stored as UTF-8, so both would otherwise surface as a
 * 500 from deep inside a write. No form a person fills in can produce either.
 */

export const MALFORMED_MESSAGE = '不能包含控制字符或无效字符';
/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Whether the text holds a NUL or a lone surrogate; for text the hook cannot see, like an upload's file name. */
export const malformed = (s: string): boolean => s.includes('\u0000') || LONE_SURROGATE.test(s);

const join = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

/**
 * Where in the value a malformed string sits ('items.0.name'; '' for the value itself), or undefined.
 * Walks with its own stack: a body of 5,000 nested arrays is valid JSON and must not overflow the call stack.
 */
export function findMalformed(value: unknown, at: string): string | undefined {
  const pending: [unknown, string][] = [[value, at]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [v, path] = next;
    if (typeof v === 'string') {
      if (malformed(v)) return path;
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) pending.push([item, join(path, i)]);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (malformed(key)) return path;
        pending.push([item, join(path, key)]);
      }
    }
  }
  return undefined;
}

/** preValidation hook: refuses the request with 400 validation_failed naming the field. */
export async function rejectMalformedInput(req: FastifyRequest): Promise<void> {
  for (const part of [req.params, req.query, req.body]) {
    const field = findMalformed(part, '');
    if (field === undefined) continue;
    const issues: FieldIssue[] = [{ field: field || 'body', message: MALFORMED_MESSAGE }];
    throw new AppError('validation_failed', field ? `字段「${field}」${MALFORMED_MESSAGE}` : `请求内容${MALFORMED_MESSAGE}`, issues);
  }
}

/** What the client sent wrong before any route ran, as the answer to send. */
export interface EdgeRefusal {
  status: number;
  error: ErrorCode;
  message: string;
}

/** Fastify's own refusals of a request body, which otherwise answer in English. */
const FASTIFY_REFUSALS: Record<string, EdgeRefusal> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'payload_too_large', message: '请求内容太大' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'bad_request', message: '请求内容不是有效的 JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'bad_request', message: '请求内容为空，应为 JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'bad_request', message: '请求长度与内容不符' },
  FST_ERR_BAD_URL: { status: 400, error: 'bad_request', message: '请求地址格式不正确' },
  FST_ERR_INVALID_URL: { status: 400, error: 'bad_request', message: '请求地址格式不正确' },
};

const MALFORMED_UPLOAD: EdgeRefusal = { status: 400, error: 'bad_request', message: '上传的内容不完整或格式不正确，请重新上传' };
/** @fastify/multipart's refusals of the form itself (its size limits answer 413 as they are). */
const MULTIPART_CODES = new Set(['FST_PROTO_VIOLATION', 'FST_INVALID_MULTIPART_CONTENT_TYPE', 'FST_MP_PREMATURE_CLOSE', 'FST_INVALID_JSON_FIELD_ERROR']);
/** The multipart parser (busboy) fails a cut-off or mangled form with plain errors, recognisable only by their text. */
const BUSBOY_MESSAGES = /^(Unexpected end of multipart data|Part terminated early due to unexpected end of multipart data|Multipart: Boundary not found|Malformed part header)$/;

/**
 * A malformed request body or upload, told apart from a fault of the server: a truncated multipart
 * body is the client's mistake (400), not a 500.
 */
export function edgeRefusal(err: Error): EdgeRefusal | undefined {
  const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  if (code && code in FASTIFY_REFUSALS) return FASTIFY_REFUSALS[code];
  if (code && MULTIPART_CODES.has(code)) return MALFORMED_UPLOAD;
  if (!('statusCode' in err) && BUSBOY_MESSAGES.test(err.message)) return MALFORMED_UPLOAD;
  return undefined;
}
