// The load generator's own ceiling: wrk against a bare node:http hello-world in its own process, once with wrk's
// static request and once with the request-pool script every server figure uses (bench/lib/wrk-pool.lua). A
// server figure near these is bounded by the generator and the machine, not by the server. See
// docs/benchmarks.md.
import type { BenchEntry, BenchModule } from './entry.ts';
import { settingsOf, withWorkDir } from './lib/harness.ts';
import { requireWrk, runLoad, WRK_GENERATOR, writePool } from './lib/load.ts';
import { spawnBare } from './lib/procs.ts';
import { interleave, median, round } from './lib/stats.ts';
import { signedRequest } from './lib/wire.ts';

const CONNECTIONS = 50;
/** As many distinct requests as the server's GET pool holds (120 connections × 10 signing seconds). */
const POOL_SIZE = 1200;

export const run: BenchModule = async (options) => {
  const { rounds, durationSec, smoke, log } = options;
  const { loadThreads } = settingsOf(options);
  const wrk = requireWrk();
  return withWorkDir('loadgen', async (dir) => {
    const hello = await spawnBare('hello');
    try {
      const host = new URL(hello.url).host;
      // Shaped like the server's GET pool, signed with a key nobody checks: the hello-world ignores requests.
      const credential = { accessKeyId: 'ceiling-ak', secretAccessKey: 'ceiling-sk' };
      const requests = Array.from({ length: POOL_SIZE }, (_, i) =>
        signedRequest(credential, host, 'GET', `/v1/peerconn/peerconn-${String(i).padStart(12, '0')}`, {
          role: 'initiator',
        }),
      );
      const pool = writePool(dir, 'ceiling', requests, loadThreads);
      const spec = { targets: [hello.url], connections: CONNECTIONS, wrap: true, threads: loadThreads };
      const measure = async (withPool: boolean, seconds = durationSec) => {
        const label = withPool ? 'hello-world, request pool' : 'hello-world, static request';
        const r = await runLoad(dir, { ...spec, durationSec: seconds, ...(withPool ? { pool } : {}) }, label);
        log(
          `  ${label}: ${round(r.rps)} req/s, p50 ${round(r.latencyMs.p50)} ms, p99 ${round(r.latencyMs.p99)} ms`,
        );
        return r;
      };
      if (!smoke) await measure(false, 2);
      const p99s = { static: [] as number[], pool: [] as number[] };
      const samples = await interleave(rounds, {
        static: async () => {
          const r = await measure(false);
          p99s.static.push(r.latencyMs.p99);
          return r.rps;
        },
        pool: async () => {
          const r = await measure(true);
          p99s.pool.push(r.latencyMs.p99);
          return r.rps;
        },
      });
      const base = median(samples.static);
      const value = median(samples.pool);
      const setup = `${wrk.version}, ${loadThreads} thread(s), ${CONNECTIONS} keep-alive connections, against bare node:http hello-world in its own process on loopback`;
      const entries: BenchEntry[] = [
        {
          name: 'loadgen.ceiling.static',
          value: round(base),
          unit: 'req/s',
          baseline: null,
          ratio: null,
          target: "none (the generator's ceiling)",
          meets: true,
          samples: samples.static.map(round),
          note: `${setup}; wrk's own static request, nothing built per request. p99 ${round(median(p99s.static))} ms.`,
          generator: WRK_GENERATOR,
        },
        {
          name: 'loadgen.ceiling.pool',
          value: round(value),
          unit: 'req/s',
          baseline: round(base),
          ratio: round(value / base),
          target: "none (the generator's ceiling)",
          meets: true,
          samples: samples.pool.map(round),
          note: `${setup}; the request-pool script every server figure uses, ${POOL_SIZE} distinct signed GETs in turn (baseline: the static request). p99 ${round(median(p99s.pool))} ms. The server figures' baselines are this measure again in their own rounds.`,
          generator: WRK_GENERATOR,
        },
      ];
      return entries;
    } finally {
      await hello.stop();
    }
  });
};
