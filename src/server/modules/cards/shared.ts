import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { RequestContext } from '../../auth/actor.ts';
import { AppError, type FieldIssue } from '../../errors.ts';
import { inSubtrees } from '../../directory/index.ts';

// What the card capabilities (campaigns, the member's cards, contact cards, birthdays) share.

export const orgTarget = (ctx: RequestContext, path: string) => ({ kind: 'org', tenantId: ctx.actor.tenantId, path }) as const;

/** Refuses the input with every issue found, in one Chinese message. */
export function fail(issues: FieldIssue[]): never {
  throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** Rows whose unit (`column`) lies in one of these subtrees; 'all': the whole tenant. */
export const scopeWhere = (tenantId: string, paths: string[] | 'all', column: string): RawBuilder<SqlBool> =>
  paths === 'all' ? sql<SqlBool>`true` : inSubtrees(tenantId, paths, column);
