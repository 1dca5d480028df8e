// The server under load from another process (wrk, fed pre-signed requests), against bare node:http baselines in
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
import {
  type LoadResult,
  type RequestPool,
  removePool,
  requireWrk,
  runLoad,
  WRK_GENERATOR,
  writePool,
} from './lib/load.ts';
import {
  GET_SIGNING_SECONDS,
  getRequests,
  LIST_SIGNING_SECONDS,
  listRequests,
  mixedRequests,
} from './lib/pools.ts';
import {
  type BareProcess,
  rssMb,
  type ServerProcess,
  type StoreCounters,
  spawnBare,
  spawnServer,
  storeCounters,
  timeNode,
} from './lib/procs.ts';
import { createPeerConnRequest, createVpcRequest, PairSource, seedLarge, seedPeerings } from './lib/seed.ts';
import {
  alternate,
  boundedEntry,
  interleave,
  median,
  type RatioTarget,
  ratioEntry,
  reportOnly,
  round,
} from './lib/stats.ts';
import { sendOk, type WireRequest } from './lib/wire.ts';

const CONNECTIONS = 50;
/** Quotas high enough that no benchmark ever meets them. */
const QUOTA = 100_000_000;

/**
 * What SQLite, the default store, must reach (docs/benchmarks.md). PostgreSQL's load figures carry no target of
 * their own: they are judged against SQLite's in the same run and two servers against one (bench/lib/derived.ts).
 */
const SQLITE_TARGETS = {
  /** signed GET ÷ hello-world */
  get: 0.35,
  getP99Ms: 5,
  /** LIST page of 100 ÷ node:http sending the same bytes */
  list: 0.3,
  /** durable createPeerConn ÷ hello-world */
  createPeerConn: 0.075,
  /** createVpc has no target of its own in the issue; it does less work than createPeerConn, so the same bar. */
  createVpc: 0.075,
  mixedP99Ms: 6,
} as const;

/** Where a PostgreSQL load figure is compared, since it has no target of its own. */
function postgresComparedIn(settings: HarnessSettings, stem: string): string {
  return settings.instances === 1
    ? `PostgreSQL is compared with the same run's SQLite in ${stem}.postgres÷sqlite`
    : `${settings.instances} servers are compared with one in ${stem}.${storeSuffix(settings)}÷postgres`;
}

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

/** How often a subject run whose pool of distinct creates ran out is repeated with a pool twice as large. */
const POOL_RETRIES = 2;

/** Load, throughput and latency at 50 connections: GET, LIST, CREATE (VPC, peering), mixed. */
async function throughput(
  options: BenchOptions,
  settings: HarnessSettings,
  dir: string,
): Promise<BenchEntry[]> {
  const { log, rounds, durationSec, smoke } = options;
  const suffix = storeSuffix(settings);
  const threads = settings.instances * settings.loadThreads;
  const connections = CONNECTIONS - (CONNECTIONS % threads);
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
    const gets = getRequests(first, account, seeded);
    await sendOk(first.url, gets[0]!);
    const lists = listRequests(first, account);
    const listed = await sendOk(first.url, lists[0]!);
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
      pool: RequestPool,
      wrap: boolean,
      label: string,
      seconds = durationSec,
    ) => {
      const started = performance.now();
      const r = await runLoad(dir, { targets, connections, durationSec: seconds, pool, wrap }, label);
      const wall = ((performance.now() - started) / 1000).toFixed(1);
      log(
        `  ${label}: ${round(r.rps)} req/s, p50 ${round(r.latencyMs.p50)} ms, p99 ${round(r.latencyMs.p99)} ms (${r.ok} in ${round(r.durationSec)} s; ${wall} s wall)`,
      );
      return r;
    };
    const toPool = (name: string, requests: readonly WireRequest[]) =>
      writePool(dir, name, requests, threads);
    const getPool = toPool('get', gets);
    const listPool = toPool('list', lists);

    let vpcN = 1_000_000;
    const vpcRequests = (n: number) =>
      Array.from({ length: n }, () => createVpcRequest(first, account, vpcN++));
    const peerRequests = async (n: number) =>
      (await pairs.take(n)).map(([a, b]) => createPeerConnRequest(first, account, a, b));
    const mixed = (n: number) => mixedRequests(gets, () => createVpcRequest(first, account, vpcN++), n);
    /** Requests a subject run may need: a margin over the best rate seen so far, never fewer than a floor. */
    const poolSize = (rate: number) => Math.max(connections * 20, Math.ceil(rate * durationSec * 3));

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
      await load(helloUrls, getPool, true, 'warm-up hello', warm);
      const getWarmRate = (await load(serverUrls, getPool, true, 'warm-up GET', warm)).rps;
      if (need.list) {
        await load(replayUrls, listPool, true, 'warm-up replay', warm);
        await load(serverUrls, listPool, true, 'warm-up LIST', warm);
      }
      const warmOnce = async (name: string, requests: WireRequest[]) => {
        const pool = toPool(name, requests);
        try {
          return (await load(serverUrls, pool, false, `warm-up ${name}`, warm)).rps;
        } finally {
          removePool(pool);
        }
      };
      // A short warm-up undersells a server that is still warming: the pools are also sized from the GET rate
      // (writes rarely outrun reads; the mix is mostly reads), so a first round seldom runs out of requests.
      if (need.vpc) rate.vpc = Math.max(await warmOnce('createVpc', vpcRequests(4000)), getWarmRate / 2);
      if (need.peer)
        rate.peer = Math.max(await warmOnce('createPeerConn', await peerRequests(2000)), getWarmRate / 4);
      if (need.mixed) rate.mixed = Math.max(await warmOnce('mixed', mixed(8000)), getWarmRate);
    }

    const results: Record<string, LoadResult[]> = {};
    const keep = (key: string, r: LoadResult) => {
      results[key] ??= [];
      results[key].push(r);
      return r;
    };
    /** What the servers' stores did during the subject runs of each load, summed over servers and runs. */
    const storeWork: Record<string, StoreCounters> = {};
    const countersNow = async () => {
      const total: StoreCounters = {};
      for (const counters of await Promise.all(servers.map(storeCounters))) {
        for (const [name, n] of Object.entries(counters)) total[name] = (total[name] ?? 0) + n;
      }
      return total;
    };
    const measuringStore = async <T>(key: string, run: () => Promise<T>): Promise<T> => {
      const before = await countersNow();
      const result = await run();
      const after = await countersNow();
      const sum = storeWork[key] ?? {};
      storeWork[key] = sum;
      for (const [name, n] of Object.entries(after)) sum[name] = (sum[name] ?? 0) + n - (before[name] ?? 0);
      return result;
    };
    /** Subject runs repeated because their pool of distinct requests ran out before the time was up. */
    const repeated: Record<string, number> = {};
    /** Smoke runs whose pool ran out: kept, their rate a lower bound (smoke figures only have to exist). */
    const short: Record<string, number> = {};
    /**
     * A subject run over a pool of distinct requests, each sent at most once; the baseline gets the very same
     * request bytes (over and over: a hello-world outruns any pool). A run that uses up its pool is not kept
     * (outside smoke mode): it is repeated with a pool twice as large.
     */
    const pooled = async (
      r: number,
      key: string,
      label: string,
      make: (n: number) => WireRequest[] | Promise<WireRequest[]>,
      rateKey: keyof typeof rate,
    ) => {
      let size = poolSize(rate[rateKey]);
      let pool = toPool(key, await make(size));
      try {
        await alternate(r, [
          async () => keep(`${key}.base`, await load(helloUrls, pool, true, `${label} baseline`)),
          async () => {
            for (let attempt = 0; ; attempt++) {
              const result = await measuringStore(key, () => load(serverUrls, pool, false, label));
              if (result.poolExhausted && smoke) short[key] = (short[key] ?? 0) + 1;
              if (!result.poolExhausted || smoke) {
                keep(key, result);
                rate[rateKey] = Math.max(rate[rateKey], result.rps);
                return;
              }
              if (attempt === POOL_RETRIES)
                throw new Error(`${label}: ${size} distinct requests ran out ${attempt + 1} times in a row`);
              repeated[key] = (repeated[key] ?? 0) + 1;
              size *= 2;
              log(`  ${label}: the pool ran out before the time was up; again with ${size} requests`);
              removePool(pool);
              pool = toPool(key, await make(size));
            }
          },
        ]);
      } finally {
        removePool(pool);
      }
    };

    for (let r = 0; r < rounds; r++) {
      log(`round ${r + 1}/${rounds}`);
      if (need.get)
        await alternate(r, [
          async () => keep('get.base', await load(helloUrls, getPool, true, 'hello-world')),
          async () => keep('get', await load(serverUrls, getPool, true, 'GET')),
        ]);
      if (need.list)
        await alternate(r, [
          async () => keep('list.base', await load(replayUrls, listPool, true, 'LIST bytes replay')),
          async () => keep('list', await load(serverUrls, listPool, true, 'LIST')),
        ]);
      if (need.vpc) await pooled(r, 'vpc', 'CREATE createVpc', vpcRequests, 'vpc');
      if (need.peer) await pooled(r, 'peer', 'CREATE createPeerConn', peerRequests, 'peer');
      if (need.mixed) await pooled(r, 'mixed', 'mixed 90/10', mixed, 'mixed');
    }

    const rps = (key: string) => (results[key] ?? []).map((r) => r.rps);
    const p99 = (key: string) => (results[key] ?? []).map((r) => r.latencyMs.p99);
    const ms = (v: number) => `${round(v)} ms`;
    const repeatNote = (key: string) =>
      (repeated[key]
        ? ` ${repeated[key]} run(s) used up their pool of distinct requests before the time was up and were repeated with a larger one.`
        : '') +
      (short[key]
        ? ` The pool of distinct requests ran out before the time was up: the rate is a lower bound.`
        : '');
    const instancesNote =
      settings.instances > 1 ? ` ${settings.instances} server instances on one store.` : '';
    const postgres = isPostgres(settings.store);
    /** SQLite's target for a ratio, report-only on PostgreSQL. */
    const ratioTarget = (stem: string, bound: number): RatioTarget =>
      postgres
        ? { kind: 'report-only', why: postgresComparedIn(settings, stem) }
        : { kind: 'ratio-at-least', bound };
    /** SQLite's bound for a p99 (bound and target text), report-only on PostgreSQL. */
    const p99Target = (boundMs: number): [number, string] =>
      postgres
        ? [Number.POSITIVE_INFINITY, reportOnly('the p99 targets are for SQLite, the default store')]
        : [boundMs, `p99 ≤ ${boundMs} ms`];
    /** What the store did for a load's subject runs (GET /_admin/store, summed over the servers). */
    const storeNote = (key: string) => {
      const work = storeWork[key];
      const writes = work?.writes ?? 0;
      if (!work || writes === 0) return '';
      if (postgres) {
        return ` Store: ${writes} writes committed, ${work.retries ?? 0} transaction(s) retried after a conflict (${round((100 * (work.retries ?? 0)) / writes)}%), ${round((work.writeStatements ?? 0) / writes)} statements in ${round((work.writeRoundTrips ?? 0) / writes)} round trips per write, each write holding its locks ${round((work.lockHeldMs ?? 0) / writes)} ms.`;
      }
      return ` Store: ${writes} writes in ${work.batches ?? 0} batches (${round(writes / (work.batches || 1))} per batch); the WAL started over ${work.walRestarts ?? 0} time(s).`;
    };
    /** Retried transactions per committed write under a load, in percent (PostgreSQL only: SQLite never retries). */
    const retryEntry = (key: string, name: string, what: string): BenchEntry[] => {
      const work = storeWork[key];
      if (!postgres || !work?.writes) return [];
      const percent = (100 * (work.retries ?? 0)) / work.writes;
      return [
        boundedEntry(
          `${name}.${suffix}`,
          '%',
          [percent],
          null,
          1,
          'retries ≤ 1% of writes',
          `Transactions the PostgreSQL store ran again after a serialization failure, a deadlock or a concurrent insert of one key, per committed write, over every subject run of ${what} (the store counts them: GET /_admin/store); ${work.retries ?? 0} of ${work.writes}.${instancesNote}`,
          'store counters',
        ),
      ];
    };
    const conns = `${connections} keep-alive connections`;
    const entries: BenchEntry[] = [
      ratioEntry(
        `server.get.${suffix}`,
        'req/s',
        rps('get'),
        rps('get.base'),
        ratioTarget('server.get', SQLITE_TARGETS.get),
        `Signed GET /v1/peerconn/{id}?role=initiator, ${gets.length} distinct pre-signed requests (${seeded.length} connections × ${GET_SIGNING_SECONDS} signing seconds) sent in turn over ${conns}; baseline: bare node:http hello-world fed the same requests.${instancesNote}`,
        WRK_GENERATOR,
      ),
      boundedEntry(
        `server.get.p99.${suffix}`,
        'ms',
        p99('get'),
        p99('get.base'),
        ...p99Target(SQLITE_TARGETS.getP99Ms),
        `p99 latency of the GET runs over ${conns}; baseline: hello-world p99 in the same rounds. GET p50: ${ms(median((results.get ?? []).map((r) => r.latencyMs.p50)))}.`,
        WRK_GENERATOR,
      ),
      ratioEntry(
        `server.list.${suffix}`,
        'req/s',
        rps('list'),
        rps('list.base'),
        ratioTarget('server.list', SQLITE_TARGETS.list),
        `Signed GET /v1/peerconn?maxKeys=100 (first page of 100, ${listed.body.length} bytes), ${lists.length} distinct signatures (one per signing second) over ${conns}; baseline: bare node:http sending the very same status, headers and body.`,
        WRK_GENERATOR,
      ),
      ratioEntry(
        `server.create.vpc.${suffix}`,
        'req/s',
        rps('vpc'),
        rps('vpc.base'),
        ratioTarget('server.create.vpc', SQLITE_TARGETS.createVpc),
        `CREATE = createVpc (POST /v1/vpc), every request distinct (its own clientToken, name and CIDR), pre-signed and sent once, over ${conns}; acknowledged means committed by the server. Baseline: hello-world fed the same request bytes.${repeatNote('vpc')}${storeNote('vpc')}`,
        WRK_GENERATOR,
      ),
      ratioEntry(
        `server.create.peerconn.${suffix}`,
        'req/s',
        rps('peer'),
        rps('peer.base'),
        ratioTarget('server.create.peerconn', SQLITE_TARGETS.createPeerConn),
        `createPeerConn (same account, becomes active at once), each request a fresh VPC pair with its own clientToken, sent once, over ${conns}; the store grows by every accepted request. Baseline: hello-world fed the same request bytes.${repeatNote('peer')}${storeNote('peer')}`,
        WRK_GENERATOR,
      ),
      boundedEntry(
        `server.mixed.p99.${suffix}`,
        'ms',
        p99('mixed'),
        p99('mixed.base'),
        ...p99Target(SQLITE_TARGETS.mixedP99Ms),
        `${conns}, 90% the signed GETs above, 10% distinct createVpc; throughput ${round(median(rps('mixed')))} req/s (hello-world with the same requests: ${round(median(rps('mixed.base')))} req/s). Baseline: hello-world p99 with the same requests.${repeatNote('mixed')}${storeNote('mixed')}`,
        WRK_GENERATOR,
      ),
      ...retryEntry('vpc', 'server.create.vpc.retries', 'the createVpc load'),
      ...retryEntry('peer', 'server.create.peerconn.retries', 'the createPeerConn load'),
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
    const smallList = listRequests(s, s.accounts[0]!);
    const largeList = listRequests(l, l.accounts[0]!);
    listBytes = {
      small: (await sendOk(s.url, smallList[0]!)).body.length,
      large: (await sendOk(l.url, largeList[0]!)).body.length,
    };
    const smallPool = writePool(dir, 'list-small', smallList);
    const largePool = writePool(dir, 'list-large', largeList);
    const one = (p: ServerProcess, pool: RequestPool, label: string, seconds = durationSec) =>
      runLoad(dir, { targets: [p.url], connections: 1, durationSec: seconds, pool, wrap: true }, label);
    if (!smoke) {
      await one(s, smallPool, 'warm-up LIST small', 2);
      await one(l, largePool, 'warm-up LIST large', 2);
    }
    const samples = await interleave(rounds, {
      small: async () => (await one(s, smallPool, `LIST with ${small} stored`)).latencyMs.p50,
      large: async () => (await one(l, largePool, `LIST with ${seed.total} stored`)).latencyMs.p50,
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
      `p50 of the first LIST page of 100 over one keep-alive connection (${LIST_SIGNING_SECONDS} distinct signatures in turn): ${stored} vs ${small} (pages of ${listBytes.large} and ${listBytes.small} bytes).`,
      WRK_GENERATOR,
    ),
    boundedEntry(
      `server.scale.rss.${suffix}`,
      'MB',
      [rss.large],
      [rss.small],
      150,
      'RSS ≤ 150 MB',
      `VmRSS of the server process (restarted after seeding) after the LIST rounds, ${stored}; baseline: the server holding ${small}.`,
      'none (VmRSS)',
    ),
    boundedEntry(
      `server.scale.startup.${suffix}`,
      'ms',
      startup.large,
      startup.empty,
      1000,
      'start-up ≤ 1000 ms',
      `Spawn to the "listening" banner line (node --import tsx, as npm start) with ${stored}; baseline: the same server on an empty database; node -e 0 took ${round(median(startup.nodeE0))} ms.`,
      'wall time',
    ),
  ].filter((e) => selected(settings, e.name));
}

export const run: BenchModule = async (options) => {
  const settings = settingsOf(options);
  // Every group drives load with wrk: without it, say so before any server starts.
  requireWrk();
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
