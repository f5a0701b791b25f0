import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestEnv } from '../../test/support/harness.ts';
import { contract, type Endpoint } from './endpoints.ts';

function allEndpoints(node: object, prefix = ''): [string, Endpoint][] {
  return Object.entries(node).flatMap(([name, value]) =>
    typeof (value as Endpoint).method === 'string' ? [[prefix + name, value as Endpoint] as [string, Endpoint]] : allEndpoints(value as object, `${prefix}${name}.`),
  );
}

describe('the endpoint contract the web apps call', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await openTestApp();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('names only routes the server has, with their method', () => {
    const endpoints = allEndpoints(contract);
    expect(endpoints.length).toBeGreaterThan(90);
    const missing = endpoints.filter(([, e]) => !env.app.hasRoute({ method: e.method, url: e.path })).map(([name, e]) => `${name}: ${e.method} ${e.path}`);
    expect(missing).toEqual([]);
  });

  it('names each route once', () => {
    const seen = allEndpoints(contract).map(([, e]) => `${e.method} ${e.path}`);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
