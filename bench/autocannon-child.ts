import fs from 'node:fs';
import { createRequire } from 'node:module';

/**
 * One autocannon run in a process of its own, rotating over a list of header sets (one member's
 * session cookie each), so a figure can load the server as many members rather than one.
 *   node --import tsx bench/autocannon-child.ts <input.json>   → one JSON line on stdout
 */
export interface CannonInput {
  url: string;
  connections: number;
  seconds: number;
  /** Request i carries headerSets[i % length]; empty: no extra headers. */
  headerSets: Record<string, string>[];
}

export interface CannonOutput {
  rps: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
interface RawRequest {
  headers?: Record<string, string>;
}
type Autocannon = (opts: object, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;

const input = JSON.parse(fs.readFileSync(process.argv[2] ?? '', 'utf8')) as CannonInput;
let i = 0;
const sets = input.headerSets;
autocannon(
  {
    url: input.url,
    connections: input.connections,
    duration: input.seconds,
    requests: [
      {
        setupRequest: (req: RawRequest) => {
          if (sets.length) req.headers = { ...req.headers, ...sets[i++ % sets.length] };
          return req;
        },
      },
    ],
  },
  (err, r) => {
    if (err) {
      console.error(err.stack ?? String(err));
      process.exit(1);
    }
    const out: CannonOutput = { rps: r.requests.average, non2xx: r.non2xx, errors: r.errors, p50: r.latency.p50, p99: r.latency.p99 };
    process.stdout.write(JSON.stringify(out) + '\n');
  },
);
