// `peerconn reach` through the real binary against a started server: every problem the check names, made with
// the CLI's own verbs, rendered with its message and exit code 3; the working path, exit code 0; json and text
// output; bad --from/--to; the admin token.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '@peerconn/server';
// Its server keeps the state the answers are read from: the fixture takes the store under test (helpers.ts).
import { runsOnEveryStore } from '../../server/test/store-choice.ts';
import { cli, type Fixture, json, startFixture } from './helpers.ts';

runsOnEveryStore(import.meta.url);

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
    /\nreturn\n {2}1\. 10\.2\.1\.7 → 10\.1\.1\.5 in vpc-[a-z0-9]{12} \(db, 10\.2\.0\.0\/16\).*\n {5}ACL of subnet sbn-[a-z0-9]{12} \(db_a, 10\.2\.1\.0\/24\), egress: allowed by the default rule\n {5}no rule matches\n/,
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
    /\nreturn\n(.*\n){4} {2}2\. 10\.2\.1\.7 → 10\.1\.1\.5 in .*\n.*system route 10\.1\.1\.0\/24/,
  );

  // json: the server's answer as is; text: one tab-separated line per lookup.
  const asJson = await reach(`${vpc.A}:10.1.1.5`, '10.2.1.7', '--output', 'json');
  assert.equal(asJson.code, 0);
  const answer = json(asJson);
  assert.deepEqual(Object.keys(answer).sort(), [
    'forward',
    'from',
    'port',
    'problems',
    'protocol',
    'reachable',
    'return',
    'sourcePort',
    'to',
  ]);
  assert.equal(answer.reachable, true);
  assert.equal((answer.forward as unknown[]).length, 2);
  const text = await reach(`${vpc.A}:10.1.1.5`, '10.2.1.7', '--output', 'text');
  const rows = text.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.deepEqual(rows[0], ['reachable', 'true']);
  assert.deepEqual(
    rows
      .slice(1)
      .filter((r) => r[0] !== 'check')
      .map((r) => [r[0], r[1], r[5]]),
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

/** Two peered VPCs with both routes, a network interface in each, in a group of its own VPC. */
async function interfaces(): Promise<{ app: Ends; db: Ends }> {
  const { b } = await fx.configureTwoProfiles();
  const ends = { app: { vpcId: '', subnetId: '', group: '', eniId: '', ip: '' }, db: {} as Ends };
  ends.app.vpcId = await network('app_eni', 'a', '10.31.0.0/16', '10.31.1.0/24');
  ends.db = {
    vpcId: await network('db_eni', 'b', '10.32.0.0/16', '10.32.1.0/24'),
    subnetId: '',
    group: '',
    eniId: '',
    ip: '',
  };
  const pc = await peer(ends.app.vpcId, ends.db.vpcId, b);
  for (const [profile, end, other] of [
    ['a', ends.app, '10.32.0.0/16'],
    ['b', ends.db, '10.31.0.0/16'],
  ] as const) {
    await ok([
      'route',
      'add',
      '--profile',
      profile,
      '--vpc-id',
      end.vpcId,
      '--destination-address',
      other,
      '--nexthop-id',
      await localIf(pc, profile),
    ]);
    end.subnetId = await value(
      ['subnet', 'list', '--profile', profile, '--vpc-id', end.vpcId],
      'subnets[0].subnetId',
    );
    end.group = await value(
      [
        'sg',
        'create',
        '--profile',
        profile,
        '--vpc-id',
        end.vpcId,
        '--name',
        `reach_${profile}`,
        '--rules',
        '[]',
      ],
      'securityGroupId',
    );
    end.eniId = await value(
      [
        'eni',
        'create',
        '--profile',
        profile,
        '--name',
        `reach_${profile}`,
        '--subnet-id',
        end.subnetId,
        '--security-group-ids',
        end.group,
      ],
      'eniId',
    );
    end.ip = await value(
      ['eni', 'show', end.eniId, '--profile', profile],
      'privateIpSet[0].privateIpAddress',
    );
  }
  return ends;
}

interface Ends {
  vpcId: string;
  subnetId: string;
  group: string;
  eniId: string;
  ip: string;
}

/** An ACL rule on a subnet, and its id. */
async function aclRule(profile: string, subnetId: string, rule: Record<string, unknown>): Promise<string> {
  const added = await fx.run(['acl', 'add', '--profile', profile, '--cli-input-json', '-'], {
    stdin: JSON.stringify({ aclRules: [{ subnetId, ...rule }] }),
  });
  assert.equal(added.code, 0, added.stderr);
  return value(
    ['acl', 'list', '--profile', profile, '--subnet-id', subnetId],
    `aclRules[?position==\`${rule.position}\`] | [0].id`,
  );
}

test('between network interfaces, for tcp 3306: each filter that drops the packet is named with its rule', async () => {
  const { app, db } = await interfaces();
  const mysql = (...extra: string[]) =>
    reach(app.eniId, db.eniId, '--protocol', 'tcp', '--port', '3306', ...extra);
  const problem = async (code: string, message: RegExp) => {
    const result = await mysql();
    assert.equal(result.code, 3, `${code}: ${result.stderr}${result.stdout}`);
    const problems = result.stdout.slice(result.stdout.indexOf('\nproblems\n'));
    assert.match(problems, new RegExp(`\\n  ${code}: `), result.stdout);
    assert.match(problems, message);
    return result.stdout;
  };
  const header = new RegExp(
    `^${app.ip.replaceAll('.', '\\.')} in ${app.vpcId} \\(${app.eniId}\\) → ${db.ip.replaceAll('.', '\\.')} \\(${db.eniId}\\), tcp port 3306: NOT reachable\n`,
  );

  // db's new group lets nothing in.
  let out = await problem(
    'SecurityGroupDeniesIngress',
    new RegExp(`security group\\(s\\) ${db.group} of ${db.eniId}`),
  );
  assert.match(out, header);
  assert.match(
    out,
    new RegExp(
      `security groups of ${db.eniId} \\(${db.group}\\), ingress: DENIED, no rule allows tcp [0-9.]+:32768 → [0-9.]+:3306\n`,
    ),
  );
  assert.match(
    out,
    new RegExp(`security groups of ${app.eniId} \\(${app.group}\\), egress: allowed by ${app.group} rule r-`),
  );
  await ok([
    'sg',
    'allow',
    db.group,
    '--profile',
    'b',
    '--protocol',
    'tcp',
    '--port',
    '3306',
    '--source-ip',
    '10.31.0.0/16',
    '--remark',
    'app',
  ]);
  const good = await mysql();
  assert.equal(good.code, 0, good.stdout);
  assert.match(good.stdout, /: reachable\n/);
  assert.match(
    good.stdout,
    new RegExp(
      `ingress: allowed by ${db.group} rule r-[a-z0-9]{12} \\(tcp port 3306, from 10\\.31\\.0\\.0/16\\) "app"`,
    ),
  );
  // text: a line per check, with the rule that decided it.
  const rows = (await mysql('--output', 'text')).stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.deepEqual(
    rows.filter((r) => r[0] === 'check').map((r) => [r[1], r[2], r[3], r[4]]),
    [
      ['forward', 'securityGroup', 'egress', 'allow'],
      ['forward', 'acl', 'egress', 'allow'],
      ['forward', 'acl', 'ingress', 'allow'],
      ['forward', 'securityGroup', 'ingress', 'allow'],
      ['return', 'acl', 'egress', 'allow'],
      ['return', 'acl', 'ingress', 'allow'],
    ],
  );

  // A group that lets only web traffic out.
  const web = await value(
    [
      'sg',
      'create',
      '--profile',
      'a',
      '--vpc-id',
      app.vpcId,
      '--name',
      'web_only',
      '--rules',
      '[{"direction": "egress", "protocol": "tcp", "portRange": "80"}]',
    ],
    'securityGroupId',
  );
  await ok(['eni', 'sg', app.eniId, '--profile', 'a', '--security-group-ids', web]);
  out = await problem(
    'SecurityGroupDeniesEgress',
    new RegExp(`Add one to ${web}: direction egress, protocol tcp, portRange 3306`),
  );
  assert.match(out, new RegExp(`security groups of ${app.eniId} \\(${web}\\), egress: DENIED`));
  await ok(['eni', 'sg', app.eniId, '--profile', 'a', '--security-group-ids', app.group]);

  const deny3306 = {
    protocol: 'tcp',
    sourceIpAddress: 'all',
    destinationIpAddress: 'all',
    sourcePort: 'all',
    destinationPort: '3306',
    action: 'deny',
  };
  const into = await aclRule('b', db.subnetId, { ...deny3306, position: 10, direction: 'ingress' });
  out = await problem('AclDeniesIngress', new RegExp(`rule ${into} at position 10`));
  assert.match(
    out,
    new RegExp(`ingress: DENIED by rule ${into} at position 10 \\(deny tcp all:all → all:3306\\)`),
  );
  await ok(['acl', 'delete', into, '--profile', 'b']);

  const outOf = await aclRule('a', app.subnetId, { ...deny3306, position: 7, direction: 'egress' });
  out = await problem('AclDeniesEgress', new RegExp(`rule ${outOf} at position 7`));
  assert.match(out, new RegExp(`egress: DENIED by rule ${outOf} at position 7`));
  await ok(['acl', 'delete', outOf, '--profile', 'a']);

  const drop = await aclRule('b', db.subnetId, {
    protocol: 'all',
    sourceIpAddress: 'all',
    destinationIpAddress: '10.31.0.0/16',
    sourcePort: 'all',
    destinationPort: 'all',
    position: 20,
    direction: 'egress',
    action: 'deny',
  });
  out = await problem('AclDeniesReturn', /The answer is dropped\. ACLs are stateless/);
  assert.match(
    out,
    new RegExp(
      `\\nreturn\\n  1\\. .*\\n     ACL of subnet ${db.subnetId} .*, egress: DENIED by rule ${drop} at position 20`,
    ),
  );
  await aclRule('b', db.subnetId, {
    protocol: 'tcp',
    sourceIpAddress: 'all',
    destinationIpAddress: '10.31.0.0/16',
    sourcePort: '3306',
    destinationPort: '1024-65535',
    position: 10,
    direction: 'egress',
    action: 'allow',
  });
  assert.equal((await mysql()).code, 0);
  // A client port below the rule's range is dropped again.
  assert.equal((await mysql('--source-port', '1000')).code, 3);
});

test('--protocol, --port and --source-port are checked before anything is sent, exit 1', async () => {
  const args = (...extra: string[]) => reach(`${vpc.A}:10.1.1.5`, '10.2.1.7', ...extra);
  const cases: Array<[string[], RegExp]> = [
    [['--protocol', 'tcp'], /--protocol tcp needs --port/],
    [
      ['--protocol', 'icmp', '--port', '80'],
      /--port and --source-port apply to --protocol tcp or udp only, not icmp/,
    ],
    [['--port', '80'], /\(give --protocol\)/],
    [['--protocol', 'sctp'], /--protocol: "sctp" is not one of tcp, udp, icmp, all/],
    [['--protocol', 'udp', '--port', '70000'], /--port: "70000" is not a port/],
  ];
  for (const [extra, message] of cases) {
    const result = await args(...extra);
    assert.equal(result.code, 1, extra.join(' '));
    assert.match(result.stderr, message);
  }
  // An interface nobody has is the server's NoSuchObject, exit 2.
  const unknown = await reach('eni-000000000000', '10.2.1.7');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^NoSuchObject: .*eni-000000000000/);
});

test('bad --from or --to is a usage error that says what is expected, exit 1', async () => {
  const noColon = await reach(vpc.A, '10.2.1.7');
  assert.equal(noColon.code, 1);
  assert.match(
    noColon.stderr,
    /^error: --from takes <vpcId>:<ip>.*, or a network interface id \(eni-…\); got "vpc-[a-z0-9]{12}"\n$/,
  );
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
