// `npm run bench -- --smoke` end to end (real server, bare servers and load generator processes on loopback):
// every benchmark still produces a number. Figures are never compared with anything here: timings on a shared
// machine prove nothing, and the full run is where targets are judged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchEntry } from '../bench/entry.ts';
import { toJson } from '../bench/lib/report.ts';
import { pairAt } from '../bench/lib/seed.ts';
import { median, ratioEntry } from '../bench/lib/stats.ts';
import { BENCH_MODULES } from '../bench/modules.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const OWN_ENTRIES = [
  'server.get.sqlite',
  'server.get.p99.sqlite',
  'server.list.sqlite',
  'server.create.vpc.sqlite',
  'server.create.peerconn.sqlite',
  'server.mixed.p99.sqlite',
  'server.scale.list.p50.sqlite',
  'server.scale.rss.sqlite',
  'server.scale.startup.sqlite',
  'cli.help',
  'cli.get',
];

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'bench/run.ts', ...args],
      {
        cwd: root,
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

test('bench --smoke: every benchmark module reports finite figures and the results files are written', {
  timeout: 15 * 60_000,
}, async () => {
  const out = mkdtempSync(join(tmpdir(), 'peerconn-bench-smoke-'));
  try {
    const { code, stdout, stderr } = await runBench(['--smoke', '--out', out]);
    assert.equal(code, 0, `bench --smoke failed:\n${stderr.slice(-4000)}`);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as {
      machine: { cpu: string; cores: number; node: string; date: string };
      entries: BenchEntry[];
      errors: unknown[];
    };
    assert.deepEqual(report.errors, []);
    assert.ok(
      report.machine.cores > 0 && report.machine.node === process.version && report.machine.cpu !== '',
    );
    for (const { key } of BENCH_MODULES) {
      assert.ok(
        report.entries.some((e) => e.name.startsWith(`${key}.`)),
        `module ${key} reported no entry`,
      );
    }
    const names = report.entries.map((e) => e.name);
    for (const name of OWN_ENTRIES) assert.ok(names.includes(name), `missing entry ${name}`);
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
