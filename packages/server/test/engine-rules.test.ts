// Every refusal rule as a table: each case builds its own world on a fresh database and expects one code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Caller, Engine, EngineConfig } from '../src/engine/api.ts';
import {
  caller,
  createPc,
  getPc,
  makeAccount,
  makeVpc,
  openFixture,
  postpaid,
  prepaid,
  rejectsWith,
} from './engine-fixture.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

interface World {
  engine: Engine;
  a: Caller;
  aGz: Caller;
  b: Caller;
  bGz: Caller;
  c: Caller;
  vpc: { a1: string; a2: string; a3: string; aGz: string; b1: string; bGz: string };
}

async function withWorld(config: Partial<EngineConfig>, body: (w: World) => Promise<void>): Promise<void> {
  const fixture = await openFixture(config);
  try {
    const { engine } = fixture;
    const [ida, idb, idc] = [
      await makeAccount(engine, 'a'),
      await makeAccount(engine, 'b'),
      await makeAccount(engine, 'c'),
    ];
    const a = caller(ida, 'bj');
    const aGz = caller(ida, 'gz');
    const b = caller(idb, 'bj');
    const bGz = caller(idb, 'gz');
    const c = caller(idc, 'bj');
    const vpc = {
      a1: await makeVpc(engine, a),
      a2: await makeVpc(engine, a),
      a3: await makeVpc(engine, a),
      aGz: await makeVpc(engine, aGz),
      b1: await makeVpc(engine, b),
      bGz: await makeVpc(engine, bGz),
    };
    await body({ engine, a, aGz, b, bGz, c, vpc });
  } finally {
    await fixture.cleanup();
  }
}

type Case = [name: string, code: string, run: (w: World) => Promise<unknown>, config?: Partial<EngineConfig>];

/**
 * Runs a step that builds a scenario's world. A failing step is a broken setup, never the refusal under test:
 * it becomes a plain Error, which rejectsWith (expecting a ServiceError) reports instead of accepting it.
 */
async function setup<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    throw new Error(`setup failed, so the scenario never reached the state under test: ${String(error)}`);
  }
}

async function statusOf(w: World, id: string, who: Caller = w.a): Promise<string> {
  return (await setup(getPc(w.engine, who, id))).status;
}

const createCases: Case[] = [
  [
    'local VPC missing',
    'NoSuchObject',
    (w) => createPc(w.engine, w.a, postpaid('vpc-000000000000', w.vpc.a2)),
  ],
  [
    'local VPC of another account',
    'NoSuchObject',
    (w) => createPc(w.engine, w.c, postpaid(w.vpc.a1, w.vpc.a2)),
  ],
  [
    'local VPC in another region',
    'NoSuchObject',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.aGz, w.vpc.a2)),
  ],
  ['local equals peer VPC', 'InvalidPeerVpc', (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a1))],
  [
    'peer VPC missing',
    'InvalidPeerVpc',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, 'vpc-zzzzzzzzzzzz')),
  ],
  [
    'peer VPC in another region than peerRegion',
    'InvalidPeerVpc',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.aGz, 'bj')),
  ],
  [
    'peer VPC of an account other than peerAccountId',
    'InvalidPeerVpc',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.c.accountId })),
  ],
  [
    'peer VPC of another account without peerAccountId',
    'InvalidPeerVpc',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1)),
  ],
  [
    'malformed peerAccountId',
    'InappropriateJSON',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: 'not-an-account' })),
  ],
  [
    'peerIfName on cross-account',
    'InappropriateJSON',
    (w) =>
      createPc(
        w.engine,
        w.a,
        postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.b.accountId, peerIfName: 'x' }),
      ),
  ],
  [
    'same region Prepaid',
    'InvalidBilling',
    (w) => createPc(w.engine, w.a, prepaid(w.vpc.a1, w.vpc.a2, 'bj')),
  ],
  [
    'bandwidth 0',
    'InvalidBandwidth',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2, 'bj', { bandwidthInMbps: 0 })),
  ],
  [
    'bandwidth above 10000',
    'InvalidBandwidth',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2, 'bj', { bandwidthInMbps: 10001 })),
  ],
  [
    'fractional bandwidth',
    'InvalidBandwidth',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2, 'bj', { bandwidthInMbps: 1.5 })),
  ],
  [
    'Prepaid without reservation',
    'InappropriateJSON',
    (w) =>
      createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.aGz, 'gz', { billing: { paymentTiming: 'Prepaid' } })),
  ],
  [
    'reservation of 10 months',
    'InappropriateJSON',
    (w) => createPc(w.engine, w.a, prepaid(w.vpc.a1, w.vpc.aGz, 'gz', 10)),
  ],
  [
    'reservation unit year',
    'InappropriateJSON',
    (w) =>
      createPc(w.engine, w.a, {
        ...prepaid(w.vpc.a1, w.vpc.aGz, 'gz'),
        billing: {
          paymentTiming: 'Prepaid',
          reservation: { reservationLength: 1, reservationTimeUnit: 'year' },
        },
      }),
  ],
  [
    'description too long',
    'InappropriateJSON',
    (w) => createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2, 'bj', { description: 'x'.repeat(201) })),
  ],
  [
    'both VPCs relay',
    'RelayVpcPeeringNotAllowed',
    async (w) => {
      await setup(w.engine.execute('openVpcRelay', w.a, { vpcId: w.vpc.a1 }));
      await setup(w.engine.execute('openVpcRelay', w.a, { vpcId: w.vpc.a2 }));
      return createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2));
    },
  ],
  [
    'same pair twice',
    'PeerConnAlreadyExists',
    async (w) => {
      await setup(createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2)));
      return createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2));
    },
  ],
  [
    'same pair in reverse direction',
    'PeerConnAlreadyExists',
    async (w) => {
      await setup(
        createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.b.accountId })),
      );
      return createPc(w.engine, w.b, postpaid(w.vpc.b1, w.vpc.a1, 'bj', { peerAccountId: w.a.accountId }));
    },
  ],
  [
    'pair blocked by a consult_failed connection',
    'PeerConnAlreadyExists',
    async (w) => {
      const id = await setup(
        createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.b.accountId })),
      );
      await setup(w.engine.execute('rejectPeerConn', w.b, { peerConnId: id }));
      assert.equal(await statusOf(w, id), 'consult_failed');
      return createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.b.accountId }));
    },
  ],
  [
    'quota per VPC',
    'PeerConnQuotaExceeded',
    async (w) => {
      await setup(createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2)));
      await setup(createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a3)));
      return createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.b.accountId }));
    },
    { quotaPerVpc: 2 },
  ],
  [
    'quota per VPC counts the peer side',
    'PeerConnQuotaExceeded',
    async (w) => {
      await setup(createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2)));
      return createPc(w.engine, w.a, postpaid(w.vpc.a3, w.vpc.a2));
    },
    { quotaPerVpc: 1 },
  ],
  [
    'quota per account',
    'PeerConnQuotaExceeded',
    async (w) => {
      await setup(createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2)));
      return createPc(w.engine, w.a, postpaid(w.vpc.a3, w.vpc.aGz, 'gz'));
    },
    { quotaPerAccount: 1 },
  ],
  [
    'quota per account of the acceptor',
    'PeerConnQuotaExceeded',
    async (w) => {
      await setup(createPc(w.engine, w.b, postpaid(w.vpc.b1, w.vpc.bGz, 'gz')));
      return createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.b.accountId }));
    },
    { quotaPerAccount: 1 },
  ],
];

async function cross(w: World, billing: 'Postpaid' | 'Prepaid' = 'Postpaid'): Promise<string> {
  const input =
    billing === 'Postpaid'
      ? postpaid(w.vpc.a1, w.vpc.bGz, 'gz', { peerAccountId: w.b.accountId })
      : prepaid(w.vpc.a1, w.vpc.bGz, 'gz', 1, { peerAccountId: w.b.accountId });
  const id = await setup(createPc(w.engine, w.a, input));
  assert.equal(await statusOf(w, id), 'consulting', 'setup: a cross-account request waits in consulting');
  return id;
}

async function crossActive(w: World, billing: 'Postpaid' | 'Prepaid' = 'Postpaid'): Promise<string> {
  const id = await cross(w, billing);
  await setup(w.engine.execute('acceptPeerConn', w.bGz, { peerConnId: id }));
  assert.equal(await statusOf(w, id), 'active', 'setup: the accepted connection is active');
  return id;
}

async function sameAccount(w: World): Promise<string> {
  const id = await setup(createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2)));
  assert.equal(await statusOf(w, id), 'active', 'setup: a same-account connection is active at once');
  return id;
}

const operationCases: Case[] = [
  [
    'accept by the initiator',
    'OperationNotPermitted',
    async (w) => w.engine.execute('acceptPeerConn', w.a, { peerConnId: await cross(w) }),
  ],
  [
    'accept a same-account connection',
    'OperationNotPermitted',
    async (w) => w.engine.execute('acceptPeerConn', w.a, { peerConnId: await sameAccount(w) }),
  ],
  [
    'accept by a third account',
    'NoSuchObject',
    async (w) => w.engine.execute('acceptPeerConn', w.c, { peerConnId: await cross(w) }),
  ],
  [
    'accept at the wrong region endpoint',
    'NoSuchObject',
    async (w) => w.engine.execute('acceptPeerConn', w.b, { peerConnId: await cross(w) }),
  ],
  [
    'accept twice',
    'InvalidPeerConnStatus',
    async (w) => w.engine.execute('acceptPeerConn', w.bGz, { peerConnId: await crossActive(w) }),
  ],
  [
    'reject by the initiator',
    'OperationNotPermitted',
    async (w) => w.engine.execute('rejectPeerConn', w.a, { peerConnId: await cross(w) }),
  ],
  [
    'reject after accept',
    'InvalidPeerConnStatus',
    async (w) => w.engine.execute('rejectPeerConn', w.bGz, { peerConnId: await crossActive(w) }),
  ],
  [
    'release by the acceptor',
    'OperationNotPermitted',
    async (w) => w.engine.execute('deletePeerConn', w.bGz, { peerConnId: await crossActive(w) }),
  ],
  [
    'resize by the acceptor',
    'OperationNotPermitted',
    async (w) =>
      w.engine.execute('resizePeerConn', w.bGz, { peerConnId: await crossActive(w), newBandwidthInMbps: 20 }),
  ],
  [
    'renew by the acceptor',
    'OperationNotPermitted',
    async (w) =>
      w.engine.execute('renewPeerConn', w.bGz, {
        peerConnId: await crossActive(w, 'Prepaid'),
        billing: { reservation: { reservationLength: 1 } },
      }),
  ],
  [
    'refund by the acceptor',
    'OperationNotPermitted',
    async (w) => w.engine.execute('refundPeerConn', w.bGz, { peerConnId: await crossActive(w, 'Prepaid') }),
  ],
  [
    'delete protect by the acceptor',
    'OperationNotPermitted',
    async (w) =>
      w.engine.execute('updatePeerConnDeleteProtect', w.bGz, {
        peerConnId: await crossActive(w),
        deleteProtect: true,
      }),
  ],
  [
    'renew Postpaid',
    'InvalidBilling',
    async (w) =>
      w.engine.execute('renewPeerConn', w.a, {
        peerConnId: await sameAccount(w),
        billing: { reservation: { reservationLength: 1 } },
      }),
  ],
  [
    'renew with a bad reservation',
    'InappropriateJSON',
    async (w) =>
      w.engine.execute('renewPeerConn', w.a, {
        peerConnId: await crossActive(w, 'Prepaid'),
        billing: { reservation: { reservationLength: 13 } },
      }),
  ],
  [
    'refund Postpaid',
    'InvalidBilling',
    async (w) => w.engine.execute('refundPeerConn', w.a, { peerConnId: await sameAccount(w) }),
  ],
  [
    'Prepaid resize down',
    'BandwidthDowngradeNotAllowed',
    async (w) =>
      w.engine.execute('resizePeerConn', w.a, {
        peerConnId: await crossActive(w, 'Prepaid'),
        newBandwidthInMbps: 5,
      }),
  ],
  [
    'resize out of range',
    'InvalidBandwidth',
    async (w) =>
      w.engine.execute('resizePeerConn', w.a, { peerConnId: await sameAccount(w), newBandwidthInMbps: 0 }),
  ],
  [
    'resize while consulting',
    'InvalidPeerConnStatus',
    async (w) =>
      w.engine.execute('resizePeerConn', w.a, { peerConnId: await cross(w), newBandwidthInMbps: 20 }),
  ],
  [
    'release an active unexpired Prepaid',
    'PrepaidReleaseNotAllowed',
    async (w) => w.engine.execute('deletePeerConn', w.a, { peerConnId: await crossActive(w, 'Prepaid') }),
  ],
  [
    'release while protected',
    'DeleteProtected',
    async (w) => {
      const id = await setup(
        createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2, 'bj', { deleteProtect: true })),
      );
      return w.engine.execute('deletePeerConn', w.a, { peerConnId: id });
    },
  ],
  [
    'refund while protected',
    'DeleteProtected',
    async (w) => {
      const id = await crossActive(w, 'Prepaid');
      await setup(
        w.engine.execute('updatePeerConnDeleteProtect', w.a, { peerConnId: id, deleteProtect: true }),
      );
      return w.engine.execute('refundPeerConn', w.a, { peerConnId: id });
    },
  ],
  [
    'release while deleting',
    'InvalidPeerConnStatus',
    async (w) => {
      const id = await sameAccount(w);
      await w.engine.setTiming({ delete: { mode: 'manual' } });
      await setup(w.engine.execute('deletePeerConn', w.a, { peerConnId: id }));
      assert.equal(await statusOf(w, id), 'deleting');
      return w.engine.execute('deletePeerConn', w.a, { peerConnId: id });
    },
  ],
  [
    'delete protect while deleting',
    'InvalidPeerConnStatus',
    async (w) => {
      const id = await sameAccount(w);
      await w.engine.setTiming({ delete: { mode: 'manual' } });
      await setup(w.engine.execute('deletePeerConn', w.a, { peerConnId: id }));
      assert.equal(await statusOf(w, id), 'deleting');
      return w.engine.execute('updatePeerConnDeleteProtect', w.a, { peerConnId: id, deleteProtect: true });
    },
  ],
  [
    'DNS open on the other account side',
    'OperationNotPermitted',
    async (w) =>
      w.engine.execute('openPeerConnDnsSync', w.a, { peerConnId: await crossActive(w), role: 'acceptor' }),
  ],
  [
    'DNS open while consulting',
    'InvalidPeerConnStatus',
    async (w) =>
      w.engine.execute('openPeerConnDnsSync', w.a, { peerConnId: await cross(w), role: 'initiator' }),
  ],
  [
    'DNS close while syncing',
    'InvalidDnsStatus',
    async (w) => {
      const id = await sameAccount(w);
      await w.engine.setTiming({ dnsOpen: { mode: 'manual' } });
      await setup(w.engine.execute('openPeerConnDnsSync', w.a, { peerConnId: id, role: 'initiator' }));
      await w.engine.runTransitions(id);
      assert.equal((await getPc(w.engine, w.a, id)).dnsStatus, 'syncing');
      return w.engine.execute('closePeerConnDnsSync', w.a, { peerConnId: id, role: 'initiator' });
    },
  ],
  [
    'DNS open while closing',
    'InvalidDnsStatus',
    async (w) => {
      const id = await sameAccount(w);
      await setup(w.engine.execute('openPeerConnDnsSync', w.a, { peerConnId: id, role: 'acceptor' }));
      await w.engine.setTiming({ dnsClose: { mode: 'manual' } });
      await setup(w.engine.execute('closePeerConnDnsSync', w.a, { peerConnId: id, role: 'acceptor' }));
      assert.equal((await setup(getPc(w.engine, w.a, id, 'acceptor'))).dnsStatus, 'closing');
      return w.engine.execute('openPeerConnDnsSync', w.a, { peerConnId: id, role: 'acceptor' });
    },
  ],
  [
    'update with the other side interface',
    'InappropriateJSON',
    async (w) => {
      const id = await crossActive(w);
      const acceptorIf = (await setup(getPc(w.engine, w.bGz, id))).localIfId;
      return w.engine.execute('updatePeerConn', w.a, {
        peerConnId: id,
        localIfId: acceptorIf,
        description: 'x',
      });
    },
  ],
  [
    'update while updating',
    'InvalidPeerConnStatus',
    async (w) => {
      const id = await sameAccount(w);
      await w.engine.setTiming({ update: { mode: 'manual' } });
      const { localIfId } = await setup(getPc(w.engine, w.a, id));
      await setup(w.engine.execute('updatePeerConn', w.a, { peerConnId: id, localIfId, description: 'one' }));
      assert.equal(await statusOf(w, id), 'updating');
      return w.engine.execute('updatePeerConn', w.a, { peerConnId: id, localIfId, description: 'two' });
    },
  ],
  ['get a missing id', 'NoSuchObject', (w) => getPc(w.engine, w.a, 'peerconn-000000000000')],
  ['get by a third account', 'NoSuchObject', async (w) => getPc(w.engine, w.c, await sameAccount(w))],
  [
    // A party may read the other side (the Terraform provider's Read does), but not one that was removed.
    'get the acceptor role by the initiator after reject',
    'NoSuchObject',
    async (w) => {
      const id = await cross(w);
      await setup(w.engine.execute('rejectPeerConn', w.bGz, { peerConnId: id }));
      assert.equal(await statusOf(w, id), 'consult_failed', 'the initiator side is still readable');
      return getPc(w.engine, w.a, id, 'acceptor');
    },
  ],
  [
    'get the acceptor side after reject',
    'NoSuchObject',
    async (w) => {
      const id = await cross(w);
      await setup(w.engine.execute('rejectPeerConn', w.bGz, { peerConnId: id }));
      return getPc(w.engine, w.bGz, id);
    },
  ],
  [
    'delete a VPC with a peering',
    'VpcInUse',
    async (w) => {
      await sameAccount(w);
      return w.engine.execute('deleteVpc', w.a, { vpcId: w.vpc.a2 });
    },
  ],
  [
    'delete a VPC of another account',
    'NoSuchObject',
    (w) => w.engine.execute('deleteVpc', w.c, { vpcId: w.vpc.a1 }),
  ],
  [
    'relay on a VPC of another account',
    'NoSuchObject',
    (w) => w.engine.execute('openVpcRelay', w.b, { vpcId: w.vpc.a1 }),
  ],
  [
    'CIDR with host bits',
    'InvalidCidr',
    (w) => w.engine.execute('createVpc', w.a, { name: 'x', cidr: '10.0.0.1/16' }),
  ],
  [
    'CIDR prefix /31',
    'InvalidCidr',
    (w) => w.engine.execute('createVpc', w.a, { name: 'x', cidr: '10.0.0.0/31' }),
  ],
  [
    'CIDR octet 256',
    'InvalidCidr',
    (w) => w.engine.execute('createVpc', w.a, { name: 'x', cidr: '10.256.0.0/16' }),
  ],
  [
    'VPC with an empty name',
    'InappropriateJSON',
    (w) => w.engine.execute('createVpc', w.a, { name: '', cidr: '10.0.0.0/16' }),
  ],
  ['list with maxKeys 0', 'InvalidParameter', (w) => w.engine.execute('listPeerConns', w.a, { maxKeys: 0 })],
  ['list with maxKeys 1001', 'InvalidParameter', (w) => w.engine.execute('listVpcs', w.a, { maxKeys: 1001 })],
  [
    'list with an unknown marker',
    'InvalidParameter',
    (w) => w.engine.execute('listPeerConns', w.a, { marker: 'qpif-000000000000' }),
  ],
  [
    'list VPCs with a marker of another account',
    'InvalidParameter',
    (w) => w.engine.execute('listVpcs', w.c, { marker: w.vpc.a1 }),
  ],
];

// Codes with more than one cause: the message must name the one the scenario is about, or a refusal for
// another reason (a different quota, a different status) would pass.
const causes: Record<string, (w: World) => RegExp> = {
  'local equals peer VPC': () => /must differ from the local VPC/,
  'peer VPC missing': () => /Peer VPC vpc-zzzzzzzzzzzz was not found/,
  'peer VPC in another region than peerRegion': (w) =>
    new RegExp(`Peer VPC ${w.vpc.aGz} was not found in region bj`),
  'peer VPC of an account other than peerAccountId': (w) =>
    new RegExp(`Peer VPC ${w.vpc.b1} was not found in region bj of account ${w.c.accountId}`),
  'peer VPC of another account without peerAccountId': (w) =>
    new RegExp(`Peer VPC ${w.vpc.b1} was not found in region bj of account ${w.a.accountId}`),
  'quota per VPC': (w) => new RegExp(`VPC ${w.vpc.a1} already has 2 peering connections \\(limit 2\\)`),
  'quota per VPC counts the peer side': (w) =>
    new RegExp(`VPC ${w.vpc.a2} already has 1 peering connections \\(limit 1\\)`),
  'quota per account': (w) => new RegExp(`account ${w.a.accountId} already has 1 peering connections`),
  'quota per account of the acceptor': () => /the peer account is at its limit of 1 /,
  'accept twice': () => /it is active, and only a consulting request/,
  'reject after accept': () => /it is active, and only a consulting request/,
  'resize while consulting': () => /while it is consulting/,
  'release while deleting': () => /deleting/,
  'delete protect while deleting': () => /is deleting; release protection can no longer change/,
  'DNS open while consulting': () => /while it is consulting/,
  'DNS close while syncing': () => /DNS sync of the initiator side is syncing/,
  'DNS open while closing': () => /DNS sync of the acceptor side is closing/,
  'update while updating': () => /while it is updating/,
};
const ambiguous = new Set([
  'InvalidPeerVpc',
  'PeerConnQuotaExceeded',
  'InvalidPeerConnStatus',
  'InvalidDnsStatus',
]);

for (const [name, code, run, config] of [...createCases, ...operationCases]) {
  test(`rule: ${name} → ${code}`, () =>
    withWorld(config ?? {}, async (w) => {
      const refused = await rejectsWith(run(w), code);
      const cause = causes[name];
      assert.ok(cause || !ambiguous.has(code), `${code} has several causes: pin this one's message`);
      if (cause) assert.match(refused.message, cause(w));
    }));
}

test('every pinned cause belongs to a case', () => {
  const names = new Set([...createCases, ...operationCases].map(([name]) => name));
  assert.deepEqual(
    Object.keys(causes).filter((name) => !names.has(name)),
    [],
  );
});

test('a third account gets the same not-found message shape as for a missing id', () =>
  withWorld({}, async (w) => {
    const id = await sameAccount(w);
    const hidden = await rejectsWith(getPc(w.engine, w.c, id), 'NoSuchObject');
    const missing = await rejectsWith(getPc(w.engine, w.c, 'peerconn-000000000000'), 'NoSuchObject');
    assert.equal(
      hidden.message.replace(id, '<id>'),
      missing.message.replace('peerconn-000000000000', '<id>'),
    );
    assert.equal(hidden.statusCode, 404);
  }));

test('accepted variants: unit "Month", cross-region Prepaid, Postpaid resize down', () =>
  withWorld({}, async (w) => {
    const id = await createPc(w.engine, w.a, {
      ...prepaid(w.vpc.a1, w.vpc.aGz, 'gz'),
      billing: {
        paymentTiming: 'Prepaid',
        reservation: { reservationLength: 36, reservationTimeUnit: 'Month' },
      },
    });
    assert.equal((await getPc(w.engine, w.a, id)).paymentTiming, 'Prepaid');
    const pp = await sameAccount(w);
    await w.engine.execute('resizePeerConn', w.a, { peerConnId: pp, newBandwidthInMbps: 5 });
    assert.equal((await getPc(w.engine, w.a, pp)).bandwidthInMbps, 5);
  }));

test("a quota refusal names the limit but not another account's usage", () =>
  withWorld({ quotaPerAccount: 2, quotaPerVpc: 5 }, async (w) => {
    const bj2 = await makeVpc(w.engine, w.b);
    await createPc(w.engine, w.b, postpaid(w.vpc.b1, w.vpc.bGz, 'gz'));
    await createPc(w.engine, w.b, postpaid(bj2, w.vpc.bGz, 'gz'));
    const refused = await rejectsWith(
      createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.b1, 'bj', { peerAccountId: w.b.accountId })),
      'PeerConnQuotaExceeded',
    );
    assert.match(refused.message, /limit of 2/);
    assert.doesNotMatch(refused.message, new RegExp(`${w.b.accountId}|already has`));
    // Our own usage is ours to see.
    await createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a2));
    await createPc(w.engine, w.a, postpaid(w.vpc.a1, w.vpc.a3));
    const own = await rejectsWith(
      createPc(w.engine, w.a, postpaid(w.vpc.a2, w.vpc.a3)),
      'PeerConnQuotaExceeded',
    );
    assert.match(own.message, /already has 2 peering connections \(limit 2\)/);
  }));
