// The README's complete cross-account SDK example, extracted from the README itself and run unchanged against
// a started server, so the README cannot drift from what the SDK and server actually do.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '@peerconn/server';
import { readmeBlockAfter, root } from './readme-support.ts';
import { runChild } from './run-child.ts';

test('the README cross-account example runs green against the server', async () => {
  // The example, then the error handling and pagination snippets that follow it, which use its variables.
  const code = [
    readmeBlockAfter('### A complete cross-account example', 'ts'),
    readmeBlockAfter('### Errors', 'ts'),
    readmeBlockAfter('### Pagination and waiters', 'ts'),
  ].join('\n');
  const scratch = join(root, '.tmp');
  mkdirSync(scratch, { recursive: true });
  const file = join(scratch, `readme-example-${process.pid}.ts`);
  // A trailing probe proves the example reached its end: the connection is gone for both accounts.
  writeFileSync(file, `${code}\nconsole.log(JSON.stringify({ done: peerConnId }));\n`);

  const dir = mkdtempSync(join(tmpdir(), 'peerconn-readme-'));
  const server = await startServer({
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
  try {
    const [a, b] = server.accounts;
    assert.ok(a?.credentials[0] && b?.credentials[0], 'the server has two demo accounts');
    const result = await runChild(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      timeout: 60_000,
      env: {
        ...process.env,
        BCE_ENDPOINT: server.url,
        A_AK: a.credentials[0].accessKeyId,
        A_SK: a.credentials[0].secretAccessKey,
        B_AK: b.credentials[0].accessKeyId,
        B_SK: b.credentials[0].secretAccessKey,
        B_ACCOUNT_ID: b.id,
      },
    });
    assert.equal(result.status, 0, `example failed:\n${result.stderr}`);
    const lines = result.stdout.trim().split('\n');
    const done = JSON.parse(lines.at(-1) ?? '{}') as { done?: string };
    assert.match(done.done ?? '', /^peerconn-[a-z0-9]{12}$/);
    // The first line is the example's own `console.log(peerConnId, requestId)`.
    assert.match(lines[0] ?? '', new RegExp(`^${done.done} [0-9a-f-]{36}$`));
    // Gone for both accounts, as the probe's comment promises: the initiator's and the acceptor's lists.
    for (const account of [a, b]) {
      const list = await server.engine.execute(
        'listPeerConns',
        { accountId: account.id, region: server.region, requestId: 'probe' },
        {},
      );
      assert.deepEqual((list as { peerConns: unknown[] }).peerConns, [], `account ${account.id}`);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
});
