import { z } from 'zod';
import path from 'node:path';

/**
 * Configuration comes only from the environment and is checked once at boot, so a
 * misconfigured server stops with a readable list of every problem instead of failing later.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LIANXIN_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  LIANXIN_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`')
    .optional(),
  LIANXIN_DEMO: z.enum(['auto', 'off']).default('auto'),
  LIANXIN_DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LIANXIN_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  LIANXIN_SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKeyHex: string | undefined;
  demo: 'auto' | 'off';
  demoPassword: string | undefined;
  trustProxy: boolean;
  sessionDays: number;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.LIANXIN_SECRET_KEY) {
      problems.push('LIANXIN_SECRET_KEY: required in production (ID numbers are encrypted with it)');
    }
    if (e.LIANXIN_DEMO_PASSWORD) {
      problems.push('LIANXIN_DEMO_PASSWORD: demo accounts are not allowed in production');
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.LIANXIN_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    secretKeyHex: e.LIANXIN_SECRET_KEY,
    // Production never loads demo people into a real organization's database.
    demo: e.NODE_ENV === 'production' ? 'off' : e.LIANXIN_DEMO,
    demoPassword: e.LIANXIN_DEMO_PASSWORD,
    trustProxy: e.LIANXIN_TRUST_PROXY === 'true',
    sessionDays: e.LIANXIN_SESSION_DAYS,
    logLevel: e.LOG_LEVEL,
  };
}
