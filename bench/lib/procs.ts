// The processes under test: the peerconn server exactly as `npm start` runs it, and bare node:http servers as
// baselines. Each is its own OS process, reached over loopback; the harness only reads their stdout banners.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Credential } from './wire.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every child still running, so that an interrupted run leaves no server behind. */
const live = new Set<ChildProcess>();

export function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kills whatever this process started and is still running (synchronous: safe in an 'exit' handler). */
export function killChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export interface Account extends Credential {
  name: string;
  id: string;
}

/** What the server's state store did since it started (GET /_admin/store). */
export type StoreCounters = Record<string, number>;

/** The store's counters of a running server. */
export async function storeCounters(server: ServerProcess): Promise<StoreCounters> {
  const res = await fetch(`${server.adminUrl}/store`);
  if (!res.ok) throw new Error(`GET ${server.adminUrl}/store answered ${res.status}`);
  return ((await res.json()) as { counters: StoreCounters }).counters;
}

export interface ServerProcess {
  pid: number;
  url: string;
  region: string;
  /** The Host header a client of this listener sends. */
  host: string;
  adminUrl: string;
  accounts: Account[];
  /** Milliseconds from spawn to the `listening` banner line. */
  startupMs: number;
  stop(): Promise<void>;
}

export interface ServerSpawnOptions {
  dataPath: string;
  /** Where the server's stderr (its pino request log at info) goes. */
  logPath: string;
  store: string;
  quota?: number;
  extraArgs?: string[];
  /** Node flags placed before the script (e.g. --cpu-prof for bench/profile.ts). */
  nodeArgs?: string[];
}

/** The environment children inherit, minus server settings a developer may have exported. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PEERCONN_')) env[k] = v;
  return env;
}

interface Banner {
  lines: string[];
  elapsedMs: number;
}

/**
 * Waits for the banner. `done` says when enough lines have been read; the child is killed and the promise
 * rejected (with the tail of its log) if it exits or stays silent for too long first.
 */
function readBanner(
  child: ChildProcess,
  started: number,
  logPath: string | undefined,
  done: (lines: string[]) => boolean,
  firstLine: (line: string) => boolean,
): Promise<Banner> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let elapsedMs = Number.NaN;
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      let tail = '';
      if (logPath) {
        try {
          tail = readFileSync(logPath, 'utf8').slice(-2000);
        } catch {
          tail = '';
        }
      }
      reject(new Error(`${why}\nstdout so far:\n${lines.join('\n')}\nlog tail:\n${tail}`));
    };
    const timer = setTimeout(() => fail('no banner within 120 s'), 120_000);
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      if (Number.isNaN(elapsedMs) && firstLine(line)) elapsedMs = performance.now() - started;
      lines.push(line);
      if (done(lines)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        rl.removeAllListeners('line');
        // Keep draining stdout so a chatty child never blocks on a full pipe.
        child.stdout!.resume();
        resolve({ lines, elapsedMs });
      }
    });
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited early (code ${code}, signal ${signal})`);
    child.once('exit', onExit);
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** `npm start` with the given flags: `node --conditions=source --import tsx packages/server/src/main.ts …`. */
export async function spawnServer(options: ServerSpawnOptions): Promise<ServerProcess> {
  const args = [
    ...(options.nodeArgs ?? []),
    '--conditions=source',
    '--import',
    'tsx',
    'packages/server/src/main.ts',
    '--port',
    '0',
    '--data',
    options.dataPath,
    '--store',
    options.store,
    '--timing',
    'immediate',
    '--log-level',
    'info',
    ...(options.quota === undefined
      ? []
      : ['--quota-per-vpc', String(options.quota), '--quota-per-account', String(options.quota)]),
    ...(options.extraArgs ?? []),
  ];
  const log = openSync(options.logPath, 'a');
  const started = performance.now();
  const child = track(
    spawn(process.execPath, args, {
      cwd: repoRoot,
      env: childEnv(),
      stdio: ['ignore', 'pipe', log],
    }),
  );
  closeSync(log);
  child.once('exit', () => child.stdout?.destroy());
  // The banner ends with the account lines and a `try:` hint; `admin-token`/`(no keys)` variants end earlier.
  const banner = await readBanner(
    child,
    started,
    options.logPath,
    (lines) => lines.some((l) => l.startsWith('try: ')),
    (line) => line.startsWith('listening '),
  );
  const listening = banner.lines.find((l) => l.startsWith('listening '));
  const admin = banner.lines.find((l) => l.startsWith('admin '));
  const [, region, url] = listening?.split(' ') ?? [];
  if (!url || !region || !admin || child.pid === undefined)
    throw new Error(`unexpected banner:\n${banner.lines.join('\n')}`);
  const accounts: Account[] = [];
  for (const line of banner.lines) {
    const m = /^account (\S+) id=(\S+) accessKeyId=(\S+) secretAccessKey=(\S+)/.exec(line);
    if (m) accounts.push({ name: m[1]!, id: m[2]!, accessKeyId: m[3]!, secretAccessKey: m[4]! });
  }
  if (accounts.length === 0)
    throw new Error(`no account with keys in the banner:\n${banner.lines.join('\n')}`);
  return {
    pid: child.pid,
    url,
    region,
    host: new URL(url).host,
    adminUrl: admin.slice('admin '.length),
    accounts,
    startupMs: banner.elapsedMs,
    stop: stopper(child),
  };
}

export interface BareProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * A bare node:http server in its own plain `node` process: `hello` answers "hello world"; `replay` answers
 * every request with the status, headers and body recorded in `responseFile`.
 */
export async function spawnBare(mode: 'hello' | { replay: string }): Promise<BareProcess> {
  const script = join(repoRoot, 'bench/lib/bare-server.mjs');
  const args = mode === 'hello' ? [script, 'hello'] : [script, 'replay', mode.replay];
  const started = performance.now();
  const child = track(
    spawn(process.execPath, args, {
      cwd: repoRoot,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const banner = await readBanner(
    child,
    started,
    undefined,
    (lines) => lines.length > 0,
    () => true,
  );
  const url = /^listening (\S+)$/.exec(banner.lines[0] ?? '')?.[1];
  if (!url || child.pid === undefined) throw new Error(`bare server: unexpected banner ${banner.lines[0]}`);
  return { pid: child.pid, url, stop: stopper(child) };
}

/** Resident set size of a live process, in MB (VmRSS from /proc on Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux build that matters here). */
const USER_HZ = 100;

/** CPU seconds a live process has used so far, user and system (Linux /proc). */
export function cpuSeconds(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / USER_HZ, system: Number(fields[12]) / USER_HZ };
}

/** Wall time of one `node <args>` run to exit, in ms; throws when it does not exit 0. */
export function timeNode(args: string[], env: NodeJS.ProcessEnv = childEnv()): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(
      spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
    });
  });
}

export { childEnv };
