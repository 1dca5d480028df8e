// `npm run bench -- --smoke` end to end (real server, bare servers and wrk processes on loopback): every
// benchmark still produces a number. Figures are never compared with anything here: timings on a shared machine
// prove nothing, and the full run is where targets are judged. Without wrk, a smoke run outside CI skips the
// modules that need it with a notice (CI installs wrk, .ci/run; there its absence fails).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchEntry } from '../bench/entry.ts';
import { findWrk, WRK_ENV } from '../bench/lib/load.ts';
import { toJson } from '../bench/lib/report.ts';
import { pairAt } from '../bench/lib/seed.ts';
import { median, ratioEntry } from '../bench/lib/stats.ts';
import { BENCH_MODULES } from '../bench/modules.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Entries of the modules that need wrk. */
const WRK_ENTRIES = [
  'loadgen.ceiling.static',
  'loadgen.ceiling.pool',
  'server.get.sqlite',
  'server.get.p99.sqlite',
  'server.list.sqlite',
  'server.create.vpc.sqlite',
  'server.create.peerconn.sqlite',
  'server.mixed.p99.sqlite',
  'server.scale.list.p50.sqlite',
  'server.scale.rss.sqlite',
  'server.scale.startup.sqlite',
];
const OTHER_ENTRIES = ['cli.help', 'cli.get'];
const WRK_MODULES = ['loadgen', 'server'];

function runBench(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'bench/run.ts', ...args],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface SmokeReport {
  machine: { cpu: string; cores: number; node: string; date: string; loadGenerator: string };
  entries: BenchEntry[];
  skipped: Array<{ module: string; reason: string }>;
  errors: unknown[];
}

/** Whether this machine may run the smoke without wrk: only outside CI, where the notice says what is missing. */
function wrkMissingHere(t: TestContext): boolean {
  if (findWrk()) return false;
  if (process.env.CI) throw new Error('wrk is missing: .ci/run installs it (apt-get install wrk).');
  t.diagnostic('wrk is not installed: the smoke run skips the figures it drives (apt-get install wrk)');
  return true;
}

test('bench --smoke: every benchmark module reports finite figures and the results files are written', {
  timeout: 15 * 60_000,
}, async (t) => {
  const withoutWrk = wrkMissingHere(t);
  const out = mkdtempSync(join(tmpdir(), 'peerconn-bench-smoke-'));
  try {
    const { code, stdout, stderr } = await runBench(['--smoke', '--out', out]);
    assert.equal(code, 0, `bench --smoke failed:\n${stderr.slice(-4000)}`);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as SmokeReport;
    assert.deepEqual(report.errors, []);
    assert.ok(
      report.machine.cores > 0 && report.machine.node === process.version && report.machine.cpu !== '',
    );
    assert.deepEqual(
      report.skipped.map((s) => s.module),
      withoutWrk ? WRK_MODULES : [],
    );
    const ran = BENCH_MODULES.filter(({ key }) => !(withoutWrk && WRK_MODULES.includes(key)));
    for (const { key } of ran) {
      assert.ok(
        report.entries.some((e) => e.name.startsWith(`${key}.`)),
        `module ${key} reported no entry`,
      );
    }
    const names = report.entries.map((e) => e.name);
    for (const name of [...(withoutWrk ? [] : WRK_ENTRIES), ...OTHER_ENTRIES])
      assert.ok(names.includes(name), `missing entry ${name}`);
    if (!withoutWrk) {
      assert.match(report.machine.loadGenerator, /^wrk /);
      for (const e of report.entries.filter((e) => e.name.startsWith('server.')))
        assert.ok(e.generator !== undefined, `${e.name}: no generator recorded`);
      assert.match(stdout, /Load generator ceiling in this run/);
    }
    for (const e of report.entries) {
      assert.ok(Number.isFinite(e.value), `${e.name}: value ${e.value}`);
      assert.ok(e.samples.length > 0 && e.samples.every(Number.isFinite), `${e.name}: samples ${e.samples}`);
      if (e.baseline !== null) assert.ok(Number.isFinite(e.baseline), `${e.name}: baseline ${e.baseline}`);
      if (e.ratio !== null) assert.ok(Number.isFinite(e.ratio), `${e.name}: ratio ${e.ratio}`);
      assert.equal(typeof e.meets, 'boolean');
      assert.ok(e.unit !== '' && e.target !== '', `${e.name}: unit and target`);
    }
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    assert.equal(md, stdout, 'latest.md is the table printed on stdout');
    for (const name of names) assert.ok(md.includes(`| ${name} |`), `${name} missing from the table`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('without wrk a smoke run outside CI skips the figures wrk drives with a notice; in CI it fails', {
  timeout: 5 * 60_000,
}, async () => {
  const { CI: _ci, ...outsideCi } = process.env;
  const missing = { [WRK_ENV]: join(tmpdir(), 'no-such-dir', 'wrk') };
  const skipped = await runBench(['--smoke', '--only', 'loadgen'], { ...outsideCi, ...missing });
  assert.equal(skipped.code, 0, skipped.stderr.slice(-2000));
  assert.match(skipped.stderr, /SKIPPED: wrk, the load generator, is not installed .*apt-get install wrk/);
  assert.match(skipped.stdout, /## Skipped modules\n\n- loadgen: wrk, the load generator, is not installed/);
  assert.match(skipped.stdout, /load generator: none: wrk is not installed/);

  const inCi = await runBench(['--smoke', '--only', 'loadgen'], { ...outsideCi, ...missing, CI: 'true' });
  assert.equal(inCi.code, 1);
  assert.match(
    inCi.stdout,
    /## Failed modules\n\n- loadgen: Error: wrk, the load generator, is not installed/,
  );
});

test('bench rejects an unknown flag with a usage message and exit code 2', async () => {
  const { code, stderr } = await runBench(['--fast']);
  assert.equal(code, 2);
  assert.match(stderr, /Usage: npm run bench/);
});

test('pairAt enumerates every unordered VPC pair once, the first k(k-1)/2 using only VPCs below k', () => {
  const k = 40;
  const seen = new Set<string>();
  for (let n = 0; n < (k * (k - 1)) / 2; n++) {
    const [i, j] = pairAt(n);
    assert.ok(i >= 0 && i < j && j < k, `pair ${n} = (${i}, ${j})`);
    seen.add(`${i},${j}`);
  }
  assert.equal(seen.size, (k * (k - 1)) / 2);
});

test('ratio entries: median of the rounds, ratio to the baseline median, target direction respected', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const faster = ratioEntry('x', 'req/s', [60, 50, 55], [100, 110, 90], {
    kind: 'ratio-at-least',
    bound: 0.5,
  });
  assert.equal(faster.value, 55);
  assert.equal(faster.baseline, 100);
  assert.equal(faster.ratio, 0.55);
  assert.equal(faster.meets, true);
  assert.deepEqual(faster.samples, [60, 50, 55]);
  const slower = ratioEntry('y', 'ms', [2, 2, 2], [1, 1, 1], { kind: 'ratio-at-most', bound: 1.5 });
  assert.equal(slower.ratio, 2);
  assert.equal(slower.meets, false);
});

test('latest.json layout: parses back to the same report, arrays of plain values kept on one line', () => {
  const report = { a: [1, 2.5], b: { c: ['x', 'y'], d: [] }, e: [{ f: null, g: 'h' }], i: undefined };
  const text = toJson(report);
  assert.deepEqual(JSON.parse(text), { a: [1, 2.5], b: { c: ['x', 'y'], d: [] }, e: [{ f: null, g: 'h' }] });
  assert.equal(
    text,
    '{\n  "a": [1, 2.5],\n  "b": {\n    "c": ["x", "y"],\n    "d": []\n  },\n  "e": [\n    {\n      "f": null,\n      "g": "h"\n    }\n  ]\n}\n',
  );
});
