// `peerconn reach` through the real binary against a started server: every problem the check names, made with
// the CLI's own verbs, rendered with its message and exit code 3; the working path, exit code 0; json and text
// output; bad --from/--to; the admin token.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '@peerconn/server';
import { cli, type Fixture, json, startFixture } from './helpers.ts';

let fx: Fixture;
const vpc = { A: '', B: '', C: '', D: '' };
let pcAB = '';
let ifA = '';
let ifB = '';

async function ok(args: string[]): Promise<string> {
  const result = await fx.run(args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function value(args: string[], query: string): Promise<string> {
  return (await ok([...args, '--query', query, '--output', 'text'])).trim();
}

async function network(name: string, profile: string, cidr: string, subnet: string): Promise<string> {
  const id = await value(['vpc', 'create', '--profile', profile, '--name', name, '--cidr', cidr], 'vpcId');
  await ok([
    'subnet',
    'create',
    '--profile',
    profile,
    '--vpc-id',
    id,
    '--name',
    `${name}_a`,
    '--cidr',
    subnet,
    '--zone-name',
    'cn-bj-a',
  ]);
  return id;
}

async function peer(from: string, to: string, peerAccount?: string): Promise<string> {
  const args = [
    'create',
    '--profile',
    'a',
    '--local-vpc-id',
    from,
    '--peer-vpc-id',
    to,
    '--peer-region',
    'bj',
    '--bandwidth',
    '10',
  ];
  if (peerAccount) args.push('--peer-account-id', peerAccount);
  const id = await value(args, 'peerConnId');
  if (peerAccount) await ok(['accept', id, '--profile', 'b']);
  return id;
}

const localIf = (peerConnId: string, profile: string) =>
  value(['get', peerConnId, '--profile', profile], 'localIfId');

function reach(from: string, to: string, ...extra: string[]) {
  return fx.run(['reach', '--profile', 'a', '--from', from, '--to', to, ...extra]);
}

/** Not reachable, exit code 3, and the problem printed under "problems" with its message. */
async function assertProblem(from: string, to: string, code: string, message: RegExp): Promise<string> {
  const result = await reach(from, to);
  assert.equal(result.code, 3, `${code}: ${result.stderr}${result.stdout}`);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /: NOT reachable\n/);
  const problems = result.stdout.slice(result.stdout.indexOf('\nproblems\n'));
  assert.match(problems, new RegExp(`\\n  ${code}: `), result.stdout);
  assert.match(problems, message);
  return result.stdout;
}

before(async () => {
  // Releases wait for a manual step, so a connection can be seen in `deleting` before it is gone.
  fx = await startFixture({ delete: { mode: 'manual' } });
  const { b } = await fx.configureTwoProfiles();
  vpc.A = await network('app', 'a', '10.1.0.0/16', '10.1.1.0/24');
  vpc.B = await network('db', 'b', '10.2.0.0/16', '10.2.1.0/24');
  pcAB = await peer(vpc.A, vpc.B, b);
  ifA = await localIf(pcAB, 'a');
  ifB = await localIf(pcAB, 'b');
  await ok([
    'route',
    'add',
    '--profile',
    'a',
    '--vpc-id',
    vpc.A,
    '--destination-address',
    '10.2.0.0/16',
    '--nexthop-id',
    ifA,
    '--description',
    'to db',
  ]);
});

after(async () => {
  await fx.close();
});

test('no return route, then one through another next hop, then the right one: reachable, exit 0', async () => {
  const out = await assertProblem(
    `${vpc.A}:10.1.1.5`,
    '10.2.1.7',
    'NoReturnRoute',
    new RegExp(`nexthopId ${ifB}`),
  );
  // The readable path: the forward lookup in each VPC, then the return lookup that finds nothing.
  assert.match(out, new RegExp(`^10\\.1\\.1\\.5 in ${vpc.A} → 10\\.2\\.1\\.7: NOT reachable\\nforward\\n`));
  assert.match(
    out,
    new RegExp(
      `  1\\. 10\\.1\\.1\\.5 → 10\\.2\\.1\\.7 in ${vpc.A} \\(app, 10\\.1\\.0\\.0/16\\), route table rt-`,
    ),
  );
  assert.match(
    out,
    new RegExp(`rule rr-[a-z0-9]{12}: 10\\.2\\.0\\.0/16 from 0\\.0\\.0\\.0/0 → peerConn ${ifA} "to db"`),
  );
  assert.match(
    out,
    new RegExp(
      `peering ${pcAB} \\(usable\\): initiator ${vpc.A} active, acceptor ${vpc.B} active → ${vpc.B}`,
    ),
  );
  assert.match(
    out,
    /system route 10\.2\.1\.0\/24 \(local\)\n {5}delivered in subnet sbn-[a-z0-9]{12} \(db_a, 10\.2\.1\.0\/24\)/,
  );
  assert.match(
    out,
    /\nreturn\n {2}1\. 10\.2\.1\.7 → 10\.1\.1\.5 in vpc-[a-z0-9]{12} \(db, 10\.2\.0\.0\/16\).*\n {5}no rule matches\n/,
  );

  const vpn = await value(
    [
      'route',
      'add',
      '--profile',
      'b',
      '--vpc-id',
      vpc.B,
      '--destination-address',
      '10.1.0.0/16',
      '--nexthop-type',
      'vpn',
      '--nexthop-id',
      'vpn-1a2b3c4d5e6f',
    ],
    'routeRuleId',
  );
  await assertProblem(
    `${vpc.A}:10.1.1.5`,
    '10.2.1.7',
    'ReturnViaOtherConnection',
    /vpn next hop \(vpn-1a2b3c4d5e6f\)/,
  );
  await ok(['route', 'delete', vpn, '--profile', 'b']);

  await ok([
    'route',
    'add',
    '--profile',
    'b',
    '--vpc-id',
    vpc.B,
    '--destination-address',
    '10.1.0.0/16',
    '--nexthop-id',
    ifB,
  ]);
  const good = await reach(`${vpc.A}:10.1.1.5`, '10.2.1.7');
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /: reachable\n/);
  assert.doesNotMatch(good.stdout, /problems/);
  assert.match(
    good.stdout,
    /\nreturn\n(.*\n){3} {2}2\. 10\.2\.1\.7 → 10\.1\.1\.5 in .*\n.*system route 10\.1\.1\.0\/24/,
  );

  // json: the server's answer as is; text: one tab-separated line per lookup.
  const asJson = await reach(`${vpc.A}:10.1.1.5`, '10.2.1.7', '--output', 'json');
  assert.equal(asJson.code, 0);
  const answer = json(asJson);
  assert.deepEqual(Object.keys(answer).sort(), ['forward', 'problems', 'reachable', 'return']);
  assert.equal(answer.reachable, true);
  assert.equal((answer.forward as unknown[]).length, 2);
  const text = await reach(`${vpc.A}:10.1.1.5`, '10.2.1.7', '--output', 'text');
  const rows = text.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.deepEqual(rows[0], ['reachable', 'true']);
  assert.deepEqual(
    rows.slice(1).map((r) => [r[0], r[1], r[5]]),
    [
      ['forward', vpc.A, 'peerConn'],
      ['forward', vpc.B, 'local'],
      ['return', vpc.B, 'peerConn'],
      ['return', vpc.A, 'local'],
    ],
  );
  const queried = await reach(
    `${vpc.A}:10.1.1.5`,
    '10.2.1.7',
    '--query',
    'forward[0].next.peerConnId',
    '--output',
    'text',
  );
  assert.equal(queried.stdout, `${pcAB}\n`);
});

test('addresses outside every subnet, and destinations no route covers', async () => {
  await assertProblem(
    `${vpc.A}:10.1.200.5`,
    '10.2.1.7',
    'SourceNotInSubnet',
    /Source 10\.1\.200\.5 is inside VPC/,
  );
  await assertProblem(`${vpc.A}:192.168.0.1`, '10.2.1.7', 'SourceNotInSubnet', /is not inside VPC/);
  await assertProblem(
    `${vpc.A}:10.1.1.5`,
    '10.2.200.7',
    'DestinationNotInSubnet',
    /Destination 10\.2\.200\.7/,
  );
  await assertProblem(`${vpc.A}:10.1.1.5`, '10.1.200.7', 'DestinationNotInSubnet', /own CIDR/);
  const out = await assertProblem(`${vpc.A}:10.1.1.5`, '10.5.0.1', 'NoRoute', /No route in VPC/);
  assert.match(out, /\nreturn\n {2}\(not looked up\)\n/);
});

test('a next hop the check cannot follow, and a peering route past the peer VPC', async () => {
  await ok([
    'route',
    'add',
    '--profile',
    'a',
    '--vpc-id',
    vpc.A,
    '--destination-address',
    '10.6.0.0/16',
    '--nexthop-type',
    'nat',
    '--nexthop-id',
    'nat-1a2b3c4d5e6f',
  ]);
  const out = await assertProblem(`${vpc.A}:10.1.1.5`, '10.6.0.1', 'ExternalNexthop', /nat next hop/);
  assert.match(out, /leaves to nat nat-1a2b3c4d5e6f, which this check does not follow/);

  await ok([
    'route',
    'add',
    '--profile',
    'a',
    '--vpc-id',
    vpc.A,
    '--destination-address',
    '10.7.0.0/16',
    '--nexthop-id',
    ifA,
  ]);
  await assertProblem(`${vpc.A}:10.1.1.5`, '10.7.0.1', 'DestinationOutsidePeerVpc', /not transitive/);
});

test('peered VPCs whose CIDRs overlap', async () => {
  vpc.C = await network('wide', 'a', '10.0.0.0/8', '10.3.1.0/24');
  const pc = await peer(vpc.A, vpc.C);
  const ifAC = await localIf(pc, 'a');
  await ok([
    'route',
    'add',
    '--profile',
    'a',
    '--vpc-id',
    vpc.A,
    '--destination-address',
    '10.3.0.0/16',
    '--nexthop-id',
    ifAC,
  ]);
  await assertProblem(`${vpc.A}:10.1.1.5`, '10.3.1.7', 'OverlappingCidrs', /do not overlap/);
});

test('a connection being released carries nothing; once gone, its route is a blackhole', async () => {
  vpc.D = await network('ops', 'a', '10.4.0.0/16', '10.4.1.0/24');
  const pc = await peer(vpc.A, vpc.D);
  const ifAD = await localIf(pc, 'a');
  await ok([
    'route',
    'add',
    '--profile',
    'a',
    '--vpc-id',
    vpc.A,
    '--destination-address',
    '10.4.0.0/16',
    '--nexthop-id',
    ifAD,
  ]);
  await ok(['delete', pc, '--profile', 'a']);
  const out = await assertProblem(
    `${vpc.A}:10.1.1.5`,
    '10.4.1.7',
    'ConnectionNotActive',
    /initiator deleting/,
  );
  assert.match(out, new RegExp(`peering ${pc} \\(not usable\\): initiator ${vpc.A} deleting`));

  const run = await fetch(`${fx.server.url}/_admin/transitions/run`, { method: 'POST', body: '{}' });
  assert.equal(run.status, 200, await run.text());
  const gone = await assertProblem(`${vpc.A}:10.1.1.5`, '10.4.1.7', 'Blackhole', new RegExp(ifAD));
  assert.match(gone, new RegExp(`interface ${ifAD} belongs to no peering connection`));
});

test('bad --from or --to is a usage error that says what is expected, exit 1', async () => {
  const noColon = await reach(vpc.A, '10.2.1.7');
  assert.equal(noColon.code, 1);
  assert.match(noColon.stderr, /^error: --from takes <vpcId>:<ip>.*; got "vpc-[a-z0-9]{12}"\n$/);
  const noVpc = await reach(':10.1.1.5', '10.2.1.7');
  assert.equal(noVpc.code, 1);
  assert.match(noVpc.stderr, /--from takes <vpcId>:<ip>/);
  const badFrom = await reach(`${vpc.A}:10.1.1.256`, '10.2.1.7');
  assert.equal(badFrom.code, 1);
  assert.match(badFrom.stderr, /^error: --from: "10\.1\.1\.256" is not an IPv4 address/);
  const badTo = await reach(`${vpc.A}:10.1.1.5`, 'db.internal');
  assert.equal(badTo.code, 1);
  assert.match(badTo.stderr, /^error: --to: "db\.internal" is not an IPv4 address/);
  const missing = await fx.run(['reach', '--profile', 'a', '--from', `${vpc.A}:10.1.1.5`]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "error: required option '--to' not specified\n");
  // A VPC nobody has: the server's BCE error, exit 2.
  const unknown = await reach('vpc-000000000000:10.1.1.5', '10.2.1.7');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^NoSuchObject: .*vpc-000000000000/);
});

test('with an admin token: refused without it (how to pass it is said), answered with it; no keys needed', async () => {
  const server = await startServer({
    port: 0,
    dataPath: join(fx.home, 'token.db'),
    logLevel: 'silent',
    adminToken: 'admin-secret-1',
  });
  try {
    const args = [
      'reach',
      '--endpoint',
      server.url,
      '--from',
      'vpc-000000000000:10.1.1.5',
      '--to',
      '10.2.1.7',
    ];
    const refused = await cli(args, { home: fx.home });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^AccessDenied: .*--admin-token or PEERCONN_ADMIN_TOKEN/);
    const wrong = await cli([...args, '--admin-token', 'nope'], { home: fx.home });
    assert.match(wrong.stderr, /is not the server's/);
    // Past the token, the server looks the VPC up: not found there, which proves the call was let in.
    const flag = await cli([...args, '--admin-token', 'admin-secret-1'], { home: fx.home });
    assert.match(flag.stderr, /^NoSuchObject: /);
    const env = await cli(args, { home: fx.home, env: { PEERCONN_ADMIN_TOKEN: 'admin-secret-1' } });
    assert.match(env.stderr, /^NoSuchObject: /);
    const debug = await cli([...args, '--admin-token', 'admin-secret-1', '--debug'], { home: fx.home });
    assert.match(debug.stderr, /\[debug\] > authorization: Bearer <redacted>/);
    assert.doesNotMatch(debug.stderr, /admin-secret-1/);
  } finally {
    await server.close();
  }
});

test('reach goes through the SDK pipeline: a 503 is retried, unsigned, to the --endpoint given', async () => {
  const seen: Array<{ method?: string; url?: string; authorization?: string }> = [];
  const report = { reachable: true, forward: [], return: [], problems: [] };
  const flaky = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => {
      if (seen.length === 1) res.writeHead(503).end('{"code":"ServiceUnavailable"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report));
    });
  });
  await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
  try {
    const args = ['reach', '--endpoint', endpoint, '--from', 'vpc-1a2b3c4d5e6f:10.1.1.5', '--to', '10.2.1.7'];
    const result = await cli([...args, '--output', 'json'], { home: fx.home });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json(result), report);
    assert.deepEqual(
      seen.map((r) => `${r.method} ${r.url} ${r.authorization ?? 'unsigned'}`),
      ['POST /_admin/reachability unsigned', 'POST /_admin/reachability unsigned'],
    );
  } finally {
    await new Promise((resolve) => flaky.close(resolve));
  }
});
