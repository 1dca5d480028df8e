// The README's five-minute shell tour, extracted from the README and run by bash against a started server
// with the fixed demo keys it prints, so the commands a newcomer copies stay true. Only its first line runs in
// the repository root: the rest runs from a directory outside it, as `peerconn` must work from anywhere.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDocServer } from './doc-server.ts';
import { readmeBlockAfter, root } from './readme-support.ts';
import { runChild } from './run-child.ts';

test('the README tour runs green from a shell', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-tour-'));
  const server = await startDocServer(join(dir, 'tour.db'));
  try {
    const [a, b] = server.accounts;
    assert.ok(a && b, 'two demo accounts');
    const [definition, ...rest] = readmeBlockAfter(
      'In another shell, from the repository root, define `peerconn`',
      'bash',
    )
      .replaceAll('http://127.0.0.1:8080', server.url)
      .split('\n');
    assert.match(definition ?? '', /peerconn\(\) \{/, 'the tour opens by defining peerconn');
    assert.doesNotMatch(rest.join('\n'), /<[a-z-]+ [a-z]+>/, 'the tour has no placeholders left to fill');
    // Outside the repository: no package.json or node_modules above it for npx or node to find.
    const outside = mkdtempSync(join(tmpdir(), 'peerconn-tour-outside-'));
    const examples = readmeBlockAfter("The same with the SDK's runnable examples", 'bash').replaceAll(
      'http://127.0.0.1:8080',
      server.url,
    );
    const script = [
      definition,
      `cd ${JSON.stringify(outside)}`,
      ...rest,
      `cd ${JSON.stringify(root)}`,
      examples,
    ].join('\n');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, NO_COLOR: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('BCE_')) delete env[key];
    const { status, stdout, stderr } = await runChild('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env,
      // A guard against a hang, not a time limit: a loaded machine runs the tour slowly.
      timeout: 300_000,
    });
    rmSync(outside, { recursive: true, force: true });
    assert.equal(status, 0, `tour failed:\n${stderr}\n${stdout}`);
    // The table printed by `peerconn list --output table` shows the resized, active connection.
    assert.match(stdout, /PEERCONN ID\s+STATUS\s+ROLE\s+DNS\s+MBPS\s+PEER VPC/);
    assert.match(stdout, /peerconn-[a-z0-9]{12}\s+active\s+initiator\s+open\s+20\s+vpc-[a-z0-9]{12}/);
    // The tour released what it created; what is left is the examples' request, which get-peerconn.ts printed.
    for (const account of [a, b]) {
      const list = (await server.engine.execute(
        'listPeerConns',
        { accountId: account.id, region: server.region, requestId: 'probe' },
        {},
      )) as { peerConns: Array<{ peerConnId: string }> };
      assert.equal(list.peerConns.length, 1, `one connection left (account ${account.id})`);
      assert.ok(
        stdout.includes(list.peerConns[0]?.peerConnId ?? '-'),
        'get-peerconn.ts printed the example request',
      );
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
