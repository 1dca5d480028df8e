// The bookkeeping behind a store's health, on its own with a pinned clock: which outcomes begin and end an
// outage, and what the two reports (down, back) carry. The stores feed it; outage-*.test.ts cause real outages.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type OutageReason,
  StoreAvailability,
  type StoreHealthEvent,
  StoreUnavailableError,
} from '../src/store/availability.ts';
import { hasRoomToSpare, isRoomToSpare } from '../src/store/free-space.ts';

function tracker() {
  let now = 1_000;
  const events: StoreHealthEvent[] = [];
  const health = new StoreAvailability(
    'SQLite',
    async () => undefined,
    () => now,
  );
  health.onChange((event) => events.push(event));
  return { health, events, advance: (ms: number) => (now += ms) };
}

const full = () =>
  new StoreUnavailableError(
    'full',
    'SQLite',
    Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
  );

test('an outage begins with the first failure, counts refusals, and ends with a success it does not predate', () => {
  const { health, events, advance } = tracker();
  const before = health.ticket();
  health.failed(
    health.ticket(),
    new StoreUnavailableError('unreachable', 'PostgreSQL', new Error('connect ECONNREFUSED')),
  );
  assert.deepEqual(events, [{ type: 'down', reason: 'unreachable', cause: 'connect ECONNREFUSED' }]);
  const during = health.ticket();
  health.failed(during, new StoreUnavailableError('unreachable', 'PostgreSQL'));
  health.refused();
  health.refused();
  assert.equal(events.length, 1, 'one report however many failures');
  // An answer that was on its way before the outage began does not end it.
  health.succeeded(before, 'read');
  assert.equal(health.status().available, false);
  advance(4_200);
  health.succeeded(during, 'read');
  assert.deepEqual(events[1], { type: 'up', reason: 'unreachable', downMs: 4_200, refused: 2 });
  assert.deepEqual(health.status(), { available: true });
  // A failure of an operation that began during the outage, reported after its end, does not begin another.
  health.failed(during, new StoreUnavailableError('unreachable', 'PostgreSQL'));
  assert.equal(events.length, 2);
  assert.deepEqual(health.status(), { available: true });
});

test('a full disk is ended by a write, never by a read', () => {
  const { health, events } = tracker();
  health.failed(health.ticket(), full());
  const status = health.status();
  assert.equal(status.available, false);
  assert.equal(!status.available && status.cause, 'SQLITE_FULL: database or disk is full');
  health.succeeded(health.ticket(), 'read');
  assert.equal(health.status().available, false);
  health.succeeded(health.ticket(), 'write');
  assert.equal(health.status().available, true);
  assert.deepEqual(
    events.map((event) => event.type),
    ['down', 'up'],
  );
});

test('a full disk outlasts writes that succeed while the store says the disk has no room to spare', () => {
  let roomToSpare = false;
  const asked: OutageReason[] = [];
  const events: StoreHealthEvent[] = [];
  const health = new StoreAvailability(
    'SQLite',
    async () => undefined,
    () => 1_000,
    (reason) => {
      asked.push(reason);
      return reason !== 'full' || roomToSpare;
    },
  );
  health.onChange((event) => events.push(event));
  health.failed(health.ticket(), full());
  health.succeeded(health.ticket(), 'write');
  health.succeeded(health.ticket(), 'write');
  assert.equal(health.status().available, false, 'a write into the last few kilobytes ends nothing');
  roomToSpare = true;
  health.succeeded(health.ticket(), 'write');
  assert.equal(health.status().available, true);
  assert.deepEqual(
    events.map((event) => event.type),
    ['down', 'up'],
  );
  // No outage, nothing to ask; and other outages are asked about by their own reason.
  health.succeeded(health.ticket(), 'write');
  health.failed(
    health.ticket(),
    new StoreUnavailableError(
      'io',
      'SQLite',
      Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }),
    ),
  );
  health.succeeded(health.ticket(), 'write');
  assert.deepEqual(asked, ['full', 'full', 'full', 'io']);
  assert.equal(health.status().available, true);
});

test('room to spare: the margin free, or half of a file system smaller than twice the margin', () => {
  const MiB = 1024 * 1024;
  const margin = 4 * MiB;
  assert.equal(isRoomToSpare(4 * MiB, 100 * MiB, margin), true);
  assert.equal(isRoomToSpare(4 * MiB - 1, 100 * MiB, margin), false);
  assert.equal(isRoomToSpare(16 * 1024, 100 * MiB, margin), false, 'the last few kilobytes are not room');
  // A 2 MiB disk can never have 4 MiB free: half of it is room enough.
  assert.equal(isRoomToSpare(1 * MiB, 2 * MiB, margin), true);
  assert.equal(isRoomToSpare(1 * MiB - 1, 2 * MiB, margin), false);
  assert.equal(isRoomToSpare(0, 100 * MiB, 0), true);
});

test("the free space is read from the directory's file system; a margin of 0 or a directory that cannot be asked leave it to the write", () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-free-space-'));
  try {
    const space = statfsSync(dir);
    const free = space.bavail * space.bsize;
    assert.ok(free > 0, 'the temporary directory has some free space');
    assert.equal(hasRoomToSpare(dir, 1), true);
    assert.equal(
      hasRoomToSpare(dir, Number.MAX_SAFE_INTEGER),
      free >= (space.blocks * space.bsize) / 2,
      'a margin larger than the disk asks for half of it',
    );
    assert.equal(hasRoomToSpare(dir, 0), true);
    assert.equal(hasRoomToSpare(join(dir, 'missing'), Number.MAX_SAFE_INTEGER), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the error a client gets: 503 ServiceUnavailable, a Retry-After, a message that names no host or path', () => {
  const unreachable = new StoreUnavailableError(
    'unreachable',
    'PostgreSQL',
    new Error('connect ECONNREFUSED 10.0.0.7:5432 (postgres://app:secret@db/peerconn)'),
  );
  assert.equal(unreachable.statusCode, 503);
  assert.equal(unreachable.code, 'ServiceUnavailable');
  assert.equal(unreachable.retryAfterSeconds, 1);
  assert.doesNotMatch(unreachable.message, /10\.0\.0\.7|secret|postgres:\/\//);
  assert.match(unreachable.message, /^The state store \(PostgreSQL\) is unreachable/);
  const disk = full();
  assert.equal(disk.retryAfterSeconds, 5);
  assert.match(disk.message, /^The disk under the state store \(SQLite\) is full.*reads still work/);
});
