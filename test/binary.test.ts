// The single executable (npm run build:binary): built once for this suite, copied alone into an empty directory,
// and run there with an empty environment (no Node on the PATH) through the official wire — requests as
// bce-sdk-go sends them — a cross-account peering from request to release, the console, its SQLite file across
// a restart, and PostgreSQL's client inside it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { GoStyleClient, GoVpcClient } from './go-style-client.ts';
import { root } from './readme-support.ts';
import { runChild } from './run-child.ts';

const NAME = 'peerconn-server-linux-x64';
let scratch = '';
let dir = '';
const children: ChildProcess[] = [];

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'peerconn-binary-test-'));
  const built = join(scratch, 'build', NAME);
  const started = performance.now();
  const result = await runChild(process.execPath, [join(root, 'scripts/build-binary.mjs'), '--out', built], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(result.status, 0, `npm run build:binary failed:\n${result.stderr}`);
  process.stderr.write(
    `binary: ready (built, or reused from .tmp/binary) in ${((performance.now() - started) / 1000).toFixed(1)} s, ${(statSync(built).size / 2 ** 20).toFixed(1)} MiB\n`,
  );
  // Alone in an empty directory: nothing of this checkout is next to it.
  dir = mkdtempSync(join(scratch, 'alone-'));
  copyFileSync(built, join(dir, NAME));
  rmSync(join(scratch, 'build'), { recursive: true, force: true });
});

after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** No PATH, no HOME, no Node: only what the file itself carries. */
const bareEnv = {};

async function start(
  args: string[],
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(join(dir, NAME), args, { cwd: dir, env: bareEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const lines: string[] = [];
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    lines.push(line);
    if (line.startsWith('try:')) break;
  }
  clearTimeout(timer);
  child.stdout?.resume();
  const url = lines.map((l) => /^listening bj (http:\/\/127\.0\.0\.1:\d+)$/.exec(l)?.[1]).find(Boolean);
  assert.ok(url, `no banner:\n${lines.join('\n')}\n${stderr}`);
  return { child, url, exited };
}

const A = { accessKeyId: 'demo-a-ak', secretAccessKey: 'demo-a-sk' };
const B = { accessKeyId: 'demo-b-ak', secretAccessKey: 'demo-b-sk' };
const B_ID = 'b'.repeat(32);

async function vpcNames(url: string): Promise<string[]> {
  const page = (await new GoStyleClient(url, A).call('GET', '/v1/vpc', [], undefined, true)) as {
    vpcs: Array<{ name: string }>;
  };
  return page.vpcs.map((v) => v.name);
}

test('--help runs from the file alone', async () => {
  const help = await runChild(join(dir, NAME), ['--help'], { cwd: dir, env: bareEnv });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: peerconn-server/);
  assert.match(help.stdout, /--exit-on-stdin-close/);
});

test('serves the official wire, the console and a SQLite file that outlives a restart', async () => {
  const first = await start([
    '--port',
    '0',
    '--data',
    './state.db',
    '--timing',
    'immediate',
    '--exit-on-stdin-close',
  ]);
  const alice = new GoVpcClient(first.url, A);
  const bob = new GoVpcClient(first.url, B);
  const localVpcId = await alice.createVpc('web', '10.1.0.0/16');
  const peerVpcId = await bob.createVpc('db', '10.2.0.0/16');
  const { peerConnId } = await alice.createPeerConn({
    bandwidthInMbps: 10,
    localVpcId,
    peerVpcId,
    peerRegion: 'bj',
    peerAccountId: B_ID,
    billing: { paymentTiming: 'Postpaid' },
  });
  assert.equal((await bob.getPeerConnDetail(peerConnId, 'acceptor')).status, 'consulting');
  await bob.acceptPeerConnApply(peerConnId, 'accept-1');
  assert.equal((await alice.getPeerConnDetail(peerConnId, 'initiator')).status, 'active');
  await alice.deletePeerConn(peerConnId, 'delete-1');
  await assert.rejects(alice.getPeerConnDetail(peerConnId, 'initiator'), /NoSuchObject/);

  const page = await fetch(`${first.url}/_console/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /console\.js/);
  const script = await fetch(`${first.url}/_console/console.js`);
  assert.equal(script.status, 200);
  assert.ok((await script.arrayBuffer()).byteLength > 10_000);

  first.child.stdin?.end();
  assert.equal(await first.exited, 0, 'closing its input stops it cleanly');
  const second = await start(['--port', '0', '--data', './state.db', '--exit-on-stdin-close']);
  assert.deepEqual(await vpcNames(second.url), ['web'], "alice's VPC is still in the file");
  second.child.stdin?.end();
  assert.equal(await second.exited, 0);
  assert.deepEqual(
    readdirSync(dir)
      .filter((f) => !f.startsWith('state.db'))
      .sort(),
    [NAME],
    'nothing but the file and its database',
  );
});

test("PostgreSQL's client is inside: --store postgres:// reaches for the database", async () => {
  const run = await runChild(
    join(dir, NAME),
    ['--port', '0', '--store', 'postgres://nobody@127.0.0.1:1/none', '--log-level', 'silent'],
    { cwd: dir, env: bareEnv },
  );
  assert.equal(run.status, 1);
  assert.match(run.stderr, /cannot start: .*(ECONNREFUSED|connect)/);
  assert.doesNotMatch(run.stderr, /Cannot find module/);
});
