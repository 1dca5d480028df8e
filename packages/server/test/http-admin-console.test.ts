// The admin endpoints the console is built on: the cross-account state, acting as an account through the
// operation path of the API, the change stream (Server-Sent Events), and the origin check on admin changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AclClient,
  BceServiceError,
  EniClient,
  SecurityGroupClient,
  SubnetClient,
  VpcClient,
} from '@peerconn/sdk';
import type {
  ActResult,
  ChangeMessage,
  PeerConnView,
  SideOperation,
  SideView,
  StateView,
} from '../src/admin/views.ts';
import { timingPreset } from '../src/domain/timing.ts';
import type { PeerConnEvent } from '../src/engine/api.ts';
import {
  type AdminAnswer,
  adminCall,
  crossRegionPeering,
  regionUrl,
  sdkClients,
  signed,
  startTestServer,
  type TestServer,
  TWO_REGIONS,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

function admin(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return adminCall(`${base}/_admin`, method, path, body, headers);
}

function codeOf(answer: AdminAnswer): string | undefined {
  return (answer.json as { code?: string } | undefined)?.code;
}

/** A reader of /_admin/stream: the messages as they arrive, by event name. */
async function openStream(base: string, token?: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/_admin/stream`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queued: Array<{ event: string; data: ChangeMessage }> = [];
  /** The next message that satisfies `wanted`; skips the others. Resolves undefined when the stream ends. */
  const next = async (wanted: (m: { event: string; data: ChangeMessage }) => boolean) => {
    for (;;) {
      const found = queued.findIndex(wanted);
      if (found !== -1) {
        const [message] = queued.splice(0, found + 1).slice(-1);
        return message;
      }
      queued.length = 0;
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) queued.push({ event, data: JSON.parse(data) as ChangeMessage });
        end = buffer.indexOf('\n\n');
      }
    }
  };
  return { next, close: () => controller.abort() };
}

let server: TestServer;
let bj: string;
let _gz: string;

before(async () => {
  server = await startTestServer({
    ...TWO_REGIONS,
  });
  bj = regionUrl(server, 'bj');
  _gz = regionUrl(server, 'gz');
});
after(async () => {
  await server.close();
});

describe('GET /_admin/state', () => {
  test('every account, VPC and both sides of each connection, with clock, timing, faults and pending', async () => {
    const { peerConnId, vpcA, vpcB } = await crossRegionPeering(server);
    const state = (await admin(bj, 'GET', '/state')).json as StateView;
    assert.deepEqual(
      state.accounts.map((a) => a.id),
      [server.a.accountId, server.b.accountId],
    );
    assert.equal(state.accounts[0]?.credentials[0]?.secretAccessKey, server.a.secretAccessKey);
    const vpcs = new Map(state.vpcs.map((v) => [v.vpcId, v]));
    assert.deepEqual([vpcs.get(vpcA)?.accountId, vpcs.get(vpcA)?.region], [server.a.accountId, 'bj']);
    assert.deepEqual([vpcs.get(vpcB)?.accountId, vpcs.get(vpcB)?.region], [server.b.accountId, 'gz']);
    const pc = state.peerConns.find((p) => p.peerConnId === peerConnId);
    assert.ok(pc);
    assert.deepEqual(
      [pc.initiator.accountId, pc.initiator.region, pc.initiator.vpcId, pc.initiator.status],
      [server.a.accountId, 'bj', vpcA, 'consulting'],
    );
    assert.deepEqual(
      [pc.acceptor.accountId, pc.acceptor.region, pc.acceptor.vpcId, pc.acceptor.status],
      [server.b.accountId, 'gz', vpcB, 'consulting'],
    );
    assert.equal(pc.crossAccount, true);
    assert.equal(pc.expiredTime, '');
    // The 7-day consult timeout is pending on the virtual clock.
    const timeout = state.pending.find((p) => p.peerConnId === peerConnId && p.name === 'consultTimeout');
    assert.ok(timeout?.dueAt);
    assert.equal(Date.parse(timeout.dueAt) - Date.parse(pc.createdTime) >= 7 * 86_400_000 - 1000, true);
    assert.deepEqual(state.timing, timingPreset('immediate'));
    assert.deepEqual(state.faults, []);
    assert.equal(state.clock.frozen, false);
    assert.deepEqual(state.regions, ['bj', 'gz']);
  });
});

describe('GET /_admin/state: the network resources', () => {
  test('ACL rules, security groups with their rules and users, and interfaces, as the console reads them', async () => {
    const config = { endpoint: bj, credentials: server.a, maxRetries: 0, env: {} };
    const vpcs = new VpcClient(config);
    const { vpcId } = await vpcs.createVpc({ name: 'net-state', cidr: '10.240.0.0/16' });
    const { subnetId } = await new SubnetClient(config).createSubnet({
      vpcId,
      name: 'net_a',
      cidr: '10.240.1.0/24',
      zoneName: 'cn-bj-a',
    });
    const { securityGroupId } = await new SecurityGroupClient(config).createSecurityGroup({
      name: 'net-sg',
      vpcId,
      rules: [
        { direction: 'egress', protocol: 'all', destIp: '0.0.0.0/0' },
        { direction: 'ingress', protocol: 'tcp', portRange: '443', sourceIp: '10.0.0.0/8', remark: 'https' },
      ],
    });
    const { eniId } = await new EniClient(config).createEni({
      name: 'net-eni',
      subnetId,
      securityGroupIds: [securityGroupId],
      privateIpSet: [{ primary: true, privateIpAddress: '10.240.1.9' }],
    });
    await new AclClient(config).createAclRules({
      aclRules: [
        {
          subnetId,
          description: 'no smtp',
          protocol: 'tcp',
          sourceIpAddress: 'all',
          destinationIpAddress: 'all',
          sourcePort: 'all',
          destinationPort: '25',
          position: 7,
          direction: 'egress',
          action: 'deny',
        },
      ],
    });

    const state = (await admin(bj, 'GET', '/state')).json as StateView;
    const acl = state.aclRules.filter((r) => r.subnetId === subnetId);
    const custom = acl.find((r) => r.position === 7);
    assert.ok(custom?.aclRuleId);
    assert.deepEqual(
      { ...custom, aclRuleId: '' },
      {
        aclRuleId: '',
        subnetId,
        vpcId,
        accountId: server.a.accountId,
        region: 'bj',
        direction: 'egress',
        position: 7,
        protocol: 'tcp',
        sourceIpAddress: 'all',
        destinationIpAddress: 'all',
        sourcePort: 'all',
        destinationPort: '25',
        action: 'deny',
        description: 'no smtp',
      },
    );

    // Every subnet ends with its two default rules: allow everything, evaluated last, no id.
    assert.deepEqual(
      acl
        .filter((r) => r !== custom)
        .map((r) => [r.aclRuleId, r.direction, r.action, r.protocol, r.sourceIpAddress, r.destinationPort]),
      [
        ['', 'ingress', 'allow', 'all', 'all', 'all'],
        ['', 'egress', 'allow', 'all', 'all', 'all'],
      ],
    );
    assert.ok(acl.every((r) => r === custom || r.position > 5000));

    const group = state.securityGroups.find((g) => g.securityGroupId === securityGroupId);
    assert.ok(group);
    assert.deepEqual(
      [group.name, group.vpcId, group.accountId, group.isDefault, group.eniIds],
      ['net-sg', vpcId, server.a.accountId, false, [eniId]],
    );
    // Ingress first, whatever the order they were given in; each rule's peer in the field of its direction.
    assert.deepEqual(
      group.rules.map((r) => [r.direction, r.sourceIp, r.destIp, r.remark]),
      [
        ['ingress', '10.0.0.0/8', '', 'https'],
        ['egress', '', '0.0.0.0/0', ''],
      ],
    );
    assert.deepEqual([group.rules[0]?.protocol, group.rules[0]?.portRange], ['tcp', '443']);
    assert.ok(group.rules.every((r) => r.securityGroupRuleId !== ''));
    // The VPC's default group, made with it.
    assert.deepEqual(
      state.securityGroups.filter((g) => g.vpcId === vpcId).map((g) => g.isDefault),
      [true, false],
    );

    const eni = state.enis.find((e) => e.eniId === eniId);
    assert.ok(eni);
    assert.deepEqual(
      [eni.name, eni.vpcId, eni.subnetId, eni.securityGroupIds, eni.privateIps],
      ['net-eni', vpcId, subnetId, [securityGroupId], [{ address: '10.240.1.9', primary: true }]],
    );
  });
});

describe('POST /_admin/act', () => {
  test('accepting as the acceptor runs the operation and the timeline names the request', async () => {
    const { peerConnId } = await crossRegionPeering(server);
    const accepted = await admin(bj, 'POST', '/act', {
      accountId: server.b.accountId,
      region: 'gz',
      operation: 'acceptPeerConn',
      input: { peerConnId },
    });
    assert.equal(accepted.status, 200);
    const result = accepted.json as ActResult;
    assert.equal(result.requestId, accepted.requestId);
    assert.equal(result.result, undefined);
    const state = (await admin(bj, 'GET', '/state')).json as StateView;
    const pc = state.peerConns.find((p) => p.peerConnId === peerConnId);
    assert.deepEqual([pc?.initiator.status, pc?.acceptor.status], ['active', 'active']);
    const { events } = (await admin(bj, 'GET', `/events?peerConnId=${peerConnId}`)).json as {
      events: PeerConnEvent[];
    };
    assert.ok(
      events.some(
        (e) =>
          e.cause.type === 'request' &&
          e.cause.operation === 'acceptPeerConn' &&
          e.cause.requestId === result.requestId &&
          e.cause.accountId === server.b.accountId,
      ),
    );
  });

  test('a refused action answers exactly what the same signed request answers', async () => {
    const { peerConnId } = await crossRegionPeering(server);
    // The initiator may not accept its own request.
    const viaAdmin = await admin(bj, 'POST', '/act', {
      accountId: server.a.accountId,
      region: 'bj',
      operation: 'acceptPeerConn',
      input: { peerConnId },
    });
    const viaWire = await signed({
      port: Number(new URL(bj).port),
      method: 'PUT',
      target: `/v1/peerconn/${peerConnId}?accept`,
      credential: server.a,
    });
    assert.notEqual(viaWire.status, 200);
    assert.equal(viaAdmin.status, viaWire.status);
    const wire = viaWire.json as { code: string; message: string };
    assert.deepEqual(
      {
        code: codeOf(viaAdmin),
        message: (viaAdmin.json as { message: string }).message,
      },
      { code: wire.code, message: wire.message },
    );

    // Shape errors too: the same validation as the wire's body.
    const resize = await admin(bj, 'POST', '/act', {
      accountId: server.a.accountId,
      region: 'bj',
      operation: 'resizePeerConn',
      input: { peerConnId, newBandwidthInMbps: 'wide' },
    });
    assert.equal(codeOf(resize), 'InappropriateJSON');
    assert.match((resize.json as { message: string }).message, /newBandwidthInMbps/);
  });

  test('input checks: unknown operation, field or account, missing path field', async () => {
    const base = { accountId: server.a.accountId, region: 'bj' };
    const unknownOp = await admin(bj, 'POST', '/act', { ...base, operation: 'launchRocket' });
    assert.equal(codeOf(unknownOp), 'InappropriateJSON');
    const unknownField = await admin(bj, 'POST', '/act', {
      ...base,
      operation: 'acceptPeerConn',
      input: { peerConnId: 'peerconn-x', colour: 'red' },
    });
    assert.equal(codeOf(unknownField), 'InappropriateJSON');
    assert.match((unknownField.json as { message: string }).message, /input\.colour/);
    const missing = await admin(bj, 'POST', '/act', { ...base, operation: 'acceptPeerConn', input: {} });
    assert.equal(codeOf(missing), 'InappropriateJSON');
    const nobody = await admin(bj, 'POST', '/act', {
      accountId: 'f'.repeat(32),
      region: 'bj',
      operation: 'listVpcs',
    });
    assert.equal(nobody.status, 404);
    assert.equal(codeOf(nobody), 'NoSuchObject');
  });

  test('reads return their body; fault rules are left for the program under test', async () => {
    await admin(bj, 'POST', '/faults', { operation: 'listVpcs', status: 503, times: 1 });
    try {
      const listed = await admin(bj, 'POST', '/act', {
        accountId: server.a.accountId,
        region: 'bj',
        operation: 'listVpcs',
        input: { maxKeys: 1 },
      });
      assert.equal(listed.status, 200);
      const body = (listed.json as ActResult).result as { vpcs: unknown[]; maxKeys: number };
      assert.equal(body.maxKeys, 1);
      // The rule still fires for the SDK.
      await assert.rejects(
        sdkClients(bj, server.a).vpc.listVpcs({}),
        (error: unknown) => error instanceof BceServiceError && error.code === 'ServiceUnavailable',
      );
    } finally {
      await admin(bj, 'DELETE', '/faults');
    }
  });
});

describe("each side's actions in GET /_admin/state", () => {
  let own: TestServer;
  let ownBj: string;
  before(async () => {
    own = await startTestServer({ ...TWO_REGIONS });
    ownBj = regionUrl(own, 'bj');
  });
  after(async () => {
    await own.close();
  });

  const ownAdmin = (method: string, path: string, body?: unknown) => admin(ownBj, method, path, body);
  const state = async () => (await ownAdmin('GET', '/state')).json as StateView;
  const actAs = (side: SideView, operation: string, input: Record<string, unknown>) =>
    ownAdmin('POST', '/act', { accountId: side.accountId, region: side.region, operation, input });

  /** The input the console sends with each operation (the verdicts are asked with the same). */
  function probe(pc: PeerConnView, side: SideView, operation: SideOperation): Record<string, unknown> {
    const id = { peerConnId: pc.peerConnId };
    switch (operation) {
      case 'openPeerConnDnsSync':
      case 'closePeerConnDnsSync':
        return { ...id, role: side.role };
      case 'updatePeerConnDeleteProtect':
        return { ...id, deleteProtect: !pc.deleteProtect };
      case 'resizePeerConn':
        return { ...id, newBandwidthInMbps: pc.bandwidthInMbps };
      case 'renewPeerConn':
        return { ...id, billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'month' } } };
      default:
        return id;
    }
  }

  const allowed = (side: SideView) =>
    (Object.keys(side.actions) as SideOperation[]).filter((op) => {
      const verdict = side.actions[op];
      return verdict.allowed && verdict.changes;
    });

  test('each side is offered what the rules allow it, in several states, and the engine agrees with every verdict', async () => {
    const a = sdkClients(ownBj, own.a);
    const b = sdkClients(regionUrl(own, 'gz'), own.b);
    const vpc = async (client: typeof a, n: number) =>
      (await client.vpc.createVpc({ name: `v${n}`, cidr: `10.${n}.0.0/16` })).vpcId;
    const request = async (prepaid: boolean, n: number) =>
      (
        await a.peerconn.createPeerConn({
          bandwidthInMbps: 10,
          localVpcId: await vpc(a, n),
          peerVpcId: await vpc(b, n + 100),
          peerRegion: 'gz',
          peerAccountId: own.b.accountId,
          billing: prepaid
            ? {
                paymentTiming: 'Prepaid',
                reservation: { reservationLength: 1, reservationTimeUnit: 'month' },
              }
            : { paymentTiming: 'Postpaid' },
        })
      ).peerConnId;
    // A Prepaid connection past its month first, so the clock move times out nothing made later.
    const expired = await request(true, 1);
    await b.peerconn.acceptPeerConn({ peerConnId: expired });
    await ownAdmin('POST', '/clock', { advance: '40d' });
    const consulting = await request(false, 2);
    const active = await request(false, 3);
    await b.peerconn.acceptPeerConn({ peerConnId: active });
    await a.peerconn.openPeerConnDnsSync({ peerConnId: active, role: 'initiator' });
    const prepaid = await request(true, 4);
    await b.peerconn.acceptPeerConn({ peerConnId: prepaid });
    const rejected = await request(false, 5);
    await b.peerconn.rejectPeerConn({ peerConnId: rejected });
    const protectedOne = await request(false, 6);
    await b.peerconn.acceptPeerConn({ peerConnId: protectedOne });
    await a.peerconn.updatePeerConnDeleteProtect({ peerConnId: protectedOne, deleteProtect: true });
    const sameAccount = (
      await a.peerconn.createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: await vpc(a, 7),
        peerVpcId: await vpc(a, 8),
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      })
    ).peerConnId;

    const before = await state();
    const byId = new Map(before.peerConns.map((pc) => [pc.peerConnId, pc]));
    const offered = (id: string, role: 'initiator' | 'acceptor') => {
      const pc = byId.get(id);
      assert.ok(pc, id);
      return allowed(pc[role]);
    };
    // What a person who knows the rules expects to be offered.
    assert.deepEqual(offered(consulting, 'initiator'), ['updatePeerConnDeleteProtect', 'deletePeerConn']);
    assert.deepEqual(offered(consulting, 'acceptor'), ['acceptPeerConn', 'rejectPeerConn']);
    assert.deepEqual(offered(active, 'initiator'), [
      'closePeerConnDnsSync',
      'updatePeerConnDeleteProtect',
      'resizePeerConn',
      'deletePeerConn',
    ]);
    assert.deepEqual(offered(active, 'acceptor'), ['openPeerConnDnsSync']);
    assert.deepEqual(offered(prepaid, 'initiator'), [
      'openPeerConnDnsSync',
      'updatePeerConnDeleteProtect',
      'resizePeerConn',
      'renewPeerConn',
      'refundPeerConn',
    ]);
    assert.deepEqual(offered(expired, 'initiator'), [
      'updatePeerConnDeleteProtect',
      'renewPeerConn',
      'refundPeerConn',
      'deletePeerConn',
    ]);
    assert.deepEqual(offered(expired, 'acceptor'), []);
    assert.deepEqual(offered(rejected, 'initiator'), ['updatePeerConnDeleteProtect', 'deletePeerConn']);
    assert.equal(byId.get(rejected)?.acceptor.removed, true);
    assert.deepEqual(offered(protectedOne, 'initiator'), [
      'openPeerConnDnsSync',
      'updatePeerConnDeleteProtect',
      'resizePeerConn',
    ]);
    // One account owns both sides of a same-account connection: it may do everything but answer it.
    for (const role of ['initiator', 'acceptor'] as const) {
      assert.deepEqual(offered(sameAccount, role), [
        'openPeerConnDnsSync',
        'updatePeerConnDeleteProtect',
        'resizePeerConn',
        'deletePeerConn',
      ]);
    }
    const refusal = byId.get(prepaid)?.initiator.actions.deletePeerConn;
    assert.equal(refusal?.allowed === false && refusal.code, 'PrepaidReleaseNotAllowed');

    // Every verdict against the request itself, each tried on the same starting state.
    const snapshot = (await ownAdmin('GET', '/snapshot')).json;
    let tried = 0;
    for (const pc of before.peerConns) {
      for (const side of [pc.initiator, pc.acceptor]) {
        if (side.removed) continue;
        for (const operation of Object.keys(side.actions) as SideOperation[]) {
          const verdict = side.actions[operation];
          const eventsBefore = (await ownAdmin('GET', `/events?peerConnId=${pc.peerConnId}`)).json as {
            events: PeerConnEvent[];
          };
          const answer = await actAs(side, operation, probe(pc, side, operation));
          const what = `${operation} as the ${side.role} of ${pc.peerConnId}`;
          if (verdict.allowed) {
            assert.equal(answer.status, 200, `${what}: ${answer.text}`);
            const eventsAfter = (await ownAdmin('GET', `/events?peerConnId=${pc.peerConnId}`)).json as {
              events: PeerConnEvent[];
            };
            assert.equal(eventsAfter.events.length > eventsBefore.events.length, verdict.changes, what);
          } else {
            const body = answer.json as { code: string; message: string };
            assert.deepEqual(
              { code: body.code, message: body.message },
              { code: verdict.code, message: verdict.message },
              what,
            );
          }
          tried += 1;
          assert.equal((await ownAdmin('POST', '/snapshot', snapshot)).status, 204);
        }
      }
    }
    assert.equal(tried, 13 * 9);
  });
});

describe('GET /_admin/stream', () => {
  test('says it is ready, then which kinds of state changed', async () => {
    const stream = await openStream(bj);
    try {
      assert.deepEqual(await stream.next((m) => m.event === 'ready'), {
        event: 'ready',
        data: { changes: ['all'] },
      });
      const vpcSeen = stream.next((m) => m.event === 'change' && m.data.changes.includes('vpcs'));
      await sdkClients(bj, server.a).vpc.createVpc({ name: 'streamed', cidr: '10.250.0.0/16' });
      assert.ok(await vpcSeen);
      const eventsSeen = stream.next((m) => m.event === 'change' && m.data.changes.includes('events'));
      await crossRegionPeering(server);
      assert.ok(await eventsSeen);
      const settingsSeen = stream.next((m) => m.event === 'change' && m.data.changes.includes('settings'));
      await admin(bj, 'POST', '/clock', { advance: '1h' });
      assert.ok(await settingsSeen);
      const faultsSeen = stream.next((m) => m.event === 'change' && m.data.changes.includes('faults'));
      await admin(bj, 'POST', '/faults', { operation: 'getVpc', status: 500 });
      await admin(bj, 'DELETE', '/faults');
      assert.ok(await faultsSeen);
    } finally {
      stream.close();
    }
  });

  test('closing the server ends open streams cleanly instead of waiting for them', async () => {
    const own = await startTestServer({ drainTimeoutMs: 60_000 });
    const stream = await openStream(own.url);
    assert.ok(await stream.next((m) => m.event === 'ready'));
    const ended = stream.next(() => false);
    await own.close();
    // A clean end of the body (not a reset connection, which would reject).
    assert.equal(await ended, undefined);
  });
});

describe('guards', () => {
  test('with a token in force, state, act and stream need it', async () => {
    const guarded = await startTestServer({ adminToken: 'console-secret' });
    try {
      for (const [method, path] of [
        ['GET', '/state'],
        ['POST', '/act'],
        ['GET', '/stream'],
      ] as const) {
        const answer = await admin(guarded.url, method, path, method === 'POST' ? {} : undefined);
        assert.equal(answer.status, 403, `${method} ${path}`);
        assert.equal(codeOf(answer), 'AccessDenied');
      }
      const ok = await admin(guarded.url, 'GET', '/state', undefined, {
        authorization: 'Bearer console-secret',
      });
      assert.equal(ok.status, 200);
      const stream = await openStream(guarded.url, 'console-secret');
      assert.ok(await stream.next((m) => m.event === 'ready'));
      stream.close();
    } finally {
      await guarded.close();
    }
  });

  test('changes sent by a page of another origin are refused; its own origin and tools without one pass', async () => {
    const foreign = await admin(bj, 'POST', '/clock', { advance: '1h' }, { origin: 'http://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(codeOf(foreign), 'AccessDenied');
    const opaque = await admin(bj, 'POST', '/clock', { advance: '1h' }, { origin: 'null' });
    assert.equal(opaque.status, 403);
    const own = await admin(bj, 'POST', '/clock', { advance: '1h' }, { origin: bj });
    assert.equal(own.status, 200);
    assert.equal((await admin(bj, 'POST', '/clock', { advance: '1h' })).status, 200);
    // Reads are not changes (and a browser does not let a foreign page read the answer).
    assert.equal(
      (await admin(bj, 'GET', '/clock', undefined, { origin: 'http://evil.example' })).status,
      200,
    );
  });
});
