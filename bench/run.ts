// `npm run bench [-- flags]`: runs every module of bench/modules.ts, prints a Markdown table and writes
// latest.json / latest.md. See docs/benchmarks.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchEntry, BenchModule } from './entry.ts';
import { type HarnessOptions, wants } from './lib/harness.ts';
import { repoRoot } from './lib/procs.ts';
import { round } from './lib/stats.ts';
import { closeSetupClient } from './lib/wire.ts';
import { BENCH_MODULES } from './modules.ts';

const USAGE = `Usage: npm run bench -- [options]

  --smoke             a few seconds in all: tiny stores, one short round (checks every benchmark still runs)
  --only <prefix>     only entries whose name starts with <prefix> (e.g. server.get, server.scale, cli)
  --rounds <n>        interleaved rounds per measure (default 3; 1 with --smoke)
  --duration <s>      seconds of load per run (default 5; 0.25 with --smoke)
  --store <kind>      passed to the server as --store (default sqlite)
  --instances <n>     server processes sharing the store, load spread over them (default 1)
  --out <dir>         where latest.json and latest.md go (default bench/results; none with --smoke)
  -h, --help          this text
`;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  loadGenerator: string;
  date: string;
  /** 1-, 5- and 15-minute load averages when the run started and when it ended: other work skews every figure. */
  loadAverage: { start: number[]; end: number[] };
}

export interface BenchReport {
  machine: Machine;
  settings: {
    smoke: boolean;
    rounds: number;
    durationSec: number;
    store: string;
    instances: number;
    only: string | null;
  };
  entries: BenchEntry[];
  errors: Array<{ module: string; message: string }>;
}

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

function machine(): Machine {
  const autocannon = JSON.parse(
    readFileSync(join(repoRoot, 'node_modules/autocannon/package.json'), 'utf8'),
  ) as {
    version: string;
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadGenerator: `autocannon ${autocannon.version} (child process, loopback)`,
    date: new Date().toISOString(),
    loadAverage: { start: loadavg().map((v) => Number(v.toFixed(2))), end: [] },
  };
}

const fmt = (v: number | null, unit = '') =>
  v === null
    ? '—'
    : `${Number.isFinite(v) ? round(v).toLocaleString('en-US', { maximumFractionDigits: 4 }) : String(v)}${unit ? ` ${unit}` : ''}`;

export function markdown(report: BenchReport): string {
  const { machine: m, settings: s } = report;
  const lines = [
    '# Benchmark results',
    '',
    `${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB · Node ${m.node} · ${m.platform} · load generator: ${m.loadGenerator}`,
    '',
    `Load average (1/5/15 min) at start ${m.loadAverage.start.join(' / ')}, at end ${m.loadAverage.end.join(' / ')}: anything else running on the machine skews the figures.`,
    '',
    `Mode: ${s.smoke ? 'smoke' : 'full'}, ${s.rounds} interleaved round(s) of ${s.durationSec} s, store ${s.store}, ${s.instances} instance(s)${s.only ? `, only ${s.only}` : ''}. Reproduce: \`npm run bench\`.`,
    '',
    '| Measure | Value | Baseline (same run) | Ratio | Target | Meets | Rounds |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const e of report.entries) {
    lines.push(
      `| ${e.name} | ${fmt(e.value, e.unit)} | ${fmt(e.baseline, e.unit)} | ${fmt(e.ratio)} | ${e.target} | ${e.meets ? 'yes' : '**no**'} | ${e.samples.map((v) => fmt(v)).join(', ')} |`,
    );
  }
  const noted = report.entries.filter((e) => e.note);
  if (noted.length > 0) {
    lines.push('', '## What each figure is', '');
    for (const e of noted) lines.push(`- **${e.name}**: ${e.note}`);
  }
  if (report.errors.length > 0) {
    lines.push('', '## Failed modules', '');
    for (const e of report.errors) lines.push(`- ${e.module}: ${e.message.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}

const FLAGS = {
  smoke: { type: 'boolean' },
  only: { type: 'string' },
  rounds: { type: 'string' },
  duration: { type: 'string' },
  store: { type: 'string' },
  instances: { type: 'string' },
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
  const durationSec = positive(values.duration, '--duration', smoke ? 0.25 : 5);
  const instances = Math.round(positive(values.instances, '--instances', 1));
  const store = values.store ?? 'sqlite';
  const only = values.only;
  const out = values.out ?? (smoke ? undefined : join(repoRoot, 'bench/results'));
  if (!smoke && rounds < 3) process.stderr.write('bench: fewer than 3 rounds; medians will be noisy\n');

  const started = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const options: HarnessOptions = { smoke, rounds, durationSec, log, store, instances, only };
  const report: BenchReport = {
    machine: machine(),
    settings: { smoke, rounds, durationSec, store, instances, only: only ?? null },
    entries: [],
    errors: [],
  };
  for (const { key, file } of BENCH_MODULES) {
    if (!wants({ store, instances, only }, key)) continue;
    log(`== ${key} (${file})`);
    try {
      const mod = (await import(new URL(file, import.meta.url).href)) as Record<string, unknown>;
      if (!isBenchModule(mod.run)) throw new Error(`${file} does not export run: BenchModule`);
      const entries = await mod.run(options);
      for (const e of entries)
        log(`   ${e.name}: ${fmt(e.value, e.unit)} (target ${e.target}: ${e.meets ? 'met' : 'NOT met'})`);
      report.entries.push(...entries.filter((e) => only === undefined || e.name.startsWith(only)));
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`   FAILED: ${message}`);
      report.errors.push({ module: key, message });
    }
  }
  closeSetupClient();
  report.machine.loadAverage.end = loadavg().map((v) => Number(v.toFixed(2)));
  const md = markdown(report);
  process.stdout.write(md);
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(out, 'latest.md'), md);
    log(`wrote ${join(out, 'latest.json')} and latest.md`);
  }
  return report.errors.length > 0 ? 1 : 0;
}

process.exitCode = await main();
