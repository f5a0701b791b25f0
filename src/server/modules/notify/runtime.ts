import type { FieldCipher } from '../../secrets.ts';

/**
 * What sending needs beyond the database, built once by the assembly (main.ts): the cipher that
 * opens webhook keys and provider credentials, the public address deep links start with, and the
 * fetch providers call (a test gives its own).
 */
export interface NotifyRuntime {
  cipher: FieldCipher;
  /** `LIANXIN_PUBLIC_URL`: where members open the app, e.g. https://lianxin.example.cn */
  publicUrl: string;
  fetch?: typeof fetch;
  /** In production the local SMS sink never counts as sending: its rows are cancelled. */
  production?: boolean;
  /** Where each claim is told at debug level (the server's job log). */
  log?: { debug(obj: object, msg: string): void };
}
