// @peerconn/sdk as a user outside this workspace gets it: `npm pack`, unpacked into a fresh project's
// node_modules, then imported from plain Node (ESM and require) and type-checked by a TypeScript consumer.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPERATION_LIST } from '@peerconn/sdk/operations';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let work = '';
let consumer = '';
let packedFiles: string[] = [];

// A clean environment: no source condition, so resolution goes through the package's public exports.
const plainEnv = { ...process.env, NODE_OPTIONS: '' };

before(() => {
  work = mkdtempSync(join(tmpdir(), 'peerconn-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: join(root, 'packages/sdk'),
    encoding: 'utf8',
    env: plainEnv,
  });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{
    filename: string;
    files: { path: string }[];
  }>;
  assert.ok(info, 'npm pack reported nothing');
  packedFiles = info.files.map((f) => f.path);
  consumer = join(work, 'consumer');
  const scope = join(consumer, 'node_modules/@peerconn');
  mkdirSync(scope, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, info.filename), '-C', scope]);
  renameSync(join(scope, 'package'), join(scope, 'sdk'));
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', type: 'module', private: true }),
  );
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds compiled JavaScript and declarations, and no tests', () => {
  for (const file of [
    'package.json',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/signer.js',
    'dist/operations.d.ts',
  ]) {
    assert.ok(packedFiles.includes(file), `${file} missing from ${packedFiles.join(', ')}`);
  }
  assert.ok(!packedFiles.some((f) => f.startsWith('test/')), 'tests are not published');
});

test('plain Node imports its three entries (ESM and require) and it signs vector C1 of docs/wire.md', () => {
  const esm = `
    import { PeerConnClient } from '@peerconn/sdk';
    import { sign, uriEncode } from '@peerconn/sdk/internal';
    import { OPERATIONS } from '@peerconn/sdk/operations';
    const auth = sign({
      method: 'PUT', path: '/v1/peerconn/peerconn-xyz', query: [['accept', undefined], ['clientToken', 'token-3']],
      headers: { Host: 'bcc.bj.baidubce.com', 'x-bce-date': '2024-01-02T03:04:05Z' },
      accessKeyId: 'ak-example', secretAccessKey: 'sk-example', timestamp: '2024-01-02T03:04:05Z',
      signedHeaders: ['host', 'x-bce-date'],
    });
    const client = new PeerConnClient({ endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    console.log(JSON.stringify({ auth, ops: Object.keys(OPERATIONS).length, method: typeof client.createPeerConn, enc: uriEncode('a b') }));
  `;
  writeFileSync(join(consumer, 'esm.mjs'), esm);
  const out = JSON.parse(
    execFileSync(process.execPath, ['esm.mjs'], { cwd: consumer, encoding: 'utf8', env: plainEnv }),
  );
  assert.equal(
    out.auth,
    'bce-auth-v1/ak-example/2024-01-02T03:04:05Z/1800/host;x-bce-date/0918450f51e84c71ac85eecca3f468c1f87f89635d27281b9c4025003b629817',
  );
  assert.equal(out.ops, OPERATION_LIST.length, 'the installed package has every row of the source table');
  assert.equal(out.method, 'function');
  assert.equal(out.enc, 'a%20b');

  writeFileSync(
    join(consumer, 'cjs.cjs'),
    "const sdk = require('@peerconn/sdk'); console.log(typeof sdk.VpcClient);",
  );
  const cjs = spawnSync(process.execPath, ['cjs.cjs'], { cwd: consumer, encoding: 'utf8', env: plainEnv });
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout.trim(), 'function');
});

test('no file is reachable by its own path: only the entries the package names', () => {
  for (const path of ['@peerconn/sdk/signer', '@peerconn/sdk/client', '@peerconn/sdk/dist/signer.js']) {
    writeFileSync(join(consumer, 'deep.mjs'), `await import(${JSON.stringify(path)});`);
    const deep = spawnSync(process.execPath, ['deep.mjs'], {
      cwd: consumer,
      encoding: 'utf8',
      env: plainEnv,
    });
    assert.notEqual(deep.status, 0, `${path} should not resolve`);
    assert.match(deep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/, path);
  }
});

test('a TypeScript consumer gets the types: correct use compiles, a wrong field type does not', () => {
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files: ['use.ts'],
    }),
  );
  const good = `
    import { PeerConnClient, type PeerConnStatus, BceServiceError, waitUntilPeerConnActive } from '@peerconn/sdk';
    const client = new PeerConnClient({ endpoint: 'http://127.0.0.1:8080' });
    export async function run(): Promise<PeerConnStatus> {
      const { peerConnId } = await client.createPeerConn({
        bandwidthInMbps: 10, localVpcId: 'vpc-a', peerVpcId: 'vpc-b', peerRegion: 'bj', billing: { paymentTiming: 'Postpaid' },
      });
      await waitUntilPeerConnActive({ client, maxWaitTime: 60 }, { peerConnId });
      try {
        return (await client.getPeerConn({ peerConnId, role: 'initiator' })).status;
      } catch (e) {
        if (e instanceof BceServiceError && e.code === 'NoSuchObject') return 'deleted';
        throw e;
      }
    }
  `;
  writeFileSync(join(consumer, 'use.ts'), good);
  const ok = spawnSync(process.execPath, [tsc, '-p', consumer], { encoding: 'utf8', env: plainEnv });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);

  writeFileSync(join(consumer, 'use.ts'), good.replace('bandwidthInMbps: 10', "bandwidthInMbps: '10'"));
  const bad = spawnSync(process.execPath, [tsc, '-p', consumer], { encoding: 'utf8', env: plainEnv });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /use\.ts.*TS2322/);
});
