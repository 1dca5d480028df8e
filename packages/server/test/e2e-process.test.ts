// The server as a process: banner parsing, flags and accounts file, usage errors, durability across kill -9,
// and SIGTERM draining in-flight requests before exiting 0.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createVpc, errorOf, signed } from './http-support.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = join(ROOT, 'packages', 'server', 'src', 'main.ts');
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

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-proc-'));
  dirs.push(dir);
  return dir;
}

interface Banner {
  listeners: Array<{ region: string; url: string; port: number }>;
  accounts: Array<{ name: string; id: string; accessKeyId: string; secretAccessKey: string }>;
  lines: string[];
}

function parseBanner(lines: string[]): Banner {
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

interface Started {
  child: ChildProcess;
  banner: Banner;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Spawns main.ts and resolves once the banner (through its last account line) has been printed. */
function startProcess(
  args: string[],
  command: string[] = [process.execPath, '--import', 'tsx', MAIN],
): Promise<Started> {
  const [cmd, ...pre] = command as [string, ...string[]];
  // Detached: the child leads its own process group, so a signal reaches node even when npm sits in between.
  const child = spawn(cmd, [...pre, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PEERCONN_ACCOUNTS: '' },
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

function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
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

const credential = (b: Banner, i = 0) => {
  const acc = b.accounts[i];
  assert.ok(acc, 'account in banner');
  return { accessKeyId: acc.accessKeyId, secretAccessKey: acc.secretAccessKey };
};

test('usage errors exit 1 with a clear message; --help exits 0', async () => {
  const unknown = await runToExit(['--prot', '9000']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /--prot/);
  assert.match(unknown.stderr, /--help/);
  const badTiming = await runToExit(['--timing', 'create=soon']);
  assert.equal(badTiming.code, 1);
  assert.match(badTiming.stderr, /timing/);
  const store = await runToExit(['--store', 'postgres']);
  assert.equal(store.code, 1);
  assert.match(
    store.stderr,
    /--store must be sqlite or a postgres:\/\/user:password@host:port\/database URL/,
  );
  const secret = await runToExit(['--store', 'mysql://root:hunter2@db/x']);
  assert.equal(secret.code, 1);
  assert.doesNotMatch(secret.stderr, /hunter2/, 'a mistyped URL is not echoed with its password');
  const help = await runToExit(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--listen/);
});

test('kill -9 after an acknowledged write: restart shows the same state and the same keys', async () => {
  const dir = tempDir();
  const data = join(dir, 'nested', 'peerconn.db');
  const first = await startProcess([
    '--port',
    '0',
    '--data',
    data,
    '--log-level',
    'silent',
    '--timing',
    'immediate',
  ]);
  assert.equal(first.banner.listeners.length, 1);
  assert.equal(first.banner.listeners[0]?.region, 'bj');
  assert.deepEqual(
    first.banner.accounts.map((a) => a.name),
    ['demo-a', 'demo-b'],
  );
  const port = first.banner.listeners[0]?.port as number;
  const vpcId = await createVpc({ port }, credential(first.banner));
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');

  const second = await startProcess(['--port', '0', '--data', data, '--log-level', 'silent']);
  assert.deepEqual(second.banner.accounts, first.banner.accounts);
  const got = await signed({
    port: second.banner.listeners[0]?.port as number,
    method: 'GET',
    target: `/v1/vpc/${vpcId}`,
    credential: credential(second.banner),
  });
  assert.equal(got.status, 200, got.text);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0);
});

test('SIGTERM drains an in-flight request, then exits 0 and logs to stderr', async () => {
  const dir = tempDir();
  const started = await startProcess([
    '--port',
    '0',
    '--data',
    join(dir, 'db.sqlite'),
    '--log-level',
    'info',
  ]);
  const { port, url } = started.banner.listeners[0] as { port: number; url: string };
  // A one-shot rule: it disappears from the list when the request matches it, i.e. once the request is
  // inside the server and sleeping. Waiting for that (instead of a fixed 150 ms) makes sure SIGTERM lands
  // while the request is in flight, not before it arrived.
  await fetch(`${url}/_admin/faults`, {
    method: 'POST',
    body: JSON.stringify({ operation: 'listVpcs', status: 200, latencyMs: 600, times: 1 }),
  });
  const inFlight = signed({ port, method: 'GET', target: '/v1/vpc', credential: credential(started.banner) });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rules = (await (await fetch(`${url}/_admin/faults`)).json()) as unknown;
    if (JSON.stringify(rules).includes('listVpcs') === false) break;
    assert.ok(Date.now() < deadline, 'the request reached the server within 20 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  started.child.kill('SIGTERM');
  const res = await inFlight;
  assert.equal(res.status, 200, res.text);
  const exit = await started.exited;
  assert.equal(exit.code, 0);
  const logs = exit.stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const request = logs.find((l) => l.operation === 'listVpcs');
  assert.ok(request, exit.stderr);
  assert.equal(request.status, 200);
  assert.match(String(request.requestId), /^[0-9a-f-]{36}$/);
  assert.equal(request.account, started.banner.accounts[0]?.id);
  assert.ok(
    !exit.stderr.includes(started.banner.accounts[0]?.secretAccessKey as string),
    'secrets never logged',
  );
});

test('--accounts file, --listen per region and env flags', async () => {
  const dir = tempDir();
  const accountsFile = join(dir, 'accounts.json');
  const id = 'c'.repeat(32);
  writeFileSync(
    accountsFile,
    JSON.stringify({
      accounts: [{ id, name: 'team', credentials: [{ accessKeyId: 'team-ak', secretAccessKey: 'team-sk' }] }],
    }),
  );
  const started = await startProcess([
    '--listen',
    'bj=0,gz=0',
    '--accounts',
    accountsFile,
    '--data',
    join(dir, 'db.sqlite'),
    '--log-level',
    'silent',
  ]);
  assert.deepEqual(
    started.banner.listeners.map((l) => l.region),
    ['bj', 'gz'],
  );
  assert.deepEqual(started.banner.accounts, [
    { name: 'team', id, accessKeyId: 'team-ak', secretAccessKey: 'team-sk' },
  ]);
  for (const l of started.banner.listeners) {
    const res = await signed({
      port: l.port,
      method: 'GET',
      target: '/v1/vpc',
      credential: { accessKeyId: 'team-ak', secretAccessKey: 'team-sk' },
    });
    assert.equal(res.status, 200);
  }
  const unknown = await signed({
    port: started.banner.listeners[0]?.port as number,
    method: 'GET',
    target: '/v1/vpc',
    credential: { accessKeyId: 'demo', secretAccessKey: 'x' },
  });
  assert.equal(errorOf(unknown).code, 'InvalidAccessKeyId');
  started.child.kill('SIGINT');
  assert.equal((await started.exited).code, 0);

  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify({ accounts: [{ id: 'short', name: 'x' }] }));
  const bad = await runToExit(['--accounts', broken, '--data', join(dir, 'db2.sqlite')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /accounts\.0\.id/);
});

test('npm start passes flags through; the bin launcher runs main', async () => {
  const dir = tempDir();
  const viaNpm = await startProcess(
    ['--port', '0', '--data', join(dir, 'npm.db'), '--log-level', 'silent'],
    ['npm', 'start', '--silent', '--'],
  );
  assert.equal(viaNpm.banner.listeners.length, 1);
  assert.equal(viaNpm.banner.accounts.length, 2);
  process.kill(-(viaNpm.child.pid as number), 'SIGTERM');
  await viaNpm.exited;
  const bin = join(ROOT, 'packages', 'server', 'bin', 'peerconn-server.mjs');
  const viaBin = await startProcess(
    ['--port', '0', '--data', join(dir, 'bin.db'), '--log-level', 'silent'],
    [process.execPath, bin],
  );
  assert.equal(viaBin.banner.listeners.length, 1);
  viaBin.child.kill('SIGTERM');
  assert.equal((await viaBin.exited).code, 0);
});
