// Security groups from the shell, through the real binary against a started server: create, the listing per
// group under a line naming it, allow and revoke from flags (the direction implied by the peer), rule update
// and delete by id with the group's version, delete, and every refusal as a BCE error line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
// Its server keeps the state the answers are read from: the fixture takes the store under test (helpers.ts).
import { runsOnEveryStore } from '../../server/test/store-choice.ts';
import { argv, type Fixture, json, startFixture } from './helpers.ts';

runsOnEveryStore(import.meta.url);

let fx: Fixture;
let vpcA = '';
let vpcB = '';
let defaultGroup = '';

interface Group {
  id: string;
  name: string;
  sgVersion: number;
  rules: Array<Record<string, string>>;
}

const show = async (id: string, profile = 'a') =>
  json(await fx.run(['sg', 'show', id, '--profile', profile])) as unknown as Group;

async function createGroup(name: string, more: string[] = []): Promise<string> {
  const made = await fx.ok(['sg', 'create', '--profile', 'a', '--vpc-id', vpcA, '--name', name, ...more]);
  const id = String(JSON.parse(made).securityGroupId);
  assert.match(id, /^g-[a-z0-9]{12}$/);
  return id;
}

before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
  ({ vpcA, vpcB } = await fx.crossAccount({ answer: 'accept' }));
  const listed = json(await fx.run(['sg', 'list', '--vpc-id', vpcA, '--profile', 'a']));
  const groups = listed.securityGroups as Group[];
  assert.equal(groups.length, 1, 'a new VPC has its default group');
  defaultGroup = (groups[0] as Group).id;
});

after(async () => {
  await fx.close();
});

test('sg create; allow from flags; show and list read like a firewall listing per group', async () => {
  const db = await createGroup('db', ['--description', 'the database tier', '--tag', 'team=data']);
  assert.equal(
    (json(await fx.run(['sg', 'show', db, '--profile', 'a'])) as Record<string, unknown>).desc,
    'the database tier',
  );

  // The peer says the direction: --source-… is ingress, --dest-… egress.
  await fx.ok(
    argv`sg allow ${db} --profile a --protocol tcp --port 3306 --source-ip 10.2.0.0/16 --remark app`,
  );
  await fx.ok(['sg', 'allow', db, '--profile', 'a', '--protocol', 'icmp', '--source-group', db]);
  await fx.ok(argv`sg authorize ${db} --profile a --protocol udp --port 53 --dest-ip 10.1.0.2`);
  const group = await show(db);
  assert.equal(group.sgVersion, 3);
  const byRemark = (remark: string) => group.rules.find((r) => r.remark === remark) as Record<string, string>;
  const mysql = byRemark('app');
  assert.deepEqual(
    [mysql.direction, mysql.protocol, mysql.portRange, mysql.sourceIp],
    ['ingress', 'tcp', '3306', '10.2.0.0/16'],
  );
  const dns = group.rules.find((r) => r.protocol === 'udp') as Record<string, string>;
  assert.deepEqual([dns.direction, dns.destIp], ['egress', '10.1.0.2']);
  const icmp = group.rules.find((r) => r.protocol === 'icmp') as Record<string, string>;
  const allOut = group.rules.find((r) => r.direction === 'egress' && r.protocol === 'all') as Record<
    string,
    string
  >;

  const table = await fx.run(['sg', 'show', db, '--profile', 'a', '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `security group ${db} (db) of ${vpcA}, version 3, bound to no interface`);
  assert.match(lines[1] ?? '', /^DIR\s+PROTO\s+PORTS\s+PEER\s+ETHER\s+RULE ID\s+REMARK$/);
  assert.deepEqual(
    lines.slice(2).map((l) => l.split(/\s{2,}/)),
    [
      ['ingress', 'tcp', '3306', '10.2.0.0/16', 'IPv4', mysql.securityGroupRuleId, 'app'],
      ['ingress', 'icmp', 'all', db, 'IPv4', icmp.securityGroupRuleId],
      ['egress', 'all', 'all', 'all', 'IPv4', allOut.securityGroupRuleId],
      ['egress', 'udp', '53', '10.1.0.2', 'IPv4', dns.securityGroupRuleId],
    ],
  );

  // Every group of the VPC, each under its own line, the default group first; the columns line up across them.
  const list = await fx.run(['sg', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'table']);
  assert.equal(list.code, 0, list.stderr);
  const blocks = list.stdout.trimEnd().split('\n\n');
  assert.equal(blocks.length, 2);
  const [first, second] = blocks.map((b) => b.split('\n')) as [string[], string[]];
  assert.equal(
    first[0],
    `security group ${defaultGroup} (默认安全组) of ${vpcA}, version 0, bound to no interface`,
  );
  assert.deepEqual(
    first.slice(2).map((l) => l.split(/\s{2,}/).slice(0, 4)),
    [
      ['ingress', 'all', 'all', 'all'],
      ['egress', 'all', 'all', 'all'],
    ],
  );
  assert.deepEqual(second, lines);
  assert.equal(first[1], second[1]);

  // text: one row per rule, raw (every port is 1-65535), the group's id last.
  const text = await fx.run(['sg', 'show', db, '--profile', 'a', '--output', 'text']);
  assert.equal(
    text.stdout.split('\n')[1],
    ['ingress', 'icmp', '1-65535', db, 'IPv4', icmp.securityGroupRuleId, '', db].join('\t'),
  );
  // json: the service's answer as it is.
  assert.deepEqual(Object.keys(json(await fx.run(['sg', 'show', db, '--profile', 'a']))).sort(), [
    'bindInstanceNum',
    'createdTime',
    'desc',
    'id',
    'name',
    'rules',
    'sgVersion',
    'tags',
    'vpcId',
  ]);
});

test('sg create takes its first rules as JSON; revoke, rule update and rule delete; sg delete', async () => {
  const rules = [{ direction: 'ingress', protocol: 'tcp', portRange: '6379', sourceIp: '10.2.1.0/24' }];
  const cache = await createGroup('cache', [
    '--rules',
    JSON.stringify(rules),
    '--desc',
    'redis (wire name flag)',
  ]);
  let group = await show(cache);
  assert.equal((group as unknown as Record<string, unknown>).desc, 'redis (wire name flag)');
  const redis = group.rules.find((r) => r.portRange === '6379') as Record<string, string>;
  assert.equal(redis.sourceIp, '10.2.1.0/24');
  // Made with an ingress rule only, the group also gets the rule that lets everything out.
  assert.deepEqual(group.rules.map((r) => r.direction).sort(), ['egress', 'ingress']);

  const redisTerms = argv`--protocol tcp --port 6379`;
  await fx.ok(argv`sg revoke ${cache} --profile a ${redisTerms} --source-ip 10.2.1.0/24`);
  group = await show(cache);
  assert.ok(!group.rules.some((r) => r.portRange === '6379'), 'revoked');
  assert.equal(group.sgVersion, 1);

  await fx.ok(argv`sg allow ${cache} --profile a ${redisTerms} --source-ip 10.2.0.0/16 --sg-version 1`);
  group = await show(cache);
  const ruleId = (group.rules.find((r) => r.portRange === '6379') as Record<string, string>)
    .securityGroupRuleId as string;

  // A stale version is refused; the current one goes through.
  const stale = await fx.run(argv`sg rule update ${ruleId} --port 6379-6380 --sg-version 1 --profile a`);
  assert.equal(stale.code, 2);
  assert.match(stale.stderr, /^SecurityGroup\.VersionMismatch: Security group .* is at version 2, not 1/);
  await fx.ok(argv`sg rule update ${ruleId} --port 6379-6380 --remark redis --sg-version 2 --profile a`);
  const updated = (await show(cache)).rules.find((r) => r.securityGroupRuleId === ruleId) as Record<
    string,
    string
  >;
  assert.deepEqual(
    [updated.portRange, updated.remark, updated.sourceIp],
    ['6379-6380', 'redis', '10.2.0.0/16'],
  );

  await fx.ok(['sg', 'rule', 'delete', ruleId, '--profile', 'a']);
  assert.ok(!(await show(cache)).rules.some((r) => r.securityGroupRuleId === ruleId));
  const gone = await fx.run(['sg', 'rule', 'delete', ruleId, '--profile', 'a']);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /^NoSuchObject: /);

  await fx.ok(['sg', 'delete', cache, '--profile', 'a']);
  const missing = await fx.run(['sg', 'show', cache, '--profile', 'a']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^NoSuchObject: .*\(requestId [0-9a-f-]{36}\)\n$/);
});

test('refusals: BCE code and message, exit 2; flags that contradict each other, exit 1', async () => {
  const web = await createGroup('web');
  const allow = (...more: string[]) => fx.run(['sg', 'allow', web, '--profile', 'a', ...more]);
  await fx.ok(argv`sg allow ${web} --profile a --protocol tcp --port 443 --source-ip all`);
  const twice = await allow('--protocol', 'tcp', '--port', '443', '--source-ip', '0.0.0.0/0');
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /^SecurityGroup\.RuleAlreadyExists: .*\(requestId [0-9a-f-]{36}\)\n$/);

  const badPort = await allow('--protocol', 'tcp', '--port', '70000', '--source-ip', '10.0.0.0/8');
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /^SecurityGroup\.RulePortRangeInvalid: /);

  // A group of another VPC cannot be a peer: the message says to name its CIDR instead; another account's group
  // is not found at all.
  const other = JSON.parse(
    await fx.ok(['vpc', 'create', '--name', 'other', '--cidr', '10.7.0.0/16', '--profile', 'a']),
  );
  const otherGroups = json(await fx.run(['sg', 'list', '--vpc-id', String(other.vpcId), '--profile', 'a']));
  const otherGroup = ((otherGroups.securityGroups as Group[])[0] as Group).id;
  const notInVpc = await allow('--protocol', 'tcp', '--port', '3306', '--source-group', otherGroup);
  assert.equal(notInVpc.code, 2);
  assert.match(notInVpc.stderr, /^SecurityGroup\.RuleGroupNotInVpc: .*CIDR/);
  const peerGroups = json(await fx.run(['sg', 'list', '--vpc-id', vpcB, '--profile', 'b']));
  const peerGroup = ((peerGroups.securityGroups as Group[])[0] as Group).id;
  const foreignPeer = await allow('--protocol', 'tcp', '--port', '3306', '--source-group', peerGroup);
  assert.equal(foreignPeer.code, 2);
  assert.match(foreignPeer.stderr, /^NoSuchObject: /);

  const inUse = await fx.run(['sg', 'delete', defaultGroup, '--profile', 'a']);
  assert.equal(inUse.code, 2);
  assert.match(inUse.stderr, /^SecurityGroup\.DefaultSecurityGroupCanNotBeDeleted: /);

  // Another account's group answers exactly like a missing one.
  const foreign = await fx.run(['sg', 'show', web, '--profile', 'b']);
  const absent = await fx.run(['sg', 'show', 'g-nonexistent0', '--profile', 'b']);
  assert.equal(foreign.code, 2);
  assert.equal(
    foreign.stderr.replace(/g-\S+/, '<id>').replace(/requestId \S+/, ''),
    absent.stderr.replace(/g-\S+/, '<id>').replace(/requestId \S+/, ''),
  );
  const foreignList = json(await fx.run(['sg', 'list', '--vpc-id', vpcA, '--profile', 'b']));
  assert.deepEqual(foreignList.securityGroups, []);
  const emptyTable = await fx.run(['sg', 'list', '--vpc-id', vpcA, '--profile', 'b', '--output', 'table']);
  assert.match(emptyTable.stdout, /^DIR\s+PROTO\s+PORTS\s+PEER\s+ETHER\s+RULE ID\s+REMARK\n\(none\)\n$/);

  // The CLI refuses what no rule can mean before asking the service.
  for (const [flags, message] of [
    [['--source-ip', '10.0.0.0/8', '--dest-ip', '10.0.0.0/8'], /a rule has one direction/],
    [
      ['--direction', 'egress', '--source-ip', '10.0.0.0/8'],
      /--source-ip names the peer of an ingress rule, not of an egress one/,
    ],
    [['--protocol', 'tcp', '--port', '22'], /give --direction ingress\|egress \(or a peer: /],
  ] as const) {
    const refused = await allow(...flags);
    assert.equal(refused.code, 1, flags.join(' '));
    assert.match(refused.stderr, message);
    assert.equal(refused.stdout, '');
  }
  assert.equal((await show(web)).sgVersion, 1, 'nothing reached the group');
  const noName = await fx.run(['sg', 'create', '--vpc-id', vpcA, '--profile', 'a']);
  assert.equal(noName.code, 1);
  assert.equal(noName.stderr, "error: required option '--name' not specified\n");
});
