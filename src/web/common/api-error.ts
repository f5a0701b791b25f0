import type { z } from 'zod';
import type { ErrorBody } from '../../shared/api.ts';

/** The body of every failed API answer: `{ ok: false, error, message, issues? }` (src/server/app.ts). */
export type ErrorBodyT = z.infer<typeof ErrorBody>;
/** A problem with one field of what was sent (`field` is its path: 'summary', 'members.0.items'). */
export type FieldIssue = NonNullable<ErrorBodyT['issues']>[number];

/**
 * A failed API call: the HTTP status, the server's stable error code (`not_found`, `validation`…), its
 * Chinese message and the field issues it named. A request that never got an answer (no network, timeout)
 * has status 0 and code 'network'; an answer that is not the error body has code `http_<status>`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: FieldIssue[];
  constructor(status: number, code: string, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  /** The request never got an answer. */
  get isOffline(): boolean {
    return this.status === 0;
  }

  /** The server refused what was asked (4xx): asking again unchanged gets the same answer. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }

  static network(): ApiError {
    return new ApiError(0, 'network', '');
  }

  /** The error an answer with this status and parsed body stands for. */
  static fromAnswer(status: number, body: unknown): ApiError {
    if (!isErrorBody(body)) return new ApiError(status, `http_${status}`, '');
    return new ApiError(status, body.error, body.message, fieldIssues(body.issues));
  }
}

export function isErrorBody(value: unknown): value is ErrorBodyT {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { error?: unknown }).error === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function fieldIssues(value: unknown): FieldIssue[] {
  const list: unknown[] = Array.isArray(value) ? value : [];
  return list.filter(
    (issue): issue is FieldIssue =>
      typeof issue === 'object' &&
      issue !== null &&
      typeof (issue as { field?: unknown }).field === 'string' &&
      typeof (issue as { message?: unknown }).message === 'string',
  );
}

/**
 * The message to show a person: the server's summary, unless it is a list prefixed by field names
 * (`since: …；provinceCode: …`), which means nothing to a reader: then the field messages alone.
 */
export function readableMessage(e: ApiError): string {
  if (!/(^|；)\s*[A-Za-z][\w.]*: /.test(e.message)) return e.message;
  const messages = e.issues.map((issue) => issue.message).filter((m) => m.trim() !== '');
  return messages.length > 0 ? [...new Set(messages)].join('；') : e.message;
}
