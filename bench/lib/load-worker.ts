// The load generator: autocannon in a process of its own (so the server's event loop and ours never share a
// CPU thread), driven by the spec file named on the command line; prints one JSON LoadResult on stdout.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.ts';
import type { WireRequest } from './wire.ts';

const specPath = process.argv[2];
if (!specPath) throw new Error('usage: load-worker.ts <spec.json>');
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as LoadSpec;

let pool: WireRequest[] | undefined;
if (spec.requests.kind === 'pool') {
  pool = readFileSync(spec.requests.file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => forAutocannon(JSON.parse(l) as WireRequest));
  if (pool.length < spec.connections)
    throw new Error('the request pool is smaller than the connection count');
}

// autocannon writes its own `Content-Length` for a body; a second, lower-case copy would make the request
// malformed, so the signed value is left to autocannon (it computes the same number).
function forAutocannon(req: WireRequest): WireRequest {
  if (req.body === undefined) return req;
  const { 'content-length': _, ...headers } = req.headers;
  return { ...req, headers };
}

let used = 0;
const wrap = spec.requests.kind === 'pool' && spec.requests.wrap;
const requests =
  spec.requests.kind === 'fixed'
    ? [forAutocannon(spec.requests.request)]
    : [
        {
          // Each call hands out the next pre-built request; without `wrap` none is ever sent twice.
          setupRequest: () => {
            const list = pool!;
            const req = list[wrap ? used % list.length : Math.min(used, list.length - 1)]!;
            used++;
            return req;
          },
        },
      ];

// Every response time at full float precision: autocannon's own histogram keeps whole milliseconds only.
let latencies = new Float64Array(1 << 16);
let count = 0;

const instance = autocannon(
  {
    url: spec.targets,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationSec,
    // A finite pool bounds the request count; the timer below still bounds the time.
    ...(pool && !wrap ? { amount: pool.length } : {}),
    timeout: 10,
    sampleInt: 100,
    requests,
  },
  (error, result) => {
    if (error) throw error;
    const sorted = latencies.subarray(0, count).sort();
    const at = (q: number) =>
      count === 0 ? Number.NaN : sorted[Math.min(count - 1, Math.floor(q * count))]!;
    let sum = 0;
    for (const v of sorted) sum += v;
    const statusCodes: Record<string, number> = {};
    for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) statusCodes[code] = n;
    const out: LoadResult = {
      ok: result['2xx'],
      durationSec: result.duration,
      rps: result['2xx'] / result.duration,
      latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), mean: sum / count },
      responses: count,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes,
      poolExhausted: pool !== undefined && !wrap && used >= pool.length,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  },
);
instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
  if (count === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[count++] = responseTime;
});
if (pool && !wrap) setTimeout(() => instance.stop(), spec.durationSec * 1000).unref();
