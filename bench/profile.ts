// `npm run profile -- <get|list|create|create-peerconn|mixed> [--seconds n] [--keep] [--store postgres://…]`: a CPU
// profile of the server under one of the benchmark loads. The server runs as `npm start` does, with `node --cpu-prof`; the load comes from wrk, as
// in the benchmarks; after the run the server is stopped (which writes the profile) and the
// functions that took the most time are printed. --keep copies the .cpuprofile to .tmp/ (Chrome DevTools and
// VS Code open it). See docs/benchmarks.md, "Profiling".
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withWorkDir } from './lib/harness.ts';
import { findWrk, LoadGeneratorMissing, runLoad, WRK_ENV, writePool } from './lib/load.ts';
import { getRequests, listRequests, mixedRequests } from './lib/pools.ts';
import { cpuSeconds, killChildren, repoRoot, spawnServer } from './lib/procs.ts';
import { createPeerConnRequest, createVpcRequest, PairSource, seedPeerings } from './lib/seed.ts';
import { sendOk, type WireRequest } from './lib/wire.ts';

const LOADS = ['get', 'list', 'create', 'create-peerconn', 'mixed'] as const;
type LoadName = (typeof LOADS)[number];
const CONNECTIONS = 50;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Share of samples per function, by the time spent in the function itself and with what it called. */
export function summarize(profile: CpuProfile, top: number): { self: string[]; total: string[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const file = node.callFrame.url.split('/').slice(-2).join('/');
    return `${node.callFrame.functionName || '(anonymous)'} ${file}${file ? `:${node.callFrame.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const sample of profile.samples) {
    const node = byId.get(sample);
    if (!node) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = sample; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at) as ProfileNode);
      if (!seen.has(name)) total.set(name, (total.get(name) ?? 0) + 1);
      seen.add(name);
    }
  }
  const rank = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => `${((100 * n) / profile.samples.length).toFixed(1).padStart(5)}%  ${name}`);
  return { self: rank(self), total: rank(total) };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      keep: { type: 'boolean' },
      top: { type: 'string' },
      'cpu-only': { type: 'boolean' },
      store: { type: 'string' },
    },
  });
  const load = positionals[0] as LoadName | undefined;
  if (!load || !LOADS.includes(load)) {
    throw new Error(
      `usage: npm run profile -- <${LOADS.join('|')}> [--seconds n] [--keep] [--top n] [--cpu-only] [--store postgres://…]`,
    );
  }
  const cpuOnly = values['cpu-only'] === true;
  if (!findWrk()) {
    // As the benchmarks' smoke run does: a machine without wrk is told what is missing; CI must have it.
    process.stderr.write(
      `profile: ${new LoadGeneratorMissing(process.env[WRK_ENV] || 'wrk').message}; nothing profiled\n`,
    );
    process.exitCode = process.env.CI ? 1 : 0;
    return;
  }
  const seconds = Math.max(1, Math.ceil(Number(values.seconds ?? 5)));
  const top = Number(values.top ?? 25);
  await withWorkDir('profile', async (dir) => {
    const profiles = join(dir, 'profiles');
    const store = values.store ?? 'sqlite';
    const server = await spawnServer({
      dataPath: join(dir, 'profile.db'),
      logPath: join(dir, 'server.log'),
      store,
      quota: 1_000_000,
      nodeArgs: cpuOnly ? [] : ['--cpu-prof', `--cpu-prof-dir=${profiles}`],
      // A PostgreSQL run starts on empty tables of its own.
      extraArgs: store === 'sqlite' ? [] : ['--store-schema', `profile_${randomBytes(5).toString('hex')}`],
    });
    const account = server.accounts[0];
    if (!account) throw new Error('the server started without accounts');
    const pairs = new PairSource(server, account);
    const seeded = await seedPeerings(pairs, server, account, 120, 16);
    // The same distinct pre-signed requests as the benchmarks (bench/server.bench.ts).
    const gets = getRequests(server, account, seeded);
    const lists = listRequests(server, account);
    await sendOk(server.url, gets[0]!);
    let n = 0;
    const creates = (count: number): WireRequest[] =>
      Array.from({ length: count }, () => createVpcRequest(server, account, n++));
    const requests: Record<LoadName, () => Promise<WireRequest[]> | WireRequest[]> = {
      get: () => gets,
      list: () => lists,
      create: () => creates(10_000 * seconds),
      'create-peerconn': async () =>
        (await pairs.take(4_000 * seconds)).map(([a, b]) => createPeerConnRequest(server, account, a, b)),
      mixed: () => mixedRequests(gets, () => createVpcRequest(server, account, n++), 20_000 * seconds),
    };
    const wrap = load === 'get' || load === 'list';
    const pool = writePool(dir, load, await requests[load]());
    const cpuBefore = cpuSeconds(server.pid);
    const result = await runLoad(
      dir,
      {
        targets: [server.url],
        connections: CONNECTIONS,
        durationSec: seconds,
        pool,
        wrap,
      },
      load,
    );
    if (result.poolExhausted)
      process.stdout.write(`${load}: the pool of distinct requests ran out before the time was up\n`);
    const cpuAfter = cpuSeconds(server.pid);
    const perRequest = (seconds: number) => ((seconds * 1e6) / result.ok).toFixed(1);
    process.stdout.write(
      `${load}: ${Math.round(result.rps)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms over ${CONNECTIONS} connections\n` +
        `server CPU per answered request: ${perRequest(cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system)} µs ` +
        `(user ${perRequest(cpuAfter.user - cpuBefore.user)}, system ${perRequest(cpuAfter.system - cpuBefore.system)})${cpuOnly ? '' : ', with the profiler on'}\n`,
    );
    await server.stop();
    if (cpuOnly) return;
    const file = readdirSync(profiles)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(profiles, name))
      .sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    if (!file) throw new Error('the server wrote no profile');
    const { self, total } = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
    process.stdout.write(`\nself time (the function itself):\n${self.join('\n')}\n`);
    process.stdout.write(`\ntotal time (with what it called):\n${total.join('\n')}\n`);
    if (values.keep) {
      const kept = join(repoRoot, '.tmp', `profile-${load}.cpuprofile`);
      mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
      copyFileSync(file, kept);
      process.stdout.write(`\nprofile kept: ${kept}\n`);
    }
  });
}

try {
  await main();
} finally {
  killChildren();
}
