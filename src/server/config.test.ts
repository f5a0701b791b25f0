import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults for a demo', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', demo: 'auto', databaseUrl: undefined });
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });
  it('lists every problem at once', () => {
    const err = (() => {
      try {
        loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LIANXIN_SECRET_KEY: 'short' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LIANXIN_SECRET_KEY', 'PORT']);
  });
  it('refuses production without a secret key, and never loads the demo there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/LIANXIN_SECRET_KEY/);
    const c = loadConfig({ NODE_ENV: 'production', LIANXIN_SECRET_KEY: 'a'.repeat(64) });
    expect(c.demo).toBe('off');
  });
});
