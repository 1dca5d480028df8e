// Our SDK against the server: a cross-account, cross-region lifecycle over two listeners, waiters on the
// intermediate states, time control, and fault injection exercising the SDK's retries.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BceServiceError,
  PeerConnClient,
  paginatePeerConns,
  VpcClient,
  waitUntilDnsSyncOpen,
  waitUntilPeerConnActive,
  waitUntilPeerConnDeleted,
} from '@peerconn/sdk';
import { regionUrl, startTestServer, type TestServer, TWO_REGIONS } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

let server: TestServer;
let bj: string;
let gz: string;

before(async () => {
  server = await startTestServer({
    ...TWO_REGIONS,
    timing: {
      create: { mode: 'delay', delayMs: 150 },
      accept: { mode: 'delay', delayMs: 150 },
      update: { mode: 'delay', delayMs: 150 },
      delete: { mode: 'delay', delayMs: 150 },
      dnsOpen: { mode: 'delay', delayMs: 150 },
      dnsClose: { mode: 'immediate' },
    },
  });
  bj = regionUrl(server, 'bj');
  gz = regionUrl(server, 'gz');
});
after(async () => {
  await server.close();
});

const fast = { baseDelayMs: 5, maxDelayMs: 20 };
const waitFast = { maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 };

function clients(endpoint: string, who: { accessKeyId: string; secretAccessKey: string }) {
  const config = { endpoint, credentials: who, retry: fast, env: {} };
  return { peerconn: new PeerConnClient(config), vpc: new VpcClient(config) };
}

test('cross-account, cross-region lifecycle through two listeners', async () => {
  const a = clients(bj, server.a);
  const b = clients(gz, server.b);
  const { vpcId: vpcA } = await a.vpc.createVpc({ name: 'a-bj', cidr: '10.100.0.0/16' });
  const { vpcId: vpcB } = await b.vpc.createVpc({ name: 'b-gz', cidr: '10.200.0.0/16' });

  const { peerConnId } = await a.peerconn.createPeerConn({
    bandwidthInMbps: 10,
    localVpcId: vpcA,
    peerVpcId: vpcB,
    peerRegion: 'gz',
    peerAccountId: server.b.accountId,
    billing: {
      paymentTiming: 'Prepaid',
      reservation: { reservationLength: 1, reservationTimeUnit: 'month' },
    },
  });

  const initiator = await a.peerconn.getPeerConn({ peerConnId, role: 'initiator' });
  assert.equal(initiator.localRegion, 'bj');
  assert.equal(initiator.peerRegion, 'gz');
  assert.equal(initiator.peerAccountId, server.b.accountId);

  // The acceptor sees its own side, from its own region's endpoint, once creation has finished.
  let acceptorView = await b.peerconn.getPeerConn({ peerConnId, role: 'acceptor' });
  // A deadline, not a count of short sleeps: the 150 ms transition may run late on a loaded machine.
  const deadline = Date.now() + 10_000;
  while (acceptorView.status !== 'consulting' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    acceptorView = await b.peerconn.getPeerConn({ peerConnId, role: 'acceptor' });
  }
  assert.equal(acceptorView.status, 'consulting');
  assert.equal(acceptorView.localVpcId, vpcB);
  assert.equal(acceptorView.localRegion, 'gz');

  const notYours = await a.peerconn.acceptPeerConn({ peerConnId }).catch((e: unknown) => e);
  assert.ok(notYours instanceof BceServiceError);
  assert.equal(notYours.code, 'OperationNotPermitted');

  await b.peerconn.acceptPeerConn({ peerConnId });
  const active = await waitUntilPeerConnActive(
    { client: a.peerconn, ...waitFast },
    { peerConnId, role: 'initiator' },
  );
  assert.equal(active.result?.status, 'active');

  await a.peerconn.openPeerConnDnsSync({ peerConnId, role: 'initiator' });
  const open = await waitUntilDnsSyncOpen(
    { client: a.peerconn, ...waitFast },
    { peerConnId, role: 'initiator' },
  );
  assert.equal(open.result?.dnsStatus, 'open');

  await a.peerconn.resizePeerConn({ peerConnId, newBandwidthInMbps: 40 });
  await waitUntilPeerConnActive({ client: a.peerconn, ...waitFast }, { peerConnId, role: 'initiator' });
  assert.equal((await b.peerconn.getPeerConn({ peerConnId, role: 'acceptor' })).bandwidthInMbps, 40);

  const before = (await a.peerconn.getPeerConn({ peerConnId })).expiredTime;
  await a.peerconn.renewPeerConn({
    peerConnId,
    billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'Month' } },
  });
  const after = (await a.peerconn.getPeerConn({ peerConnId })).expiredTime;
  assert.ok(before && after && Date.parse(after) > Date.parse(before), `${before} → ${after}`);

  const refused = await a.peerconn.deletePeerConn({ peerConnId }).catch((e: unknown) => e);
  assert.ok(refused instanceof BceServiceError);
  assert.equal(refused.code, 'PrepaidReleaseNotAllowed');

  // Past its (renewed) expiry the prepaid connection expires on the virtual clock and can be released.
  await server.engine.setClock({ advanceMs: 70 * 24 * 3600_000 });
  await server.engine.runTransitions();
  assert.equal((await a.peerconn.getPeerConn({ peerConnId })).status, 'expired');
  await a.peerconn.deletePeerConn({ peerConnId });
  await waitUntilPeerConnDeleted({ client: a.peerconn, ...waitFast }, { peerConnId });
  const gone = await b.peerconn.getPeerConn({ peerConnId }).catch((e: unknown) => e);
  assert.ok(gone instanceof BceServiceError);
  assert.equal(gone.code, 'NoSuchObject');
  assert.equal(gone.statusCode, 404);
});

test('pagination and the Host header selecting the region', async () => {
  const a = clients(bj, server.a);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++)
    ids.push((await a.vpc.createVpc({ name: `p${i}`, cidr: `10.${150 + i}.0.0/16` })).vpcId);
  const hub = (await a.vpc.createVpc({ name: 'hub', cidr: '10.160.0.0/16' })).vpcId;
  for (const id of ids) {
    await a.peerconn.createPeerConn({
      bandwidthInMbps: 5,
      localVpcId: hub,
      peerVpcId: id,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
  }
  const seen: string[] = [];
  for await (const pc of paginatePeerConns(a.peerconn, { vpcId: hub, maxKeys: 1 })) seen.push(pc.peerVpcId);
  assert.deepEqual(seen.sort(), [...ids].sort());
});

test('fault injection: the SDK retries injected 503s and reports the attempts', async () => {
  const a = clients(bj, server.a);
  const { vpcId } = await a.vpc.createVpc({ name: 'retry', cidr: '10.170.0.0/16' });
  const res = await fetch(`${server.adminUrl}/faults`, {
    method: 'POST',
    body: JSON.stringify({ operation: 'getVpc', status: 503, times: 2 }),
  });
  assert.equal(res.status, 200);
  const got = await a.vpc.getVpc({ vpcId });
  assert.equal(got.vpc.vpcId, vpcId);
  assert.equal(got.$metadata.attempts, 3);

  await fetch(`${server.adminUrl}/faults`, {
    method: 'POST',
    body: JSON.stringify({ operation: 'getVpc', status: 503, times: 10 }),
  });
  const noRetries = new VpcClient({
    endpoint: bj,
    credentials: server.a,
    retry: fast,
    maxRetries: 1,
    env: {},
  });
  const failed = await noRetries.getVpc({ vpcId }).catch((e: unknown) => e);
  assert.ok(failed instanceof BceServiceError);
  assert.equal(failed.code, 'ServiceUnavailable');
  assert.equal(failed.statusCode, 503);
  await fetch(`${server.adminUrl}/faults`, { method: 'DELETE' });

  // A mutating call retried after a 500 reuses its clientToken, so the side effect happens once.
  await fetch(`${server.adminUrl}/faults`, {
    method: 'POST',
    body: JSON.stringify({ operation: 'createVpc', status: 500, times: 1 }),
  });
  const before = (await a.vpc.listVpcs({})).vpcs.length;
  const created = await a.vpc.createVpc({ name: 'once', cidr: '10.171.0.0/16' });
  assert.equal(created.$metadata.attempts, 2);
  assert.equal((await a.vpc.listVpcs({})).vpcs.length, before + 1);
});

test('path parameters that need URI-encoding are signed so the server verifies them', async () => {
  const a = clients(bj, server.a);
  // None of these exists: past authentication the server can only answer NoSuchObject / not found.
  for (const peerConnId of ['a b', 'x/y', '测试', "it's(1)"]) {
    const error = await a.peerconn.getPeerConn({ peerConnId }).catch((e: unknown) => e);
    assert.ok(error instanceof BceServiceError, String(error));
    assert.equal(error.code, 'NoSuchObject', `${JSON.stringify(peerConnId)}: ${error.message}`);
  }
  const vpcError = await a.vpc.getVpc({ vpcId: 'vpc with space' }).catch((e: unknown) => e);
  assert.ok(vpcError instanceof BceServiceError);
  assert.notEqual(vpcError.code, 'SignatureDoesNotMatch', vpcError.message);
});
