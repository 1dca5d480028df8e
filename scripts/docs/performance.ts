// README's Performance table, rendered by `npm run docs` from the last committed bench run
// (bench/results/latest.json), so the README shows what the run measured and judged, never a hand copy. An entry
// the run did not produce leaves its cell empty. test/generated-docs.test.ts fails when the README is stale.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchEntry } from '../../bench/entry.ts';
import { derivedName } from '../../bench/lib/derived.ts';
import { type BenchReport, ceilingLine, fmt, meetsCell } from '../../bench/lib/report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_FILE = 'bench/results/latest.json';

/** A run's report as latest.json holds it; runs before the wrk harness lack some fields. */
export type RecordedReport = Omit<BenchReport, 'settings' | 'skipped'> & {
  settings: Partial<BenchReport['settings']>;
  skipped?: BenchReport['skipped'];
};

type Column = 'sqlite' | 'postgres' | 'postgresX2';

interface Row {
  measure: string;
  /** The entry shown in each column; the first one named gives the Baseline, Target, Meets and Generator. */
  entries: Partial<Record<Column, string>>;
  /** The value, the value with its ratio to the baseline, or only the ratio. */
  show: 'value' | 'value-ratio' | 'ratio';
  /** What the baseline is, before its figure in the Baseline cell. */
  baseline?: string;
}

const stores = (stem: string): Row['entries'] => ({
  sqlite: `${stem}.sqlite`,
  postgres: `${stem}.postgres`,
  postgresX2: `${stem}.postgres-x2`,
});

const LOADS: ReadonlyArray<{ stem: string; measure: string; baseline: string }> = [
  { stem: 'server.get', measure: 'signed GET', baseline: 'hello-world' },
  { stem: 'server.list', measure: 'LIST page of 100', baseline: 'node:http, same bytes' },
  { stem: 'server.create.vpc', measure: 'durable createVpc', baseline: 'hello-world' },
  { stem: 'server.create.peerconn', measure: 'durable createPeerConn', baseline: 'hello-world' },
];

const ROWS: readonly Row[] = [
  {
    measure: 'signed GET of one connection',
    entries: stores('server.get'),
    show: 'value-ratio',
    baseline: 'hello-world',
  },
  {
    measure: 'GET p99 at 50 connections',
    entries: stores('server.get.p99'),
    show: 'value',
    baseline: 'hello-world',
  },
  {
    measure: 'LIST page of 100',
    entries: stores('server.list'),
    show: 'value-ratio',
    baseline: 'node:http, same bytes',
  },
  {
    measure: 'durable createVpc, 50 clients',
    entries: stores('server.create.vpc'),
    show: 'value-ratio',
    baseline: 'hello-world',
  },
  {
    measure: 'durable createPeerConn, 50 clients',
    entries: stores('server.create.peerconn'),
    show: 'value-ratio',
    baseline: 'hello-world',
  },
  {
    measure: 'mixed 90% GET / 10% createVpc, p99',
    entries: { sqlite: 'server.mixed.p99.sqlite' },
    show: 'value',
    baseline: 'hello-world',
  },
  ...LOADS.map(
    ({ stem, measure }): Row => ({
      measure: `${measure}: PostgreSQL ÷ SQLite`,
      entries: { postgres: derivedName({ stem, subject: 'postgres', baseline: 'sqlite' }) },
      show: 'ratio',
      baseline: 'SQLite',
    }),
  ),
  ...LOADS.map(
    ({ stem, measure }): Row => ({
      measure: `${measure}: 2 servers ÷ 1`,
      entries: { postgresX2: derivedName({ stem, subject: 'postgres-x2', baseline: 'postgres' }) },
      show: 'ratio',
      baseline: 'one server',
    }),
  ),
  {
    measure: 'LIST p50 with 100k stored ÷ with 1k',
    entries: { sqlite: 'server.scale.list.p50.sqlite' },
    show: 'ratio',
    baseline: 'with 1k',
  },
  {
    measure: 'server RSS holding 100k connections',
    entries: { sqlite: 'server.scale.rss.sqlite' },
    show: 'value',
    baseline: 'holding 1k',
  },
  {
    measure: 'start-up with 100k stored',
    entries: { sqlite: 'server.scale.startup.sqlite' },
    show: 'value',
    baseline: 'empty database',
  },
  {
    measure: '`sign()` ÷ `@baiducloud/sdk`',
    entries: { sqlite: 'signer.sign' },
    show: 'ratio',
    baseline: '`@baiducloud/sdk`',
  },
  {
    measure: 'SDK `getPeerConn` ÷ raw fetch, one at a time',
    entries: { sqlite: 'sdk.getPeerConn.sequential' },
    show: 'ratio',
    baseline: 'pre-signed fetch',
  },
  {
    measure: 'SDK `getPeerConn` ÷ raw fetch, 32 in flight',
    entries: { sqlite: 'sdk.getPeerConn.concurrent32' },
    show: 'ratio',
    baseline: 'pre-signed fetch',
  },
  { measure: '`peerconn --help`', entries: { sqlite: 'cli.help' }, show: 'value', baseline: '`node -e 0`' },
  { measure: '`peerconn get`', entries: { sqlite: 'cli.get' }, show: 'value', baseline: '`node -e 0`' },
  {
    measure: 'fsync floor: rows committed one per transaction',
    entries: { sqlite: 'floor.fsync.single.sqlite' },
    show: 'value',
  },
  {
    measure: 'fsync floor: rows committed 50 per transaction',
    entries: { sqlite: 'floor.fsync.batch50.sqlite' },
    show: 'value',
  },
  {
    measure: 'start-up, compiled package',
    entries: { sqlite: 'packaged.startup.compiled' },
    show: 'value-ratio',
    baseline: 'from source',
  },
  {
    measure: 'start-up, single executable',
    entries: { sqlite: 'packaged.startup.binary' },
    show: 'value-ratio',
    baseline: 'from source',
  },
  {
    measure: 'RSS after start-up, compiled package',
    entries: { sqlite: 'packaged.rss.compiled' },
    show: 'value-ratio',
    baseline: 'from source',
  },
  {
    measure: 'RSS after start-up, single executable',
    entries: { sqlite: 'packaged.rss.binary' },
    show: 'value-ratio',
    baseline: 'from source',
  },
];

const COLUMNS: readonly Column[] = ['sqlite', 'postgres', 'postgresX2'];

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
/** Two significant digits below 1 (a target such as 0.075 needs them), two decimals above. */
const times = (ratio: number | null) =>
  ratio === null ? '' : `×${ratio < 1 ? Number(ratio.toPrecision(2)) : ratio.toFixed(2)}`;

function valueCell(entry: BenchEntry | undefined, show: Row['show']): string {
  if (!entry) return '';
  if (show === 'ratio') return times(entry.ratio);
  const value = fmt(entry.value, entry.unit);
  return show === 'value-ratio' && entry.ratio !== null ? `${value} (${times(entry.ratio)})` : value;
}

function rowLine(row: Row, byName: ReadonlyMap<string, BenchEntry>): string {
  const named = COLUMNS.find((c) => row.entries[c] !== undefined);
  const first = named === undefined ? undefined : byName.get(row.entries[named] ?? '');
  const values = COLUMNS.map((c) => {
    const name = row.entries[c];
    return name === undefined ? '' : valueCell(byName.get(name), row.show);
  });
  const baseline =
    first?.baseline == null
      ? ''
      : `${row.baseline ? `${row.baseline}: ` : ''}${fmt(first.baseline, first.unit)}`;
  const meets = first ? meetsCell(first) : '';
  const cells = [
    row.measure,
    ...values,
    baseline,
    first?.target ?? '',
    meets,
    first ? (first.generator ?? '—') : '',
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

function runLine(report: RecordedReport): string {
  const { machine: m, settings: s } = report;
  const when = m.date.replace(/T(\d\d:\d\d).*$/, ' $1 UTC');
  const mode = s.smoke ? 'a smoke run (its figures prove nothing)' : 'a full run';
  const rounds = `${s.rounds ?? '?'} interleaved round(s) of ${s.durationSec ?? '?'} s`;
  const only = s.only ? `, only ${s.only.join(', ')}` : '';
  return `From [bench/results/latest.json](bench/results/latest.json): ${mode} of ${when}, ${rounds}${only}, on ${m.cpu} (${m.cores} cores, ${m.memoryGb} GB), Node ${m.node}, ${m.platform}; load generator: ${m.loadGenerator}. Load average (1/5/15 min) ${m.loadAverage.start.join(' / ')} at the start, ${m.loadAverage.end.join(' / ')} at the end.`;
}

function problemsLine(report: RecordedReport): string[] {
  const failed = report.errors.map((e) => e.module);
  const skipped = (report.skipped ?? []).map((e) => e.module);
  if (failed.length === 0 && skipped.length === 0) return [];
  const parts = [
    ...(failed.length > 0 ? [`failed: ${failed.join(', ')}`] : []),
    ...(skipped.length > 0 ? [`skipped: ${skipped.join(', ')}`] : []),
  ];
  return [`Modules that produced no figures in this run (${parts.join('; ')}).`, ''];
}

/** The generated part of README's Performance section for a recorded run. */
export function performanceTable(report: RecordedReport): string {
  const byName = new Map(report.entries.map((e) => [e.name, e]));
  const ceiling =
    ceilingLine(report.entries) ??
    "The load generator's own ceiling was not measured in this run (no `loadgen.ceiling.*` entries).";
  const lines = [
    runLine(report),
    '',
    ceiling,
    '',
    ...problemsLine(report),
    '| Measure | SQLite | PostgreSQL | PostgreSQL, 2 servers | Baseline (same run) | Target | Meets | Generator |',
    '|---|---:|---:|---:|---|---|---|---|',
    ...ROWS.map((row) => rowLine(row, byName)),
  ];
  return `${lines.join('\n')}\n`;
}

/** The region `npm run docs` writes into README.md. */
export function performanceMarkdown(): string {
  const report = JSON.parse(readFileSync(join(root, RESULTS_FILE), 'utf8')) as RecordedReport;
  return performanceTable(report);
}
