/** 党务公开 (public disclosure): a unit's month drafted from the data, reviewed, and public at /open/<unit>. */
export { registerDisclosureRoutes } from './routes.ts';
/** the snapshot of a unit's month, as a draft takes it (the demo drafts last month with it) */
export { buildSnapshot as draftSnapshot } from './snapshot-repo.ts';
