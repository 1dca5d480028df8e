// The load generator: autocannon in a process of its own (so the server's event loop and ours never share a
// thread), driven by the spec file named on the command line (LoadSpec in load.ts); prints one LoadResult as a
// JSON line on stdout. Plain JavaScript so that it starts without a TypeScript loader.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const specPath = process.argv[2];
if (!specPath) throw new Error('usage: load-worker.mjs <spec.json>');
const spec = JSON.parse(readFileSync(specPath, 'utf8'));

// autocannon writes its own `Content-Length` for a body; a second, lower-case copy would make the request
// malformed, so the signed value is left to autocannon (it computes the same number).
function forAutocannon(req) {
  if (req.body === undefined) return req;
  const { 'content-length': _, ...headers } = req.headers;
  return { ...req, headers };
}

let pool;
if (spec.requests.kind === 'pool') {
  pool = readFileSync(spec.requests.file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => forAutocannon(JSON.parse(l)));
  if (pool.length < spec.connections)
    throw new Error('the request pool is smaller than the connection count');
}

const wrap = spec.requests.kind === 'pool' && spec.requests.wrap;
let used = 0;
const requests =
  spec.requests.kind === 'fixed'
    ? [forAutocannon(spec.requests.request)]
    : [
        {
          // Each call hands out the next pre-built request. Without `wrap`, `amount` below stops every client
          // before the pool runs dry, so none is ever sent twice.
          setupRequest: () => pool[used++ % pool.length],
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
    ...(pool && !wrap ? { amount: pool.length } : {}),
    timeout: 10,
    // autocannon checks its stop flag once per sample interval.
    sampleInt: 100,
    requests,
  },
  (error, result) => {
    if (error) throw error;
    const sorted = latencies.subarray(0, count).sort();
    const at = (q) => (count === 0 ? Number.NaN : sorted[Math.min(count - 1, Math.floor(q * count))]);
    let sum = 0;
    for (const v of sorted) sum += v;
    const statusCodes = {};
    for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) statusCodes[code] = n;
    const out = {
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
instance.on('response', (_client, _status, _bytes, responseTime) => {
  if (count === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[count++] = responseTime;
});
// With `amount` set autocannon has no timer of its own: the run is still bounded in time.
if (pool && !wrap) setTimeout(() => instance.stop(), spec.durationSec * 1000).unref();
