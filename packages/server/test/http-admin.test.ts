// The admin API: health, token protection, accounts and keys, clock, timing and manual transitions, fault
// injection (times, ratio, latency, empty body), reset and snapshot round trips, and the separate admin port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isLoopbackHost } from '../src/config.ts';
import { MAX_FAULT_RULES } from '../src/domain/faults.ts';
import { ServiceError } from '../src/errors.ts';
import { openFixture } from './engine-fixture.ts';
import {
  adminCall,
  createVpc,
  errorOf,
  raw,
  signed,
  startTestServer,
  type TestServer,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

function admin(server: { adminUrl: string }, method: string, path: string, body?: unknown, token?: string) {
  return adminCall(server.adminUrl, method, path, body, token ? { authorization: `Bearer ${token}` } : {});
}

let server: TestServer;
let randoms: number[] = [];
before(async () => {
  server = await startTestServer({ faultRandom: () => randoms.shift() ?? 0.99 });
});
after(async () => {
  await server.close();
});

const listVpcs = () => signed({ port: server.port, method: 'GET', target: '/v1/vpc', credential: server.a });

describe('admin basics', () => {
  test('healthz, unknown admin path, wrong method, bad bodies', async () => {
    const health = (await admin(server, 'GET', '/healthz')).json as { status: string; timing: string };
    assert.equal(health.status, 'ok');
    assert.equal(health.timing, 'immediate', 'the test server runs with immediate timing');
    const missing = await admin(server, 'GET', '/nothing');
    assert.equal(missing.status, 404);
    assert.equal((missing.json as { code: string }).code, 'NotFound');
    assert.equal((missing.json as { requestId: string }).requestId, missing.requestId);
    assert.equal((await admin(server, 'DELETE', '/clock')).status, 405);
    const malformed = await admin(server, 'POST', '/clock', '{');
    assert.equal((malformed.json as { code: string }).code, 'MalformedJSON');
    const wrong = await admin(server, 'POST', '/faults', { status: 'x' });
    assert.equal((wrong.json as { code: string }).code, 'InappropriateJSON');
    assert.match((wrong.json as { message: string }).message, /status/);
  });

  test('the admin API is not reachable through BCE paths and BCE operations are not under /_admin', async () => {
    const res = await signed({
      port: server.port,
      method: 'GET',
      target: '/v1/_admin/healthz',
      credential: server.a,
    });
    assert.equal(errorOf(res).code, 'NotFound');
    assert.equal((await admin(server, 'GET', '/v1/peerconn')).status, 404);
  });

  test('accounts and credentials', async () => {
    const created = (await admin(server, 'POST', '/accounts', { name: 'team-c' })).json as {
      id: string;
      credentials: Array<{ accessKeyId: string; secretAccessKey: string }>;
    };
    assert.match(created.id, /^[0-9a-f]{32}$/);
    const key = created.credentials[0];
    assert.ok(key);
    const ok = await signed({ port: server.port, method: 'GET', target: '/v1/vpc', credential: key });
    assert.equal(ok.status, 200);
    const extra = (
      await admin(server, 'POST', `/accounts/${created.id}/credentials`, {
        accessKeyId: 'team-c-2',
        secretAccessKey: 's2',
      })
    ).json as { accessKeyId: string };
    assert.equal(extra.accessKeyId, 'team-c-2');
    assert.equal(
      (await admin(server, 'DELETE', `/accounts/${created.id}/credentials/${key.accessKeyId}`)).status,
      204,
    );
    const gone = await signed({ port: server.port, method: 'GET', target: '/v1/vpc', credential: key });
    assert.equal(errorOf(gone).code, 'InvalidAccessKeyId');
    const names = (
      (await admin(server, 'GET', '/accounts')).json as { accounts: Array<{ name: string }> }
    ).accounts.map((a) => a.name);
    assert.ok(names.includes('team-c') && names.includes('demo-a'));
  });

  test('clock: read, advance by duration, set, freeze', async () => {
    const before = (await admin(server, 'GET', '/clock')).json as { now: string; frozen: boolean };
    const advanced = (await admin(server, 'POST', '/clock', { advance: '36h' })).json as { now: string };
    const delta = Date.parse(advanced.now) - Date.parse(before.now);
    assert.ok(delta >= 36 * 3600_000 && delta < 36 * 3600_000 + 60_000, String(delta));
    const set = (await admin(server, 'POST', '/clock', { set: '2030-01-01T00:00:00Z', freeze: true }))
      .json as { now: string; frozen: boolean };
    assert.equal(set.frozen, true);
    assert.equal(Date.parse(set.now), Date.parse('2030-01-01T00:00:00Z'));
    const bad = await admin(server, 'POST', '/clock', { advance: 'soon' });
    assert.equal((bad.json as { code: string }).code, 'InappropriateJSON');
    await admin(server, 'POST', '/clock', { freeze: false });
  });
});

describe('timing and transitions', () => {
  test('manual timing leaves a connection in creating until transitions are run', async () => {
    const timing = (await admin(server, 'PUT', '/timing', { all: { mode: 'manual' } })).json as {
      transitions: Record<string, { mode: string }>;
    };
    assert.equal(timing.transitions.create?.mode, 'manual');
    const local = await createVpc(server, server.a, '10.40.0.0/16');
    const peer = await createVpc(server, server.a, '10.41.0.0/16');
    const created = await signed({
      port: server.port,
      method: 'POST',
      target: '/v1/peerconn?clientToken=admin-manual-1',
      body: JSON.stringify({
        bandwidthInMbps: 5,
        localVpcId: local,
        peerVpcId: peer,
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      }),
      credential: server.a,
    });
    const id = (created.json as { peerConnId: string }).peerConnId;
    const status = async () =>
      (
        (
          await signed({
            port: server.port,
            method: 'GET',
            target: `/v1/peerconn/${id}?role=initiator`,
            credential: server.a,
          })
        ).json as {
          status: string;
        }
      ).status;
    assert.equal(await status(), 'creating');
    const pending = (await admin(server, 'GET', '/transitions')).json as {
      pending: Array<{ peerConnId: string; manual: boolean }>;
    };
    assert.ok(pending.pending.some((p) => p.peerConnId === id && p.manual));
    const ran = (await admin(server, 'POST', '/transitions/run', { peerConnId: id })).json as {
      applied: number;
    };
    assert.ok(ran.applied >= 1);
    assert.equal(await status(), 'active');
    await admin(server, 'PUT', '/timing', { all: { mode: 'immediate' } });
    const after = (await admin(server, 'GET', '/timing')).json as {
      transitions: Record<string, { mode: string }>;
    };
    assert.equal(after.transitions.delete?.mode, 'immediate');
  });
});

describe('fault injection', () => {
  test('times counts down; the injected 503 is ServiceUnavailable in BCE form', async () => {
    const rule = (await admin(server, 'POST', '/faults', { operation: 'listVpcs', status: 503, times: 2 }))
      .json as { id: string };
    assert.ok(rule.id);
    for (let i = 0; i < 2; i++) {
      const res = await listVpcs();
      assert.deepEqual(errorOf(res), { status: 503, code: 'ServiceUnavailable', requestIdMatches: true });
    }
    assert.equal((await listVpcs()).status, 200);
    assert.deepEqual(((await admin(server, 'GET', '/faults')).json as { faults: unknown[] }).faults, []);
  });

  test('ratio uses the injectable random; other operations are untouched', async () => {
    const rule = (
      await admin(server, 'POST', '/faults', {
        operation: 'listVpcs',
        status: 500,
        code: 'Busy',
        message: 'try later',
        ratio: 0.5,
      })
    ).json as { id: string };
    randoms = [0.1, 0.9, 0.4];
    const a = await listVpcs();
    assert.equal(errorOf(a).code, 'Busy');
    assert.equal((a.json as { message: string }).message, 'try later');
    assert.equal((await listVpcs()).status, 200);
    assert.equal((await listVpcs()).status, 500);
    const other = await signed({
      port: server.port,
      method: 'GET',
      target: '/v1/peerconn',
      credential: server.a,
    });
    assert.equal(other.status, 200);
    assert.equal((await admin(server, 'DELETE', `/faults/${rule.id}`)).status, 204);
    assert.equal((await admin(server, 'DELETE', `/faults/${rule.id}`)).status, 404);
  });

  test('emptyBody with 200 reproduces the empty-body not-found quirk; latency delays', async () => {
    await admin(server, 'POST', '/faults', { operation: 'getVpc', status: 200, emptyBody: true, times: 1 });
    const vpc = await createVpc(server, server.a, '10.50.0.0/16');
    const empty = await signed({
      port: server.port,
      method: 'GET',
      target: `/v1/vpc/${vpc}`,
      credential: server.a,
    });
    assert.equal(empty.status, 200);
    assert.equal(empty.text, '');
    await admin(server, 'POST', '/faults', { operation: '*', status: 200, latencyMs: 150, times: 1 });
    const started = Date.now();
    const slow = await signed({
      port: server.port,
      method: 'GET',
      target: `/v1/vpc/${vpc}`,
      credential: server.a,
    });
    assert.equal(slow.status, 200);
    assert.ok(Date.now() - started >= 140);
    assert.equal((slow.json as { vpc: { vpcId: string } }).vpc.vpcId, vpc);
    await admin(server, 'POST', '/faults', { status: 429 });
    assert.equal(errorOf(await listVpcs()).code, 'Throttling');
    assert.equal((await admin(server, 'DELETE', '/faults')).status, 204);
    assert.equal((await listVpcs()).status, 200);
  });
});

test('fault rules are capped so the per-request scan stays bounded', async () => {
  const f = await openFixture();
  try {
    await Promise.all(
      Array.from({ length: MAX_FAULT_RULES }, () => f.engine.addFault({ operation: 'getVpc', status: 503 })),
    );
    await assert.rejects(
      f.engine.addFault({ status: 503 }),
      (e: unknown) => e instanceof ServiceError && e.code === 'InvalidParameter',
    );
    assert.equal(f.engine.listFaults().length, MAX_FAULT_RULES);
    await f.engine.clearFaults();
    assert.equal((await f.engine.addFault({ status: 503 })).status, 503);
  } finally {
    await f.cleanup();
  }
});

describe('snapshot and reset', () => {
  test('export, reset, import restores the same state', async () => {
    const vpc = await createVpc(server, server.a, '10.60.0.0/16');
    const snapshot = (await admin(server, 'GET', '/snapshot')).json as { format: string; version: number };
    assert.equal(snapshot.format, 'peerconn-snapshot');
    assert.equal(snapshot.version, 1);
    assert.equal((await admin(server, 'POST', '/reset', {})).status, 204);
    const gone = await signed({
      port: server.port,
      method: 'GET',
      target: `/v1/vpc/${vpc}`,
      credential: server.a,
    });
    assert.equal(errorOf(gone).code, 'NoSuchObject');
    assert.equal((await listVpcs()).status, 200, 'accounts survive a plain reset');
    assert.equal((await admin(server, 'POST', '/snapshot', snapshot)).status, 204);
    const back = await signed({
      port: server.port,
      method: 'GET',
      target: `/v1/vpc/${vpc}`,
      credential: server.a,
    });
    assert.equal(back.status, 200, back.text);
    const badImport = await admin(server, 'POST', '/snapshot', { format: 'other', version: 1 });
    assert.equal((badImport.json as { code: string }).code, 'InappropriateJSON');
  });
});

describe('admin token and admin port', () => {
  test('a configured token is required (constant-time bearer check); healthz stays open', async () => {
    const guarded = await startTestServer({ adminToken: 'tok-123', adminPort: 0 });
    try {
      assert.notEqual(guarded.adminUrl, `${guarded.url}/_admin`);
      assert.equal((await admin(guarded, 'GET', '/healthz')).status, 200);
      const none = await admin(guarded, 'GET', '/clock');
      assert.equal(none.status, 403);
      assert.equal((none.json as { code: string }).code, 'AccessDenied');
      assert.equal((await admin(guarded, 'GET', '/clock', undefined, 'tok-12')).status, 403);
      assert.equal((await admin(guarded, 'GET', '/clock', undefined, 'tok-123')).status, 200);
      // The same API stays reachable under /_admin on the BCE listener too.
      assert.equal(
        (await admin({ adminUrl: `${guarded.url}/_admin` }, 'GET', '/clock', undefined, 'tok-123')).status,
        200,
      );
      // The admin port serves nothing else.
      const bce = await raw({
        port: Number(new URL(guarded.adminUrl).port),
        method: 'GET',
        target: '/v1/vpc',
      });
      assert.equal(errorOf(bce).code, 'NotFound');
    } finally {
      await guarded.close();
    }
  });

  test('binding beyond loopback generates a token', async () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('::1'), true);
    assert.equal(isLoopbackHost('0.0.0.0'), false);
    // 127.0.0.2 is still the loopback interface on Linux, but not one of the names treated as loopback-only.
    const wide = await startTestServer({ host: '127.0.0.2' });
    try {
      assert.ok(wide.adminToken && wide.adminToken.length >= 24);
      assert.equal((await admin(wide, 'GET', '/accounts')).status, 403);
      assert.equal((await admin(wide, 'GET', '/accounts', undefined, wide.adminToken)).status, 200);
    } finally {
      await wide.close();
    }
  });

  test('without a token only loopback names reach the admin API (no DNS rebinding); with one the token decides', async () => {
    const asHost = (target: { port: number }, host: string, token?: string) =>
      raw({
        port: target.port,
        method: 'GET',
        target: '/_admin/accounts',
        headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      'app.localhost',
      `[::1]:${server.port}`,
    ]) {
      assert.equal((await asHost(server, host)).status, 200, host);
    }
    for (const host of [
      `attacker.example:${server.port}`,
      'localhost.attacker.example',
      '127.0.0.1.nip.io:8080',
    ]) {
      const refused = await asHost(server, host);
      assert.equal(refused.status, 403, host);
      assert.equal(errorOf(refused).code, 'AccessDenied');
      assert.match(String((refused.json as { message: string }).message), /loopback name/);
    }
    const guarded = await startTestServer({ adminToken: 'rebinding-test-token' });
    try {
      assert.equal((await asHost(guarded, 'peerconn.internal:80', 'rebinding-test-token')).status, 200);
      assert.equal((await asHost(guarded, 'peerconn.internal:80')).status, 403);
    } finally {
      await guarded.close();
    }
  });

  test('reset with accounts removes them too', async () => {
    const fresh = await startTestServer();
    try {
      assert.equal((await admin(fresh, 'POST', '/reset', { accounts: true })).status, 204);
      assert.deepEqual(
        ((await admin(fresh, 'GET', '/accounts')).json as { accounts: unknown[] }).accounts,
        [],
      );
      const res = await signed({ port: fresh.port, method: 'GET', target: '/v1/vpc', credential: fresh.a });
      assert.equal(errorOf(res).code, 'InvalidAccessKeyId');
    } finally {
      await fresh.close();
    }
  });
});
