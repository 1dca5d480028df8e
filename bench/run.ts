// `npm run bench [-- flags]`: runs every module of bench/modules.ts, prints a Markdown table and writes
// latest.json / latest.md. See docs/benchmarks.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres } from '../scripts/postgres.mjs';
import type { BenchModule } from './entry.ts';
import { derivedEntries } from './lib/derived.ts';
import { type HarnessOptions, isPostgres, removeWorkDirs, selected, wants } from './lib/harness.ts';
import { findWrk, LoadGeneratorMissing } from './lib/load.ts';
import { killChildren, repoRoot } from './lib/procs.ts';
import { type BenchReport, fmt, type Machine, markdown, toJson } from './lib/report.ts';
import { closeSetupClient } from './lib/wire.ts';
import { BENCH_MODULES } from './modules.ts';

const USAGE = `Usage: npm run bench -- [options]

  --smoke             a few seconds in all: tiny stores, one short round (checks every benchmark still runs)
  --only <prefixes>   only entries whose name starts with one of these comma-separated prefixes
                      (e.g. server.get, server.scale, cli or server,cli)
  --rounds <n>        interleaved rounds per measure (default 3; 1 with --smoke)
  --duration <s>      whole seconds of load per run (default 5; 1 with --smoke)
  --store <kind>      passed to the server as --store: sqlite, or a postgres:// URL (default: sqlite, then,
                      when PostgreSQL is installed, the server figures again on a throwaway PostgreSQL with
                      one and with two server processes)
  --instances <n>     server processes sharing the store, load spread over them (default 1; PostgreSQL only)
  --load-threads <n>  wrk threads per server process driven (default 1)
  --out <dir>         where latest.json and latest.md go (default bench/results; none with --smoke)
  -h, --help          this text
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function positive(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) fail(`${flag} must be a positive number, not "${text}"`);
  return n;
}

function isBenchModule(value: unknown): value is BenchModule {
  return typeof value === 'function';
}

function machine(loadThreads: number): Machine {
  const wrk = findWrk();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadGenerator: wrk
      ? `${wrk.version}, ${loadThreads} thread(s) per server process, Lua request pools (bench/lib/wrk-pool.lua), loopback`
      : 'none: wrk is not installed',
    date: new Date().toISOString(),
    loadAverage: { start: loadavg().map((v) => Number(v.toFixed(2))), end: [] },
  };
}

const FLAGS = {
  smoke: { type: 'boolean' },
  only: { type: 'string' },
  rounds: { type: 'string' },
  duration: { type: 'string' },
  store: { type: 'string' },
  instances: { type: 'string' },
  'load-threads': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseFlags() {
  try {
    return parseArgs({ args: process.argv.slice(2), strict: true, allowPositionals: false, options: FLAGS })
      .values;
  } catch (error) {
    fail((error as Error).message);
  }
}

async function main(): Promise<number> {
  const values = parseFlags();
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const smoke = values.smoke === true;
  const rounds = Math.round(positive(values.rounds, '--rounds', smoke ? 1 : 3));
  // wrk runs for whole seconds.
  const durationSec = Math.ceil(positive(values.duration, '--duration', smoke ? 1 : 5));
  const instances = Math.round(positive(values.instances, '--instances', 1));
  const loadThreads = Math.round(positive(values['load-threads'], '--load-threads', 1));
  const store = values.store ?? 'sqlite';
  if (instances > 1 && !isPostgres(store)) {
    fail('--instances above 1 needs --store postgres://…: one SQLite file serves one server process');
  }
  const only = values.only
    ?.split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const defaultOut = join(repoRoot, 'bench/results');
  const out = values.out ?? (smoke ? undefined : defaultOut);
  if (!smoke && rounds < 3) process.stderr.write('bench: fewer than 3 rounds; medians will be noisy\n');

  const started = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const options: HarnessOptions = { smoke, rounds, durationSec, log, store, instances, only, loadThreads };
  const report: BenchReport = {
    machine: machine(loadThreads),
    settings: {
      smoke,
      rounds,
      durationSec,
      store: isPostgres(store) ? 'postgres' : store,
      instances,
      loadThreads,
      only: only ?? null,
    },
    entries: [],
    skipped: [],
    errors: [],
  };
  // A smoke run on a developer's machine without wrk still checks everything else; CI installs wrk (.ci/run).
  const maySkipWithoutWrk = smoke && !process.env.CI;
  const runModule = async ({ key, file }: { key: string; file: string }, moduleOptions: HarnessOptions) => {
    log(
      `== ${key} (${file})${moduleOptions.store === store ? '' : ` on ${moduleOptions.instances} PostgreSQL server(s)`}`,
    );
    try {
      const mod = (await import(new URL(file, import.meta.url).href)) as Record<string, unknown>;
      if (!isBenchModule(mod.run)) throw new Error(`${file} does not export run: BenchModule`);
      const entries = await mod.run(moduleOptions);
      for (const e of entries)
        log(`   ${e.name}: ${fmt(e.value, e.unit)} (target ${e.target}: ${e.meets ? 'met' : 'NOT met'})`);
      report.entries.push(...entries.filter((e) => selected({ only: moduleOptions.only }, e.name)));
    } catch (error) {
      if (error instanceof LoadGeneratorMissing && maySkipWithoutWrk) {
        log(`   SKIPPED: ${error.message}`);
        report.skipped.push({ module: key, reason: error.message });
        return;
      }
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`   FAILED: ${message}`);
      report.errors.push({ module: key, message });
    }
  };
  for (const module of BENCH_MODULES) {
    if (wants({ only }, module.key)) await runModule(module, options);
  }
  // The server's GET, LIST and CREATE figures once more on PostgreSQL, beside SQLite's: one process, then two
  // sharing the database, when nobody chose a store and PostgreSQL is installed.
  const serverModule = BENCH_MODULES.find((m) => m.key === 'server');
  const postgresOnly = (only ?? ['server.get', 'server.list', 'server.create']).filter((p) =>
    ['server.get', 'server.list', 'server.create'].some(
      (wanted) => wanted.startsWith(p) || p.startsWith(wanted),
    ),
  );
  if (values.store === undefined && !smoke && serverModule && postgresOnly.length > 0) {
    if (!findPostgresBin()) {
      log('PostgreSQL is not installed: no PostgreSQL figures (apt-get install postgresql)');
    } else {
      let postgres: ThrowawayPostgres | undefined;
      try {
        postgres = await startThrowawayPostgres({ database: 'peerconn_bench' });
        for (const count of [1, 2]) {
          await runModule(serverModule, {
            ...options,
            store: postgres.url,
            instances: count,
            only: postgresOnly,
          });
        }
      } finally {
        postgres?.stop();
      }
    }
  }
  closeSetupClient();
  const derived = derivedEntries(report.entries).filter((e) => selected({ only }, e.name));
  for (const e of derived)
    log(`${e.name}: ${fmt(e.ratio)} (target ${e.target}: ${e.meets ? 'met' : 'NOT met'})`);
  report.entries.push(...derived);
  report.machine.loadAverage.end = loadavg().map((v) => Number(v.toFixed(2)));
  const md = markdown(report);
  process.stdout.write(md);
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'latest.json'), toJson(report));
    writeFileSync(join(out, 'latest.md'), md);
    log(`wrote ${join(out, 'latest.json')} and latest.md`);
    if (out === defaultOut)
      log("README's Performance table comes from latest.json: npm run docs rewrites it");
  }
  return report.errors.length > 0 ? 1 : 0;
}

// An interrupted run leaves no server running and no scratch directory behind.
process.once('exit', () => {
  killChildren();
  removeWorkDirs();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
process.exitCode = await main();
