// `peerconn serve` as a child process: it prints its listener and demo keys, and answers the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { BIN, cleanEnv, cli, tempHome } from './helpers.ts';

const { home, cleanup } = tempHome();
after(() => cleanup());

test('serve prints "listening bj http://127.0.0.1:<port>" and the demo keys, answers, and stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--port',
      '0',
      '--data',
      join(home, 'serve.db'),
      '--log-level',
      'silent',
      '--timing',
      'immediate',
    ],
    // The timeout ends a child that never prints its banner, so the line loop below cannot wait forever.
    { env: cleanEnv(home), stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
  );
  // Listened for from the start: a child that dies early must fail the test, not leave it waiting for an
  // 'exit' event that has already been emitted.
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  exited.catch(() => {}); // awaited below; this only keeps an early spawn error from being unhandled
  try {
    const lines = createInterface({ input: child.stdout });
    let url: string | undefined;
    let key: { id: string; secret: string } | undefined;
    for await (const line of lines) {
      const listening = /^listening bj (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (listening) url = listening[1];
      const account = /^account \S+ id=\w+ accessKeyId=(\S+) secretAccessKey=(\S+)/.exec(line);
      if (account && !key) key = { id: account[1]!, secret: account[2]! };
      if (line.startsWith('try:')) break;
    }
    // Keep draining so a late line cannot fill the pipe and stall the server.
    child.stdout.resume();
    assert.ok(url, 'a listening line');
    assert.ok(key, 'demo keys in the banner');

    const configured = await cli(
      ['configure', '--access-key-id', key.id, '--secret-access-key', key.secret, '--endpoint', url],
      { home },
    );
    assert.equal(configured.code, 0, configured.stderr);
    const created = await cli(
      ['vpc', 'create', '--name', 'served', '--cidr', '10.0.0.0/16', '--query', 'vpcId', '--output', 'text'],
      {
        home,
      },
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^vpc-\w+\n$/);

    // The bundled CLI still finds the server's web console (built by npm run build, as here).
    const page = await fetch(`${url}/_console/`);
    assert.equal(page.status, 200, 'the console is served (run npm run build if it was never built)');
    assert.match(await page.text(), /console\.js/);
  } finally {
    child.kill('SIGTERM');
  }
  const [code, signal] = await exited;
  assert.deepEqual([code, signal], [0, null], 'exits 0 on SIGTERM');
});

test('serve passes its flags to the server: --help prints the server usage, bad flags exit 1', async () => {
  const help = await cli(['serve', '--help'], { home });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--listen <r=port,...>/);
  const bad = await cli(['serve', '--no-such-flag'], { home });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^peerconn serve: .*no-such-flag/m, 'the error names the command as typed');
});
