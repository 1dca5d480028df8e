// A full disk under SQLite, caused for real: the server runs as a process with its database on a small tmpfs.
// First the database fills the disk itself, as a disk fills in use: writes are refused with a retryable 503 that
// says the disk is full, reads go on, and readiness says so for as long as the disk stays full — the last few
// kilobytes still take a small write, which must not pass for recovery — and the log says it once. Once space is
// freed (a ballast taken before the server started goes), readiness says ready and writes resume by themselves.
// Then a ballast takes the last byte, and a kill -9 while the disk is full leaves a file that passes
// integrity_check with every acknowledged write in it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BceServiceError, VpcClient } from '@peerconn/sdk';
import Database from 'better-sqlite3';
import { DEFAULT_MIN_FREE_DISK_BYTES } from '../src/store/free-space.ts';
import { credential, startProcess } from './process-support.ts';
import { mountSmallDisk } from './small-disk.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  "it fills the filesystem under a SQLite file; PostgreSQL's disk is the outage-postgres suite's",
);

/**
 * Taken before the server starts and given back later: more than the free space a full disk needs to be over. The
 * disk is more than twice that margin, so the margin itself applies (a smaller disk needs only half its size).
 */
const RESERVED = DEFAULT_MIN_FREE_DISK_BYTES + 512 * 1024;
/** What the database may fill: some hundred creates. */
const DATABASE_ROOM = DEFAULT_MIN_FREE_DISK_BYTES;
const disk = mountSmallDisk((DATABASE_ROOM + RESERVED) / 1024);
after(() => {
  if (!('unavailable' in disk)) disk.remove();
});

interface LogEntry {
  level: number;
  msg: string;
  kind?: string;
  status?: number;
  err?: unknown;
  refused?: number;
}

function logEntries(stderr: string): LogEntry[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogEntry);
}

test('SQLite on a disk it fills: writes get 503 ServiceUnavailable, reads go on, readiness stays 503 until space returns, writes resume then, kill -9 while full loses nothing', {
  skip: 'unavailable' in disk ? disk.unavailable : false,
}, async () => {
  if ('unavailable' in disk) return;
  disk.reserve(RESERVED);
  const data = join(disk.dir, 'peerconn.db');
  const server = await startProcess([
    '--port',
    '0',
    '--data',
    data,
    '--log-format',
    'json',
    '--timing',
    'immediate',
  ]);
  const url = server.banner.listeners[0]?.url as string;
  const retryAfter: string[] = [];
  const client = new VpcClient({
    endpoint: url,
    credentials: credential(server.banner),
    maxRetries: 0,
    onDebug: (event) => {
      if (event.type === 'response' && event.status === 503)
        retryAfter.push(event.headers['retry-after'] ?? '');
    },
  });
  const acknowledged: string[] = [];
  let n = 0;
  const create = async () => {
    const { vpcId } = await client.createVpc({ name: `fill-${n++}`, cidr: '10.0.0.0/16' });
    acknowledged.push(vpcId);
  };
  /** Creates until one is refused (the disk may have a little room left, which a few writes may still use). */
  const createUntilRefused = async (): Promise<BceServiceError> => {
    for (let i = 0; i < 2000; i++) {
      try {
        await create();
      } catch (error) {
        return error as BceServiceError;
      }
    }
    assert.fail('2000 creates succeeded on a full disk');
  };
  const readiness = async () => {
    const res = await fetch(`${url}/_admin/readyz`);
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      retryAfter: res.headers.get('retry-after'),
    };
  };

  for (let i = 0; i < 5; i++) await create();
  assert.equal((await readiness()).status, 200);

  // The database fills what is left of the disk.
  const refused = await createUntilRefused();
  assert.ok(refused instanceof BceServiceError, String(refused));
  assert.ok(acknowledged.length > 10, `the database filled the disk after ${acknowledged.length} creates`);
  assert.equal(refused.statusCode, 503);
  assert.equal(refused.code, 'ServiceUnavailable');
  assert.match(refused.message, /disk under the state store \(SQLite\) is full/);
  assert.ok(!refused.message.includes(disk.dir), 'the message names no path');
  // While the disk stays full, readiness says so every time it is asked, and creates keep failing.
  for (let i = 0; i < 3; i++) {
    const probed = await readiness();
    assert.equal(
      probed.status,
      503,
      `readiness ${i + 1} while the disk is full: ${JSON.stringify(probed.body)}`,
    );
    await assert.rejects(
      create(),
      (error: unknown) => error instanceof BceServiceError && error.statusCode === 503,
    );
  }
  assert.ok(
    retryAfter.length >= 4 && retryAfter.every((value) => value === '5'),
    `Retry-After: ${retryAfter}`,
  );

  // Reads are answered from what is stored.
  const listed = (await client.listVpcs({ maxKeys: 1000 })).vpcs.map((vpc) => vpc.vpcId);
  assert.deepEqual(new Set(listed), new Set(acknowledged));
  assert.equal((await client.getVpc({ vpcId: acknowledged[0] as string })).vpc.vpcId, acknowledged[0]);

  const down = await readiness();
  assert.equal(down.status, 503);
  assert.equal(down.body.reason, 'full');
  assert.match(String(down.body.message), /disk under the state store \(SQLite\) is full/);
  assert.equal(down.retryAfter, '5');
  assert.equal((await fetch(`${url}/_admin/healthz`)).status, 200, 'liveness stays 200');

  // Space returns: readiness sees room to spare and asks with a write of its own, and client writes work again
  // without a restart.
  disk.free();
  assert.equal((await readiness()).status, 200);
  for (let i = 0; i < 3; i++) await create();

  // Full again, then killed while full: what was acknowledged is in a file that passes integrity_check.
  disk.fill();
  const again = await createUntilRefused();
  assert.equal((again as BceServiceError).statusCode, 503);
  server.child.kill('SIGKILL');
  const { stderr } = await server.exited;
  disk.free();
  const db = new Database(data);
  try {
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    const stored = new Set(
      (db.prepare('SELECT vpc_id FROM vpcs').all() as Array<{ vpc_id: string }>).map((row) => row.vpc_id),
    );
    assert.deepEqual(
      acknowledged.filter((id) => !stored.has(id)),
      [],
      'every acknowledged create is in the file',
    );
  } finally {
    db.close();
  }

  // The log: one line when each outage began, one when the first ended (the second ended with the kill) — none
  // while the disk was still full — and no stack traces; every request was answered 200 or 503.
  const entries = logEntries(stderr);
  const store = entries.filter((entry) => entry.kind === 'store');
  const phase = (msg: string) =>
    msg.startsWith('state store unavailable: the disk under SQLite is full')
      ? 'down'
      : msg.startsWith('state store back after')
        ? 'back'
        : msg;
  assert.deepEqual(
    store.map((entry) => phase(entry.msg)),
    ['down', 'back', 'down'],
  );
  assert.ok((store[1]?.refused ?? 0) >= 4, `refused: ${store[1]?.refused}`);
  assert.deepEqual(
    entries.filter((entry) => entry.err !== undefined || entry.level >= 50).map((entry) => entry.msg),
    store.filter((entry) => entry.level >= 50).map((entry) => entry.msg),
    'no error but the outage lines',
  );
  const statuses = new Set(entries.filter((entry) => entry.msg === 'request').map((entry) => entry.status));
  assert.deepEqual([...statuses].sort(), [200, 503]);
});
