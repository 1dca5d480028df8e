// Puts state into a running server through its public surface only (the BCE API, and the admin API for
// accounts and snapshots): VPCs, and same-account peering connections (active at once under
// `--timing immediate`). Pairs are numbered so that connection k needs only VPCs
// 0..j(k), letting the VPC count grow with the connection count (one connection per VPC pair is the rule).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Account, ServerProcess } from './procs.ts';
import { forEachConcurrently, sendJson, sendOk, signedRequest, type WireRequest } from './wire.ts';

export function createVpcRequest(server: ServerProcess, account: Account, n: number): WireRequest {
  return signedRequest(
    account,
    server.host,
    'POST',
    '/v1/vpc',
    { clientToken: randomUUID() },
    { name: `bench-${n}`, cidr: `10.${(n >> 8) & 255}.${n & 255}.0/24` },
  );
}

export function createPeerConnRequest(
  server: ServerProcess,
  account: Account,
  localVpcId: string,
  peerVpcId: string,
): WireRequest {
  return signedRequest(
    account,
    server.host,
    'POST',
    '/v1/peerconn',
    { clientToken: randomUUID() },
    {
      bandwidthInMbps: 10,
      localVpcId,
      peerVpcId,
      peerRegion: server.region,
      billing: { paymentTiming: 'Postpaid' },
    },
  );
}

/** The k-th unordered pair (i < j) in the order (0,1), (0,2), (1,2), (0,3), … */
export function pairAt(k: number): [number, number] {
  let j = Math.floor((1 + Math.sqrt(1 + 8 * k)) / 2);
  while ((j * (j - 1)) / 2 > k) j--;
  while (((j + 1) * j) / 2 <= k) j++;
  return [k - (j * (j - 1)) / 2, j];
}

/** Hands out VPC pairs no connection has used yet, creating VPCs as the pairs need them. */
export class PairSource {
  private readonly vpcIds: string[] = [];
  private nextPair = 0;

  constructor(
    private readonly server: ServerProcess,
    private readonly account: Account,
    private readonly concurrency = 16,
  ) {}

  /** `count` fresh pairs of VPC ids. */
  async take(count: number): Promise<Array<[string, string]>> {
    const first = this.nextPair;
    this.nextPair += count;
    const needed = count === 0 ? 0 : pairAt(this.nextPair - 1)[1] + 1;
    const have = this.vpcIds.length;
    if (needed > have) {
      const created: string[] = new Array(needed - have);
      await forEachConcurrently(needed - have, this.concurrency, async (i) => {
        const out = await sendJson(this.server.url, createVpcRequest(this.server, this.account, have + i));
        created[i] = String(out.vpcId);
      });
      this.vpcIds.push(...created);
    }
    return Array.from({ length: count }, (_, n) => {
      const [i, j] = pairAt(first + n);
      return [this.vpcIds[i]!, this.vpcIds[j]!];
    });
  }
}

/** Creates `count` active peering connections; returns their ids in creation order per worker. */
export async function seedPeerings(
  pairs: PairSource,
  server: ServerProcess,
  account: Account,
  count: number,
  concurrency: number,
  progress?: (done: number) => void,
): Promise<string[]> {
  const chosen = await pairs.take(count);
  const ids: string[] = new Array(count);
  let done = 0;
  await forEachConcurrently(count, concurrency, async (i) => {
    const [a, b] = chosen[i]!;
    const out = await sendJson(server.url, createPeerConnRequest(server, account, a, b));
    ids[i] = String(out.peerConnId);
    done++;
    if (progress && done % 5000 === 0) progress(done);
  });
  return ids;
}

/** A new account through the admin API; its generated key pair comes back in the answer. */
export async function createAccount(server: ServerProcess, name: string): Promise<Account> {
  const out = await sendJson(server.url, {
    method: 'POST',
    path: '/_admin/accounts',
    headers: { host: server.host, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const credentials = out.credentials as Array<{ accessKeyId: string; secretAccessKey: string }>;
  const key = credentials[0];
  if (!key) throw new Error(`account ${name} came back without a key`);
  return { name, id: String(out.id), accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function idLike(prefix: string): string {
  const bytes = randomBytes(12);
  let out = prefix;
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}

interface SnapshotPeerConn {
  seq: number;
  sideSeqs: { initiator: number; acceptor: number };
  record: {
    id: string;
    createdAt: number;
    initiator: { accountId: string; vpcId: string; ifId: string };
    acceptor: { accountId: string; vpcId: string; ifId: string };
  };
}

/**
 * The admin API refuses larger bodies (64 MiB); the margin leaves room for the accounts, VPCs and tokens that
 * travel in the same document.
 */
const SNAPSHOT_BUDGET_BYTES = 60 * 1024 * 1024;
/** Connections per extra account when the rest is created through the API, small enough to stay fast. */
const PER_EXTRA_ACCOUNT = 1000;

export interface LargeSeed {
  total: number;
  /** Connections the listing account (accounts[0]) holds. */
  listingAccount: number;
  listingAccountId: string;
  viaApi: number;
  viaSnapshot: number;
}

/**
 * Fills a server with `target` active connections, as fast as its public surface allows:
 * 1. the listing account creates VPCs and its first connections through the BCE API;
 * 2. an admin snapshot export is extended with copies of one of those API-made connections (fresh ids, unused
 *    VPC pairs of real VPCs, all else identical) and imported — as many as fit in one admin request;
 * 3. whatever the snapshot cannot carry is created through the BCE API by extra accounts of
 *    PER_EXTRA_ACCOUNT connections each.
 * Creating every connection through the API is quadratic on a store that counts quotas with a scan, which
 * would take hours at 100k; the snapshot path keeps the state one that the API itself produces.
 */
export async function seedLarge(
  server: ServerProcess,
  target: number,
  apiFirst: number,
  apiBudgetSec: number,
  log: (line: string) => void,
): Promise<LargeSeed> {
  const started = performance.now();
  const at = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const account = server.accounts[0]!;
  const pairs = new PairSource(server, account);
  const first = Math.min(apiFirst, target);
  await seedPeerings(pairs, server, account, first, 16);
  log(`  ${first} connections created through the API (${at()})`);
  let listing = first;
  let viaSnapshot = 0;
  if (target > first) {
    const exported = await sendOk(server.url, {
      method: 'GET',
      path: '/_admin/snapshot',
      headers: { host: server.host },
    });
    const snapshot = JSON.parse(exported.body.toString('utf8')) as {
      state: { peerConns: SnapshotPeerConn[] };
    };
    const existing = snapshot.state.peerConns;
    const template = existing.find((p) => p.record.initiator.accountId === account.id);
    if (!template) throw new Error('the snapshot holds none of the connections just created');
    const recordBytes = Buffer.byteLength(JSON.stringify(template)) + 1;
    const room = Math.floor((SNAPSHOT_BUDGET_BYTES - exported.body.length) / recordBytes);
    const count = Math.max(0, Math.min(target - first, room));
    const chosen = await pairs.take(count);
    log(`  VPCs for ${count} more pairs created through the API (${at()})`);
    let seq = Math.max(...existing.map((p) => p.seq));
    let sideSeq = Math.max(...existing.flatMap((p) => [p.sideSeqs.initiator, p.sideSeqs.acceptor]));
    for (let n = 0; n < count; n++) {
      const [a, b] = chosen[n]!;
      const copy = structuredClone(template);
      copy.seq = ++seq;
      copy.sideSeqs = { initiator: ++sideSeq, acceptor: ++sideSeq };
      copy.record.id = idLike('peerconn-');
      copy.record.createdAt = template.record.createdAt + n + 1;
      copy.record.initiator.vpcId = a;
      copy.record.initiator.ifId = idLike('qpif-');
      copy.record.acceptor.vpcId = b;
      copy.record.acceptor.ifId = idLike('qpif-');
      existing.push(copy);
    }
    const body = JSON.stringify(snapshot);
    log(
      `  importing a snapshot of ${existing.length} connections (${(body.length / 1048576).toFixed(1)} MB)`,
    );
    await sendOk(server.url, {
      method: 'POST',
      path: '/_admin/snapshot',
      headers: { host: server.host, 'content-type': 'application/json' },
      body,
    });
    viaSnapshot = count;
    listing += count;
    log(`  snapshot imported (${at()})`);
  }
  let rest = target - listing;
  let extra = 0;
  if (rest > 0)
    log(`  creating the remaining ${rest} connections through the API, ${PER_EXTRA_ACCOUNT} per account`);
  const deadline = performance.now() + apiBudgetSec * 1000;
  while (rest > 0) {
    if (performance.now() > deadline) {
      log(`  API budget of ${apiBudgetSec} s spent: stopping at ${target - rest} connections`);
      break;
    }
    const chunk = Math.min(rest, PER_EXTRA_ACCOUNT);
    const other = await createAccount(server, `bench-extra-${extra++}`);
    await seedPeerings(new PairSource(server, other), server, other, chunk, 16);
    rest -= chunk;
    log(`  ${target - rest} connections stored (${at()})`);
  }
  const total = target - rest;
  return {
    total,
    listingAccount: listing,
    listingAccountId: account.id,
    viaApi: total - viaSnapshot,
    viaSnapshot,
  };
}
