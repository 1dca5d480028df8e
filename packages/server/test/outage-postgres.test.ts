// PostgreSQL going away under load, caused for real: this suite starts its own throwaway cluster, runs server
// processes on it, keeps the SDK creating VPCs (with its retries) from several writers, stops the cluster and
// starts it again. Every acknowledged write is there afterwards and none twice; every answer in the gap is a
// success or a 503 ServiceUnavailable with Retry-After; readiness reports the outage; each process logs it once
// going and once back; a transition that fell due in the gap runs once, after it. A TCP proxy in front of the
// cluster loses the answer to one COMMIT, and the SDK's retry with the same clientToken does not create twice.
//
// It needs PostgreSQL installed, not a database: it runs in the default pass of scripts/run-tests.mjs (it is
// declared SQLite-only, since it chooses its servers' store itself) and skips with a notice where PostgreSQL is missing, unless PEERCONN_REQUIRE_POSTGRES=1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { after, before, describe, type TestContext, test } from 'node:test';
import { BceServiceError, PeerConnClient, VpcClient } from '@peerconn/sdk';
import {
  findPostgresBin,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../../scripts/postgres.mjs';
import { startServerOn } from './http-support.ts';
import { PostgresProxy } from './postgres-proxy.ts';
import { type Started, startProcess } from './process-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(import.meta.url, 'it starts its own PostgreSQL cluster and points each server at it');

const required = process.env.PEERCONN_REQUIRE_POSTGRES === '1';
const missing = !findPostgresBin();
const DEMO_A = { accessKeyId: 'demo-a-ak', secretAccessKey: 'demo-a-sk' };

interface LogEntry {
  level: number;
  time: number;
  msg: string;
  kind?: string;
  status?: number;
  err?: unknown;
  peerConnId?: string;
  cause?: { type: string; transition?: string };
  refused?: number;
}

function logEntries(stderr: string): LogEntry[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogEntry);
}

/** Waits for a condition with a generous deadline (a loaded machine is slow, never wrong). */
async function until(what: string, probe: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await probe())) {
    assert.ok(Date.now() < deadline, `${what} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function readiness(url: string): Promise<{ status: number; reason?: string }> {
  const res = await fetch(`${url}/_admin/readyz`);
  const body = (await res.json()) as { reason?: string };
  return { status: res.status, ...(body.reason ? { reason: body.reason } : {}) };
}

type DebugEvent = Parameters<
  NonNullable<NonNullable<ConstructorParameters<typeof VpcClient>[0]>['onDebug']>
>[0];

/** What the SDK saw, attempt by attempt, across every writer. */
class Attempts {
  readonly statuses: number[] = [];
  readonly refusals: Array<{ retryAfter: string | undefined; code: string; message: string }> = [];
  readonly retryDelays: number[] = [];
  readonly networkErrors: string[] = [];

  readonly onDebug = (event: DebugEvent) => {
    if (event.type === 'response') {
      this.statuses.push(event.status);
      if (event.status >= 300) {
        const body = JSON.parse(event.body) as { code: string; message: string };
        this.refusals.push({
          retryAfter: event.headers['retry-after'],
          code: body.code,
          message: body.message,
        });
      }
    } else if (event.type === 'retry') {
      this.retryDelays.push(event.delayMs);
    } else if (event.type === 'error') {
      this.networkErrors.push(event.error.message);
    }
  };
}

describe('PostgreSQL stopped and started under load', {
  skip: !required && missing ? 'PostgreSQL is not installed' : false,
}, () => {
  let postgres: ThrowawayPostgres;
  before(async () => {
    // Every acknowledged commit survives even an immediate (crash) stop.
    postgres = await startThrowawayPostgres({ durableCommits: true });
  });
  after(() => postgres?.stop());

  async function outage(t: TestContext, processes: number, mode: 'fast' | 'immediate'): Promise<void> {
    const schema = `outage_${randomBytes(5).toString('hex')}`;
    const servers: Started[] = [];
    for (let i = 0; i < processes; i++) {
      servers.push(
        await startProcess([
          '--port',
          '0',
          '--store',
          postgres.url,
          '--store-schema',
          schema,
          '--log-format',
          'json',
          '--timing',
          'create=3000',
        ]),
      );
    }
    const urls = servers.map((server) => server.banner.listeners[0]?.url as string);
    const attempts = new Attempts();
    const vpcClients = urls.map(
      (endpoint) => new VpcClient({ endpoint, credentials: DEMO_A, onDebug: attempts.onDebug }),
    );

    // A connection whose create transition will fall due while the database is down.
    const [vpcA, vpcB] = [
      (await (vpcClients[0] as VpcClient).createVpc({ name: 'peer-a', cidr: '10.100.0.0/16' })).vpcId,
      (await (vpcClients[0] as VpcClient).createVpc({ name: 'peer-b', cidr: '10.101.0.0/16' })).vpcId,
    ];

    const acknowledged: Array<{ id: string; name: string }> = [];
    const failures: unknown[] = [];
    let stopping = false;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      const client = new VpcClient({
        endpoint: urls[w % urls.length] as string,
        credentials: DEMO_A,
        onDebug: attempts.onDebug,
      });
      for (let i = 0; !stopping; i++) {
        const name = `w${w}-${i}`;
        try {
          const { vpcId } = await client.createVpc({ name, cidr: '10.0.0.0/16' });
          acknowledged.push({ id: vpcId, name });
        } catch (error) {
          failures.push(error);
        }
      }
    });
    try {
      await until('20 acknowledged creates', () => acknowledged.length >= 20);
      const peerConnId = (
        await new PeerConnClient({ endpoint: urls[0] as string, credentials: DEMO_A }).createPeerConn({
          localVpcId: vpcA,
          peerVpcId: vpcB,
          peerRegion: 'bj',
          bandwidthInMbps: 10,
        })
      ).peerConnId;
      postgres.halt(mode);
      const dueAt = Date.now() + 3000;

      await until('every process not ready, the store unreachable', async () =>
        (await Promise.all(urls.map(readiness))).every((r) => r.status === 503 && r.reason === 'unreachable'),
      );
      await until(
        'refusals seen by the SDK, and the transition due',
        () => attempts.refusals.length >= 3 && Date.now() > dueAt + 1500,
      );
      const beforeResume = acknowledged.length;
      postgres.resume();
      await until('every process ready again', async () =>
        (await Promise.all(urls.map(readiness))).every((r) => r.status === 200),
      );
      await until('20 more acknowledged creates', () => acknowledged.length >= beforeResume + 20);
      stopping = true;
      await Promise.all(writers);

      // Every answer in the gap was a success or a retryable 503 that said what is wrong; the SDK waited as asked.
      assert.deepEqual(attempts.networkErrors, []);
      assert.deepEqual([...new Set(attempts.statuses)].sort(), [200, 503]);
      for (const refusal of attempts.refusals) {
        assert.equal(refusal.code, 'ServiceUnavailable');
        assert.equal(refusal.retryAfter, '1');
        assert.match(refusal.message, /^The state store \(PostgreSQL\) is unreachable/);
        assert.ok(
          !refusal.message.includes('postgres://') && !refusal.message.includes('127.0.0.1'),
          refusal.message,
        );
      }
      assert.ok(
        attempts.retryDelays.length > 0 && attempts.retryDelays.every((ms) => ms >= 1000),
        `${attempts.retryDelays}`,
      );
      for (const failure of failures) {
        assert.ok(failure instanceof BceServiceError && failure.statusCode === 503, String(failure));
      }

      // Every acknowledged create is stored, and no create is stored twice.
      const stored: Array<{ vpcId: string; name: string }> = [];
      for (let marker: string | undefined; ; ) {
        const page = await (vpcClients[0] as VpcClient).listVpcs({
          maxKeys: 1000,
          ...(marker ? { marker } : {}),
        });
        stored.push(...page.vpcs);
        if (!page.isTruncated) break;
        marker = page.nextMarker;
      }
      const storedIds = new Set(stored.map((vpc) => vpc.vpcId));
      assert.deepEqual(
        acknowledged.filter((ack) => !storedIds.has(ack.id)),
        [],
        'acknowledged creates are stored',
      );
      t.diagnostic(
        `${acknowledged.length} creates acknowledged, ${failures.length} ended in 503 after the SDK's retries, ${attempts.refusals.length} attempts answered 503, ${stored.length} VPCs stored`,
      );
      const names = stored.map((vpc) => vpc.name);
      assert.equal(new Set(names).size, names.length, 'no create stored twice');

      // The transition that fell due in the gap ran once, after it.
      const peerConns = new PeerConnClient({ endpoint: urls[0] as string, credentials: DEMO_A });
      await until(
        'the connection active',
        async () => (await peerConns.getPeerConn({ peerConnId })).status === 'active',
      );
      const events = (await (await fetch(`${urls[0]}/_admin/events?peerConnId=${peerConnId}`)).json()) as {
        events: Array<{ cause: { type: string; transition?: string } }>;
      };
      assert.equal(
        events.events.filter((e) => e.cause.type === 'transition' && e.cause.transition === 'create').length,
        1,
      );
    } finally {
      stopping = true;
      await Promise.all(writers);
      for (const server of servers) server.child.kill('SIGTERM');
    }

    // Each process logged the outage once going and once back, with no stack; it answered only 200s and 503s.
    const logs = await Promise.all(servers.map(async (server) => logEntries((await server.exited).stderr)));
    let transitionLines = 0;
    for (const entries of logs) {
      const store = entries.filter((entry) => entry.kind === 'store');
      assert.deepEqual(
        store.map((entry) => entry.msg.replace(/ \(.*| after .*/, '')),
        ['state store unavailable: PostgreSQL is unreachable', 'state store back'],
      );
      assert.deepEqual(
        entries.filter((entry) => entry.err !== undefined || entry.level >= 50).map((entry) => entry.msg),
        [store[0]?.msg],
        'no error but the outage line',
      );
      const statuses = new Set(
        entries.filter((entry) => entry.msg === 'request').map((entry) => entry.status),
      );
      assert.ok(
        [...statuses].every((status) => status === 200 || status === 503),
        [...statuses].join(),
      );
      const back = entries.indexOf(store[1] as LogEntry);
      for (const [index, entry] of entries.entries()) {
        if (
          entry.kind === 'lifecycle' &&
          entry.cause?.type === 'transition' &&
          entry.cause.transition === 'create'
        ) {
          transitionLines++;
          assert.ok(index > back, 'the transition was applied after the store came back');
        }
      }
    }
    assert.equal(transitionLines, 1, 'one process applied the transition, once');
  }

  test('one server process, PostgreSQL restarted (fast shutdown)', (t) => outage(t, 1, 'fast'));

  test('two server processes, PostgreSQL crashed and restarted (immediate shutdown)', (t) =>
    outage(t, 2, 'immediate'));

  test('a create whose COMMIT answer was lost is applied once when the SDK retries with its clientToken', async () => {
    const proxy = new CommitAnswerCutter(new URL(postgres.url));
    const proxyUrl = new URL(postgres.url);
    proxyUrl.port = String(await proxy.listen());
    const lines: string[] = [];
    const place = {
      store: proxyUrl.toString(),
      schema: `lost_${randomBytes(5).toString('hex')}`,
      dataPath: ':memory:',
    };
    // The proxy is closed whatever happens, or its listener would keep the suite from ending.
    const server = await startServerOn(place, {
      logLevel: 'info',
      logStream: { write: (line) => lines.push(line) },
    }).catch((error: unknown) => {
      proxy.close();
      throw error;
    });
    try {
      const attempts = new Attempts();
      const client = new VpcClient({ endpoint: server.url, credentials: DEMO_A, onDebug: attempts.onDebug });
      proxy.loseNextCommitAnswer();
      const created = await client.createVpc({ name: 'exactly-once', cidr: '10.9.0.0/16' });
      assert.equal(proxy.cut, 1, 'the answer to the COMMIT was lost');
      assert.equal(created.$metadata.attempts, 2);
      assert.deepEqual(attempts.statuses, [503, 200]);
      const same = (await client.listVpcs({ maxKeys: 1000 })).vpcs.filter(
        (vpc) => vpc.name === 'exactly-once',
      );
      assert.deepEqual(
        same.map((vpc) => vpc.vpcId),
        [created.vpcId],
        'one VPC, the one the retry was answered with',
      );
      const store = lines
        .map((line) => JSON.parse(line) as LogEntry)
        .filter((entry) => entry.kind === 'store');
      assert.equal(store.length, 2, 'the lost connection is logged going and back');
    } finally {
      await server.close();
      proxy.close();
    }
  });
});

/**
 * A TCP proxy in front of PostgreSQL that, when asked, lets one COMMIT through and cuts that connection when
 * the database answers it: the transaction is committed, and the server never hears so. (Answers to statements
 * sent before the COMMIT in the same pipeline still pass.)
 */
class CommitAnswerCutter extends PostgresProxy {
  /** A simple-protocol query message carrying exactly `COMMIT`: 'Q', length 11, the text, NUL. */
  private static readonly COMMIT = Buffer.from([0x51, 0, 0, 0, 11, ...Buffer.from('COMMIT'), 0]);
  /** Its answer: CommandComplete ('C') with the tag `COMMIT`. */
  private static readonly COMMITTED = Buffer.from([0x43, 0, 0, 0, 11, ...Buffer.from('COMMIT'), 0]);
  private armed = 0;
  cut = 0;

  loseNextCommitAnswer(): void {
    this.armed++;
  }

  protected relay(client: Socket, upstream: Socket): void {
    let cutOnAnswer = false;
    client.on('data', (chunk: Buffer) => {
      if (this.armed > 0 && chunk.includes(CommitAnswerCutter.COMMIT)) {
        this.armed--;
        cutOnAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutOnAnswer && chunk.includes(CommitAnswerCutter.COMMITTED)) {
        this.cut++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
