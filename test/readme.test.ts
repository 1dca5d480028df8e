// The README's complete cross-account SDK example, extracted from the README itself: saved where the README says
// and run with the command it gives, as written, against a started server with the fixed demo accounts; then
// again with the error handling and pagination snippets that continue it. The README cannot drift from what the
// SDK and server actually do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '@peerconn/server';
import { readmeBlockAfter, root } from './readme-support.ts';
import { runChild } from './run-child.ts';

const MARKER = '### A complete cross-account example';
let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'peerconn-readme-'));

before(async () => {
  server = await startServer({
    port: 0,
    dataPath: join(dir, 'readme.db'),
    logLevel: 'silent',
    timing: {
      create: { mode: 'delay', delayMs: 300 },
      accept: { mode: 'immediate' },
      update: { mode: 'immediate' },
      delete: { mode: 'immediate' },
    },
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A directory that resolves packages as the repository root does (its node_modules and package.json). */
function repositoryRoot(): string {
  const copy = mkdtempSync(join(dir, 'repo-'));
  for (const name of ['node_modules', 'package.json']) symlinkSync(join(root, name), join(copy, name));
  return copy;
}

/** The machine's environment without BCE_* settings, and the endpoint of this test's server (not 8080). */
function exampleEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('BCE_')) env[key] = value;
  return { ...env, BCE_ENDPOINT: server.url };
}

async function assertGoneForBoth(): Promise<void> {
  for (const account of server.accounts) {
    const list = await server.engine.execute(
      'listPeerConns',
      { accountId: account.id, region: server.region, requestId: 'probe' },
      {},
    );
    assert.deepEqual((list as { peerConns: unknown[] }).peerConns, [], `account ${account.id}`);
  }
}

test('saved as the README says and run with its command, the example runs green', async () => {
  const command = readmeBlockAfter(MARKER, 'bash').trim();
  const file = /\s(\S+\.ts)$/.exec(command)?.[1];
  assert.equal(file, 'cross-account.ts', `the README's command runs the file it says to save: ${command}`);
  const cwd = repositoryRoot();
  writeFileSync(join(cwd, file), readmeBlockAfter(MARKER, 'ts'));
  const result = await runChild('bash', ['-c', command], { cwd, timeout: 60_000, env: exampleEnv() });
  assert.equal(result.status, 0, `the example failed:\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  const id = /^released (peerconn-[a-z0-9]{12})$/.exec(lines.at(-1) ?? '')?.[1];
  assert.ok(id, `the example reached its end: ${result.stdout}`);
  // Its first line is its own `console.log(peerConnId, $metadata.requestId)`.
  assert.match(lines[0] ?? '', new RegExp(`^${id} [0-9a-f-]{36}$`));
  await assertGoneForBoth();
});

test('the error and pagination snippets continue the example', async () => {
  const code = [
    readmeBlockAfter(MARKER, 'ts'),
    readmeBlockAfter('### Errors', 'ts'),
    readmeBlockAfter('### Pagination and waiters', 'ts'),
  ].join('\n');
  const cwd = repositoryRoot();
  // A trailing probe proves the snippets ran to their end.
  writeFileSync(join(cwd, 'continued.ts'), `${code}\nconsole.log(JSON.stringify({ done: peerConnId }));\n`);
  const result = await runChild(process.execPath, ['--import', 'tsx', 'continued.ts'], {
    cwd,
    timeout: 60_000,
    env: exampleEnv(),
  });
  assert.equal(result.status, 0, `the example with its snippets failed:\n${result.stderr}`);
  const done = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { done?: string };
  assert.match(done.done ?? '', /^peerconn-[a-z0-9]{12}$/);
  await assertGoneForBoth();
});
