import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an SMS service on loopback (127.0.0.1, a free port), for tests: it records every
 * request it receives and answers each with the next queued reply (status and body), or
 * `{ Code: "OK" }`-like defaults when none is queued.
 */
export interface FakeRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeSmsServer {
  url: string;
  requests: FakeRequest[];
  /** Queues the answer to the next request: a JSON value, or a raw string sent as it is. */
  reply(status: number, body: unknown): void;
  close(): Promise<void>;
}

export async function startFakeSmsServer(fallback: unknown = {}): Promise<FakeSmsServer> {
  const requests: FakeRequest[] = [];
  const replies: { status: number; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = replies.shift() ?? { status: 200, body: fallback };
      const text = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
      res.writeHead(next.status, { 'content-type': typeof next.body === 'string' ? 'text/html' : 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    reply: (status, body) => replies.push({ status, body }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
