// Fuzz at scale against the server as a process: generated malformed requests (invalid JSON, wrong types, huge
// and deep bodies, invalid UTF-8 and percent-encoding, conflicting flags and framing, unknown routes and
// methods, oversized headers, bad signatures, refusals by the rules, pipelined and trickled requests, stalled
// bodies) sent over raw sockets, many at once. Every answer must be a well-formed BCE error below 500, the
// process must stay up with its resident memory bounded, and the state (snapshot and timeline) must not move.
// 1,000 requests in `npm test`, 10,000 in `npm run soak`. Runs on SQLite and, in the PostgreSQL pass, on it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { ACCOUNTS, accountsFileJson } from './model/accounts.ts';
import { report, SOAK } from './model/config.ts';
import { type FuzzCase, fuzzCaseArb, judge, type Seeded, sendCase, signedCall } from './model/fuzz.ts';
import { ROOT } from './process-support.ts';
import {
  dropPlace,
  newStorePlace,
  runsOnEveryStore,
  type StorePlace,
  storeOptions,
  TEST_STORE_KIND,
} from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const BODY_LIMIT = 16 * 1024;
const REQUEST_TIMEOUT_MS = 1000;
/** Resident memory may grow this much from after the warm-up to the end (a leak of a few KiB per request over
 * the run would pass it; buffering refused bodies, or keeping them per connection, would not). */
const RSS_GROWTH_LIMIT = 96 * 1024 * 1024;
// The soak's count is the figure whatever the scale of the histories.
const TOTAL = SOAK ? 10_000 : 1000;
/** Requests in flight at once; a stalled one holds its batch for the request timeout, so batches are wide. */
const BATCH = SOAK ? 200 : 50;

const [ALICE, BOB] = ACCOUNTS as [(typeof ACCOUNTS)[0], (typeof ACCOUNTS)[0]];
let place: StorePlace;
let child: ChildProcess;
let exited: Promise<number | null>;
let seeded: Seeded;

function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]) * 1024;
}

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${seeded.port}/_admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  assert.ok(res.ok, `admin ${method} ${path} → ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** Everything the server holds that a request could change: the snapshot (less its export time) and the timeline. */
async function state(): Promise<unknown> {
  const snapshot = (await admin('GET', '/snapshot')) as Record<string, unknown>;
  delete snapshot.exportedAt;
  return {
    snapshot,
    events: await admin('GET', '/events?limit=1000'),
    faults: await admin('GET', '/faults'),
  };
}

before(async () => {
  place = newStorePlace();
  const accountsFile = join(place.dir as string, 'accounts.json');
  writeFileSync(accountsFile, accountsFileJson());
  const options = {
    accountsFile,
    ...storeOptions(place),
    bodyLimitBytes: BODY_LIMIT,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  };
  child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'packages/server/test/model/fuzz-server.ts'), JSON.stringify(options)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DATABASE_URL: '' } },
  );
  exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
      const m = /^ready (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready: ${out}`)));
  });
  seeded = { port } as Seeded;
  // Nothing moves by itself during the run: the clock is frozen and transitions wait for a manual run.
  await admin('PUT', '/timing', { preset: 'manual' });
  await admin('POST', '/clock', { freeze: true });
  const vpc = async (credential: typeof ALICE, cidr: string) => {
    const res = await signedCall(port, 'POST', '/v1/vpc', { name: 'seed', cidr }, credential);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return (res.json as { vpcId: string }).vpcId;
  };
  seeded.vpcA1 = await vpc(ALICE, '10.1.0.0/16');
  seeded.vpcA2 = await vpc(ALICE, '10.2.0.0/16');
  seeded.vpcB1 = await vpc(BOB, '10.3.0.0/16');
  const conn = async (body: Record<string, unknown>) => {
    const res = await signedCall(
      port,
      'POST',
      '/v1/peerconn',
      { bandwidthInMbps: 10, peerRegion: 'bj', billing: { paymentTiming: 'Postpaid' }, ...body },
      ALICE,
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return (res.json as { peerConnId: string }).peerConnId;
  };
  seeded.cross = await conn({ localVpcId: seeded.vpcA1, peerVpcId: seeded.vpcB1, peerAccountId: BOB.id });
  seeded.own = await conn({ localVpcId: seeded.vpcA1, peerVpcId: seeded.vpcA2 });
  Object.assign(seeded, await seedNetwork(seeded));
});

/** A signed call that must succeed; its JSON answer. */
async function seedCall(method: string, target: string, body?: unknown, credential = ALICE) {
  const res = await signedCall(seeded.port, method, target, body, credential);
  assert.equal(res.status, 200, `${method} ${target}: ${JSON.stringify(res.json)}`);
  return res.json as Record<string, unknown>;
}

/**
 * Alice's network in her first VPC, for the refusals to aim at: a subnet with an ACL rule, a group with a rule
 * that a network interface uses (so it cannot be deleted), the VPC's default group, a route rule, and Bob's
 * default group.
 */
async function seedNetwork(s: Seeded): Promise<Partial<Seeded>> {
  const { subnetId } = await seedCall('POST', '/v1/subnet', {
    name: 'seed',
    zoneName: 'cn-bj-a',
    cidr: '10.1.1.0/24',
    vpcId: s.vpcA1,
  });
  await seedCall('POST', '/v1/acl/rule', {
    aclRules: [
      {
        subnetId,
        protocol: 'tcp',
        sourceIpAddress: 'all',
        destinationIpAddress: 'all',
        sourcePort: 'all',
        destinationPort: '22',
        position: 10,
        direction: 'ingress',
        action: 'deny',
      },
    ],
  });
  const acl = await seedCall('GET', `/v1/acl/rule?subnetId=${subnetId}`);
  const aclRule = (acl.aclRules as Array<{ id: string }>)[0]?.id as string;
  const { securityGroupId } = await seedCall('POST', '/v2/securityGroup', {
    name: 'seed',
    vpcId: s.vpcA1,
    rules: [{ direction: 'ingress', protocol: 'tcp', portRange: '22', sourceIp: '10.0.0.0/8' }],
  });
  const group = await seedCall('GET', `/v2/securityGroup/${securityGroupId}`);
  const groupRule = (group.rules as Array<{ securityGroupRuleId: string }>)[0]?.securityGroupRuleId as string;
  const defaultOf = async (vpcId: string, credential: typeof ALICE) => {
    const list = await seedCall('GET', `/v2/securityGroup?vpcId=${vpcId}`, undefined, credential);
    return (list.securityGroups as Array<{ id: string; desc: string }>).find((g) => g.desc === 'default')
      ?.id as string;
  };
  const table = await seedCall('GET', `/v1/route?vpcId=${s.vpcA1}`);
  const { routeRuleId } = await seedCall('POST', '/v1/route/rule', {
    routeTableId: table.routeTableId,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '192.168.0.0/16',
    nexthopType: 'custom',
    nexthopId: 'i-seed00000001',
  });
  const { eniId } = await seedCall('POST', '/v1/eni', {
    name: 'seed',
    subnetId,
    securityGroupIds: [securityGroupId],
    privateIpSet: [
      { primary: true, privateIpAddress: '10.1.1.10' },
      { primary: false, privateIpAddress: '10.1.1.11' },
    ],
  });
  return {
    subnetA1: subnetId as string,
    aclRuleA1: aclRule,
    groupA1: securityGroupId as string,
    groupRuleA1: groupRule,
    defaultGroupA1: await defaultOf(s.vpcA1, ALICE),
    defaultGroupB1: await defaultOf(s.vpcB1, BOB),
    routeRuleA1: routeRuleId as string,
    eniA1: eniId as string,
  };
}

after(async () => {
  child?.kill('SIGKILL');
  await exited;
  if (place) await dropPlace(place);
});

test(`${TOTAL} malformed requests: BCE errors below 500, the server up, memory bounded, state unchanged`, {
  timeout: SOAK ? 3_600_000 : 300_000,
}, async () => {
  const pid = child.pid as number;
  const before = await state();
  const kinds = new Map<string, number>();
  let requests = 0;
  let mutationsRefused = 0;
  let baseline = 0;
  let peak = 0;
  const runBatch = async (cases: FuzzCase[]) => {
    const results = await Promise.all(
      cases.map(async (c) => ({ c, answers: await sendCase(seeded.port, c, 30_000) })),
    );
    for (const { c, answers } of results) {
      const problem = judge(c, answers);
      if (problem) throw new Error(`${c.kind}: ${problem}\n${c.label}`);
      requests += c.answers;
      if (c.mutating) mutationsRefused += c.answers;
      const kind = c.kind.startsWith('slow: ') ? 'slow (trickled)' : c.kind;
      kinds.set(kind, (kinds.get(kind) ?? 0) + c.answers);
    }
    const now = rss(pid);
    peak = Math.max(peak, now);
    // The baseline is taken after the first batches, once the server's code paths are warm.
    if (baseline === 0 && requests >= 100) baseline = now;
  };
  await fc.assert(
    fc.asyncProperty(
      fc.array(fuzzCaseArb(seeded, BODY_LIMIT), { minLength: BATCH, maxLength: BATCH }),
      runBatch,
    ),
    { numRuns: Math.ceil(TOTAL / BATCH), includeErrorInReport: true },
  );

  assert.equal(child.exitCode, null, 'the server process is still running');
  const health = (await admin('GET', '/healthz')) as { status: string };
  assert.equal(health.status, 'ok');
  assert.deepEqual(await state(), before, 'the state did not move');
  const growth = rss(pid) - baseline;
  assert.ok(growth < RSS_GROWTH_LIMIT, `resident memory grew ${Math.round(growth / 1048576)} MiB`);
  assert.ok(requests >= TOTAL, `${requests} requests sent`);
  if (process.env.PEERCONN_FUZZ_DEBUG === '1') console.error(kinds, { baseline, peak, growth });
  report(`fuzz (${TEST_STORE_KIND})`, {
    malformedRequests: requests,
    mutationsRefused,
    rssBaselineMiB: Math.round(baseline / 1048576),
    rssPeakMiB: Math.round(peak / 1048576),
  });
});

// Found by the fuzz: node answered these by itself, a bare status without a body (or dropped the connection
// without a word), so no client could read a BCE error from them.
test('what node would answer by itself is answered in BCE form', async () => {
  const cases: Array<[string, number, string]> = [
    ['GET /v1/peerconn HTTP/1.1\r\n\r\n', 400, 'InvalidHTTPRequest'],
    ['GET /_admin/healthz HTTP/1.1\r\n\r\n', 400, 'InvalidHTTPRequest'],
    ['GET /v1/peerconn HTTP/1.1\r\nHost: x\r\nExpect: nothing-you-know\r\n\r\n', 417, 'InvalidHTTPRequest'],
    ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405, 'MethodNotAllowed'],
  ];
  for (const [text, status, code] of cases) {
    const c: FuzzCase = {
      kind: 'regression',
      label: text,
      pieces: [Buffer.from(text)],
      answers: 1,
      codes: [code],
      mutating: false,
    };
    const answers = await sendCase(seeded.port, c, 30_000);
    assert.equal(judge(c, answers), undefined, text);
    assert.equal(answers[0]?.status, status, text);
  }
  // An HTTP/1.0 request needs no Host, and still reaches the API.
  const [old] = await sendCase(
    seeded.port,
    {
      kind: 'http/1.0',
      label: '',
      pieces: [Buffer.from('GET /_admin/healthz HTTP/1.0\r\n\r\n')],
      answers: 1,
      mutating: false,
    },
    30_000,
  );
  assert.equal(old?.status, 200);
});
