/**
 * One error type for every failure a user or client can cause. The stable `code` is what
 * clients branch on; the HTTP status comes from the single mapping below.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'csrf_failed'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'duplicate_phone'
  | 'duplicate_id_number'
  | 'org_has_members'
  | 'org_has_children'
  | 'invalid_move'
  | 'import_invalid'
  | 'payload_too_large'
  | 'unsupported_file'
  | 'rate_limited'
  | 'in_progress'
  | 'already_voted'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  duplicate_phone: 409,
  duplicate_id_number: 409,
  org_has_members: 409,
  org_has_children: 409,
  invalid_move: 409,
  import_invalid: 422,
  payload_too_large: 413,
  unsupported_file: 415,
  rate_limited: 429,
  in_progress: 409,
  already_voted: 409,
  internal: 500,
};

export interface FieldIssue {
  /** Row number in an uploaded file (1-based, as the spreadsheet shows it). */
  row?: number;
  /** Field or column name. */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what}不存在`);
export const forbidden = (): AppError => new AppError('forbidden', '无权执行此操作');

/** Postgres unique violations become domain conflicts rather than 500s. */
export function uniqueViolation(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && err.code === '23505') {
    const c = (err as { constraint?: unknown }).constraint;
    return typeof c === 'string' ? c : 'unique';
  }
  return undefined;
}
