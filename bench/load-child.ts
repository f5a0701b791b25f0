import fs from 'node:fs';
import http from 'node:http';

/**
 * A paced HTTP load in a process of its own (so the load does not share the server's event loop):
 * request i is sent at start + i / rate, never more than `concurrency` in flight, over keep-alive
 * connections. Writes one result per request (status, latency from send to the end of the body,
 * how late it was sent against its schedule) to `output`.
 *   node --import tsx bench/load-child.ts <input.json> <output.json>
 */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Carried through to the result (e.g. the member id). */
  tag?: string;
}

export interface LoadInput {
  baseUrl: string;
  ratePerSecond: number;
  concurrency: number;
  requests: LoadRequest[];
}

export interface LoadResult {
  tag: string | undefined;
  status: number;
  ms: number;
  /** ms behind schedule when sent (the concurrency cap was full) */
  lagMs: number;
  error?: string;
}

export interface LoadOutput {
  wallSeconds: number;
  results: LoadResult[];
}

function send(agent: http.Agent, base: URL, r: LoadRequest): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body ? { 'content-length': Buffer.byteLength(r.body) } : {}) } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e) => resolve({ status: 0, error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    if (r.body) req.write(r.body);
    req.end();
  });
}

async function main(): Promise<void> {
  const [inputPath, outputPath] = process.argv.slice(2);
  if (!inputPath || !outputPath) throw new Error('usage: load-child.ts <input.json> <output.json>');
  const input = JSON.parse(fs.readFileSync(inputPath, 'utf8')) as LoadInput;
  const base = new URL(input.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.concurrency });
  const results: LoadResult[] = Array.from({ length: input.requests.length });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= input.requests.length) return;
      const r = input.requests[i] as LoadRequest;
      const due = started + (i * 1000) / input.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((res) => setTimeout(res, wait));
      const t = performance.now();
      const out = await send(agent, base, r);
      results[i] = { tag: r.tag, status: out.status, ms: performance.now() - t, lagMs: Math.max(0, t - due), ...(out.error ? { error: out.error } : {}) };
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  const wallSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  fs.writeFileSync(outputPath, JSON.stringify({ wallSeconds, results } satisfies LoadOutput));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error && e.stack ? e.stack : String(e));
  process.exit(1);
});
