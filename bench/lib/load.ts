// The load generator: wrk (a C program, so it is not the bottleneck a Node load generator is) in a process of its
// own, fed pre-built signed requests through bench/lib/wrk-pool.lua. Node signs every request beforehand and
// writes them as raw HTTP to pool files, one per wrk thread; a bce-auth-v1 signature covers the method, path,
// query and chosen headers (never the body) and stays valid for its expiration, so a request signed minutes
// before it is sent is as good as one signed on the spot. See docs/benchmarks.md.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, repoRoot, track } from './procs.ts';
import type { WireRequest } from './wire.ts';

/** `BenchEntry.generator` of every figure wrk produced. */
export const WRK_GENERATOR = 'wrk';

/** Overrides the wrk binary (a path, or a name looked up on PATH). */
export const WRK_ENV = 'PEERCONN_BENCH_WRK';

export interface Wrk {
  path: string;
  /** What `wrk -v` says, e.g. "wrk debian/4.1.0-3+b2 [epoll]". */
  version: string;
}

/** Thrown where a figure needs wrk and there is none; `npm run bench -- --smoke` outside CI skips such figures. */
export class LoadGeneratorMissing extends Error {
  constructor(path: string) {
    super(
      `wrk, the load generator, is not installed (looked for "${path}"): apt-get install wrk, or name the binary in ${WRK_ENV}`,
    );
  }
}

let found: Wrk | null | undefined;

/** The wrk binary and its version, or undefined when it cannot be run. Looked up once. */
export function findWrk(): Wrk | undefined {
  if (found !== undefined) return found ?? undefined;
  const path = process.env[WRK_ENV] || 'wrk';
  // `wrk -v` prints its version line, then its usage, and exits 1.
  const probe = spawnSync(path, ['-v'], { encoding: 'utf8' });
  const line = probe.stdout?.split('\n')[0] ?? '';
  const version = /^(wrk \S+(?: \[\w+\])?)/.exec(line)?.[1];
  found = probe.error || !version ? null : { path, version };
  return found ?? undefined;
}

export function requireWrk(): Wrk {
  const wrk = findWrk();
  if (!wrk) throw new LoadGeneratorMissing(process.env[WRK_ENV] || 'wrk');
  return wrk;
}

/** Pre-built requests, split into one file per wrk thread (`files[k]` is thread k's share). */
export interface RequestPool {
  files: string[];
  /** Requests over all files. */
  size: number;
}

export interface LoadSpec {
  /** Base URLs; wrk thread k connects to targets[k % targets.length]. */
  targets: string[];
  connections: number;
  /** Whole seconds (wrk's resolution). */
  durationSec: number;
  /** The requests to send; undefined: wrk's own static `GET /` (the generator's ceiling). */
  pool?: RequestPool;
  /** Start a pool over when it ends (reads); without, each request is sent at most once (creates). */
  wrap: boolean;
  /** wrk threads when there is no pool (a pool fixes it: one thread per file); default one per target. */
  threads?: number;
}

export interface LoadResult {
  /** Answers with a status below 400. */
  ok: number;
  durationSec: number;
  /** `ok` per second of the run. */
  rps: number;
  /** wrk's latency percentiles (1 µs resolution, after wrk's own correction for coordinated omission). */
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  responses: number;
  /** Answers with a status of 400 or above (wrk counts no finer). */
  failedStatus: number;
  /** Socket errors: connect, read, write. */
  socketErrors: number;
  timeouts: number;
  /** A pool sent without `wrap` ran out before the time was up. */
  poolExhausted: boolean;
}

interface WrkResult {
  durationUs: number;
  responses: number;
  bytes: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  exhausted: boolean;
  latencyUs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
}

let fileCounter = 0;
const uniqueName = (stem: string, ext: string) => `${stem}-${process.pid}-${fileCounter++}.${ext}`;

/** One request as the bytes wrk sends: request line, headers as given (Content-Length included), body. */
export function rawRequest(req: WireRequest): string {
  let text = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(req.headers)) text += `${name}: ${value}\r\n`;
  return `${text}\r\n${req.body ?? ''}`;
}

/** Writes `requests` for `threads` wrk threads: request i goes to thread i mod threads, order kept. */
export function writePool(
  workDir: string,
  name: string,
  requests: readonly WireRequest[],
  threads = 1,
): RequestPool {
  if (requests.length < threads) throw new Error(`pool ${name}: fewer requests than wrk threads`);
  const shares: string[][] = Array.from({ length: threads }, () => []);
  requests.forEach((req, i) => {
    const raw = rawRequest(req);
    shares[i % threads]!.push(`${Buffer.byteLength(raw)}\n${raw}`);
  });
  const files = shares.map((share) => {
    const file = join(workDir, uniqueName(`pool-${name}`, 'http'));
    writeFileSync(file, share.join(''));
    return file;
  });
  return { files, size: requests.length };
}

/** Deletes a pool's files (a full run writes hundreds of megabytes of create pools otherwise). */
export function removePool(pool: RequestPool): void {
  for (const file of pool.files) rmSync(file, { force: true });
}

const SAFE_PATH = /^[\w./@+-]+$/;

function luaString(text: string): string {
  if (!SAFE_PATH.test(text)) throw new Error(`not passed to wrk: ${JSON.stringify(text)}`);
  return `"${text}"`;
}

function specFile(workDir: string, spec: LoadSpec): string {
  const targets = spec.targets.map((t) => {
    const url = new URL(t);
    return `{ host = ${luaString(url.hostname)}, port = ${luaString(url.port || '80')} }`;
  });
  const pools = (spec.pool?.files ?? []).map(luaString);
  const file = join(workDir, uniqueName('wrk-spec', 'lua'));
  writeFileSync(
    file,
    `return { wrap = ${spec.wrap}, targets = { ${targets.join(', ')} }, pools = { ${pools.join(', ')} } }\n`,
  );
  return file;
}

/** One bounded wrk run. Any answer ≥ 400, socket error or timeout fails it: the figure would mean nothing. */
export async function runLoad(workDir: string, spec: LoadSpec, label: string): Promise<LoadResult> {
  const wrk = requireWrk();
  const threads = spec.pool ? spec.pool.files.length : (spec.threads ?? spec.targets.length);
  if (!Number.isInteger(spec.durationSec) || spec.durationSec < 1)
    throw new Error(`${label}: wrk runs for whole seconds, not ${spec.durationSec}`);
  if (spec.connections < threads || spec.connections % threads !== 0)
    throw new Error(`${label}: ${spec.connections} connections do not divide among ${threads} wrk threads`);
  const args = [
    '-t',
    String(threads),
    '-c',
    String(spec.connections),
    '-d',
    `${spec.durationSec}s`,
    '--timeout',
    '10s',
    '-s',
    join(repoRoot, 'bench/lib/wrk-pool.lua'),
    spec.targets[0]!,
  ];
  const env = { ...childEnv(), BENCH_WRK_SPEC: specFile(workDir, spec) };
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
    (resolve, reject) => {
      const child = track(spawn(wrk.path, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] }));
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
      });
      // Its run plus loading the pools; never unbounded.
      const guard = setTimeout(() => child.kill('SIGKILL'), (spec.durationSec + 120) * 1000);
      child.once('error', reject);
      child.once('exit', (exitCode) => {
        clearTimeout(guard);
        resolve({ stdout: out, stderr: err, code: exitCode });
      });
    },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('wrk-result '));
  if (code !== 0 || !line)
    throw new Error(`wrk for ${label} failed (exit ${code}): ${`${stderr}\n${stdout}`.trim().slice(-1500)}`);
  const r = JSON.parse(line.slice('wrk-result '.length)) as WrkResult;
  const durationSec = r.durationUs / 1e6;
  const ok = r.responses - r.statusErrors;
  const ms = (us: number) => us / 1000;
  const result: LoadResult = {
    ok,
    durationSec,
    rps: ok / durationSec,
    latencyMs: {
      p50: ms(r.latencyUs.p50),
      p90: ms(r.latencyUs.p90),
      p99: ms(r.latencyUs.p99),
      p999: ms(r.latencyUs.p999),
      max: ms(r.latencyUs.max),
      mean: ms(r.latencyUs.mean),
    },
    responses: r.responses,
    failedStatus: r.statusErrors,
    socketErrors: r.connectErrors + r.readErrors + r.writeErrors,
    timeouts: r.timeouts,
    poolExhausted: r.exhausted,
  };
  if (result.failedStatus > 0 || result.socketErrors > 0 || result.timeouts > 0 || result.ok === 0) {
    throw new Error(
      `${label}: the load run was not clean (${result.ok} answered below 400, ${result.failedStatus} with 400 or above, socket errors ${r.connectErrors} connect / ${r.readErrors} read / ${r.writeErrors} write, timeouts ${result.timeouts}); the figure would be meaningless`,
    );
  }
  return result;
}
