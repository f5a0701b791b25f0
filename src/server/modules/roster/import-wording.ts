import type { ImportJob } from '../../../shared/api.ts';
import type { Lang } from '../../i18n/lang.ts';
import { say } from '../../i18n/translate.ts';

/**
 * An import job in the caller's language. Its message and row problems are stored as worded (in
 * Chinese) when the job ends; an en-US caller reads them in English (messages-en.ts), the columns
 * named by their English headers. Values quoted from the sheet stay as typed.
 */
export function importJobInLanguage(job: ImportJob, lang: Lang | undefined): ImportJob {
  if (lang !== 'en-US') return job;
  return {
    ...job,
    message: job.message === null ? null : say(lang, job.message),
    issues: job.issues.map((i) => ({ ...i, column: say(lang, i.column), message: say(lang, i.message) })),
  };
}
