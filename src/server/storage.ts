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
  remove(key: string): Promise<void>;
}

export class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`file larger than ${maxBytes} bytes`);
  }
}

export class LocalFileStorage implements FileStorage {
  constructor(private readonly root: string) {}

  async put(tenantId: string, source: Readable, maxBytes: number) {
    const key = `${tenantId}/${crypto.randomUUID()}`;
    const file = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
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
      await pipeline(source, meter, fs.createWriteStream(file, { flags: 'wx' }));
    } catch (err) {
      await fs.promises.rm(file, { force: true });
      throw err;
    }
    return { key, sizeBytes: size, sha256: hash.digest('hex') };
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.pathOf(key), range);
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    // Keys are made here ("<tenant uuid>/<uuid>"); refuse anything else rather than trust it.
    if (!/^[0-9a-f-]{36}\/[0-9a-f-]{36}$/.test(key)) throw new Error(`bad storage key ${key}`);
    return path.join(this.root, key);
  }
}
