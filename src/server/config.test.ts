import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, logsRoutineWork } from './config.ts';

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
    const c = loadConfig({ NODE_ENV: 'production', LIANXIN_SECRET_KEY: 'a'.repeat(64), LIANXIN_PUBLIC_URL: 'https://lx.example.cn' });
    expect(c.demo).toBe('off');
  });
  it("takes the members' public address for notices' links: required in production, this machine elsewhere", () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ LIANXIN_PUBLIC_URL: 'https://lx.example.cn/' }).publicUrl).toBe('https://lx.example.cn');
    const prod = { NODE_ENV: 'production', LIANXIN_SECRET_KEY: 'a'.repeat(64) };
    expect(() => loadConfig(prod)).toThrow(/LIANXIN_PUBLIC_URL: required in production/);
    expect(loadConfig({ ...prod, LIANXIN_PUBLIC_URL: 'https://lx.example.cn' }).publicUrl).toBe('https://lx.example.cn');
    for (const bad of ['lx.example.cn', 'ftp://lx.example.cn', 'not a url']) {
      expect(() => loadConfig({ LIANXIN_PUBLIC_URL: bad }), bad).toThrow(/LIANXIN_PUBLIC_URL/);
    }
  });
  it('reads LIANXIN_TRUST_PROXY as nobody, loopback, a list of addresses or a hop count', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ LIANXIN_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ LIANXIN_TRUST_PROXY: 'true' }).trustProxy).toEqual(['127.0.0.0/8', '::1']);
    expect(loadConfig({ LIANXIN_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,fd00::/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(loadConfig({ LIANXIN_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.1,nginx', '0', '::1/129']) {
      expect(() => loadConfig({ LIANXIN_TRUST_PROXY: bad }), bad).toThrow(/LIANXIN_TRUST_PROXY/);
    }
  });
  it('keeps the API docs public outside production and behind login in production, unless told otherwise', () => {
    expect(loadConfig({}).apiDocs).toBe('public');
    const prod = { NODE_ENV: 'production', LIANXIN_SECRET_KEY: 'a'.repeat(64), LIANXIN_PUBLIC_URL: 'https://lx.example.cn' };
    expect(loadConfig(prod).apiDocs).toBe('login');
    expect(loadConfig({ ...prod, LIANXIN_API_DOCS: 'off' }).apiDocs).toBe('off');
    expect(loadConfig({ ...prod, LIANXIN_API_DOCS: 'public' }).apiDocs).toBe('public');
    expect(() => loadConfig({ LIANXIN_API_DOCS: 'open' })).toThrow(/LIANXIN_API_DOCS/);
  });
  it('logs each request and job run in production and at debug, not at a developer console by default', () => {
    const prod = { NODE_ENV: 'production', LIANXIN_SECRET_KEY: 'a'.repeat(64), LIANXIN_PUBLIC_URL: 'https://lx.example.cn' };
    expect(logsRoutineWork(loadConfig({}))).toBe(false);
    expect(logsRoutineWork(loadConfig({ LOG_LEVEL: 'warn' }))).toBe(false);
    expect(logsRoutineWork(loadConfig({ LOG_LEVEL: 'debug' }))).toBe(true);
    expect(logsRoutineWork(loadConfig({ LOG_LEVEL: 'trace' }))).toBe(true);
    expect(logsRoutineWork(loadConfig(prod))).toBe(true);
  });
});
