// Two server processes on one PostgreSQL database act as one service: every invariant holds across them,
// a scheduled transition runs once whichever process scheduled it, settings and the clock are shared, when
// one process dies the other keeps serving everything that was acknowledged, and a client that writes through
// one process and then reads through the other sees its write, however late the other hears of it. Runs in the
// PostgreSQL pass.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BceServiceError, PeerConnClient, VpcClient } from '@peerconn/sdk';
import { POSTGRES_MIGRATIONS } from '../src/store/migrations.ts';
import { adminOk } from './http-support.ts';
import { PostgresProxy } from './postgres-proxy.ts';
import { type Started, startProcess } from './process-support.ts';
import {
  dropPlace,
  newStorePlace,
  rawQuery,
  runsOnEveryStore,
  type StorePlace,
  storeFlags,
  TEST_STORE_KIND,
} from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const ALICE = { id: 'a1'.repeat(16), accessKeyId: 'alice-ak', secretAccessKey: 'alice-sk' };
const BOB = { id: 'b2'.repeat(16), accessKeyId: 'bob-ak', secretAccessKey: 'bob-sk' };
const QUOTA_PER_VPC = 5;

function client(server: Started, who: typeof ALICE): PeerConnClient {
  const endpoint = server.banner.listeners[0]?.url as string;
  return new PeerConnClient({ endpoint, credentials: who, maxRetries: 0 });
}

function vpcs(server: Started, who: typeof ALICE): VpcClient {
  const endpoint = server.banner.listeners[0]?.url as string;
  return new VpcClient({ endpoint, credentials: who, maxRetries: 0 });
}

function admin(server: Started, method: string, path: string, body?: unknown): Promise<unknown> {
  return adminOk(`${server.banner.listeners[0]?.url}/_admin`, method, path, body);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `${what} within 20 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function codeOf(reason: unknown): string {
  return reason instanceof BceServiceError ? reason.code : String(reason);
}

describe('two server processes on one PostgreSQL database', {
  skip: TEST_STORE_KIND !== 'postgres' && 'needs PostgreSQL (the PostgreSQL pass of npm test)',
}, () => {
  let place: StorePlace;
  let one: Started;
  let two: Started;
  let cidr = 0;
  const newVpc = async (server: Started, who: typeof ALICE) =>
    (await vpcs(server, who).createVpc({ name: 'v', cidr: `10.${cidr++ % 250}.0.0/16` })).vpcId;

  before(async () => {
    place = newStorePlace();
    const accounts = join(place.dir as string, 'accounts.json');
    writeFileSync(
      accounts,
      JSON.stringify({
        accounts: [ALICE, BOB].map(({ id, accessKeyId, secretAccessKey }) => ({
          id,
          name: id === ALICE.id ? 'alice' : 'bob',
          credentials: [{ accessKeyId, secretAccessKey }],
        })),
      }),
    );
    const args = [
      ...storeFlags(place),
      '--port',
      '0',
      '--log-level',
      'silent',
      '--timing',
      'immediate',
      '--accounts',
      accounts,
      '--quota-per-vpc',
      String(QUOTA_PER_VPC),
      '--quota-per-account',
      '1000',
    ];
    // Started together on an empty schema: both migrate and load the accounts at the same moment.
    [one, two] = await Promise.all([startProcess(args), startProcess(args)]);
  });

  after(async () => {
    for (const server of [one, two]) server?.child.kill('SIGKILL');
    await Promise.all([one?.exited, two?.exited]);
    if (place) await dropPlace(place);
  });

  test('starting together applies each migration once and loads the accounts once', async () => {
    const versions = await rawQuery(place, 'SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(
      versions.map((row) => Number(row.version)),
      POSTGRES_MIGRATIONS.map((migration) => migration.version),
    );
    const accounts = await rawQuery(place, 'SELECT id FROM accounts ORDER BY id');
    assert.deepEqual(
      accounts.map((row) => row.id),
      [ALICE.id, BOB.id],
    );
  });

  test('100 concurrent creates for one VPC pair over both processes: exactly one connection', async () => {
    const [local, peer] = [await newVpc(one, ALICE), await newVpc(two, ALICE)];
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        client(i % 2 === 0 ? one : two, ALICE).createPeerConn({
          bandwidthInMbps: 10,
          localVpcId: i % 4 < 2 ? local : peer,
          peerVpcId: i % 4 < 2 ? peer : local,
          peerRegion: 'bj',
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [codeOf(r.reason)] : []));
    assert.equal(won.length, 1);
    assert.deepEqual([...new Set(refused)], ['PeerConnAlreadyExists']);
    assert.equal(refused.length, 99);
  });

  test('200 retries of one create with one clientToken over both processes: one connection', async () => {
    const [local, peer] = [await newVpc(one, ALICE), await newVpc(one, ALICE)];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client(i % 2 === 0 ? one : two, ALICE).createPeerConn({
          bandwidthInMbps: 10,
          localVpcId: local,
          peerVpcId: peer,
          peerRegion: 'bj',
          clientToken: `one-token-${local}`,
        }),
      ),
    );
    const ids = new Set(results.map((r) => r.peerConnId));
    assert.equal(ids.size, 1);
    const listed = await client(two, ALICE).listPeerConns({ vpcId: local });
    assert.deepEqual(
      listed.peerConns.map((p) => p.peerConnId),
      [...ids],
    );
  });

  test('quota races over both processes never exceed the quota', async () => {
    const hub = await newVpc(one, ALICE);
    const spokes = await Promise.all(Array.from({ length: 20 }, (_, i) => newVpc(i % 2 ? one : two, ALICE)));
    const results = await Promise.allSettled(
      spokes.map((spoke, i) =>
        client(i % 2 ? one : two, ALICE).createPeerConn({
          bandwidthInMbps: 10,
          localVpcId: hub,
          peerVpcId: spoke,
          peerRegion: 'bj',
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, QUOTA_PER_VPC);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [codeOf(r.reason)] : []));
    assert.deepEqual([...new Set(refused)], ['PeerConnQuotaExceeded']);
    const live = await client(two, ALICE).listPeerConns({ vpcId: hub });
    assert.equal(live.peerConns.length, QUOTA_PER_VPC);
  });

  test('timing set on one process applies on the other; a transition it schedules runs exactly once', async () => {
    await admin(one, 'PUT', '/timing', { transitions: { create: { mode: 'delay', delayMs: 300 } } });
    await until('the other process to see the new timing', async () => {
      const timing = (await admin(two, 'GET', '/timing')) as { transitions: { create: { mode: string } } };
      return timing.transitions.create.mode === 'delay' ? true : undefined;
    });
    const [local, peer] = [await newVpc(one, ALICE), await newVpc(two, ALICE)];
    const { peerConnId } = await client(one, ALICE).createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: local,
      peerVpcId: peer,
      peerRegion: 'bj',
    });
    await until('the other process to show it active', async () => {
      const view = await client(two, ALICE).getPeerConn({ peerConnId });
      return view.status === 'active' ? true : undefined;
    });
    const { events } = (await admin(two, 'GET', `/events?peerConnId=${peerConnId}`)) as {
      events: Array<{ cause: { type: string; transition?: string }; changes: unknown[] }>;
    };
    const transitions = events.filter((e) => e.cause.type === 'transition');
    assert.equal(transitions.length, 1, JSON.stringify(events));
    assert.equal(transitions[0]?.cause.transition, 'create');
    await admin(two, 'PUT', '/timing', { preset: 'immediate' });
  });

  test('fault rules are shared, and a limited one fires its count across both processes', async () => {
    await admin(one, 'POST', '/faults', { operation: 'listVpcs', status: 503, times: 6 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => vpcs(i % 2 ? one : two, ALICE).listVpcs({})),
    );
    const failed = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(failed.length, 6);
    assert.ok(failed.every((o) => codeOf((o as PromiseRejectedResult).reason) === 'ServiceUnavailable'));
    assert.deepEqual(((await admin(two, 'GET', '/faults')) as { faults: unknown[] }).faults, []);
  });

  test('the clock advanced on one process times out a consulting request made on the other', async () => {
    const [local, peer] = [await newVpc(two, ALICE), await newVpc(two, BOB)];
    const { peerConnId } = await client(two, ALICE).createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: local,
      peerVpcId: peer,
      peerRegion: 'bj',
      peerAccountId: BOB.id,
    });
    assert.equal((await client(two, BOB).getPeerConn({ peerConnId })).status, 'consulting');
    await admin(one, 'POST', '/clock', { advance: '8d' });
    assert.equal((await client(two, ALICE).getPeerConn({ peerConnId })).status, 'consult_failed');
    await until('the other process to show the new clock', async () => {
      const clock = (await admin(two, 'GET', '/clock')) as { offsetMs: number };
      return clock.offsetMs > 7 * 24 * 3600 * 1000 ? true : undefined;
    });
  });

  test('writes of different accounts at once over both processes wait for no one and are never retried', async () => {
    const retries = async () => {
      let total = 0;
      for (const server of [one, two]) {
        const { counters } = (await admin(server, 'GET', '/store')) as { counters: { retries: number } };
        total += counters.retries;
      }
      return total;
    };
    const accounts = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const created = (await admin(one, 'POST', '/accounts', { name: `busy-${i}` })) as {
          id: string;
          credentials: Array<{ accessKeyId: string; secretAccessKey: string }>;
        };
        return {
          id: created.id,
          ...(created.credentials[0] as { accessKeyId: string; secretAccessKey: string }),
        };
      }),
    );
    const before = await retries();
    await Promise.all(
      accounts.map(async (account, i) => {
        const server = i % 2 ? one : two;
        const other = i % 2 ? two : one;
        for (let n = 0; n < 6; n++) {
          const local = await newVpc(server, account);
          const peer = await newVpc(other, account);
          await client(n % 2 ? server : other, account).createPeerConn({
            bandwidthInMbps: 10,
            localVpcId: local,
            peerVpcId: peer,
            peerRegion: 'bj',
          });
        }
      }),
    );
    assert.equal((await retries()) - before, 0, 'no write of one account conflicted with another account');
  });

  test('kill -9 of one process under write load: the other keeps serving every acknowledged write', async () => {
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (server: Started, w: number) => {
      let n = 0;
      while (!stop) {
        try {
          acknowledged.push(
            (await vpcs(server, ALICE).createVpc({ name: `w${w}-${n++}`, cidr: '10.200.0.0/16' })).vpcId,
          );
        } catch {
          if (server === one) return; // the killed process: unacknowledged
        }
      }
    };
    const writers = Array.from({ length: 20 }, (_, w) => writer(w % 2 ? one : two, w));
    await until('some writes to be acknowledged', async () => (acknowledged.length > 100 ? true : undefined));
    one.child.kill('SIGKILL');
    await one.exited;
    const killedAt = acknowledged.length;
    await until('the survivor to keep acknowledging', async () =>
      acknowledged.length > killedAt + 50 ? true : undefined,
    );
    stop = true;
    await Promise.all(writers);
    const listed = new Set<string>();
    let marker: string | undefined;
    do {
      const page = await vpcs(two, ALICE).listVpcs({ maxKeys: 1000, ...(marker ? { marker } : {}) });
      for (const vpc of page.vpcs) listed.add(vpc.vpcId);
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    assert.deepEqual(
      acknowledged.filter((id) => !listed.has(id)),
      [],
    );
  });
});

describe('two server processes started together with --seed on one empty PostgreSQL database', {
  skip: TEST_STORE_KIND !== 'postgres' && 'needs PostgreSQL (the PostgreSQL pass of npm test)',
}, () => {
  let place: StorePlace;
  let servers: Started[] = [];

  after(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    if (place) await dropPlace(place);
  });

  test('exactly one loads the seed; both serve its state; neither adds demo accounts', async () => {
    place = newStorePlace();
    const seed = join(place.dir as string, 'seed.json');
    const vpc = {
      seq: 1,
      vpcId: 'vpc-seeded000001',
      accountId: ALICE.id,
      region: 'bj',
      name: 'seeded',
      cidr: '10.1.0.0/16',
      description: '',
      relay: false,
      tags: [],
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
    };
    writeFileSync(
      seed,
      JSON.stringify({
        format: 'peerconn-snapshot',
        version: 1,
        exportedAt: '2026-01-01T00:00:00.000Z',
        state: {
          meta: {},
          accounts: [
            {
              id: ALICE.id,
              name: 'alice',
              credentials: [{ accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey }],
            },
          ],
          vpcs: [vpc],
          peerConns: [],
          transitions: [],
          tokens: [],
        },
      }),
    );
    const args = [...storeFlags(place), '--port', '0', '--log-level', 'silent', '--seed', seed];
    servers = await Promise.all([startProcess(args), startProcess(args)]);
    const said = servers.map((s) => s.banner.lines.find((l) => l.startsWith('seed ')));
    assert.deepEqual(
      said
        .map((line) => (line?.includes(' loaded') && !line.includes('not loaded') ? 'loaded' : 'skipped'))
        .sort(),
      ['loaded', 'skipped'],
      said.join('\n'),
    );
    const accounts = await rawQuery(place, 'SELECT id FROM accounts ORDER BY id');
    assert.deepEqual(
      accounts.map((row) => row.id),
      [ALICE.id],
    );
    for (const server of servers) {
      const got = await vpcs(server, ALICE).getVpc({ vpcId: vpc.vpcId });
      assert.equal(got.vpc.name, 'seeded');
    }
  });
});

describe('writes through one process, reads through another that hears of commits late', {
  skip: TEST_STORE_KIND !== 'postgres' && 'needs PostgreSQL (the PostgreSQL pass of npm test)',
}, () => {
  // `late` reaches PostgreSQL through a proxy that holds every byte coming back by 40 ms, the notifications of
  // `one`'s commits included: its read cache learns of them long after `one` has answered. Whatever it serves must
  // still include every write `one` acknowledged before the read was sent.
  let place: StorePlace;
  let proxy: DelayingProxy;
  let one: Started;
  let late: Started;
  const DEMO = { id: 'a'.repeat(32), accessKeyId: 'demo-a-ak', secretAccessKey: 'demo-a-sk' };

  before(async () => {
    place = newStorePlace();
    proxy = new DelayingProxy(new URL(place.store as string), 40);
    const proxied = new URL(place.store as string);
    proxied.port = String(await proxy.listen());
    const common = ['--port', '0', '--log-level', 'silent', '--timing', 'immediate'];
    one = await startProcess([...storeFlags(place), ...common]);
    late = await startProcess([
      '--store',
      proxied.toString(),
      '--store-schema',
      place.schema as string,
      ...common,
    ]);
  });

  after(async () => {
    for (const server of [one, late]) server?.child.kill('SIGKILL');
    await Promise.all([one?.exited, late?.exited]);
    proxy?.close();
    if (place) await dropPlace(place);
  });

  test('every read shows the writes acknowledged before it, by id and in lists', async () => {
    const { vpcId } = await vpcs(one, DEMO).createVpc({ name: 'first', cidr: '10.7.0.0/16' });
    const { vpcId: peerVpcId } = await vpcs(one, DEMO).createVpc({ name: 'peer', cidr: '10.8.0.0/16' });
    for (let round = 0; round < 8; round++) {
      // Read through `late` first, so that it remembers the state before the write.
      await vpcs(late, DEMO).getVpc({ vpcId });
      await vpcs(late, DEMO).listVpcs({ maxKeys: 1000 });
      await vpcs(one, DEMO).updateVpc({ vpcId, name: `name-${round}` });
      assert.equal((await vpcs(late, DEMO).getVpc({ vpcId })).vpc.name, `name-${round}`, `round ${round}`);
      const listed = (await vpcs(late, DEMO).listVpcs({ maxKeys: 1000 })).vpcs.find((v) => v.vpcId === vpcId);
      assert.equal(listed?.name, `name-${round}`, `round ${round}, in the list`);
    }
    // A list remembered empty, then a connection created elsewhere.
    assert.deepEqual((await client(late, DEMO).listPeerConns({ vpcId })).peerConns, []);
    const { peerConnId } = await client(one, DEMO).createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: vpcId,
      peerVpcId,
      peerRegion: 'bj',
    });
    assert.deepEqual(
      (await client(late, DEMO).listPeerConns({ vpcId })).peerConns.map((p) => p.peerConnId),
      [peerConnId],
    );
    for (let round = 0; round < 4; round++) {
      assert.equal((await client(late, DEMO).getPeerConn({ peerConnId })).bandwidthInMbps, 10 + round);
      await client(one, DEMO).resizePeerConn({ peerConnId, newBandwidthInMbps: 11 + round });
      assert.equal((await client(late, DEMO).getPeerConn({ peerConnId })).bandwidthInMbps, 11 + round);
    }
    const counters = (await admin(late, 'GET', '/store')) as { counters: { readBarriers: number } };
    assert.ok(counters.counters.readBarriers > 0, 'the reads were answered from the cache after a barrier');
  });
});

/** A TCP proxy in front of PostgreSQL that delivers everything the database sends `delayMs` late, in order. */
class DelayingProxy extends PostgresProxy {
  constructor(
    target: URL,
    private readonly delayMs: number,
  ) {
    super(target);
  }

  protected relay(client: Socket, upstream: Socket): void {
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    // Timers of one duration fire in the order they were set: the bytes keep their order.
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
      }, this.delayMs);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => setTimeout(() => client.destroy(), this.delayMs));
  }
}
