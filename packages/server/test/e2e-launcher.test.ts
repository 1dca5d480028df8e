// The CI pattern `npm start & … kill $!` must not leak a server: killing npm (politely or with -9) stops the
// node server it started, and frees its port. Real processes: npm, its shell, node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, eventually, parseBanner, ROOT, tempDir } from './process-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  "what is checked is npm's process tree and the port being freed, not the data",
);

/** Every live descendant of a process, from /proc (Linux, where the suites run). */
function descendants(pid: number): number[] {
  const children = (() => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  })();
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startViaNpm(): Promise<{ npmPid: number; serverPids: number[]; port: number }> {
  const dir = tempDir();
  const npm = spawn(
    'npm',
    ['start', '--silent', '--', '--port', '0', '--data', join(dir, 'p.db'), '--log-level', 'silent'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PEERCONN_STORE: '', DATABASE_URL: '', PEERCONN_ACCOUNTS: '' },
    },
  );
  let stdout = '';
  npm.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  npm.stderr.resume();
  await eventually('the banner', () => /^try: /m.test(stdout));
  const port = parseBanner(stdout.split('\n')).listeners[0]?.port;
  assert.ok(port);
  const npmPid = npm.pid as number;
  const serverPids = descendants(npmPid);
  assert.ok(serverPids.length > 0, 'npm has children');
  return { npmPid, serverPids, port };
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`kill -${signal === 'SIGTERM' ? 'TERM' : '9'} of the npm start PID stops the server and frees its port`, async () => {
    const { npmPid, serverPids, port } = await startViaNpm();
    assert.equal(await portAnswers(port), true);
    try {
      process.kill(npmPid, signal);
      await eventually('every process npm started to exit', () => serverPids.every((pid) => !alive(pid)));
      await eventually('the port to be free', async () => !(await portAnswers(port)));
    } finally {
      for (const pid of serverPids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    }
  });
}
