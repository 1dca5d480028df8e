// Shared helpers for the suites that run the server as a process: start main.ts and read its banner, run it to
// exit, and clean up every child and temp dir when the suite ends. The store comes from the arguments
// (storeFlags of a place, or a SQLite path in a suite that runs on SQLite only); either way the suite must have
// said on which stores it runs (store-choice.ts).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireStoreDeclaration } from './store-choice.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const MAIN = join(ROOT, 'packages', 'server', 'src', 'main.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];

after(() => {
  for (const child of children) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-proc-'));
  dirs.push(dir);
  return dir;
}

export interface Banner {
  listeners: Array<{ region: string; url: string; port: number }>;
  accounts: Array<{ name: string; id: string; accessKeyId: string; secretAccessKey: string }>;
  lines: string[];
}

export function parseBanner(lines: string[]): Banner {
  const listeners = lines.flatMap((l) => {
    const m = /^listening (\S+) (http:\/\/127\.0\.0\.1:(\d+))$/.exec(l);
    return m ? [{ region: m[1] as string, url: m[2] as string, port: Number(m[3]) }] : [];
  });
  const accounts = lines.flatMap((l) => {
    const m = /^account (\S+) id=([0-9a-f]{32}) accessKeyId=(\S+) secretAccessKey=(\S+)$/.exec(l);
    return m
      ? [
          {
            name: m[1] as string,
            id: m[2] as string,
            accessKeyId: m[3] as string,
            secretAccessKey: m[4] as string,
          },
        ]
      : [];
  });
  return { listeners, accounts, lines };
}

export interface Started {
  child: ChildProcess;
  banner: Banner;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * Spawns main.ts and resolves once the banner (through its last account line) has been printed. Its stderr (the
 * log) is a pipe read into `exited.stderr`, unless `stderr` gives a file descriptor to write it to instead.
 */
export function startProcess(
  args: string[],
  command: string[] = [process.execPath, '--import', 'tsx', MAIN],
  env: NodeJS.ProcessEnv = {},
  options: { stderr?: number } = {},
): Promise<Started> {
  requireStoreDeclaration();
  const [cmd, ...pre] = command as [string, ...string[]];
  // Detached: the child leads its own process group, so a signal reaches node even when npm sits in between.
  const child = spawn(cmd, [...pre, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    // The store comes from the arguments, never from a DATABASE_URL the test run happens to have.
    env: { ...process.env, PEERCONN_ACCOUNTS: '', PEERCONN_STORE: '', DATABASE_URL: '', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s:\n${stdout}\n${stderr}`)), 20_000);
    child.stderr?.on('data', (c) => {
      stderr += c;
    });
    child.stdout?.on('data', (c) => {
      stdout += c;
      if (/^try: /m.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, banner: parseBanner(stdout.split('\n')), exited });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the banner:\n${stdout}\n${stderr}`));
    });
  });
}

export function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  requireStoreDeclaration();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PEERCONN_STORE: '', DATABASE_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

export const credential = (b: Banner, i = 0) => {
  const acc = b.accounts[i];
  assert.ok(acc, 'account in banner');
  return { accessKeyId: acc.accessKeyId, secretAccessKey: acc.secretAccessKey };
};

/** Whether a process runs (a zombie has exited; only its parent has not collected it yet). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited; only its parent has not collected it yet.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until `done` holds; fails after the deadline (a bound on a hang, not a timing expectation). */
export async function eventually(
  what: string,
  done: () => Promise<boolean> | boolean,
  deadlineMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, `${what} within ${deadlineMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
