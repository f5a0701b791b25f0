/**
 * The audit log's answer (GET /api/audit). Entries are written with `recordAudit` from
 * src/server/audit-log.ts, below every module.
 */
export { listAuditEntries } from './service.ts';
export { registerAuditRoutes } from './routes.ts';
