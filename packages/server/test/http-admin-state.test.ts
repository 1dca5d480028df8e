// The state a restart keeps, made visible and recoverable through the admin API: the health check names the
// clock and the timing in force, the clock returns to real time, timing presets, a reset that can also reset
// clock and timing, and bodies with unknown fields refused instead of silently ignored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AdminAnswer, adminCall, createVpc, startTestServer, type TestServer } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

function admin(server: { adminUrl: string }, method: string, path: string, body?: unknown, token?: string) {
  return adminCall(server.adminUrl, method, path, body, token ? { authorization: `Bearer ${token}` } : {});
}

interface Clock {
  now: string;
  offsetMs: number;
  frozen: boolean;
  realTime: boolean;
}

interface Health {
  status: string;
  clock?: Clock;
  timing?: string;
}

function refusal(answer: AdminAnswer): { status: number; code: string; message: string } {
  const body = answer.json as { code: string; message: string };
  return { status: answer.status, code: body.code, message: body.message };
}

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const health = async () => (await admin(server, 'GET', '/healthz')).json as Health;

describe('unknown fields in admin bodies', () => {
  test('{"offsetMs":0} on the clock is refused, names the field and what the body takes, and changes nothing', async () => {
    await admin(server, 'POST', '/clock', { advance: '1h' });
    const before = (await admin(server, 'GET', '/clock')).json as Clock;
    const answer = refusal(await admin(server, 'POST', '/clock', { offsetMs: 0 }));
    assert.equal(answer.status, 400);
    assert.equal(answer.code, 'InappropriateJSON');
    assert.match(answer.message, /Unknown field "offsetMs"/);
    assert.match(answer.message, /nothing was changed/);
    assert.match(answer.message, /"realTime"/, 'lists the fields the clock takes');
    const afterwards = (await admin(server, 'GET', '/clock')).json as Clock;
    assert.equal(afterwards.offsetMs, before.offsetMs);
    await admin(server, 'POST', '/clock', { realTime: true });
  });

  test('{"reset":true} on reset is refused and resets nothing', async () => {
    const vpcs = await fetchVpcCount();
    await createOneVpc();
    const answer = refusal(await admin(server, 'POST', '/reset', { reset: true }));
    assert.equal(answer.status, 400);
    assert.equal(answer.code, 'InappropriateJSON');
    assert.match(answer.message, /Unknown field "reset"/);
    assert.match(answer.message, /"accounts", "clock", "timing"/);
    assert.equal(await fetchVpcCount(), vpcs + 1, 'the VPC is still there');
  });

  test('unknown fields in timing, accounts and fault bodies, and nested ones, are refused too', async () => {
    for (const [method, path, body, field] of [
      ['PUT', '/timing', { presets: 'manual' }, 'presets'],
      ['PUT', '/timing', { all: { mode: 'manual', delay: 5 } }, 'delay'],
      ['POST', '/accounts', { name: 'x', key: 'y' }, 'key'],
      ['POST', '/faults', { status: 503, operations: 'getPeerConn' }, 'operations'],
      ['POST', '/transitions/run', { id: 'peerconn-x' }, 'id'],
    ] as const) {
      const answer = refusal(await admin(server, method, path, body));
      assert.equal(answer.code, 'InappropriateJSON', `${method} ${path}`);
      assert.match(answer.message, new RegExp(`Unknown field "${field}"`), `${method} ${path}`);
    }
  });
});

describe('the clock returns to real time', () => {
  test('{"set":"now"} moves a running clock back to real time', async () => {
    await admin(server, 'POST', '/clock', { advance: '7d' });
    assert.equal((await health()).clock?.realTime, false);
    const clock = (await admin(server, 'POST', '/clock', { set: 'now' })).json as Clock;
    assert.deepEqual([clock.realTime, clock.offsetMs, clock.frozen], [true, 0, false]);
    assert.equal((await health()).clock?.realTime, true);
  });

  test('{"set":"now"} keeps a frozen clock frozen (at the real now); {"realTime":true} also unfreezes', async () => {
    await admin(server, 'POST', '/clock', { set: '2020-01-01T00:00:00Z', freeze: true });
    const atNow = (await admin(server, 'POST', '/clock', { set: 'now' })).json as Clock;
    assert.equal(atNow.frozen, true);
    assert.equal(atNow.realTime, false);
    assert.ok(Date.parse(atNow.now) > Date.parse('2025-01-01T00:00:00Z'), atNow.now);
    const real = (await admin(server, 'POST', '/clock', { realTime: true })).json as Clock;
    assert.deepEqual([real.realTime, real.offsetMs, real.frozen], [true, 0, false]);
  });

  test('realTime cannot be combined with a change, and only true is accepted', async () => {
    const combined = refusal(
      await admin(server, 'POST', '/clock', { realTime: true, set: '2030-01-01T00:00:00Z' }),
    );
    assert.equal(combined.code, 'InappropriateJSON');
    assert.match(combined.message, /realTime/);
    assert.equal(
      refusal(await admin(server, 'POST', '/clock', { realTime: false })).code,
      'InappropriateJSON',
    );
    assert.equal((await health()).clock?.realTime, true, 'nothing changed');
  });
});

describe('timing presets and the health check', () => {
  test('PUT /timing {"preset":…} sets each preset, and healthz names it (or says custom)', async () => {
    for (const preset of ['manual', 'default', 'immediate'] as const) {
      const set = await admin(server, 'PUT', '/timing', { preset });
      assert.equal(set.status, 200);
      assert.equal((await health()).timing, preset);
    }
    await admin(server, 'PUT', '/timing', { transitions: { create: { mode: 'delay', delayMs: 5 } } });
    assert.equal((await health()).timing, 'custom');
    const unknown = refusal(await admin(server, 'PUT', '/timing', { preset: 'slow' }));
    assert.equal(unknown.code, 'InappropriateJSON');
    await admin(server, 'PUT', '/timing', { preset: 'immediate' });
  });

  test('healthz shows a moved or frozen clock', async () => {
    await admin(server, 'POST', '/clock', { set: '2030-06-01T00:00:00Z', freeze: true });
    const h = await health();
    assert.equal(h.status, 'ok');
    assert.deepEqual(
      [h.clock?.now, h.clock?.frozen, h.clock?.realTime],
      ['2030-06-01T00:00:00.000Z', true, false],
    );
    await admin(server, 'POST', '/clock', { realTime: true });
  });

  test('behind a token, healthz tells an anonymous probe only that the server is up', async () => {
    const guarded = await startTestServer({ adminToken: 'state-token' });
    try {
      await admin(guarded, 'PUT', '/timing', { preset: 'manual' }, 'state-token');
      assert.deepEqual((await admin(guarded, 'GET', '/healthz')).json, { status: 'ok' });
      const full = (await admin(guarded, 'GET', '/healthz', undefined, 'state-token')).json as Health;
      assert.equal(full.timing, 'manual');
      assert.equal(full.clock?.realTime, true);
    } finally {
      await guarded.close();
    }
  });
});

describe('reset keeps clock and timing unless asked', () => {
  test('a plain reset keeps them; {"clock":true,"timing":true} restores real time and the start-up timing', async () => {
    await admin(server, 'PUT', '/timing', { preset: 'manual' });
    await admin(server, 'POST', '/clock', { set: '2031-01-01T00:00:00Z', freeze: true });
    await createOneVpc();

    assert.equal((await admin(server, 'POST', '/reset', {})).status, 204);
    let h = await health();
    assert.equal(h.timing, 'manual', 'a plain reset keeps the timing');
    assert.equal(h.clock?.frozen, true, 'and the clock');
    assert.equal(await fetchVpcCount(), 0, 'but the resources are gone');

    assert.equal((await admin(server, 'POST', '/reset', { clock: true })).status, 204);
    h = await health();
    assert.equal(h.clock?.realTime, true);
    assert.equal(h.timing, 'manual', 'clock alone leaves the timing');

    await admin(server, 'POST', '/clock', { advance: '2d' });
    assert.equal((await admin(server, 'POST', '/reset', { clock: true, timing: true })).status, 204);
    h = await health();
    assert.equal(h.clock?.realTime, true);
    // The test server was started with immediate timing: reset returns to what the server started with.
    assert.equal(h.timing, 'immediate');
    const accounts = (await admin(server, 'GET', '/accounts')).json as { accounts: unknown[] };
    assert.ok(accounts.accounts.length >= 2, 'accounts stay unless asked');
  });
});

async function fetchVpcCount(): Promise<number> {
  const snapshot = (await admin(server, 'GET', '/snapshot')).json as { state: { vpcs: unknown[] } };
  return snapshot.state.vpcs.length;
}

let cidr = 0;
async function createOneVpc(): Promise<void> {
  cidr += 1;
  await createVpc(server, server.a, `10.${cidr}.0.0/16`);
}
