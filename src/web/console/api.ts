/**
 * The console's calls go through the request core both web apps share (src/web/common); this file keeps
 * the short names the pages use.
 */
export { ApiError, type ErrorBodyT, type FieldIssue } from '../common/api-error.ts';
export {
  currentCsrfToken,
  http as api,
  setCsrfToken,
  setUnauthenticatedHandler,
  toSearch,
  uploadFile,
  type Query,
  type QueryValue,
} from '../common/http.ts';
