import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the robot services (tests, the bench, a demo): listens on
 * 127.0.0.1:<free port>, records every request and answers what the test chose. The answer is
 * picked from the request's path: `/<answer>/…` with answer one of FAKE_ANSWERS, so one server
 * can play a good robot and a broken one at once ("http://127.0.0.1:port/ok/cgi-bin/webhook/send?key=k").
 */

export const FAKE_ANSWERS = ['ok', 'size', 'sign', 'feishu-sign', 'too-fast', 'garbage', 'error500', 'wecom-too-fast', 'feishu-ok'] as const;
export type FakeAnswer = (typeof FAKE_ANSWERS)[number];

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  /** What `stamp` gave when the request came (the bench's simulated clock). */
  at: number;
}

const ANSWERS: Record<FakeAnswer, { status: number; body: string }> = {
  ok: { status: 200, body: JSON.stringify({ errcode: 0, errmsg: 'ok' }) },
  'feishu-ok': { status: 200, body: JSON.stringify({ code: 0, msg: 'success', data: {} }) },
  size: { status: 200, body: JSON.stringify({ errcode: 40058, errmsg: 'markdown.content exceed max length 4096' }) },
  sign: { status: 200, body: JSON.stringify({ errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' }) },
  'feishu-sign': { status: 200, body: JSON.stringify({ code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} }) },
  'too-fast': { status: 200, body: JSON.stringify({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }) },
  'wecom-too-fast': { status: 200, body: JSON.stringify({ errcode: 45009, errmsg: 'api freq out of limit' }) },
  garbage: { status: 200, body: '<html><body>502 Bad Gateway</body></html>' },
  error500: { status: 500, body: 'internal error' },
};

export interface FakeRobotServer {
  /** "http://127.0.0.1:<port>" */
  base: string;
  requests: FakeRequest[];
  /** Overrides the answer for every request (the bench's rate limiter does). */
  answer: ((req: FakeRequest) => { status: number; body: string } | null) | null;
  close(): Promise<void>;
}

export async function startFakeRobotServer(opts: { stamp?: () => number } = {}): Promise<FakeRobotServer> {
  const requests: FakeRequest[] = [];
  const fake: FakeRobotServer = { base: '', requests, answer: null, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = null;
      }
      const record: FakeRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body,
        at: opts.stamp ? opts.stamp() : 0,
      };
      requests.push(record);
      const chosen = fake.answer?.(record) ?? ANSWERS[(url.pathname.split('/')[1] ?? 'ok') as FakeAnswer] ?? ANSWERS.ok;
      res.writeHead(chosen.status, { 'content-type': chosen.body.startsWith('{') ? 'application/json' : 'text/html' });
      res.end(chosen.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.base = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  return fake;
}
