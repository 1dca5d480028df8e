// An independent client: @baiducloud/sdk's BceBaseClient (its own signer, its own HTTP stack) drives VPCs
// and a cross-account peering through create, read, accept, resize and delete.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

interface BceResponse {
  http_headers: Record<string, string>;
  body: unknown;
}
interface BceBaseClientLike {
  sendRequest(
    method: string,
    path: string,
    args?: { params?: Record<string, string>; body?: string; headers?: Record<string, string> },
  ): Promise<BceResponse>;
}
type BceBaseClientCtor = new (
  config: { endpoint: string; credentials: { ak: string; sk: string } },
  serviceId: string,
  regionSupported: boolean,
) => BceBaseClientLike;

// The package is CommonJS without types for BceBaseClient; the shape used here is the one it has at 1.0.7.
const bce = createRequire(import.meta.url)('@baiducloud/sdk') as { BceBaseClient: BceBaseClientCtor };

let server: TestServer;
let clientA: BceBaseClientLike;
let clientB: BceBaseClientLike;

before(async () => {
  server = await startTestServer();
  const make = (c: { accessKeyId: string; secretAccessKey: string }) =>
    new bce.BceBaseClient(
      { endpoint: server.url, credentials: { ak: c.accessKeyId, sk: c.secretAccessKey } },
      'bcc',
      false,
    );
  clientA = make(server.a);
  clientB = make(server.b);
});
after(async () => {
  await server.close();
});

const json = { 'Content-Type': 'application/json; charset=UTF-8' };
let token = 0;
const t = () => `bce-sdk-${++token}`;

async function body<T>(p: Promise<BceResponse>): Promise<T> {
  return (await p).body as T;
}

test('BceBaseClient: VPCs, cross-account create, get, accept, resize, delete', async () => {
  const vpcA = await body<{ vpcId: string }>(
    clientA.sendRequest('POST', '/v1/vpc', {
      params: { clientToken: t() },
      body: JSON.stringify({ name: 'a', cidr: '10.10.0.0/16' }),
      headers: json,
    }),
  );
  const vpcB = await body<{ vpcId: string }>(
    clientB.sendRequest('POST', '/v1/vpc', {
      params: { clientToken: t() },
      body: JSON.stringify({ name: 'b', cidr: '10.20.0.0/16' }),
      headers: json,
    }),
  );
  const created = await body<{ peerConnId: string }>(
    clientA.sendRequest('POST', '/v1/peerconn', {
      params: { clientToken: t() },
      headers: json,
      body: JSON.stringify({
        bandwidthInMbps: 10,
        localVpcId: vpcA.vpcId,
        peerVpcId: vpcB.vpcId,
        peerAccountId: server.b.accountId,
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      }),
    }),
  );
  assert.match(created.peerConnId, /^peerconn-/);

  const seenByB = await body<{ role: string; status: string; localVpcId: string }>(
    clientB.sendRequest('GET', `/v1/peerconn/${created.peerConnId}`, {
      params: { role: 'acceptor' },
      headers: json,
    }),
  );
  assert.equal(seenByB.role, 'acceptor');
  assert.equal(seenByB.status, 'consulting');
  assert.equal(seenByB.localVpcId, vpcB.vpcId);

  await clientB.sendRequest('PUT', `/v1/peerconn/${created.peerConnId}`, {
    params: { accept: '', clientToken: t() },
    headers: json,
  });
  const active = await body<{ status: string }>(
    clientA.sendRequest('GET', `/v1/peerconn/${created.peerConnId}`, {
      params: { role: 'initiator' },
      headers: json,
    }),
  );
  assert.equal(active.status, 'active');

  await clientA.sendRequest('PUT', `/v1/peerconn/${created.peerConnId}`, {
    params: { resize: '', clientToken: t() },
    headers: json,
    body: JSON.stringify({ newBandwidthInMbps: 50 }),
  });
  const resized = await body<{ bandwidthInMbps: number }>(
    clientA.sendRequest('GET', `/v1/peerconn/${created.peerConnId}`, { headers: json }),
  );
  assert.equal(resized.bandwidthInMbps, 50);

  await clientA.sendRequest('DELETE', `/v1/peerconn/${created.peerConnId}`, {
    params: { clientToken: t() },
    headers: json,
  });
  await assert.rejects(
    clientA.sendRequest('GET', `/v1/peerconn/${created.peerConnId}`, { headers: json }),
    (err: Record<string, unknown>) => {
      assert.equal(err.status_code, 404);
      assert.equal(err.code, 'NoSuchObject');
      assert.ok(err.request_id);
      return true;
    },
  );
});

test('BceBaseClient with a wrong secret gets SignatureDoesNotMatch', async () => {
  const bad = new bce.BceBaseClient(
    { endpoint: server.url, credentials: { ak: server.a.accessKeyId, sk: 'nope' } },
    'bcc',
    false,
  );
  await assert.rejects(
    bad.sendRequest('GET', '/v1/vpc', { headers: json }),
    (err: Record<string, unknown>) => {
      assert.equal(err.status_code, 400);
      assert.equal(err.code, 'SignatureDoesNotMatch');
      return true;
    },
  );
});
