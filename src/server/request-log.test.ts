import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestApp, type TestEnv } from '../../test/support/harness.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestApp();
});
afterAll(async () => {
  await env?.close();
});

/** The app logging at info into memory; the messages of its log lines, in order. */
async function appLogging(logRequests: boolean): Promise<{ app: FastifyInstance; messages: string[] }> {
  const messages: string[] = [];
  const stream = { write: (line: string) => void messages.push((JSON.parse(line) as { msg: string }).msg) };
  const app = await env.appWith({ logger: { level: 'info', stream }, logRequests });
  return { app, messages };
}

describe('request log', () => {
  it('writes one line as a request arrives and one as it is answered, when asked to', async () => {
    const { app, messages } = await appLogging(true);
    await app.inject({ url: '/api/auth/me' });
    expect(messages).toEqual(['incoming request', 'request completed']);
  });

  it('stays quiet when turned off, while the app still logs what it logs itself', async () => {
    const { app, messages } = await appLogging(false);
    await app.inject({ url: '/api/auth/me' });
    app.log.info('still here');
    expect(messages).toEqual(['still here']);
  });
});
