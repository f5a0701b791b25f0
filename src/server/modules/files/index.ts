/**
 * Uploaded files (stored_file): upload with type and size checks, download, and the one check for
 * attaching a file to something (`filesToAttach`). The files module knows nothing of the places
 * that attach files: each of them adds its "who may read a file attached here" rule
 * (`addFileReadRule`) from its own index.ts, and, when they may show people looked after, that they
 * must never be kept in a cache (`addFileNoStoreRule`).
 */
export { filesToAttach, getReadableFile, storedFileView, type FileRef, type StoredFileRow } from './files.ts';
export { familyOfMime, parseRange } from './file-types.ts';
export { addFileNoStoreRule, addFileReadRule, type FileNoStoreRule, type FileReadRule } from './read-rules.ts';
export { registerFilesRoutes } from './routes.ts';
