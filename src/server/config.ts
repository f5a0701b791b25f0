import { z } from 'zod';
import net from 'node:net';
import path from 'node:path';
import { parseClockAt } from './clock.ts';

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
  LIANXIN_TRUST_PROXY: z.string().trim().default('false'),
  LIANXIN_API_DOCS: z.enum(['public', 'login', 'off']).optional(),
  LIANXIN_SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LIANXIN_CLOCK_AT: z.string().trim().optional(),
  LIANXIN_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) address, e.g. https://lianxin.example.cn' })
    .optional(),
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
  /**
   * Whose X-Forwarded-* headers are believed: false (nobody), addresses/CIDRs of the proxies, or a
   * hop count (that many proxies, each on loopback or a private network). `true` means loopback only.
   */
  trustProxy: boolean | string[] | number;
  /** Who may read /docs and /openapi.json. */
  apiDocs: 'public' | 'login' | 'off';
  sessionDays: number;
  logLevel: string;
  /**
   * The moment the clock started at (LIANXIN_CLOCK_AT, to try the server on another day; never in
   * production). The process clock itself reads it (clock.ts): this is for showing it.
   */
  clockAt: Date | undefined;
  /**
   * Where members open the app from a notice (SMS, group robots, Web Push): links are
   * `<publicUrl>/m/<path>`. LIANXIN_PUBLIC_URL; required in production, `http://localhost:<PORT>`
   * elsewhere. No trailing slash.
   */
  publicUrl: string;
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
    if (e.LIANXIN_CLOCK_AT) problems.push('LIANXIN_CLOCK_AT: the clock cannot be moved in production');
    if (!e.LIANXIN_PUBLIC_URL) {
      problems.push("LIANXIN_PUBLIC_URL: required in production (the address members open notices' links at, e.g. https://lianxin.example.cn)");
    }
  }
  const clockAt = e.LIANXIN_CLOCK_AT ? parseClockAt(e.LIANXIN_CLOCK_AT) : undefined;
  if (typeof clockAt === 'string') problems.push(`LIANXIN_CLOCK_AT: ${clockAt}`);
  const trustProxy = parseTrustProxy(e.LIANXIN_TRUST_PROXY);
  if (typeof trustProxy === 'string') problems.push(`LIANXIN_TRUST_PROXY: ${trustProxy}`);
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
    trustProxy: typeof trustProxy === 'string' ? false : trustProxy,
    apiDocs: e.LIANXIN_API_DOCS ?? (e.NODE_ENV === 'production' ? 'login' : 'public'),
    sessionDays: e.LIANXIN_SESSION_DAYS,
    logLevel: e.LOG_LEVEL,
    clockAt: clockAt instanceof Date && e.NODE_ENV !== 'production' ? clockAt : undefined,
    publicUrl: (e.LIANXIN_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
  };
}

/**
 * Whether routine work (each request, each scheduled job's run) is logged. In production the JSON
 * lines are collected and searched, and at LOG_LEVEL=debug someone asked for them; on a developer's
 * console they would scroll the demo logins and any warning out of sight.
 */
export function logsRoutineWork(config: Pick<Config, 'env' | 'logLevel'>): boolean {
  return config.env === 'production' || config.logLevel === 'debug' || config.logLevel === 'trace';
}

/** `true` trusts a proxy on the same host only: the nginx-in-front setup most installs use. */
export const LOOPBACK = ['127.0.0.0/8', '::1'];

/**
 * `false`, `true` (loopback), a hop count, or a comma-separated list of addresses and CIDRs.
 * Returns the setting, or a string saying what is wrong with it.
 */
function parseTrustProxy(raw: string): false | string[] | number | string {
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return LOOPBACK;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return hops >= 1 && hops <= 10 ? hops : 'a hop count must be between 1 and 10';
  }
  const entries = raw.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = entries.filter((x) => !isAddressOrCidr(x));
  if (bad.length || entries.length === 0) {
    return `not an address or CIDR: ${bad.join(', ') || raw} (use false, true, a hop count, or e.g. 127.0.0.1,10.0.0.0/8)`;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [ip = '', bits, ...rest] = entry.split('/');
  const family = net.isIP(ip);
  if (family === 0 || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
