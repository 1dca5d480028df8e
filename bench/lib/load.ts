// Parent side of the load generator: writes a spec, runs bench/lib/load-worker.mjs in a child process, parses
// its result. autocannon drives every run, baselines included, so all figures of a table come from one tool;
// it can also feed a pool of distinct signed requests, which replaying one request (wrk's default) cannot.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, repoRoot, track } from './procs.ts';
import type { WireRequest } from './wire.ts';

export interface LoadSpec {
  /** Base URLs; connections are spread over them round-robin. */
  targets: string[];
  connections: number;
  durationSec: number;
  requests:
    | { kind: 'fixed'; request: WireRequest }
    /** NDJSON of WireRequest. Without `wrap` each is sent at most once and the run ends early when all are. */
    | { kind: 'pool'; file: string; wrap: boolean };
}

export interface LoadResult {
  /** 2xx responses. */
  ok: number;
  durationSec: number;
  /** 2xx responses per second of the run. */
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  poolExhausted: boolean;
}

let specCounter = 0;

/** One bounded load run from a separate process. Any non-2xx answer or socket error fails the run. */
export async function runLoad(workDir: string, spec: LoadSpec, label: string): Promise<LoadResult> {
  const specPath = join(workDir, `load-spec-${process.pid}-${specCounter++}.json`);
  writeFileSync(specPath, JSON.stringify(spec));
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
    (resolve, reject) => {
      const child = track(
        spawn(process.execPath, ['bench/lib/load-worker.mjs', specPath], {
          cwd: repoRoot,
          env: childEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
      });
      // The worker's own budget: its run plus start-up and pool loading, never unbounded.
      const guard = setTimeout(() => child.kill('SIGKILL'), (spec.durationSec + 120) * 1000);
      child.once('error', reject);
      child.once('exit', (exitCode) => {
        clearTimeout(guard);
        resolve({ stdout: out, stderr: err, code: exitCode });
      });
    },
  );
  const line = stdout.trim().split('\n').pop();
  if (code !== 0 || !line)
    throw new Error(`load generator for ${label} failed (exit ${code}): ${stderr.slice(-1500)}`);
  const result = JSON.parse(line) as LoadResult;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result.ok === 0) {
    throw new Error(
      `${label}: the load run was not clean (2xx ${result.ok}, non-2xx ${result.non2xx} ${JSON.stringify(result.statusCodes)}, errors ${result.errors}, timeouts ${result.timeouts}); the figure would be meaningless`,
    );
  }
  return result;
}

/** Writes a request pool file for `LoadSpec.requests.kind === 'pool'`. */
export function writePool(workDir: string, name: string, requests: readonly WireRequest[]): string {
  const file = join(workDir, `pool-${name}-${process.pid}-${specCounter++}.ndjson`);
  writeFileSync(file, `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
}
