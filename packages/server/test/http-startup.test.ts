// What a start does to a database, on each store: fixed demo credentials (or random ones when asked), a seed
// snapshot loaded into an empty database only, and a banner that says when the clock or the timing kept in the
// database is not the default.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEMO_ACCOUNTS } from '../src/config.ts';
import { bannerLines } from '../src/main.ts';
import type { RunningServer } from '../src/server.ts';
import { createVpc, signed, startServerOn } from './http-support.ts';
import { dropPlace, newStorePlace, runsOnEveryStore, type StorePlace } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const places: StorePlace[] = [];
after(async () => {
  for (const place of places) await dropPlace(place);
});

/** A fresh database (a SQLite file or a PostgreSQL schema) that several starts can share, and a dir beside it. */
function freshPlace(): { place: StorePlace; dir: string } {
  const place = newStorePlace();
  places.push(place);
  return { place, dir: place.dir as string };
}

const portOf = (server: RunningServer) => server.listeners[0]?.port as number;

describe('demo accounts', () => {
  test('a fresh database gets the fixed, documented demo accounts, and the same ones after it is deleted', async () => {
    for (let round = 0; round < 2; round++) {
      const { place } = freshPlace();
      const server = await startServerOn(place);
      try {
        assert.equal(server.createdDemoAccounts, true);
        assert.deepEqual(
          server.accounts.map(({ id, name, credentials }) => ({ id, name, credentials })),
          DEMO_ACCOUNTS.map(({ id, name, credentials }) => ({ id, name, credentials: [...credentials] })),
        );
        assert.deepEqual(
          DEMO_ACCOUNTS.map((a) => [
            a.name,
            a.id,
            a.credentials[0].accessKeyId,
            a.credentials[0].secretAccessKey,
          ]),
          [
            ['demo-a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'demo-a-ak', 'demo-a-sk'],
            ['demo-b', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'demo-b-ak', 'demo-b-sk'],
          ],
          'the values docs/server.md and the README print',
        );
        const ok = await signed({
          port: portOf(server),
          method: 'GET',
          target: '/v1/vpc',
          credential: { accessKeyId: 'demo-b-ak', secretAccessKey: 'demo-b-sk' },
        });
        assert.equal(ok.status, 200, 'the documented keys sign requests');
        assert.ok(
          bannerLines(server).includes(
            'account demo-a id=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa accessKeyId=demo-a-ak secretAccessKey=demo-a-sk',
          ),
        );
      } finally {
        await server.close();
      }
    }
  });

  test('randomDemoKeys (--random-demo-keys) gives each fresh database its own ids and keys', async () => {
    const ids: string[] = [];
    for (let round = 0; round < 2; round++) {
      const server = await startServerOn(freshPlace().place, { randomDemoKeys: true });
      try {
        assert.deepEqual(
          server.accounts.map((a) => a.name),
          ['demo-a', 'demo-b'],
        );
        for (const account of server.accounts) {
          assert.ok(!DEMO_ACCOUNTS.some((demo) => demo.id === account.id), account.id);
          assert.match(account.id, /^[0-9a-f]{32}$/);
          assert.notEqual(account.credentials[0]?.accessKeyId, 'demo-a-ak');
          ids.push(account.id);
        }
      } finally {
        await server.close();
      }
    }
    assert.equal(new Set(ids).size, 4);
  });
});

describe('--seed', () => {
  /** A snapshot with one account and one of its VPCs, exported from a server. */
  async function makeSeed(dir: string): Promise<{ file: string; vpcId: string }> {
    const source = await startServerOn(freshPlace().place);
    try {
      await source.engine.reset({ accounts: true });
      const account = await source.engine.createAccount({
        id: 'c'.repeat(32),
        name: 'seeded',
        credentials: [{ accessKeyId: 'seed-ak', secretAccessKey: 'seed-sk' }],
      });
      const key = account.credentials[0];
      assert.ok(key);
      const vpcId = await createVpc({ port: portOf(source) }, key, '10.9.0.0/16');
      await source.engine.setTiming({ create: { mode: 'manual' } });
      const file = join(dir, 'seed.json');
      writeFileSync(file, JSON.stringify(await source.engine.exportSnapshot()));
      return { file, vpcId };
    } finally {
      await source.close();
    }
  }

  test('loads into an empty database (no demo accounts then), is skipped once it has accounts, and says so', async () => {
    const { place, dir } = freshPlace();
    const { file, vpcId } = await makeSeed(dir);

    const first = await startServerOn(place, { seedFile: file });
    try {
      assert.deepEqual(first.seed, { file, applied: true });
      assert.equal(first.createdDemoAccounts, false);
      assert.deepEqual(
        first.accounts.map((a) => a.name),
        ['seeded'],
      );
      assert.ok(bannerLines(first).includes(`seed ${file} loaded`));
      const got = await signed({
        port: portOf(first),
        method: 'GET',
        target: `/v1/vpc/${vpcId}`,
        credential: { accessKeyId: 'seed-ak', secretAccessKey: 'seed-sk' },
      });
      assert.equal(got.status, 200, got.text);
      assert.equal(first.engine.timing().create.mode, 'manual', 'the snapshot brings its timing');
      assert.ok(
        bannerLines(first).some((l) =>
          l.startsWith('WARNING timing custom, from the seed: --timing default'),
        ),
        bannerLines(first).join('\n'),
      );
      await first.engine.createAccount({ name: 'added-later' });
    } finally {
      await first.close();
    }

    const second = await startServerOn(place, { seedFile: file });
    try {
      assert.deepEqual(second.seed, { file, applied: false });
      assert.deepEqual(
        second.accounts.map((a) => a.name).sort(),
        ['added-later', 'seeded'],
        'a database with accounts is left alone',
      );
      assert.ok(
        bannerLines(second).some((line) =>
          line.startsWith(`seed ${file} not loaded: the database already has accounts`),
        ),
      );
    } finally {
      await second.close();
    }
  });

  test('a flag given at the same start wins over the seed', async () => {
    const { place, dir } = freshPlace();
    const { file } = await makeSeed(dir);
    const server = await startServerOn(place, { seedFile: file, timing: { create: { mode: 'immediate' } } });
    try {
      assert.equal(server.seed?.applied, true);
      assert.equal(server.engine.timing().create.mode, 'immediate');
    } finally {
      await server.close();
    }
  });

  test('a missing, non-JSON or non-snapshot seed file stops the start with a message naming it', async () => {
    const { place, dir } = freshPlace();
    const cases: Array<[string, string | undefined, RegExp]> = [
      [join(dir, 'missing.json'), undefined, /cannot read seed file .*missing\.json/],
      [join(dir, 'text.json'), 'not json', /seed file .*text\.json is not valid JSON/],
      [join(dir, 'other.json'), '{"accounts":[]}', /seed file .*other\.json is not a snapshot/],
      [
        join(dir, 'broken.json'),
        JSON.stringify({ format: 'peerconn-snapshot', version: 1, exportedAt: 'x', state: { meta: {} } }),
        /seed file .*broken\.json: Snapshot rejected, nothing was changed: state\.accounts/,
      ],
    ];
    for (const [file, content, message] of cases) {
      if (content !== undefined) writeFileSync(file, content);
      await assert.rejects(startServerOn(place, { seedFile: file }), message);
    }
  });
});

describe('the banner names state a restart keeps', () => {
  test('a moved clock and stored timing are flagged with the way back; timing asked for at start is not a warning', async () => {
    const { place } = freshPlace();
    const first = await startServerOn(place);
    try {
      assert.deepEqual(
        bannerLines(first).filter((l) => /^(WARNING|timing|clock)/.test(l)),
        [],
        'a fresh start has nothing to say',
      );
      await first.engine.setTiming({ create: { mode: 'manual' }, accept: { mode: 'manual' } });
      await first.engine.setClock({ set: '2020-01-01T00:00:00Z', freeze: true });
    } finally {
      await first.close();
    }

    const kept = await startServerOn(place);
    try {
      const lines = bannerLines(kept);
      assert.ok(
        lines.includes(
          `WARNING clock 2020-01-01T00:00:00.000Z (frozen), kept in the database: POST ${kept.adminUrl}/clock {"realTime":true} returns to real time`,
        ),
        lines.join('\n'),
      );
      assert.ok(
        lines.includes(
          `WARNING timing custom, kept in the database from an earlier run: --timing default or PUT ${kept.adminUrl}/timing {"preset":"default"} restores the default`,
        ),
        lines.join('\n'),
      );
      await kept.engine.setTiming({
        update: { mode: 'manual' },
        delete: { mode: 'manual' },
        dnsOpen: { mode: 'manual' },
        dnsClose: { mode: 'manual' },
      });
      await kept.engine.setClock({ realTime: true });
      await kept.engine.setClock({ advanceMs: 3 * 86_400_000 + 2 * 3_600_000 });
      const named = bannerLines(kept);
      assert.ok(
        named.some((l) => l.startsWith('WARNING timing manual, kept in the database')),
        named.join('\n'),
      );
      assert.ok(
        named.some((l) => /^WARNING clock \S+ \(running \+3d 2h from real time\)/.test(l)),
        named.join('\n'),
      );
    } finally {
      await kept.close();
    }

    const asked = await startServerOn(place, { timing: { create: { mode: 'immediate' } } });
    try {
      const lines = bannerLines(asked);
      assert.ok(lines.includes('timing custom (from --timing)'), lines.join('\n'));
      assert.ok(!lines.some((l) => l.startsWith('WARNING timing')));
    } finally {
      await asked.close();
    }
  });
});
