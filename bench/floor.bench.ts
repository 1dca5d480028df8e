// What the disk allows, so that a durable-create figure can be read against it: commits per second of a bare
// better-sqlite3 loop with the server's settings (WAL, synchronous=FULL), one row per commit and one batch of
// 50 rows per commit (what group commit makes of 50 concurrent creates). No target: it is the limit itself.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchEntry, BenchModule } from './entry.ts';
import { repoRoot } from './lib/procs.ts';
import { median } from './lib/stats.ts';

const BATCH = 50;

interface Floor {
  single: { commitsPerSec: number };
  batched: { commitsPerSec: number };
}

export const run: BenchModule = async (options) => {
  const rounds = options.smoke ? 1 : Math.max(3, options.rounds);
  const ms = options.smoke ? 100 : Math.min(2000, options.durationSec * 1000);
  const single: number[] = [];
  const batched: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const out = execFileSync(
      process.execPath,
      [join(repoRoot, 'bench/lib/fsync-floor.mjs'), String(ms), String(BATCH)],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    const floor = JSON.parse(out) as Floor;
    single.push(floor.single.commitsPerSec);
    batched.push(floor.batched.commitsPerSec * BATCH);
    options.log(
      `floor round ${r + 1}: ${Math.round(floor.single.commitsPerSec)} commits/s single, ${Math.round(floor.batched.commitsPerSec * BATCH)} rows/s in batches of ${BATCH}`,
    );
  }
  const entry = (name: string, samples: number[], what: string): BenchEntry => ({
    name,
    value: median(samples),
    unit: 'rows/s',
    baseline: null,
    ratio: null,
    target: 'none (the limit itself)',
    meets: true,
    samples,
    note: what,
    generator: 'in-process (bare better-sqlite3)',
  });
  return [
    entry(
      'floor.fsync.single.sqlite',
      single,
      'bare better-sqlite3, WAL + synchronous=FULL, one small row per committed transaction: the most durable writes per second one at a time on this disk',
    ),
    entry(
      'floor.fsync.batch50.sqlite',
      batched,
      `the same with ${BATCH} rows per committed transaction: the ceiling group commit can approach at 50 concurrent clients`,
    ),
  ];
};
