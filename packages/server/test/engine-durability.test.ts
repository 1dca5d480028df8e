// Listing cost, concurrency, persistence across reopen, and snapshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { Snapshot } from '../src/engine/api.ts';
import type { ServiceError } from '../src/errors.ts';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../src/store/migrations.ts';
import { LIST_SQL } from '../src/store/sql.ts';
import {
  allTiming,
  caller,
  createPc,
  crossAccountPeering,
  getPc,
  makeAccount,
  makeVpc,
  openFixture,
  postpaid,
  rejectsWith,
  twoAccounts,
} from './engine-fixture.ts';
import { rawQuery, runsOnEveryStore, TEST_STORE_KIND } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

interface Page {
  peerConns: Array<{ peerConnId: string; localIfId: string; role: string }>;
  marker?: string;
  nextMarker?: string;
  isTruncated: boolean;
  maxKeys: number;
}

test('pagination walks every side once, in creation order, with markers as docs/wire.md says ("List pages")', async () => {
  const f = await openFixture({ quotaPerVpc: 100, quotaPerAccount: 100 });
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const hub = await makeVpc(f.engine, a);
    const created: string[] = [];
    for (let i = 0; i < 7; i++)
      created.push(await createPc(f.engine, a, postpaid(hub, await makeVpc(f.engine, a))));
    // Another account's and another region's connections must not leak into the list.
    const other = caller(await makeAccount(f.engine, 'other'));
    await createPc(f.engine, other, postpaid(await makeVpc(f.engine, other), await makeVpc(f.engine, other)));

    const seen: Array<[string, string]> = [];
    let marker: string | undefined;
    let pages = 0;
    for (;;) {
      const page = (await f.engine.execute('listPeerConns', a, {
        maxKeys: 3,
        ...(marker ? { marker } : {}),
      })) as Page;
      pages++;
      assert.equal(page.maxKeys, 3);
      assert.equal(page.marker, page.peerConns[0]?.localIfId);
      seen.push(...page.peerConns.map((p): [string, string] => [p.peerConnId, p.role]));
      if (!page.isTruncated) {
        assert.equal('nextMarker' in page, false);
        break;
      }
      assert.equal(page.peerConns.length, 3);
      marker = page.nextMarker;
    }
    assert.equal(pages, 5);
    assert.deepEqual(
      seen,
      created.flatMap((id) => [
        [id, 'initiator'],
        [id, 'acceptor'],
      ]),
    );

    const byVpc = (await f.engine.execute('listPeerConns', a, { vpcId: hub })) as Page;
    assert.deepEqual(
      byVpc.peerConns.map((p) => p.peerConnId),
      created,
    );
    assert.equal(
      ((await f.engine.execute('listPeerConns', caller(a.accountId, 'gz'), {})) as Page).peerConns.length,
      0,
    );

    const vpcs = (await f.engine.execute('listVpcs', a, { maxKeys: 5 })) as {
      vpcs: Array<{ vpcId: string }>;
      nextMarker: string;
    };
    const rest = (await f.engine.execute('listVpcs', a, { marker: vpcs.nextMarker })) as {
      vpcs: unknown[];
      isTruncated: boolean;
    };
    assert.deepEqual([vpcs.vpcs.length, rest.vpcs.length, rest.isTruncated], [5, 3, false]);
    const filtered = (await f.engine.execute('listVpcs', a, { vpcIds: [hub, 'vpc-000000000000'] })) as {
      vpcs: Array<{ vpcId: string }>;
    };
    assert.deepEqual(
      filtered.vpcs.map((v) => v.vpcId),
      [hub],
    );
    assert.equal(
      ((await f.engine.execute('listVpcs', a, { isDefault: true })) as { vpcs: unknown[] }).vpcs.length,
      0,
    );
  } finally {
    await f.cleanup();
  }
});

test('list queries read an index range, never scan the table', {
  skip: TEST_STORE_KIND !== 'sqlite' && 'SQLite query plans; PostgreSQL plans by table statistics',
}, async () => {
  const f = await openFixture();
  try {
    const db = new Database(f.path, { readonly: true });
    try {
      for (const sql of Object.values(LIST_SQL)) {
        const plan = (
          db
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all(...Array.from(sql.matchAll(/\?/g), () => 'x')) as Array<{ detail: string }>
        )
          .map((r) => r.detail)
          .join(' | ');
        assert.match(plan, /USING (COVERING )?INDEX/, plan);
        assert.doesNotMatch(plan, /\bSCAN\b|TEMP B-TREE/, plan);
      }
    } finally {
      db.close();
    }
  } finally {
    await f.cleanup();
  }
});

test('parallel creates for one VPC pair: exactly one wins; parallel creates never exceed the quota', async () => {
  const f = await openFixture({ quotaPerVpc: 3 });
  try {
    const { a, b, va, vb } = await twoAccounts(f.engine);
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? createPc(f.engine, a, postpaid(va, vb, 'bj', { peerAccountId: b.accountId }))
          : createPc(f.engine, b, postpaid(vb, va, 'bj', { peerAccountId: a.accountId })),
      ),
    );
    assert.equal(attempts.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of attempts) {
      if (r.status === 'rejected') assert.equal((r.reason as ServiceError).code, 'PeerConnAlreadyExists');
    }

    const hub = await makeVpc(f.engine, a);
    const spokes = await Promise.all(Array.from({ length: 10 }, () => makeVpc(f.engine, a)));
    const results = await Promise.allSettled(
      spokes.map((spoke) => createPc(f.engine, a, postpaid(hub, spoke))),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    assert.ok(
      results.every(
        (r) => r.status === 'fulfilled' || (r.reason as ServiceError).code === 'PeerConnQuotaExceeded',
      ),
    );
  } finally {
    await f.cleanup();
  }
});

test('the unique index refuses a second live connection for a pair even if a check were skipped', async () => {
  const f = await openFixture();
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    await createPc(f.engine, a, postpaid(await makeVpc(f.engine, a, 'x'), await makeVpc(f.engine, a, 'y')));
    await f.engine.close();
    const [row] = await rawQuery(f.place, 'SELECT vpc_lo, vpc_hi FROM peerconns');
    await assert.rejects(
      rawQuery(
        f.place,
        "INSERT INTO peerconns (id, vpc_lo, vpc_hi, live, doc) VALUES ('peerconn-dup', ?, ?, 1, '{}')",
        [row?.vpc_lo, row?.vpc_hi],
      ),
      /UNIQUE|duplicate key/,
    );
    await f.reopen();
  } finally {
    await f.cleanup();
  }
});

test('close and reopen the same file: resources, accounts, clock offset, timing and pending transitions survive', async () => {
  const f = await openFixture({ timing: allTiming({ mode: 'manual' }) });
  try {
    const account = await f.engine.createAccount({ name: 'a' });
    const a = caller(account.id);
    const id = await createPc(f.engine, a, postpaid(await makeVpc(f.engine, a), await makeVpc(f.engine, a)));
    await f.engine.setTiming({ dnsOpen: { mode: 'delay', delayMs: 500 } });
    await f.engine.setClock({ advanceMs: 3_600_000 });
    const clockBefore = f.engine.clock();
    const engine = await f.reopen({ timing: allTiming({ mode: 'immediate' }) });
    assert.deepEqual(engine.clock(), clockBefore);
    assert.deepEqual(engine.timing().dnsOpen, { mode: 'delay', delayMs: 500 });
    assert.deepEqual(engine.timing().create, { mode: 'manual' });
    assert.equal((await engine.findCredential(account.credentials[0]!.accessKeyId))?.accountId, account.id);
    assert.equal((await getPc(engine, a, id)).status, 'creating');
    assert.equal(await engine.runTransitions(), 1);
    assert.equal((await getPc(engine, a, id)).status, 'active');
  } finally {
    await f.cleanup();
  }
});

test('snapshot round-trip restores the same views; a bad snapshot changes nothing', async () => {
  const f = await openFixture();
  try {
    const { b, id } = await crossAccountPeering(f.engine);
    await f.engine.setClock({ advanceMs: 1000 });
    const snapshot = await f.engine.exportSnapshot();
    assert.deepEqual([snapshot.format, snapshot.version], ['peerconn-snapshot', 1]);
    const viewBefore = await getPc(f.engine, b, id);
    const clockBefore = f.engine.clock();

    await f.engine.reset({ accounts: true });
    assert.equal((await f.engine.listAccounts()).length, 0);
    await f.engine.importSnapshot(JSON.parse(JSON.stringify(snapshot)) as Snapshot);
    assert.deepEqual(await getPc(f.engine, b, id), viewBefore);
    assert.deepEqual(f.engine.clock(), clockBefore);
    assert.equal((await f.engine.listAccounts()).length, 2);

    const broken = JSON.parse(JSON.stringify(snapshot)) as {
      state: { peerConns: Array<{ record: { initiator: { status: string } } }> };
    };
    broken.state.peerConns[0]!.record.initiator.status = 'flying';
    const error = await rejectsWith(
      f.engine.importSnapshot(broken as unknown as Snapshot),
      'InappropriateJSON',
    );
    assert.match(error.message, /status/);
    await rejectsWith(
      f.engine.importSnapshot({ ...snapshot, version: 2 } as unknown as Snapshot),
      'InappropriateJSON',
    );
    const duplicated = JSON.parse(JSON.stringify(snapshot)) as { state: { vpcs: unknown[] } };
    duplicated.state.vpcs.push(duplicated.state.vpcs[0]);
    await rejectsWith(f.engine.importSnapshot(duplicated as unknown as Snapshot), 'InappropriateJSON');
    for (const [key, value] of [
      ['clock', '{not json'],
      ['clock', '{"offsetMs":"soon"}'],
      ['timing', '[1,'],
      ['timing', '{"create":{"mode":"later"}}'],
    ]) {
      const bad = JSON.parse(JSON.stringify(snapshot)) as { state: { meta: Record<string, string> } };
      bad.state.meta[key as string] = value as string;
      const refused = await rejectsWith(
        f.engine.importSnapshot(bad as unknown as Snapshot),
        'InappropriateJSON',
      );
      assert.match(refused.message, key === 'clock' ? /clock|Snapshot rejected/ : /timing|Timing/);
    }
    assert.deepEqual(f.engine.clock().offsetMs, clockBefore.offsetMs);
    assert.deepEqual(await getPc(f.engine, b, id), viewBefore);
  } finally {
    await f.cleanup();
  }
});

test('the per-account count of live connections kept by each write equals a full count, through every kind of change, a snapshot import and the migration that introduced it', async () => {
  const f = await openFixture({ quotaPerAccount: 50, quotaPerVpc: 50 });
  const kept = async () =>
    Object.fromEntries(
      (await rawQuery(f.place, 'SELECT account_id, n FROM account_live_peerconns WHERE n <> 0')).map(
        (row) => [String(row.account_id), Number(row.n)],
      ),
    );
  const counted = async () =>
    Object.fromEntries(
      (
        await rawQuery(
          f.place,
          'SELECT account_id, count(DISTINCT peerconn_id) AS n FROM peerconn_sides WHERE live = 1 GROUP BY account_id',
        )
      ).map((row) => [String(row.account_id), Number(row.n)]),
    );
  const agree = async (step: string, expected: Record<string, number>) => {
    const [ours, full] = [await kept(), await counted()];
    assert.deepEqual(ours, full, `${step}: kept ${JSON.stringify(ours)}, counted ${JSON.stringify(full)}`);
    assert.deepEqual(ours, expected, step);
  };
  try {
    const { a, b, va, vb } = await twoAccounts(f.engine);
    const [a1, a2, b1] = [await makeVpc(f.engine, a), await makeVpc(f.engine, a), await makeVpc(f.engine, b)];
    const own = await createPc(f.engine, a, postpaid(va, a1));
    await agree('same-account connection counts once', { [a.accountId]: 1 });
    const cross = await createPc(f.engine, a, postpaid(va, vb, 'bj', { peerAccountId: b.accountId }));
    const toReject = await createPc(f.engine, a, postpaid(a2, b1, 'bj', { peerAccountId: b.accountId }));
    await agree('cross-account requests count for both', { [a.accountId]: 3, [b.accountId]: 2 });
    await f.engine.execute('acceptPeerConn', b, { peerConnId: cross });
    await f.engine.execute('rejectPeerConn', b, { peerConnId: toReject });
    // A rejected request stays with its initiator (consult_failed) until released; the acceptor is out of it.
    await agree('accepted and rejected', { [a.accountId]: 3, [b.accountId]: 1 });
    await f.engine.execute('deletePeerConn', a, { peerConnId: own });
    await agree('released', { [a.accountId]: 2, [b.accountId]: 1 });

    const snapshot = await f.engine.exportSnapshot();
    await f.engine.reset();
    await agree('reset', {});
    await f.engine.importSnapshot(snapshot);
    await agree('snapshot imported', { [a.accountId]: 2, [b.accountId]: 1 });

    // A database from before the count existed: the migration fills it from the sides.
    await f.engine.close();
    const version = (TEST_STORE_KIND === 'postgres' ? POSTGRES_MIGRATIONS : SQLITE_MIGRATIONS).find((m) =>
      m.sql.includes('CREATE TABLE account_live_peerconns'),
    )?.version;
    await rawQuery(f.place, 'DROP TABLE account_live_peerconns');
    await rawQuery(f.place, 'DELETE FROM schema_migrations WHERE version = ?', [version]);
    await f.reopen();
    await agree('migrated', { [a.accountId]: 2, [b.accountId]: 1 });
  } finally {
    await f.cleanup();
  }
});
