// Replays what the official Terraform provider (baiducloud_peer_conn and baiducloud_peer_conn_acceptor) does
// through bce-sdk-go, against the server, with the provider's own pending/target sets. "Terraform-style
// automation runs against the server unchanged" is only true if every state these waits observe is one the
// provider expects, and every not-found looks the way the provider recognises it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '@peerconn/server';
import {
  type CreatePeerConnArgs,
  GoClientError,
  type GoPeerConn,
  GoServiceError,
  GoVpcClient,
} from './go-style-client.ts';

// ---- the provider's machinery, rebuilt from its behaviour ----

/** What the provider's refresh functions hand to resource.StateChangeConf. */
interface Refreshed {
  result: GoPeerConn | 0 | undefined;
  state: string;
}

class UnexpectedStateError extends Error {}

/**
 * resource.StateChangeConf.WaitForState with Delay 0 and a short fixed poll instead of the provider's 10 s / 3 s
 * (timing is the only thing changed): a state in neither set fails the wait, a nil result counts towards
 * NotFoundChecks (20), the first target state ends it. Returns every state observed, in order.
 */
async function waitForState(
  pending: readonly string[],
  target: readonly string[],
  refresh: () => Promise<Refreshed>,
  { pollMs = 40, timeoutMs = 5000 } = {},
): Promise<{ states: string[]; result: Refreshed['result'] }> {
  const states: string[] = [];
  const deadline = Date.now() + timeoutMs;
  let notFound = 0;
  for (;;) {
    const { result, state } = await refresh();
    if (result === undefined) {
      notFound += 1;
      if (notFound > 20) throw new Error(`resource not found after ${notFound} checks`);
    } else {
      states.push(state);
      if (target.includes(state)) return { states, result };
      if (!pending.includes(state)) {
        throw new UnexpectedStateError(
          `unexpected state '${state}', wanted target ${JSON.stringify(target)}; observed ${JSON.stringify(states)}`,
        );
      }
    }
    if (Date.now() > deadline)
      throw new Error(`timeout waiting for ${target}; observed ${JSON.stringify(states)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The provider's NotFoundError: a service error the server answered with 404. */
function isNotFound(error: unknown): boolean {
  return error instanceof GoServiceError && error.statusCode === 404;
}

/** IsExceptedErrors(err, PeerConnNotFound): the provider matches the text "EOF" in the error. */
function isPeerConnNotFoundEof(error: unknown): boolean {
  return error instanceof Error && error.message.includes('EOF');
}

/** VpcService.PeerConnStateRefresh: not-found (404 or EOF) becomes (0, "deleted"). */
function peerConnStateRefresh(client: GoVpcClient, id: string, role: string): () => Promise<Refreshed> {
  return async () => {
    try {
      const pc = await client.getPeerConnDetail(id, role);
      return { result: pc, state: pc.status };
    } catch (error) {
      if (isNotFound(error) || isPeerConnNotFoundEof(error)) return { result: 0, state: 'deleted' };
      throw error;
    }
  };
}

/** VpcService.PeerConnDNSStatusRefresh: no not-found mapping at all. */
function dnsStatusRefresh(client: GoVpcClient, id: string, role: string): () => Promise<Refreshed> {
  return async () => {
    const pc = await client.getPeerConnDetail(id, role);
    return { result: pc, state: pc.dnsStatus };
  };
}

const CREATE_PENDING = ['creating', 'starting'];
const CREATE_TARGET = ['active', 'consulting'];
const UPDATE_PENDING = ['updating'];
const UPDATE_TARGET = ['active', 'consulting'];
const DELETE_PENDING = ['deleting', 'consulting', 'consult_failed', 'active'];
const DELETE_TARGET = ['deleted'];
const DNS_OPEN_PENDING = ['wait', 'syncing', 'close'];
const DNS_CLOSE_PENDING = ['open', 'closing'];
/** The Read drift rule: any of these removes the resource from state. */
const GONE = ['deleted', 'deleting', 'expired', 'error', 'consult_failed', 'down'];

/** The attributes setAttributeForPeerConn stores, plus peer_if_name from the acceptor view. */
type PeerConnState = Record<string, string | number> | undefined;

function attributes(pc: GoPeerConn): Record<string, string | number> {
  return {
    role: pc.role,
    status: pc.status,
    bandwidth_in_mbps: pc.bandwidthInMbps,
    description: pc.description,
    local_if_id: pc.localIfId,
    local_if_name: pc.localIfName,
    local_vpc_id: pc.localVpcId,
    peer_account_id: pc.peerAccountId,
    peer_vpc_id: pc.peerVpcId,
    peer_region: pc.peerRegion,
    created_time: pc.createdTime,
    expired_time: pc.expiredTime,
    dns_status: pc.dnsStatus,
    payment_timing: pc.paymentTiming,
  };
}

/**
 * resourceBaiduCloudPeerConnRead: the initiator view decides existence (drift rule), then the acceptor view,
 * always and with the same credentials, fills peer_if_name. The provider asserts that second result to
 * *vpc.PeerConn, so a not-found there (mapped to the int 0) is a Go panic, not a clean error.
 */
async function readPeerConn(client: GoVpcClient, id: string): Promise<PeerConnState> {
  const { result, state } = await peerConnStateRefresh(client, id, 'initiator')();
  if (GONE.includes(state) || !result) return undefined;
  const out = attributes(result);
  const acceptor = await peerConnStateRefresh(client, id, 'acceptor')();
  if (!acceptor.result)
    throw new Error('panic: interface conversion: interface {} is int, not *vpc.PeerConn');
  out.peer_if_name = acceptor.result.localIfName;
  return out;
}

/** resourceBaiduCloudPeerConnCreate: create retried only on InternalError, then the create wait. */
async function createPeerConn(client: GoVpcClient, args: CreatePeerConnArgs) {
  let id: string | undefined;
  let attempts = 0;
  while (id === undefined) {
    attempts += 1;
    try {
      id = (await client.createPeerConn(args)).peerConnId;
    } catch (error) {
      if (error instanceof GoServiceError && error.code === 'InternalError' && attempts < 10) continue;
      throw error;
    }
  }
  const wait = await waitForState(
    CREATE_PENDING,
    CREATE_TARGET,
    peerConnStateRefresh(client, id, 'initiator'),
  );
  return { id, attempts, states: wait.states };
}

/** VpcService.OpenPeerConnDNSSync / ClosePeerConnDNSSync: skip when already there, retry while in motion. */
async function toggleDns(client: GoVpcClient, id: string, role: string, open: boolean): Promise<string[]> {
  const done = open ? 'open' : 'close';
  for (let i = 0; i < 100; i += 1) {
    const current = await client.getPeerConnDetail(id, role);
    if (current.dnsStatus === done) return [];
    if (['closing', 'syncing', 'wait'].includes(current.dnsStatus)) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      continue;
    }
    if (open) await client.openPeerConnSyncDNS(id, role, randomUUID());
    else await client.closePeerConnSyncDNS(id, role, randomUUID());
    // DNS steps are manual here: each poll applies the next one after reading, so the wait sees every state
    // it would see in the cloud, whatever the machine's load does to the poll's timing.
    const read = dnsStatusRefresh(client, id, role);
    const wait = await waitForState(open ? DNS_OPEN_PENDING : DNS_CLOSE_PENDING, [done], async () => {
      const seen = await read();
      await server.engine.runTransitions(id);
      return seen;
    });
    return wait.states;
  }
  throw new Error('DNS status never settled');
}

/** resourceBaiduCloudPeerConnDelete: a not-found on delete is success; otherwise wait for "deleted". */
async function deletePeerConn(client: GoVpcClient, id: string): Promise<string[]> {
  try {
    await client.deletePeerConn(id, randomUUID());
  } catch (error) {
    if (isNotFound(error) || isPeerConnNotFoundEof(error)) return [];
    throw error;
  }
  const wait = await waitForState(
    DELETE_PENDING,
    DELETE_TARGET,
    peerConnStateRefresh(client, id, 'initiator'),
  );
  return wait.states;
}

/** resourceBaiduCloudPeerConnAcceptorRead: the acceptor view, same drift rule. */
async function readAcceptor(client: GoVpcClient, id: string): Promise<PeerConnState> {
  const { result, state } = await peerConnStateRefresh(client, id, 'acceptor')();
  if (GONE.includes(state) || !result) return undefined;
  return attributes(result);
}

/** The acceptor resource's create/update: accept or reject only while its own view is consulting. */
async function applyAcceptor(
  client: GoVpcClient,
  id: string,
  mode: { autoAccept?: boolean; autoReject?: boolean },
): Promise<'accepted' | 'rejected' | 'nothing'> {
  assert.ok(await readAcceptor(client, id), `peer conn ${id} is not found`);
  const view = await client.getPeerConnDetail(id, 'acceptor');
  if (mode.autoAccept && view.status === 'consulting') {
    await client.acceptPeerConnApply(id, randomUUID());
    return 'accepted';
  }
  if (mode.autoReject && view.status === 'consulting') {
    await client.rejectPeerConnApply(id, randomUUID());
    return 'rejected';
  }
  return 'nothing';
}

/** Consecutive repeats removed: the wait polls faster than states change. */
function collapse(states: readonly string[]): string[] {
  return states.filter((s, i) => i === 0 || states[i - 1] !== s);
}

// ---- fixture ----

let server: RunningServer;
let dir: string;
let alice: GoVpcClient;
let bob: GoVpcClient;
let aliceId: string;
let bobId: string;
let cidrSeq = 0;

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${server.adminUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  assert.ok(res.ok, `admin ${method} ${path}: ${res.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

async function vpc(client: GoVpcClient): Promise<string> {
  cidrSeq += 1;
  return client.createVpc(`tf-${cidrSeq}`, `10.${cidrSeq}.0.0/16`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peerconn-tf-'));
  server = await startServer({
    port: 0,
    dataPath: join(dir, 'tf.db'),
    logLevel: 'silent',
    // Real delays where a state lasts until one transition (a poll right after the call sees it); the DNS
    // steps, two in a row, are manual and stepped by the DNS wait itself (toggleDns).
    timing: {
      create: { mode: 'delay', delayMs: 300 },
      accept: { mode: 'delay', delayMs: 300 },
      update: { mode: 'delay', delayMs: 300 },
      delete: { mode: 'delay', delayMs: 300 },
      dnsOpen: { mode: 'manual' },
      dnsClose: { mode: 'manual' },
    },
  });
  const [a, b] = server.accounts;
  assert.ok(a?.credentials[0] && b?.credentials[0], 'two demo accounts');
  aliceId = a.id;
  bobId = b.id;
  // Go's backoff schedule with a 20 ms base instead of 300 ms: same shape, shorter file.
  const retry = { maxErrorRetry: 3, baseIntervalMs: 20, maxDelayMs: 20_000 };
  alice = new GoVpcClient(server.url, a.credentials[0], retry);
  bob = new GoVpcClient(server.url, b.credentials[0], retry);
});

after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- flows ----

test('baiducloud_peer_conn, same account and region, Postpaid 20 Mbps: create, read, update, resize, DNS, delete', async () => {
  const local = await vpc(alice);
  const peer = await vpc(alice);
  const sentBefore = alice.http.sent.length;
  const token = randomUUID();
  const created = await createPeerConn(alice, {
    clientToken: token,
    bandwidthInMbps: 20,
    localIfName: 'if-local',
    localVpcId: local,
    peerVpcId: peer,
    peerRegion: 'bj',
    peerIfName: 'if-peer',
    billing: { paymentTiming: 'Postpaid' },
  });
  assert.equal(created.attempts, 1);
  assert.deepEqual(collapse(created.states), ['creating', 'active']);

  const createRequest = alice.http.sent[sentBefore];
  assert.equal(createRequest?.target, `/v1/peerconn?clientToken=${token}`);
  // omitempty: no description key; billing always present, reservation dropped for Postpaid.
  assert.equal(
    createRequest?.body,
    `{"bandwidthInMbps":20,"localIfName":"if-local","localVpcId":"${local}","peerVpcId":"${peer}","peerRegion":"bj","peerIfName":"if-peer","billing":{"paymentTiming":"Postpaid"}}`,
  );

  const state = await readPeerConn(alice, created.id);
  assert.ok(state, 'the connection is in state after create');
  assert.equal(state.bandwidth_in_mbps, 20);
  assert.equal(state.role, 'initiator');
  assert.equal(state.status, 'active');
  assert.equal(state.dns_status, 'close');
  assert.equal(state.peer_account_id, aliceId, 'same-account peerings still name the account');
  assert.match(String(state.local_if_id), /^qpif-[a-z0-9]{12}$/);
  assert.equal(state.local_if_name, 'if-local');
  assert.equal(state.peer_if_name, 'if-peer');
  assert.match(String(state.created_time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(state.expired_time, '', 'Postpaid has no expiry');
  assert.equal(state.payment_timing, 'Postpaid');

  // Update: description and local_if_name changed, LocalIfId from state, no clientToken (Go sends none).
  await alice.updatePeerConn(created.id, {
    localIfId: String(state.local_if_id),
    description: 'managed by terraform',
    localIfName: 'if-local-2',
  });
  const updated = await waitForState(
    UPDATE_PENDING,
    UPDATE_TARGET,
    peerConnStateRefresh(alice, created.id, 'initiator'),
  );
  assert.deepEqual(collapse(updated.states), ['updating', 'active']);

  await alice.resizePeerConn(created.id, 30);
  const resized = await waitForState(
    UPDATE_PENDING,
    UPDATE_TARGET,
    peerConnStateRefresh(alice, created.id, 'initiator'),
  );
  assert.deepEqual(collapse(resized.states), ['updating', 'active']);

  const afterUpdate = await readPeerConn(alice, created.id);
  assert.equal(afterUpdate?.bandwidth_in_mbps, 30);
  assert.equal(afterUpdate?.description, 'managed by terraform');
  assert.equal(afterUpdate?.local_if_name, 'if-local-2');
  assert.equal(afterUpdate?.peer_if_name, 'if-peer', 'updating one side leaves the other alone');

  const opening = await toggleDns(alice, created.id, 'initiator', true);
  assert.deepEqual(collapse(opening), ['wait', 'syncing', 'open']);
  const openRequest = alice.http.sent.find((r) => /[?&]open(&|$)/.test(r.target));
  assert.equal(openRequest?.body, '{"role":"initiator"}');
  assert.equal((await readPeerConn(alice, created.id))?.dns_status, 'open');
  assert.deepEqual(await toggleDns(alice, created.id, 'initiator', true), [], 'already open: no call');

  const closing = await toggleDns(alice, created.id, 'initiator', false);
  assert.deepEqual(collapse(closing), ['closing', 'close']);

  const deleting = await deletePeerConn(alice, created.id);
  assert.deepEqual(collapse(deleting), ['deleting', 'deleted']);
  assert.equal(await readPeerConn(alice, created.id), undefined, 'gone from state after delete');

  // The wire shape Go produces, checked on everything this flow sent.
  const sent = alice.http.sent.slice(sentBefore);
  assert.ok(sent.length > 0, 'the flow sent requests to check');
  const requestIds = new Set<string>();
  for (const r of sent) {
    const signed = r.headers.Authorization?.split('/')[4];
    assert.equal(
      signed,
      r.body === undefined ? 'content-type;host;x-bce-date' : 'content-length;content-type;host;x-bce-date',
      `${r.method} ${r.target}`,
    );
    assert.match(r.headers['x-bce-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    requestIds.add(r.headers['x-bce-request-id'] as string);
    if (r.method === 'GET') assert.equal(r.headers['Content-Length'], undefined);
  }
  assert.equal(requestIds.size, sent.length, 'a fresh request id on every request');
});

test('cross-account with baiducloud_peer_conn_acceptor: auto_accept, then delete (acceptor delete is a no-op)', async () => {
  const local = await vpc(alice);
  const peer = await vpc(bob);
  const created = await createPeerConn(alice, {
    clientToken: randomUUID(),
    bandwidthInMbps: 10,
    localVpcId: local,
    peerAccountId: bobId,
    peerVpcId: peer,
    peerRegion: 'bj',
    billing: { paymentTiming: 'Postpaid' },
  });
  assert.deepEqual(collapse(created.states), ['creating', 'consulting']);
  // The provider's Read asks for the acceptor view with the initiator's keys on cross-account peerings too.
  const initiatorState = await readPeerConn(alice, created.id);
  assert.equal(initiatorState?.status, 'consulting', 'consulting stays in state');
  assert.equal(
    initiatorState?.peer_if_name,
    (await bob.getPeerConnDetail(created.id, 'acceptor')).localIfName,
  );

  const acceptorView = await readAcceptor(bob, created.id);
  assert.equal(acceptorView?.role, 'acceptor');
  assert.equal(acceptorView?.peer_account_id, aliceId);
  assert.equal(await applyAcceptor(bob, created.id, { autoAccept: true }), 'accepted');

  // The initiator's next refresh: consulting → starting → active, nothing else.
  const activation = await waitForState(
    ['consulting', 'starting'],
    ['active'],
    peerConnStateRefresh(alice, created.id, 'initiator'),
  );
  assert.deepEqual(collapse(activation.states), ['starting', 'active']);
  assert.equal((await readAcceptor(bob, created.id))?.status, 'active');
  // A second apply of the acceptor resource must not accept again.
  assert.equal(await applyAcceptor(bob, created.id, { autoAccept: true }), 'nothing');

  // Destroy: the acceptor resource only leaves state and sends nothing, so the connection must still be up on
  // both sides until the initiator releases it.
  assert.equal((await readPeerConn(alice, created.id))?.status, 'active');
  assert.equal((await readAcceptor(bob, created.id))?.status, 'active');
  const deleting = await deletePeerConn(alice, created.id);
  assert.deepEqual(collapse(deleting), ['deleting', 'deleted']);
  assert.equal(await readAcceptor(bob, created.id), undefined, 'the acceptor view is gone too');
});

test('cross-account auto_reject: the initiator ends in consult_failed, which the Read drift rule treats as gone', async () => {
  const local = await vpc(alice);
  const peer = await vpc(bob);
  const created = await createPeerConn(alice, {
    clientToken: randomUUID(),
    bandwidthInMbps: 10,
    localVpcId: local,
    peerAccountId: bobId,
    peerVpcId: peer,
    peerRegion: 'bj',
    billing: { paymentTiming: 'Postpaid' },
  });
  assert.deepEqual(collapse(created.states), ['creating', 'consulting']);
  assert.equal(await applyAcceptor(bob, created.id, { autoReject: true }), 'rejected');

  assert.equal((await alice.getPeerConnDetail(created.id, 'initiator')).status, 'consult_failed');
  assert.equal(await readPeerConn(alice, created.id), undefined, 'consult_failed drops it from state');
  assert.equal(await readAcceptor(bob, created.id), undefined, 'the acceptor resource is gone as well');

  // A failed request still blocks the VPC pair until released; the delete wait accepts consult_failed.
  const deleting = await deletePeerConn(alice, created.id);
  assert.deepEqual(collapse(deleting), ['deleting', 'deleted']);
});

test('the "EOF" quirk: an empty 200 body on get ends the delete wait as deleted', async () => {
  const local = await vpc(alice);
  const peer = await vpc(alice);
  const created = await createPeerConn(alice, {
    clientToken: randomUUID(),
    bandwidthInMbps: 5,
    localVpcId: local,
    peerVpcId: peer,
    peerRegion: 'bj',
    billing: { paymentTiming: 'Postpaid' },
  });
  await alice.deletePeerConn(created.id, randomUUID());
  assert.equal((await alice.getPeerConnDetail(created.id, 'initiator')).status, 'deleting');

  await admin('POST', '/faults', { operation: 'getPeerConn', status: 200, emptyBody: true, times: 1 });
  // Go's decoder must see nothing at all: "{}" would decode to an empty status, an unexpected state.
  await assert.rejects(alice.getPeerConnDetail(created.id, 'initiator'), (e: unknown) => {
    assert.ok(e instanceof GoClientError);
    assert.equal(e.message, 'EOF');
    return true;
  });

  await admin('POST', '/faults', { operation: 'getPeerConn', status: 200, emptyBody: true, times: 1 });
  const wait = await waitForState(
    DELETE_PENDING,
    DELETE_TARGET,
    peerConnStateRefresh(alice, created.id, 'initiator'),
  );
  assert.deepEqual(wait.states, ['deleted']);
  assert.equal(wait.result, 0, 'ended by the not-found mapping, not by a real deleted status');
  assert.deepEqual(((await admin('GET', '/faults')) as { faults: unknown[] }).faults, []);
  // Outside the delete wait "deleted" is no target: the same EOF during an update wait fails the apply.
  const other = await createPeerConn(alice, {
    clientToken: randomUUID(),
    bandwidthInMbps: 5,
    localVpcId: await vpc(alice),
    peerVpcId: await vpc(alice),
    peerRegion: 'bj',
    billing: { paymentTiming: 'Postpaid' },
  });
  await alice.updatePeerConn(other.id, {
    localIfId: (await alice.getPeerConnDetail(other.id, 'initiator')).localIfId,
    description: 'x',
  });
  await admin('POST', '/faults', { operation: 'getPeerConn', status: 200, emptyBody: true, times: 1 });
  await assert.rejects(
    waitForState(UPDATE_PENDING, UPDATE_TARGET, peerConnStateRefresh(alice, other.id, 'initiator')),
    UnexpectedStateError,
  );
  await waitForState(UPDATE_PENDING, UPDATE_TARGET, peerConnStateRefresh(alice, other.id, 'initiator'));
  await deletePeerConn(alice, other.id);
});

test('create retried on InternalError with the same clientToken yields exactly one connection', async () => {
  const local = await vpc(alice);
  const peer = await vpc(alice);
  const token = randomUUID();
  const args: CreatePeerConnArgs = {
    clientToken: token,
    bandwidthInMbps: 20,
    localVpcId: local,
    peerVpcId: peer,
    peerRegion: 'bj',
    billing: { paymentTiming: 'Postpaid' },
  };
  // Four failures exhaust the Go SDK's own three retries, so the provider's Retry loop has to step in.
  await admin('POST', '/faults', { operation: 'createPeerConn', status: 500, times: 4 });
  const sentBefore = alice.http.sent.length;
  const created = await createPeerConn(alice, args);
  assert.equal(created.attempts, 2, 'one provider-level retry');
  const creates = alice.http.sent.slice(sentBefore).filter((r) => r.method === 'POST');
  assert.equal(creates.length, 5, '4 failed sends (1 + 3 Go retries) and the successful one');
  assert.ok(creates.every((r) => r.target === `/v1/peerconn?clientToken=${token}`));
  assert.deepEqual(collapse(created.states), ['creating', 'active']);

  // The answer to a create can be lost after the server acted; resending the same request must not duplicate.
  const again = await alice.createPeerConn(args);
  assert.equal(again.peerConnId, created.id);

  const listed = await alice.listPeerConn({ vpcId: local });
  assert.equal(listed.maxKeys, 1000);
  assert.deepEqual([...new Set(listed.peerConns.map((p) => p.peerConnId))], [created.id]);
  const listRequest = alice.http.sent.at(-1);
  assert.match(listRequest?.target ?? '', /maxKeys=1000/);

  // Anything but InternalError is not retried by the provider: a 409-class refusal surfaces at once.
  await assert.rejects(createPeerConn(alice, { ...args, clientToken: randomUUID() }), (e: unknown) => {
    assert.ok(e instanceof GoServiceError);
    assert.equal(e.code, 'PeerConnAlreadyExists');
    return true;
  });
  await deletePeerConn(alice, created.id);
});
