import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Field encryption for sensitive personal data (ID numbers): AES-256-GCM with a random IV per
 * value, and an HMAC-SHA256 keyed hash (derived key) for equality checks without decrypting.
 */
export class FieldCipher {
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the secret key must be 32 bytes');
    this.encKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lianxin:field-encryption', 32));
    this.hashKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lianxin:field-hash', 32));
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `v1:${iv.toString('base64')}:${tag.toString('base64')}:${body.toString('base64')}`;
  }

  decrypt(stored: string): string {
    const [version, iv, tag, body] = stored.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown ciphertext format');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  hash(plain: string): string {
    return crypto.createHmac('sha256', this.hashKey).update(plain).digest('base64url');
  }
}

/**
 * The key comes from LIANXIN_SECRET_KEY. Outside production, a key is generated into the data
 * folder on first start (with a warning), so a demo runs with no setup; production refuses to
 * start without one (checked in config.ts).
 */
export function resolveMasterKey(opts: {
  secretKeyHex: string | undefined;
  dataDir: string;
  warn: (msg: string) => void;
}): Buffer {
  if (opts.secretKeyHex) return Buffer.from(opts.secretKeyHex, 'hex');
  const file = path.join(opts.dataDir, 'secret.key');
  if (fs.existsSync(file)) return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  opts.warn(`LIANXIN_SECRET_KEY is not set: generated a key into ${file}. Back it up with the data; set LIANXIN_SECRET_KEY in production.`);
  return key;
}
