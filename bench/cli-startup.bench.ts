// `peerconn --help` start-up time against bare `node -e 0`, both spawned the same way in this run.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult, Measurement } from './measure.ts';

const cli = join(dirname(fileURLToPath(import.meta.url)), '../packages/cli/bin/peerconn.mjs');

function startsPerSecond(label: string, args: string[], runs = 15): Measurement {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${label} exited with ${result.status}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  console.log(`  ${label}: median ${median.toFixed(0)} ms over ${runs} runs`);
  return { label: `${label} (starts)`, opsPerSecond: 1000 / median };
}

export async function benchCliStartup(): Promise<BenchResult> {
  const baseline = startsPerSecond('node -e 0', ['-e', '0']);
  const subject = startsPerSecond('peerconn --help', [cli, '--help']);
  return { name: 'cli start-up', baseline, subject, note: 'target: peerconn --help under 200 ms' };
}
