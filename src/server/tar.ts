/**
 * The few parts of the tar format (POSIX ustar) a backup needs: regular files with names up to
 * 100 bytes and sizes below 8 GiB, written and read as streams. Any tar tool opens the result
 * (`tar -tzf backup.tar.gz`); the reader accepts only what the writer makes and says why otherwise.
 */

const BLOCK = 512;
/** The largest size the 11 octal digits of a ustar header hold. */
export const TAR_MAX_SIZE = 8 ** 11 - 1;

export class TarError extends Error {}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  const digits = Math.floor(value).toString(8);
  if (digits.length > length - 1) throw new TarError(`value ${value} does not fit a tar header field`);
  header.write(`${digits.padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  return sum;
}

/** The 512-byte header of a regular file. */
export function tarHeader(name: string, size: number, modifiedAt: Date, mode = 0o600): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length === 0 || nameBytes.length > 100) throw new TarError(`tar entry name must be 1–100 bytes: ${name}`);
  if (size > TAR_MAX_SIZE) throw new TarError(`${name} is larger than a tar entry can hold (8 GiB)`);
  const header = Buffer.alloc(BLOCK);
  nameBytes.copy(header, 0);
  octal(header, 100, 8, mode);
  octal(header, 108, 8, 0); // uid
  octal(header, 116, 8, 0); // gid
  octal(header, 124, 12, size);
  octal(header, 136, 12, modifiedAt.getTime() / 1000);
  header.write('0', 156, 'latin1'); // regular file
  header.write('ustar\u000000', 257, 'latin1');
  header.write(`${checksum(header).toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return header;
}

/** Zeros that bring an entry of `size` bytes to a whole block. */
export const tarPadding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** Two empty blocks end an archive. */
export const tarEnd = (): Buffer => Buffer.alloc(2 * BLOCK);

export interface TarEntry {
  name: string;
  size: number;
  modifiedAt: Date;
  /** The entry's bytes; read it before asking for the next entry (what is left unread is skipped). */
  body(): AsyncGenerator<Buffer>;
}

/** Reads exact byte counts from a stream of chunks. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer | Uint8Array | string>) {}

  /** Up to `n` bytes: fewer only at the end of the stream. */
  async take(n: number): Promise<Buffer> {
    while (this.length < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else {
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        this.chunks.push(chunk);
        this.length += chunk.length;
      }
    }
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Reads the stream to its end, so a check at its end (a gzip trailer's CRC) still runs. */
  async drain(): Promise<void> {
    while (!this.ended) if ((await this.source.next()).done) this.ended = true;
    this.chunks = [];
    this.length = 0;
  }

  /** `n` bytes in the pieces they arrive in. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      const piece = await this.take(Math.min(left, 1 << 20));
      if (piece.length === 0) throw new TarError('the archive ends in the middle of an entry');
      left -= piece.length;
      yield piece;
    }
  }
}

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function number(header: Buffer, offset: number, length: number, what: string): number {
  const text = field(header, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new TarError(`the archive has an unreadable ${what}`);
  return text ? parseInt(text, 8) : 0;
}

/** The regular files of a tar stream, in order (folders are skipped; anything else is refused). */
export async function* readTar(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<TarEntry> {
  const queue = new ByteQueue(source[Symbol.asyncIterator]());
  for (;;) {
    const header = await queue.take(BLOCK);
    if (header.length < BLOCK) throw new TarError('the archive is cut short (no end marker)');
    if (header.every((b) => b === 0)) {
      // What follows the end marker is only padding, but reading it lets a compressed source verify
      // its checksum: a flipped byte in a stored (uncompressed) block is caught only there.
      await queue.drain();
      return;
    }
    if (number(header, 148, 8, 'header checksum') !== checksum(header)) throw new TarError('the archive has a damaged header');
    if (field(header, 257, 6) !== 'ustar') throw new TarError('not a ustar archive');
    const prefix = field(header, 345, 155);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const size = number(header, 124, 12, 'entry size');
    const type = String.fromCharCode(header[156] as number);
    const modifiedAt = new Date(number(header, 136, 12, 'time') * 1000);
    if (type === '5') {
      for await (const piece of queue.stream(size + tarPadding(size).length)) void piece;
      continue;
    }
    if (type !== '0' && type !== '\0') throw new TarError(`the archive has an entry of a kind a backup never holds: ${name}`);
    let read = 0;
    const entry: TarEntry = {
      name,
      size,
      modifiedAt,
      body: async function* () {
        for await (const piece of queue.stream(size - read)) {
          read += piece.length;
          yield piece;
        }
      },
    };
    yield entry;
    // Whatever the reader left, and the padding to the next block.
    for await (const piece of queue.stream(size - read + tarPadding(size).length)) void piece;
    read = size;
  }
}
