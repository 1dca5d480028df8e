// Every code block in README.md is run or marked, like docs/ (test/docs-blocks.test.ts): text and `<lang> norun`
// blocks are not run; every other block is run by the test named for it below, and the admin API block, which
// no other test runs, is run here with bash against a started server.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDocServer } from './doc-server.ts';
import { root } from './readme-support.ts';
import { runChild } from './run-child.ts';

interface Block {
  line: number;
  lang: string;
  /** The first line of its code, which the table below matches on. */
  first: string;
  code: string;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `README.md:${i + 1}: a block that is never closed`);
    const code = lines.slice(i + 1, end).join('\n');
    blocks.push({ line: i + 1, lang: open[1] ?? '', first: lines[i + 1] ?? '', code });
    i = end;
  }
  return blocks;
}

/** Which test runs each runnable block, by the start of its first line. */
const RUN_BY: ReadonlyArray<[first: string, by: string]> = [
  [
    'npm install && npm start',
    '.ci/run (npm ci, then npm test) and packages/server/test/e2e-launcher.test.ts',
  ],
  ['PEERCONN_CLI=$PWD/packages/cli/bin/peerconn.mjs', 'test/readme-tour.test.ts'],
  [
    'export BCE_ENDPOINT=http://127.0.0.1:8080',
    'test/readme-tour.test.ts (after the tour, in the same shell)',
  ],
  ['BOB=$(peerconn whoami', 'test/readme-routes.test.ts'],
  ['peerconn route add --profile bob', 'test/readme-routes.test.ts (in the same shell as the block before)'],
  ['SG_A=$(peerconn sg create', 'test/readme-routes.test.ts (in the same shell as the block before)'],
  ['peerconn sg allow "$SG_B"', 'test/readme-routes.test.ts (in the same shell as the block before)'],
  ['peerconn acl add --profile bob', 'test/readme-routes.test.ts (in the same shell as the block before)'],
  ['node --import tsx cross-account.ts', 'test/readme.test.ts (saved as the README says, run as written)'],
  ['import {', 'test/readme.test.ts'],
  ['try {', 'test/readme.test.ts (appended to the example)'],
  ['for await (const pc of paginatePeerConns', 'test/readme.test.ts (appended to the example)'],
  ['A=http://127.0.0.1:8080/_admin', 'this file'],
];

test('every README block is run by a test or marked text / norun', () => {
  const unclaimed: string[] = [];
  const claimed = new Set<string>();
  for (const block of readmeBlocks()) {
    if (block.lang === 'text' || block.lang.endsWith(' norun')) continue;
    const owner = RUN_BY.find(([first]) => block.first.startsWith(first));
    if (!owner) unclaimed.push(`README.md:${block.line} (${block.lang}): ${block.first}`);
    else claimed.add(owner[0]);
  }
  assert.deepEqual(unclaimed, [], 'blocks no test runs: run them, or mark them text / <lang> norun');
  assert.deepEqual(
    RUN_BY.filter(([first]) => !claimed.has(first)).map(([first]) => first),
    [],
    'entries of RUN_BY whose block is gone',
  );
});

test('the README admin API block runs against a server', async () => {
  const block = readmeBlocks().find((b) => b.first.startsWith('A=http://127.0.0.1:8080/_admin'));
  assert.ok(block, 'README lost its admin API block');
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-readme-admin-'));
  const server = await startDocServer(join(dir, 'admin.db'));
  try {
    // As in docs/: curl fails on an HTTP error, so a refused call fails the script.
    const script = [
      'curl() { command curl -sS --fail-with-body "$@"; }',
      block.code.replaceAll('http://127.0.0.1:8080', server.url),
      'echo "account=$C"',
    ].join('\n');
    const { status, stdout, stderr } = await runChild('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir,
      env: { ...process.env },
      timeout: 120_000,
    });
    assert.equal(status, 0, `the admin block failed:\n${stderr}\n${stdout}`);
    const created = /account=([0-9a-f]{32})/.exec(stdout)?.[1];
    assert.ok(created, `the block created an account: ${stdout.slice(-500)}`);
    // It ends by deleting that account, and its two resets put clock and timing back to what the server runs.
    assert.equal(
      (await server.engine.listAccounts()).some((a) => a.id === created),
      false,
    );
    assert.equal(server.engine.clock().offsetMs, 0);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
