// The server under load from another process (autocannon in a child), against bare node:http baselines in
// processes of their own, measured in interleaved rounds of the same run. See docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchEntry, BenchModule, BenchOptions } from './entry.ts';
import {
  type HarnessSettings,
  isPostgres,
  selected,
  settingsOf,
  storeSuffix,
  wants,
  withWorkDir,
} from './lib/harness.ts';
import { type LoadResult, type LoadSpec, runLoad, writePool } from './lib/load.ts';
import {
  type BareProcess,
  rssMb,
  type ServerProcess,
  spawnBare,
  spawnServer,
  timeNode,
} from './lib/procs.ts';
import { createPeerConnRequest, createVpcRequest, PairSource, seedLarge, seedPeerings } from './lib/seed.ts';
import { alternate, boundedEntry, interleave, median, ratioEntry, round } from './lib/stats.ts';
import { sendOk, signedRequest, type WireRequest } from './lib/wire.ts';

const CONNECTIONS = 50;
/** Quotas high enough that no benchmark ever meets them. */
const QUOTA = 100_000_000;

async function stopAll(processes: ReadonlyArray<{ stop(): Promise<void> }>): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}

/** The response a bare server replays, recorded from the real one: status, end-to-end headers, body. */
function recordResponse(
  dir: string,
  name: string,
  res: { status: number; headers: Record<string, unknown>; body: Buffer },
) {
  const hopByHop = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (!hopByHop.has(k) && typeof v === 'string') headers[k] = v;
  const file = join(dir, `${name}.response.json`);
  writeFileSync(file, JSON.stringify({ status: res.status, headers, body: res.body.toString('base64') }));
  return file;
}

/** Load, throughput and latency at 50 connections: GET, LIST, CREATE (VPC, peering), mixed. */
async function throughput(
  options: BenchOptions,
  settings: HarnessSettings,
  dir: string,
): Promise<BenchEntry[]> {
  const { log, rounds, durationSec, smoke } = options;
  const suffix = storeSuffix(settings);
  const servers: ServerProcess[] = [];
  const bares: BareProcess[] = [];
  // A PostgreSQL run starts on empty tables of its own; the instances share them.
  const schema = isPostgres(settings.store)
    ? ['--store-schema', `bench_${randomBytes(5).toString('hex')}`]
    : [];
  try {
    for (let i = 0; i < settings.instances; i++) {
      servers.push(
        await spawnServer({
          dataPath: join(dir, 'bench.db'),
          logPath: join(dir, `server-${i}.log`),
          store: settings.store,
          quota: QUOTA,
          extraArgs: schema,
        }),
      );
    }
    const first = servers[0]!;
    const account = first.accounts[0]!;
    log(`server: ${servers.map((s) => s.url).join(', ')} (store ${settings.store}); seeding`);
    const pairs = new PairSource(first, account);
    const seeded = await seedPeerings(pairs, first, account, 120, 16);
    const getReq = signedRequest(account, first.host, 'GET', `/v1/peerconn/${seeded[0]}`, {
      role: 'initiator',
    });
    await sendOk(first.url, getReq);
    const listReq = signedRequest(account, first.host, 'GET', '/v1/peerconn', { maxKeys: '100' });
    const listed = await sendOk(first.url, listReq);
    const page = JSON.parse(listed.body.toString('utf8')) as { peerConns: unknown[] };
    if (page.peerConns.length !== 100)
      throw new Error(`LIST returned ${page.peerConns.length} items, not 100`);
    const replayFile = recordResponse(dir, 'list', listed);
    const hellos: BareProcess[] = [];
    const replays: BareProcess[] = [];
    for (let i = 0; i < settings.instances; i++) {
      hellos.push(await spawnBare('hello'));
      replays.push(await spawnBare({ replay: replayFile }));
    }
    bares.push(...hellos, ...replays);
    const serverUrls = servers.map((s) => s.url);
    const helloUrls = hellos.map((b) => b.url);
    const replayUrls = replays.map((b) => b.url);

    const load = async (
      targets: string[],
      requests: LoadSpec['requests'],
      label: string,
      seconds = durationSec,
    ) => {
      const started = performance.now();
      const r = await runLoad(
        dir,
        { targets, connections: CONNECTIONS, durationSec: seconds, requests },
        label,
      );
      const wall = ((performance.now() - started) / 1000).toFixed(1);
      log(
        `  ${label}: ${round(r.rps)} req/s, p50 ${round(r.latencyMs.p50)} ms, p99 ${round(r.latencyMs.p99)} ms (${r.ok} in ${r.durationSec} s; ${wall} s wall)`,
      );
      return r;
    };
    const fixed = (request: WireRequest): LoadSpec['requests'] => ({ kind: 'fixed', request });
    const pool = (file: string, wrap: boolean): LoadSpec['requests'] => ({ kind: 'pool', file, wrap });

    let vpcN = 1_000_000;
    const vpcPool = (n: number) => Array.from({ length: n }, () => createVpcRequest(first, account, vpcN++));
    const peerPool = async (n: number) =>
      (await pairs.take(n)).map(([a, b]) => createPeerConnRequest(first, account, a, b));
    const mixedPool = (n: number) =>
      Array.from({ length: n }, (_, k) => (k % 10 === 9 ? createVpcRequest(first, account, vpcN++) : getReq));
    /** Requests a subject run may need: a margin over the best rate seen so far, never fewer than a floor. */
    const poolSize = (rate: number) => Math.max(CONNECTIONS * 20, Math.ceil(rate * durationSec * 3));

    // Warm-up runs let both JITs settle and tell how many distinct requests a subject run may consume; smoke
    // mode skips them (its pools are sized by the floor of poolSize).
    const rate = { vpc: 0, peer: 0, mixed: 0 };
    const need = {
      get: wants(settings, 'server.get'),
      list: wants(settings, 'server.list'),
      vpc: wants(settings, 'server.create.vpc'),
      peer: wants(settings, 'server.create.peerconn'),
      mixed: wants(settings, 'server.mixed'),
    };
    if (!smoke) {
      const warm = 2;
      log('warming up');
      await load(helloUrls, fixed(getReq), 'warm-up hello', warm);
      const getWarmRate = (await load(serverUrls, fixed(getReq), 'warm-up GET', warm)).rps;
      if (need.list) {
        await load(replayUrls, fixed(listReq), 'warm-up replay', warm);
        await load(serverUrls, fixed(listReq), 'warm-up LIST', warm);
      }
      const warmPool = async (name: string, requests: WireRequest[]) =>
        (await load(serverUrls, pool(writePool(dir, name, requests), false), `warm-up ${name}`, warm)).rps;
      // A short warm-up undersells a server that is still warming: the pools are also sized from the GET rate
      // (writes rarely outrun reads; the mix is mostly reads), so a first round seldom runs out of requests.
      if (need.vpc) rate.vpc = Math.max(await warmPool('createVpc', vpcPool(4000)), getWarmRate / 2);
      if (need.peer)
        rate.peer = Math.max(await warmPool('createPeerConn', await peerPool(2000)), getWarmRate / 4);
      if (need.mixed) rate.mixed = Math.max(await warmPool('mixed', mixedPool(8000)), getWarmRate);
    }

    const results: Record<string, LoadResult[]> = {};
    const keep = (key: string, r: LoadResult) => {
      results[key] ??= [];
      results[key].push(r);
      return r;
    };
    /** Rounds, per measure, whose pool of distinct requests ran out before the time was up. */
    const exhausted: Record<string, number> = {};
    /** A subject run over a pool of distinct requests; the baseline gets the very same request bytes. */
    const pooled = async (
      r: number,
      key: string,
      label: string,
      requests: WireRequest[],
      rateKey: keyof typeof rate,
    ) => {
      const file = writePool(dir, key, requests);
      await alternate(r, [
        async () => keep(`${key}.base`, await load(helloUrls, pool(file, true), `${label} baseline`)),
        async () => {
          const result = keep(key, await load(serverUrls, pool(file, false), label));
          if (result.poolExhausted) exhausted[key] = (exhausted[key] ?? 0) + 1;
          rate[rateKey] = Math.max(rate[rateKey], result.rps);
        },
      ]);
    };

    for (let r = 0; r < rounds; r++) {
      log(`round ${r + 1}/${rounds}`);
      if (need.get)
        await alternate(r, [
          async () => keep('get.base', await load(helloUrls, fixed(getReq), 'hello-world')),
          async () => keep('get', await load(serverUrls, fixed(getReq), 'GET')),
        ]);
      if (need.list)
        await alternate(r, [
          async () => keep('list.base', await load(replayUrls, fixed(listReq), 'LIST bytes replay')),
          async () => keep('list', await load(serverUrls, fixed(listReq), 'LIST')),
        ]);
      if (need.vpc) await pooled(r, 'vpc', 'CREATE createVpc', vpcPool(poolSize(rate.vpc)), 'vpc');
      if (need.peer)
        await pooled(r, 'peer', 'CREATE createPeerConn', await peerPool(poolSize(rate.peer)), 'peer');
      if (need.mixed) await pooled(r, 'mixed', 'mixed 90/10', mixedPool(poolSize(rate.mixed)), 'mixed');
    }

    const rps = (key: string) => (results[key] ?? []).map((r) => r.rps);
    const p99 = (key: string) => (results[key] ?? []).map((r) => r.latencyMs.p99);
    const ms = (v: number) => `${round(v)} ms`;
    const shortNote = (key: string) =>
      exhausted[key]
        ? ` In ${exhausted[key]} round(s) the pool of distinct requests ran out before the time was up; the rate is over that shorter run.`
        : '';
    const instancesNote =
      settings.instances > 1 ? ` ${settings.instances} server instances on one store.` : '';
    const entries: BenchEntry[] = [
      ratioEntry(
        `server.get.${suffix}`,
        'req/s',
        rps('get'),
        rps('get.base'),
        { kind: 'ratio-at-least', bound: 0.5 },
        `Signed GET /v1/peerconn/{id}?role=initiator, one pre-signed request replayed, ${CONNECTIONS} keep-alive connections; baseline: bare node:http hello-world fed the same request.${instancesNote}`,
      ),
      boundedEntry(
        `server.get.p99.${suffix}`,
        'ms',
        p99('get'),
        p99('get.base'),
        5,
        'p99 ≤ 5 ms',
        `p99 latency of the GET runs at ${CONNECTIONS} connections; baseline: hello-world p99 in the same rounds. GET p50: ${ms(median((results.get ?? []).map((r) => r.latencyMs.p50)))}.`,
      ),
      ratioEntry(
        `server.list.${suffix}`,
        'req/s',
        rps('list'),
        rps('list.base'),
        { kind: 'ratio-at-least', bound: 0.5 },
        `Signed GET /v1/peerconn?maxKeys=100 (first page of 100, ${listed.body.length} bytes), ${CONNECTIONS} connections; baseline: bare node:http sending the very same status, headers and body.`,
      ),
      ratioEntry(
        `server.create.vpc.${suffix}`,
        'req/s',
        rps('vpc'),
        rps('vpc.base'),
        { kind: 'ratio-at-least', bound: 0.2 },
        `CREATE = createVpc (POST /v1/vpc), every request distinct and validly signed with its own clientToken, ${CONNECTIONS} concurrent clients; acknowledged means committed by the server. Baseline: hello-world fed the same request bytes.${shortNote('vpc')}`,
      ),
      ratioEntry(
        `server.create.peerconn.${suffix}`,
        'req/s',
        rps('peer'),
        rps('peer.base'),
        { kind: 'ratio-at-least', bound: 0.2 },
        `createPeerConn (same account, becomes active at once), each request a fresh VPC pair with its own clientToken, ${CONNECTIONS} concurrent clients; the store grows by every accepted request. Baseline: hello-world fed the same request bytes.${shortNote('peer')}`,
      ),
      boundedEntry(
        `server.mixed.p99.${suffix}`,
        'ms',
        p99('mixed'),
        p99('mixed.base'),
        10,
        'p99 ≤ 10 ms',
        `${CONNECTIONS} connections, 90% the signed GET, 10% distinct createVpc; throughput ${round(median(rps('mixed')))} req/s (hello-world with the same requests: ${round(median(rps('mixed.base')))} req/s). Baseline: hello-world p99 with the same requests.${shortNote('mixed')}`,
      ),
    ];
    return entries.filter((e) => selected(settings, e.name));
  } finally {
    await stopAll([...servers, ...bares]);
  }
}

/** LIST latency, RSS and start-up with a small and a large store. */
async function scale(options: BenchOptions, settings: HarnessSettings, dir: string): Promise<BenchEntry[]> {
  const { log, rounds, durationSec, smoke } = options;
  const small = smoke ? 40 : 1000;
  const large = smoke ? 300 : 100_000;
  const suffix = settings.store;
  const spawnAt = (name: string) =>
    spawnServer({
      dataPath: join(dir, `${name}.db`),
      logPath: join(dir, `${name}.log`),
      store: settings.store,
      quota: QUOTA,
    });
  const running: ServerProcess[] = [];
  let listP50: { small: number[]; large: number[] };
  let rss: { small: number; large: number };
  let seed: Awaited<ReturnType<typeof seedLarge>>;
  let listBytes: { small: number; large: number };
  try {
    {
      const seedSmall = await spawnAt('small');
      running.push(seedSmall);
      const seedBig = await spawnAt('large');
      running.push(seedBig);
      log(`scale: seeding ${small} connections`);
      const owner = seedSmall.accounts[0]!;
      await seedPeerings(new PairSource(seedSmall, owner), seedSmall, owner, small, 16);
      log(`scale: seeding ${large} connections`);
      seed = await seedLarge(seedBig, large, smoke ? 20 : 200, smoke ? 30 : 180, log);
      // Measured on fresh processes, as after a restart: nothing the seeding (a 60 MB snapshot import) left in
      // the heap counts towards the RSS, and every cache starts cold.
      await stopAll(running.splice(0));
    }
    const s = await spawnAt('small');
    running.push(s);
    const l = await spawnAt('large');
    running.push(l);
    if (l.accounts[0]?.id !== seed.listingAccountId)
      throw new Error('the restarted server lists another account first');
    const listOf = (p: ServerProcess) =>
      signedRequest(p.accounts[0]!, p.host, 'GET', '/v1/peerconn', { maxKeys: '100' });
    const smallList = listOf(s);
    const largeList = listOf(l);
    listBytes = {
      small: (await sendOk(s.url, smallList)).body.length,
      large: (await sendOk(l.url, largeList)).body.length,
    };
    const one = (p: ServerProcess, req: WireRequest, label: string, seconds = durationSec) =>
      runLoad(
        dir,
        { targets: [p.url], connections: 1, durationSec: seconds, requests: { kind: 'fixed', request: req } },
        label,
      );
    if (!smoke) {
      await one(s, smallList, 'warm-up LIST small', 2);
      await one(l, largeList, 'warm-up LIST large', 2);
    }
    const samples = await interleave(rounds, {
      small: async () => (await one(s, smallList, `LIST with ${small} stored`)).latencyMs.p50,
      large: async () => (await one(l, largeList, `LIST with ${seed.total} stored`)).latencyMs.p50,
    });
    listP50 = samples;
    rss = { small: rssMb(s.pid), large: rssMb(l.pid) };
  } finally {
    await stopAll(running);
  }

  log('scale: start-up times');
  const empty = await spawnAt('empty');
  await empty.stop();
  const startup = await interleave(rounds, {
    empty: async () => {
      const p = await spawnAt('empty');
      await p.stop();
      return p.startupMs;
    },
    large: async () => {
      const p = await spawnAt('large');
      await p.stop();
      return p.startupMs;
    },
    nodeE0: () => timeNode(['-e', '0']),
  });

  const stored = `${seed.total} connections stored (${seed.listingAccount} of them in the listing account; ${seed.viaSnapshot} loaded with one admin snapshot import, ${seed.viaApi} created through the API)`;
  return [
    ratioEntry(
      `server.scale.list.p50.${suffix}`,
      'ms',
      listP50.large,
      listP50.small,
      { kind: 'ratio-at-most', bound: 1.5 },
      `p50 of the first LIST page of 100 over one keep-alive connection: ${stored} vs ${small} (pages of ${listBytes.large} and ${listBytes.small} bytes).`,
    ),
    boundedEntry(
      `server.scale.rss.${suffix}`,
      'MB',
      [rss.large],
      [rss.small],
      150,
      'RSS ≤ 150 MB',
      `VmRSS of the server process (restarted after seeding) after the LIST rounds, ${stored}; baseline: the server holding ${small}.`,
    ),
    boundedEntry(
      `server.scale.startup.${suffix}`,
      'ms',
      startup.large,
      startup.empty,
      1000,
      'start-up ≤ 1000 ms',
      `Spawn to the "listening" banner line (node --import tsx, as npm start) with ${stored}; baseline: the same server on an empty database; node -e 0 took ${round(median(startup.nodeE0))} ms.`,
    ),
  ].filter((e) => selected(settings, e.name));
}

export const run: BenchModule = async (options) => {
  const settings = settingsOf(options);
  const groups: Array<() => Promise<BenchEntry[]>> = [];
  if (['server.get', 'server.list', 'server.create', 'server.mixed'].some((stem) => wants(settings, stem))) {
    groups.push(() => withWorkDir('server', (dir) => throughput(options, settings, dir)));
  }
  if (wants(settings, 'server.scale')) {
    groups.push(() => withWorkDir('scale', (dir) => scale(options, settings, dir)));
  }
  // A smoke run only checks that each figure is still produced, so its groups may share the machine.
  if (options.smoke) return (await Promise.all(groups.map((g) => g()))).flat();
  const entries: BenchEntry[] = [];
  for (const group of groups) entries.push(...(await group()));
  return entries;
};
