import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { FieldCipher } from './secrets.ts';
import type { AuthService } from './auth/sessions.ts';
import type { FileStorage } from './storage.ts';
import type { SpeechMaker } from './modules/library/index.ts';

/** What the routes are given: the database and the few long-lived services. */
export interface AppServices {
  config: Config;
  db: Database;
  dbKind: 'pglite' | 'postgres';
  cipher: FieldCipher;
  auth: AuthService;
  storage: FileStorage;
  /** Speech synthesis for articles published without a recorded audio; none by default. */
  speech?: SpeechMaker | null;
}
