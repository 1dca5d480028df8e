// Every peering rule of issue 3 (5), and the VPC and listing rules next to them, as a table of scenarios driven
// through @peerconn/sdk over HTTP against a started server with two regional listeners. Each refusal is checked
// for its status, its code and a request id that matches the x-bce-request-id header; each scenario builds
// its own VPCs so the table can be read (and fail) row by row. Plus the Host header choosing the region.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BceServiceError, PeerConnClient, VpcClient } from '@peerconn/sdk';
import { adminOk, errorOf, refusal, sdkSuite, setup, signed, TWO_REGIONS, type Who } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const suite = sdkSuite({ ...TWO_REGIONS, quotaPerVpc: 3, quotaPerAccount: 40 });
const pc = (w: Who, region = 'bj') => new PeerConnClient(suite.config(w, region));
const vpcs = (w: Who, region = 'bj') => new VpcClient(suite.config(w, region));
let cidr = 0;

async function vpc(w: Who, region = 'bj'): Promise<string> {
  cidr += 1;
  return (await setup(vpcs(w, region).createVpc({ name: `r${cidr}`, cidr: `10.${cidr % 250}.0.0/16` })))
    .vpcId;
}

async function statusOf(w: Who, peerConnId: string, region = 'bj'): Promise<string> {
  return (await setup(pc(w, region).getPeerConn({ peerConnId }))).status;
}

const postpaid = { paymentTiming: 'Postpaid' as const };
const prepaid = {
  paymentTiming: 'Prepaid' as const,
  reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
};

/** Same account, same region, active at once (timing is immediate). */
async function sameAccount(extra: Record<string, unknown> = {}) {
  const local = await vpc('a');
  const peer = await vpc('a');
  const { peerConnId } = await setup(
    pc('a').createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: local,
      peerVpcId: peer,
      peerRegion: 'bj',
      billing: postpaid,
      ...extra,
    }),
  );
  assert.equal(await statusOf('a', peerConnId), 'active', 'setup: same-account is active at once');
  return { peerConnId, local, peer };
}

/** A (bj) → B (gz), left in consulting unless accepted. */
async function crossAccount(options: { accept?: boolean; billing?: typeof prepaid | typeof postpaid } = {}) {
  const local = await vpc('a');
  const peer = await vpc('b', 'gz');
  const { peerConnId } = await setup(
    pc('a').createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: local,
      peerVpcId: peer,
      peerRegion: 'gz',
      peerAccountId: suite.server.b.accountId,
      billing: options.billing ?? postpaid,
    }),
  );
  assert.equal(await statusOf('a', peerConnId), 'consulting', 'setup: the request waits in consulting');
  if (options.accept) {
    await setup(pc('b', 'gz').acceptPeerConn({ peerConnId }));
    assert.equal(await statusOf('a', peerConnId), 'active', 'setup: the accepted connection is active');
  }
  return { peerConnId, local, peer };
}

function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  return adminOk(suite.server.adminUrl, method, path, body);
}

type Scenario = [rule: string, status: number, code: string, run: () => Promise<unknown>];

const scenarios: Scenario[] = [
  // create: shapes and values
  [
    'bandwidth outside 1–10000',
    400,
    'InvalidBandwidth',
    async () => {
      const [l, p] = [await vpc('a'), await vpc('a')];
      return pc('a').createPeerConn({
        bandwidthInMbps: 0,
        localVpcId: l,
        peerVpcId: p,
        peerRegion: 'bj',
        billing: postpaid,
      });
    },
  ],
  [
    'reservationLength not 1–9/12/24/36',
    400,
    'InappropriateJSON',
    async () => {
      const [l, p] = [await vpc('a'), await vpc('a', 'gz')];
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: l,
        peerVpcId: p,
        peerRegion: 'gz',
        billing: { ...prepaid, reservation: { reservationLength: 10, reservationTimeUnit: 'Month' } },
      });
    },
  ],
  [
    'local VPC of another account',
    404,
    'NoSuchObject',
    async () => {
      const [l, p] = [await vpc('b'), await vpc('a')];
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: l,
        peerVpcId: p,
        peerRegion: 'bj',
        billing: postpaid,
      });
    },
  ],
  [
    'local VPC = peer VPC',
    400,
    'InvalidPeerVpc',
    async () => {
      const l = await vpc('a');
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: l,
        peerVpcId: l,
        peerRegion: 'bj',
        billing: postpaid,
      });
    },
  ],
  [
    'peer VPC not in peerRegion of peerAccountId',
    400,
    'InvalidPeerVpc',
    async () => {
      const [l, p] = [await vpc('a'), await vpc('b', 'gz')];
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: l,
        peerVpcId: p,
        peerRegion: 'bj',
        peerAccountId: suite.server.b.accountId,
        billing: postpaid,
      });
    },
  ],
  [
    'peerIfName on a cross-account create',
    400,
    'InappropriateJSON',
    async () => {
      const [l, p] = [await vpc('a'), await vpc('b', 'gz')];
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: l,
        peerVpcId: p,
        peerRegion: 'gz',
        peerAccountId: suite.server.b.accountId,
        peerIfName: 'theirs',
        billing: postpaid,
      });
    },
  ],
  [
    'same region is Postpaid only',
    400,
    'InvalidBilling',
    async () => {
      const [l, p] = [await vpc('a'), await vpc('a')];
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: l,
        peerVpcId: p,
        peerRegion: 'bj',
        billing: prepaid,
      });
    },
  ],
  [
    'both VPCs relay',
    400,
    'RelayVpcPeeringNotAllowed',
    async () => {
      const [l, p] = [await vpc('a'), await vpc('a')];
      await setup(vpcs('a').openVpcRelay({ vpcId: l }));
      await setup(vpcs('a').openVpcRelay({ vpcId: p }));
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: l,
        peerVpcId: p,
        peerRegion: 'bj',
        billing: postpaid,
      });
    },
  ],
  [
    'one connection per VPC pair, either direction',
    409,
    'PeerConnAlreadyExists',
    async () => {
      const { local, peer } = await sameAccount();
      return pc('a').createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: peer,
        peerVpcId: local,
        peerRegion: 'bj',
        billing: postpaid,
      });
    },
  ],
  [
    'quota per VPC (configured 3)',
    400,
    'PeerConnQuotaExceeded',
    async () => {
      const hub = await vpc('a');
      const create = async () =>
        pc('a').createPeerConn({
          bandwidthInMbps: 10,
          localVpcId: hub,
          peerVpcId: await vpc('a'),
          peerRegion: 'bj',
          billing: postpaid,
        });
      for (let i = 0; i < 3; i++) await setup(create());
      return create();
    },
  ],
  // accept / reject
  [
    'accept by the initiator',
    403,
    'OperationNotPermitted',
    async () => pc('a').acceptPeerConn({ peerConnId: (await crossAccount()).peerConnId }),
  ],
  [
    'reject of a same-account connection',
    403,
    'OperationNotPermitted',
    async () => pc('a').rejectPeerConn({ peerConnId: (await sameAccount()).peerConnId }),
  ],
  [
    'accept outside consulting',
    409,
    'InvalidPeerConnStatus',
    async () =>
      pc('b', 'gz').acceptPeerConn({ peerConnId: (await crossAccount({ accept: true })).peerConnId }),
  ],
  // initiator-only operations of cross-account connections
  [
    'release by the acceptor',
    403,
    'OperationNotPermitted',
    async () =>
      pc('b', 'gz').deletePeerConn({ peerConnId: (await crossAccount({ accept: true })).peerConnId }),
  ],
  [
    'resize by the acceptor',
    403,
    'OperationNotPermitted',
    async () =>
      pc('b', 'gz').resizePeerConn({
        peerConnId: (await crossAccount({ accept: true })).peerConnId,
        newBandwidthInMbps: 20,
      }),
  ],
  [
    'renew by the acceptor',
    403,
    'OperationNotPermitted',
    async () =>
      pc('b', 'gz').renewPeerConn({
        peerConnId: (await crossAccount({ accept: true, billing: prepaid })).peerConnId,
        billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'Month' } },
      }),
  ],
  [
    'refund by the acceptor',
    403,
    'OperationNotPermitted',
    async () =>
      pc('b', 'gz').refundPeerConn({
        peerConnId: (await crossAccount({ accept: true, billing: prepaid })).peerConnId,
      }),
  ],
  // billing and protection
  [
    'release while deleteProtect',
    409,
    'DeleteProtected',
    async () =>
      pc('a').deletePeerConn({ peerConnId: (await sameAccount({ deleteProtect: true })).peerConnId }),
  ],
  [
    'release of an active unexpired Prepaid',
    409,
    'PrepaidReleaseNotAllowed',
    async () =>
      pc('a').deletePeerConn({
        peerConnId: (await crossAccount({ accept: true, billing: prepaid })).peerConnId,
      }),
  ],
  [
    'renew of a Postpaid',
    400,
    'InvalidBilling',
    async () =>
      pc('a').renewPeerConn({
        peerConnId: (await sameAccount()).peerConnId,
        billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'Month' } },
      }),
  ],
  [
    'refund of a Postpaid',
    400,
    'InvalidBilling',
    async () => pc('a').refundPeerConn({ peerConnId: (await sameAccount()).peerConnId }),
  ],
  [
    'Prepaid resize downward',
    400,
    'BandwidthDowngradeNotAllowed',
    async () =>
      pc('a').resizePeerConn({
        peerConnId: (await crossAccount({ accept: true, billing: prepaid })).peerConnId,
        newBandwidthInMbps: 5,
      }),
  ],
  [
    'resize bandwidth out of range',
    400,
    'InvalidBandwidth',
    async () =>
      pc('a').resizePeerConn({ peerConnId: (await sameAccount()).peerConnId, newBandwidthInMbps: 10_001 }),
  ],
  [
    'resize outside active',
    409,
    'InvalidPeerConnStatus',
    async () =>
      pc('a').resizePeerConn({ peerConnId: (await crossAccount()).peerConnId, newBandwidthInMbps: 20 }),
  ],
  // DNS sync
  [
    'DNS open on a connection that is not active',
    409,
    'InvalidPeerConnStatus',
    async () =>
      pc('a').openPeerConnDnsSync({ peerConnId: (await crossAccount()).peerConnId, role: 'initiator' }),
  ],
  [
    'DNS open for a side the caller does not own',
    403,
    'OperationNotPermitted',
    async () =>
      pc('a').openPeerConnDnsSync({
        peerConnId: (await crossAccount({ accept: true })).peerConnId,
        role: 'acceptor',
      }),
  ],
  [
    'DNS open while syncing',
    409,
    'InvalidDnsStatus',
    async () => {
      const { peerConnId } = await sameAccount();
      await admin('PUT', '/timing', { transitions: { dnsOpen: { mode: 'manual' } } });
      try {
        await setup(pc('a').openPeerConnDnsSync({ peerConnId, role: 'initiator' }));
        await admin('POST', '/transitions/run', { peerConnId });
        const side = await setup(pc('a').getPeerConn({ peerConnId, role: 'initiator' }));
        assert.equal(side.dnsStatus, 'syncing');
        return await pc('a').openPeerConnDnsSync({ peerConnId, role: 'initiator' });
      } finally {
        await admin('PUT', '/timing', { transitions: { dnsOpen: { mode: 'immediate' } } });
      }
    },
  ],
  // visibility
  [
    'a third account reading a connection',
    404,
    'NoSuchObject',
    async () => pc('c').getPeerConn({ peerConnId: (await sameAccount()).peerConnId }),
  ],
  [
    'a third account releasing a connection',
    404,
    'NoSuchObject',
    async () => pc('c').deletePeerConn({ peerConnId: (await sameAccount()).peerConnId }),
  ],
  [
    'the owner at the other region’s endpoint',
    404,
    'NoSuchObject',
    async () => pc('a', 'gz').getPeerConn({ peerConnId: (await sameAccount()).peerConnId }),
  ],
  [
    'update naming an interface of the other account',
    400,
    'InappropriateJSON',
    async () => {
      const { peerConnId } = await crossAccount({ accept: true });
      const theirs = await setup(pc('b', 'gz').getPeerConn({ peerConnId }));
      return pc('a').updatePeerConn({ peerConnId, localIfId: theirs.localIfId, description: 'x' });
    },
  ],
  // idempotency, VPCs, listing
  [
    'same clientToken, different request',
    403,
    'IdempotentParameterMismatch',
    async () => {
      const { peerConnId } = await sameAccount();
      await setup(
        pc('a').resizePeerConn({
          peerConnId,
          newBandwidthInMbps: 20,
          clientToken: `rules-${peerConnId}`,
        }),
      );
      return pc('a').resizePeerConn({
        peerConnId,
        newBandwidthInMbps: 30,
        clientToken: `rules-${peerConnId}`,
      });
    },
  ],
  [
    'delete a VPC that has peerings',
    409,
    'VpcInUse',
    async () => vpcs('a').deleteVpc({ vpcId: (await sameAccount()).local }),
  ],
  [
    'VPC CIDR with host bits set',
    400,
    'InvalidCidr',
    async () => vpcs('a').createVpc({ name: 'bad', cidr: '10.0.0.1/16' }),
  ],
  ['a VPC of another account', 404, 'NoSuchObject', async () => vpcs('b').getVpc({ vpcId: await vpc('a') })],
  ['maxKeys 0', 400, 'InvalidParameter', async () => pc('a').listPeerConns({ maxKeys: 0 })],
  [
    'a marker of another account',
    400,
    'InvalidParameter',
    async () => {
      const { peerConnId } = await sameAccount();
      const mine = await setup(pc('a').getPeerConn({ peerConnId }));
      return pc('b').listPeerConns({ marker: mine.localIfId });
    },
  ],
];

// Codes with more than one cause: the message must name the one the scenario is about (the account quota of
// 40 is shared by every scenario here, so a per-VPC refusal must not be confused with it).
const causes: Record<string, RegExp> = {
  'local VPC = peer VPC': /must differ from the local VPC/,
  'peer VPC not in peerRegion of peerAccountId': /was not found in region bj of account/,
  'quota per VPC (configured 3)':
    /^Quota exceeded: VPC vpc-\S+ already has 3 peering connections \(limit 3\)/,
  'accept outside consulting': /it is active, and only a consulting request can be answered/,
  'resize outside active': /while it is consulting/,
  'DNS open on a connection that is not active': /while it is consulting/,
  'DNS open while syncing': /DNS sync of the initiator side is syncing/,
};
const ambiguous = new Set([
  'InvalidPeerVpc',
  'PeerConnQuotaExceeded',
  'InvalidPeerConnStatus',
  'InvalidDnsStatus',
]);

test('every pinned cause belongs to a scenario', () => {
  const rules = new Set(scenarios.map(([rule]) => rule));
  assert.deepEqual(
    Object.keys(causes).filter((rule) => !rules.has(rule)),
    [],
  );
});

describe('every rule through the SDK over HTTP', () => {
  for (const [rule, status, code, run] of scenarios) {
    test(`${rule} → ${code} ${status}`, async () => {
      const error = await refusal(run(), status, code);
      assert.ok(error.message.length > 0);
      const cause = causes[rule];
      assert.ok(cause || !ambiguous.has(code), `${code} has several causes: pin this one's message`);
      if (cause) assert.match(error.message, cause);
    });
  }

  test('a third account and a missing id get the same not-found message', async () => {
    const { peerConnId } = await sameAccount();
    const missing = 'peerconn-000000000000';
    const texts = await Promise.all(
      [pc('c').getPeerConn({ peerConnId }), pc('c').getPeerConn({ peerConnId: missing })].map((p) =>
        p.catch((e: BceServiceError) => e.message),
      ),
    );
    assert.equal(texts[0], (texts[1] as string).replace(missing, peerConnId));
  });

  test('the happy paths the refusals guard still succeed', async () => {
    const { peerConnId } = await crossAccount({ billing: prepaid });
    await pc('b', 'gz').acceptPeerConn({ peerConnId });
    await pc('a').resizePeerConn({ peerConnId, newBandwidthInMbps: 50 });
    await pc('a').renewPeerConn({
      peerConnId,
      billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'month' } },
    });
    await pc('b', 'gz').openPeerConnDnsSync({ peerConnId, role: 'acceptor' });
    assert.equal((await pc('b', 'gz').getPeerConn({ peerConnId })).dnsStatus, 'open');
    await pc('a').refundPeerConn({ peerConnId });
    const gone = await pc('a')
      .getPeerConn({ peerConnId })
      .catch((e: unknown) => e);
    assert.ok(gone instanceof BceServiceError && gone.code === 'NoSuchObject');
  });

  test('7 days without an answer → consult_failed for the initiator, gone for the acceptor', async () => {
    const { peerConnId } = await crossAccount();
    await admin('POST', '/clock', { advance: '7d' });
    await admin('POST', '/clock', { advance: '1s' });
    assert.equal((await pc('a').getPeerConn({ peerConnId })).status, 'consult_failed');
    const acceptor = await pc('b', 'gz')
      .getPeerConn({ peerConnId })
      .catch((e: unknown) => e);
    assert.ok(acceptor instanceof BceServiceError && acceptor.code === 'NoSuchObject');
  });
});

describe('the Host header selects the region', () => {
  test('bcc.<region>.baidubce.com (any case, with a port) wins over the listener region', async () => {
    const bjPort = (suite.server.listeners.find((l) => l.region === 'bj') as { port: number }).port;
    for (const host of ['bcc.gz.baidubce.com', 'BCC.GZ.BAIDUBCE.COM:8080']) {
      const res = await signed({
        port: bjPort,
        method: 'POST',
        target: '/v1/vpc',
        body: JSON.stringify({ name: 'by-host', cidr: '192.168.0.0/16' }),
        credential: suite.server.a,
        host,
      });
      assert.equal(res.status, 200, res.text);
      const { vpcId } = res.json as { vpcId: string };
      // The gz listener sees it, the bj listener does not.
      assert.equal((await vpcs('a', 'gz').getVpc({ vpcId })).vpc.vpcId, vpcId);
      const inBj = await vpcs('a', 'bj')
        .getVpc({ vpcId })
        .catch((e: unknown) => e);
      assert.ok(inBj instanceof BceServiceError && inBj.code === 'NoSuchObject', String(inBj));
    }
    // Any other host falls back to the listener's region.
    const plain = await signed({
      port: bjPort,
      method: 'POST',
      target: '/v1/vpc',
      body: JSON.stringify({ name: 'by-listener', cidr: '192.168.0.0/16' }),
      credential: suite.server.a,
      host: 'peerconn.example.test',
    });
    assert.equal(plain.status, 200, plain.text);
    const { vpcId } = plain.json as { vpcId: string };
    assert.equal((await vpcs('a', 'bj').getVpc({ vpcId })).vpc.vpcId, vpcId);
    const wrong = await signed({
      port: bjPort,
      method: 'GET',
      target: `/v1/vpc/${vpcId}`,
      credential: suite.server.a,
      host: 'bcc.gz.baidubce.com',
    });
    assert.deepEqual(errorOf(wrong), { status: 404, code: 'NoSuchObject', requestIdMatches: true });
  });
});
