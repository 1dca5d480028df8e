// A server tied to the process that started it: when that process is killed (kill -9 included, as a test
// runner that is stopped), the server exits by itself, through --exit-on-stdin-close or --parent-pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { alive, eventually, MAIN, ROOT, runToExit } from './process-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  'what is checked is a process ending with its starter; its data is in memory',
);

/**
 * A stand-in for a test runner: it starts the server with `flags` (`$RUNNER_PID` becomes its own pid) and
 * prints the server's pid once the banner is out, then waits to be killed.
 */
async function runnerWithServer(
  flags: string[],
  stdin: 'pipe' | 'ignore',
): Promise<{ runner: number; server: number }> {
  const script = `
    const { spawn } = require('node:child_process');
    const args = ${JSON.stringify(flags)}.map((a) => a === '$RUNNER_PID' ? String(process.pid) : a);
    const server = spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(MAIN)}, '--port', '0', '--data', ':memory:', '--log-level', 'silent', ...args],
      { stdio: [${JSON.stringify(stdin)}, 'pipe', 'inherit'] });
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      if (/^try: /m.test(out)) { console.log('server ' + server.pid); out = ''; }
    });
    setInterval(() => {}, 1000);
  `;
  const runner = spawn(process.execPath, ['-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PEERCONN_STORE: '', DATABASE_URL: '' },
  });
  const timer = setTimeout(() => runner.kill('SIGKILL'), 60_000);
  for await (const line of createInterface({ input: runner.stdout })) {
    const m = /^server (\d+)$/.exec(line);
    if (m) {
      clearTimeout(timer);
      return { runner: runner.pid as number, server: Number(m[1]) };
    }
  }
  throw new Error('the runner ended before its server printed a banner');
}

test('--exit-on-stdin-close: kill -9 of the process holding the pipe ends the server', async () => {
  const { runner, server } = await runnerWithServer(['--exit-on-stdin-close'], 'pipe');
  assert.ok(alive(server));
  process.kill(runner, 'SIGKILL');
  try {
    await eventually('the server exits after its starter died', () => !alive(server), 30_000);
  } finally {
    if (alive(server)) process.kill(server, 'SIGKILL');
  }
});

test('--parent-pid: kill -9 of that process ends the server, whatever its stdin', async () => {
  const { runner, server } = await runnerWithServer(['--parent-pid', '$RUNNER_PID'], 'ignore');
  assert.ok(alive(server));
  process.kill(runner, 'SIGKILL');
  try {
    await eventually('the server exits after its parent died', () => !alive(server), 30_000);
  } finally {
    if (alive(server)) process.kill(server, 'SIGKILL');
  }
});

test('--parent-pid of a process that is not there is refused at start', async () => {
  const gone = await runToExit(['--parent-pid', '2147483646', '--data', ':memory:']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /--parent-pid 2147483646: no such process/);
});
