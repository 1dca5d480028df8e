// The server as a process: banner parsing, flags and accounts file, usage errors, durability across kill -9,
// and SIGTERM draining in-flight requests before exiting 0.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createVpc, errorOf, signed } from './http-support.ts';
import { credential, ROOT, runToExit, startProcess, tempDir } from './process-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  "flags, banner, signals and the SQLite file's directory; durability across kill -9 on every store is reliability-crash's",
);

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

/** Every VPC id of the account, page by page. */
async function allVpcIds(port: number, who: { accessKeyId: string; secretAccessKey: string }) {
  const ids = new Set<string>();
  let marker = '';
  for (;;) {
    const page = await signed({
      port,
      method: 'GET',
      target: `/v1/vpc?maxKeys=1000${marker ? `&marker=${marker}` : ''}`,
      credential: who,
    });
    const body = page.json as { vpcs: Array<{ vpcId: string }>; isTruncated: boolean; nextMarker?: string };
    for (const vpc of body.vpcs) ids.add(vpc.vpcId);
    if (!body.isTruncated) return ids;
    marker = body.nextMarker as string;
  }
}

test('kill -9 under 50 concurrent writers: every acknowledged write survives, and its token replays it', async () => {
  const dir = tempDir();
  const data = join(dir, 'peerconn.db');
  const first = await startProcess(['--port', '0', '--data', data, '--log-level', 'silent']);
  const port = first.banner.listeners[0]?.port as number;
  const who = credential(first.banner);
  const acknowledged = new Map<string, string>();
  let stop = false;
  let counter = 0;
  const writer = async (w: number) => {
    while (!stop) {
      const token = `crash-${w}-${counter++}`;
      try {
        const res = await signed({
          port,
          method: 'POST',
          target: `/v1/vpc?clientToken=${token}`,
          body: JSON.stringify({ name: token, cidr: '10.9.0.0/16' }),
          credential: who,
        });
        if (res.status === 200) acknowledged.set(token, (res.json as { vpcId: string }).vpcId);
      } catch {
        return; // the server is gone: this request was never acknowledged
      }
    }
  };
  const writers = Array.from({ length: 50 }, (_, w) => writer(w));
  const deadline = Date.now() + 30_000;
  while (acknowledged.size < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  first.child.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  await first.exited;
  assert.ok(acknowledged.size >= 300, `only ${acknowledged.size} writes were acknowledged before the kill`);

  const second = await startProcess(['--port', '0', '--data', data, '--log-level', 'silent']);
  const port2 = second.banner.listeners[0]?.port as number;
  const listed = await allVpcIds(port2, who);
  const missing = [...acknowledged.values()].filter((id) => !listed.has(id));
  assert.deepEqual(missing, [], 'acknowledged VPCs missing after kill -9');
  // Replaying a sample of acknowledged tokens answers the first response and creates nothing new.
  const sample = [...acknowledged].slice(0, 25);
  for (const [token, vpcId] of sample) {
    const again = await signed({
      port: port2,
      method: 'POST',
      target: `/v1/vpc?clientToken=${token}`,
      body: JSON.stringify({ name: token, cidr: '10.9.0.0/16' }),
      credential: who,
    });
    assert.equal(again.status, 200, again.text);
    assert.equal((again.json as { vpcId: string }).vpcId, vpcId);
  }
  assert.equal((await allVpcIds(port2, who)).size, listed.size, 'replays created nothing');
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0);
});

test('a second server on the same data file refuses to start, naming the way to share state', async () => {
  const dir = tempDir();
  const data = join(dir, 'shared.db');
  const first = await startProcess(['--port', '0', '--data', data, '--log-level', 'silent']);
  const second = await runToExit(['--port', '0', '--data', data, '--log-level', 'silent']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another peerconn server is using .*shared\.db/);
  assert.match(second.stderr, /give --data another file/);
  assert.match(second.stderr, /--store postgres:\/\//);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
  // Once the first is gone the file is free again.
  const third = await startProcess(['--port', '0', '--data', data, '--log-level', 'silent']);
  third.child.kill('SIGTERM');
  assert.equal((await third.exited).code, 0);
});
