// The README's worked routing example, extracted from the README and run by bash against a started server: the
// tour's first lines (the `peerconn` function and the two profiles) and then the example as written, so the
// verdicts it shows (unreachable with NoReturnRoute, then reachable) stay what `peerconn reach` says.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '@peerconn/server';
import { readmeBlockAfter, root } from './readme-support.ts';
import { runChild } from './run-child.ts';

test('the README routing example runs: NoReturnRoute and exit code 3, then reachable', async () => {
  const tour = readmeBlockAfter('In another shell, from the repository root, define `peerconn`', 'bash');
  const setup = tour.split('\n').filter((line) => /^PEERCONN_CLI=|^peerconn configure /.test(line));
  assert.equal(setup.length, 3, 'the tour defines peerconn and configures alice and bob');
  const example = readmeBlockAfter('### Routes through a peering, checked', 'bash');

  const dir = mkdtempSync(join(tmpdir(), 'peerconn-readme-routes-'));
  const server = await startServer({
    port: 0,
    dataPath: join(dir, 'routes.db'),
    logLevel: 'silent',
    timing: {
      create: { mode: 'delay', delayMs: 300 },
      accept: { mode: 'delay', delayMs: 200 },
    },
  });
  try {
    const script = [...setup, example].join('\n').replaceAll('http://127.0.0.1:8080', server.url);
    assert.doesNotMatch(script, /<[a-z-]+ [a-z]+>/, 'no placeholders left to fill');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, NO_COLOR: '1' };
    for (const key of Object.keys(env))
      if (key.startsWith('BCE_') || key.startsWith('PEERCONN_')) delete env[key];
    const { status, stdout, stderr } = await runChild('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env,
      // A guard against a hang, not a time limit.
      timeout: 300_000,
    });
    assert.equal(status, 0, `example failed:\n${stderr}\n${stdout}`);
    const first = stdout.indexOf(': NOT reachable\n');
    const verdict = stdout.indexOf('not reachable: exit code 3\n');
    const table = stdout.search(/\nDESTINATION +SOURCE +NEXT HOP TYPE/);
    const last = stdout.lastIndexOf(': reachable\n');
    assert.ok(first !== -1 && first < verdict && verdict < table && table < last, stdout);
    assert.match(
      stdout.slice(first, verdict),
      /\n {2}NoReturnRoute: No route back: .*destination 10\.11\.0\.0\/16, nexthopType peerConn/,
    );
    assert.match(
      stdout.slice(table),
      /\n10\.11\.0\.0\/16\s+0\.0\.0\.0\/0\s+peerConn\s+qpif-[a-z0-9]{12}\s+rr-[a-z0-9]{12}\s+back to web\n/,
    );
    assert.match(stdout.slice(table), /\n10\.12\.1\.0\/24\s+0\.0\.0\.0\/0\s+sys\s+local\s+\(system\)\n/);
    assert.doesNotMatch(stdout.slice(last), /problems/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
