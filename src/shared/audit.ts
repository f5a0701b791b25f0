/**
 * Stands in the audit answer for the value of a sensitive field (a hardship note): the page can say
 * the field changed without showing its text. Kept apart from api.ts so the console can read it
 * without bundling the zod schemas.
 */
export const AUDIT_HIDDEN = '***';
