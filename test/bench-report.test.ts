// What a bench run reports beyond its measures: the entries derived from two passes of one run (PostgreSQL against
// SQLite, two servers against one) and README's Performance table rendered from latest.json (scripts/docs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchEntry } from '../bench/entry.ts';
import { derivedEntries } from '../bench/lib/derived.ts';
import { ratioEntry } from '../bench/lib/stats.ts';
import { performanceTable, type RecordedReport } from '../scripts/docs/performance.ts';

function entry(
  name: string,
  value: number,
  baseline: number | null,
  extra: Partial<BenchEntry> = {},
): BenchEntry {
  return {
    name,
    value,
    unit: name.includes('p99') ? 'ms' : 'req/s',
    baseline,
    ratio: baseline === null ? null : value / baseline,
    target: 'ratio ≥ 0.35',
    meets: true,
    samples: [value, value + 1, value - 1],
    generator: 'wrk',
    ...extra,
  };
}

const byName = (entries: readonly BenchEntry[]) => new Map(entries.map((e) => [e.name, e]));

test('derived entries: PostgreSQL ÷ SQLite and two servers ÷ one from the medians of the same run', () => {
  const measured = [
    entry('server.get.sqlite', 20_000, 100_000),
    entry('server.get.postgres', 9_000, 90_000),
    entry('server.get.postgres-x2', 14_000, 150_000),
    entry('server.create.vpc.sqlite', 8_000, 100_000),
    entry('server.create.vpc.postgres', 1_000, 100_000),
    entry('server.create.peerconn.sqlite', 4_000, 100_000),
    entry('server.create.peerconn.postgres', 2_400, 100_000),
    entry('server.create.peerconn.postgres-x2', 2_900, 190_000),
  ];
  const derived = byName(derivedEntries(measured));
  assert.deepEqual(
    [...derived.keys()],
    [
      'server.get.postgres÷sqlite',
      'server.create.vpc.postgres÷sqlite',
      'server.create.peerconn.postgres÷sqlite',
      'server.get.postgres-x2÷postgres',
      'server.create.peerconn.postgres-x2÷postgres',
    ],
    'only the comparisons whose two figures were both measured',
  );

  const get = derived.get('server.get.postgres÷sqlite')!;
  assert.equal(get.value, 9_000);
  assert.equal(get.baseline, 20_000);
  assert.equal(get.ratio, 0.45);
  assert.equal(get.target, 'ratio ≥ 0.5');
  assert.equal(get.meets, false);
  assert.deepEqual(get.samples, [9_000, 9_001, 8_999]);
  assert.match(get.generator ?? '', /^wrk, derived/);
  // 0.1 of its hello-world against 0.2 of SQLite's: the normalised ratio differs from the raw one.
  assert.match(get.note ?? '', /baselines went ×0\.9 .* gives ×0\.5\./);

  const peer = derived.get('server.create.peerconn.postgres÷sqlite')!;
  assert.equal(peer.ratio, 0.6);
  assert.equal(peer.meets, true);

  const vpc = derived.get('server.create.vpc.postgres÷sqlite')!;
  assert.match(vpc.target, /^none: /);
  assert.equal(vpc.meets, true, 'VPC creates against SQLite are reported without a target');

  const reads = derived.get('server.get.postgres-x2÷postgres')!;
  assert.equal(reads.target, 'ratio ≥ 1.7');
  assert.equal(reads.meets, false);
  assert.match(reads.note ?? '', /bare baselines went ×1\.67 from one process to two/);
  const writes = derived.get('server.create.peerconn.postgres-x2÷postgres')!;
  assert.equal(writes.target, 'ratio ≥ 1.3');
  assert.equal(writes.ratio, 1.21);
  assert.equal(writes.meets, false);
});

test('a report-only ratio states where it is judged and never fails', () => {
  const e = ratioEntry('server.get.postgres', 'req/s', [1, 1, 1], [100, 100, 100], {
    kind: 'report-only',
    why: 'compared in server.get.postgres÷sqlite',
  });
  assert.equal(e.ratio, 0.01);
  assert.equal(e.target, 'none: compared in server.get.postgres÷sqlite');
  assert.equal(e.meets, true);
});

function report(entries: BenchEntry[], extra: Partial<RecordedReport> = {}): RecordedReport {
  return {
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGb: 8,
      node: 'v20.20.2',
      platform: 'linux x64',
      loadGenerator: 'wrk 4.1.0, 1 thread(s) per server process',
      date: '2027-01-02T03:04:05.678Z',
      loadAverage: { start: [0.1, 0.2, 0.3], end: [1.5, 0.9, 0.4] },
    },
    settings: { smoke: false, rounds: 3, durationSec: 5, store: 'sqlite', instances: 1, only: null },
    entries,
    errors: [],
    ...extra,
  };
}

/** The cells of the table row whose Measure is `measure`. */
function row(table: string, measure: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`| ${measure} |`));
  assert.ok(line, `no row ${measure}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

test('README table: each store in its column, the derived ratios beside them, missing entries as empty cells', () => {
  const table = performanceTable(
    report([
      entry('loadgen.ceiling.static', 100_000, null, { target: 'none', unit: 'req/s' }),
      entry('server.get.sqlite', 40_000, 100_000, { target: 'ratio ≥ 0.35', meets: true, ratio: 0.4 }),
      entry('server.get.postgres', 21_000, 90_000, { target: 'none: compared', ratio: 0.2333 }),
      entry('server.get.p99.sqlite', 6.2, 3.1, { target: 'p99 ≤ 5 ms', meets: false, generator: 'wrk' }),
      entry('server.get.postgres÷sqlite', 21_000, 40_000, {
        ratio: 0.525,
        target: 'ratio ≥ 0.5',
        meets: true,
        generator: 'wrk, derived',
      }),
      entry('floor.fsync.single.sqlite', 2_326, null, {
        unit: 'rows/s',
        target: 'none (the limit itself)',
        generator: 'in-process',
      }),
    ]),
  );
  assert.match(
    table,
    /^From \[bench\/results\/latest\.json\]\(bench\/results\/latest\.json\): a full run of 2027-01-02 03:04 UTC, 3 interleaved round\(s\) of 5 s, on Test CPU \(2 cores, 8 GB\)/,
  );
  assert.match(
    table,
    /Load average \(1\/5\/15 min\) 0\.1 \/ 0\.2 \/ 0\.3 at the start, 1\.5 \/ 0\.9 \/ 0\.4 at the end\./,
  );
  assert.match(
    table,
    /Load generator ceiling in this run \(wrk against a bare node:http hello-world\): 100,000 req\/s/,
  );
  assert.deepEqual(row(table, 'signed GET of one connection'), [
    'signed GET of one connection',
    '40,000 req/s (×0.4)',
    '21,000 req/s (×0.23)',
    '',
    'hello-world: 100,000 req/s',
    'ratio ≥ 0.35',
    'yes',
    'wrk',
  ]);
  assert.deepEqual(row(table, 'GET p99 at 50 connections').slice(1), [
    '6.2 ms',
    '',
    '',
    'hello-world: 3.1 ms',
    'p99 ≤ 5 ms',
    '**no**',
    'wrk',
  ]);
  assert.deepEqual(row(table, 'signed GET: PostgreSQL ÷ SQLite').slice(1), [
    '',
    '×0.53',
    '',
    'SQLite: 40,000 req/s',
    'ratio ≥ 0.5',
    'yes',
    'wrk, derived',
  ]);
  assert.deepEqual(row(table, 'fsync floor: rows committed one per transaction').slice(1), [
    '2,326 rows/s',
    '',
    '',
    '',
    'none (the limit itself)',
    '—',
    'in-process',
  ]);
  assert.deepEqual(row(table, 'start-up, single executable').slice(1), ['', '', '', '', '', '', '']);
});

test('README table: a run without the ceiling or with failed modules says so above the table', () => {
  const table = performanceTable(
    report([], {
      settings: { smoke: true, rounds: 1, durationSec: 1 },
      errors: [{ module: 'server', message: 'Error: boom' }],
      skipped: [{ module: 'loadgen', reason: 'wrk is not installed' }],
    }),
  );
  assert.match(table, /a smoke run \(its figures prove nothing\)/);
  assert.match(table, /The load generator's own ceiling was not measured in this run/);
  assert.match(table, /Modules that produced no figures in this run \(failed: server; skipped: loadgen\)\./);
});
