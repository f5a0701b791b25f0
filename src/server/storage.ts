import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';

/**
 * Where uploaded bytes live. The default keeps them under the data folder; an object store can
 * implement the same interface later without touching the modules that upload or serve files.
 */
export interface FileStorage {
  /**
   * Streams `source` into storage under a new key, counting and hashing as it goes. Stops with
   * `TooLarge` as soon as more than `maxBytes` arrive (nothing is kept then).
   */
  put(tenantId: string, source: Readable, maxBytes: number): Promise<{ key: string; sizeBytes: number; sha256: string }>;
  /** A readable stream of the whole object, or of [start, end] inclusive. */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** Whether the object's bytes are there (a row whose bytes are gone must not become a broken download). */
  exists(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

/** Where LocalFileStorage keeps uploads in a data folder (backed up and restored with the database). */
export const filesFolder = (dataDir: string): string => path.join(dataDir, 'files');

/** A storage key: "<tenant uuid>/<uuid>", made by put(). */
export const STORAGE_KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

export interface StoredObject {
  key: string;
  path: string;
  sizeBytes: number;
  modifiedAt: Date;
}

function entries(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Every complete object under a LocalFileStorage root, in key order. Uploads still being written
 * (their ".partial" names) and anything that is not a storage key are left out.
 */
export function listStoredObjects(root: string): StoredObject[] {
  const out: StoredObject[] = [];
  for (const tenant of entries(root)) {
    if (!tenant.isDirectory()) continue;
    for (const f of entries(path.join(root, tenant.name))) {
      const key = `${tenant.name}/${f.name}`;
      if (!f.isFile() || !STORAGE_KEY.test(key)) continue;
      const file = path.join(root, tenant.name, f.name);
      const st = fs.statSync(file);
      out.push({ key, path: file, sizeBytes: st.size, modifiedAt: st.mtime });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`file larger than ${maxBytes} bytes`);
  }
}

/**
 * Objects as files under `root` (`<tenant>/<uuid>`), private to the server's user (folders 0700,
 * files 0600). An upload is written under a ".partial" name and renamed when complete, so a backup
 * taken meanwhile never copies half a file.
 */
export class LocalFileStorage implements FileStorage {
  constructor(private readonly root: string) {}

  async put(tenantId: string, source: Readable, maxBytes: number) {
    const key = `${tenantId}/${crypto.randomUUID()}`;
    const file = this.pathOf(key);
    const partial = `${file}.partial`;
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const hash = crypto.createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new TooLarge(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
      await fs.promises.rename(partial, file);
    } catch (err) {
      await fs.promises.rm(partial, { force: true });
      throw err;
    }
    return { key, sizeBytes: size, sha256: hash.digest('hex') };
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.pathOf(key), range);
  }

  async exists(key: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    // Keys are made here ("<tenant uuid>/<uuid>"); refuse anything else rather than trust it.
    if (!STORAGE_KEY.test(key)) throw new Error(`bad storage key ${key}`);
    return path.join(this.root, key);
  }
}
