// Subnet ACLs from the shell, through the real binary against a started server: one rule from flags or several
// from --cli-input-json, the listing that reads like a firewall's (per subnet, in evaluation order, the default
// rules last), pages of `acl list`, update and delete, and every refusal as a BCE error line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
// Its server keeps the state the answers are read from: the fixture takes the store under test (helpers.ts).
import { runsOnEveryStore } from '../../server/test/store-choice.ts';
import { argv, type Fixture, json, startFixture } from './helpers.ts';

runsOnEveryStore(import.meta.url);

let fx: Fixture;
let vpcA = '';
let vpcB = '';
let subnetA = '';
let subnetA2 = '';

before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
  ({ vpcA, vpcB } = await fx.crossAccount());
  subnetA = await fx.createSubnet(vpcA, 'app_a', '10.1.1.0/24');
  subnetA2 = await fx.createSubnet(vpcA, 'app_b', '10.1.2.0/24');
});

after(async () => {
  await fx.close();
});

const ruleIds = async (subnetId: string): Promise<Record<string, string>> => {
  const listed = json(await fx.run(['acl', 'list', '--subnet-id', subnetId, '--profile', 'a']));
  const rules = listed.aclRules as Array<{ id: string; position: number; direction: string }>;
  return Object.fromEntries(
    rules.filter((r) => r.id !== '').map((r) => [`${r.direction} ${r.position}`, r.id]),
  );
};

test('acl add from flags; acl show reads like a firewall listing, per subnet in evaluation order', async () => {
  // Added out of order: the listing sorts by direction, then position, the default rule of each last.
  const add = argv`acl add --profile a --subnet-id ${subnetA}`;
  const added = await fx.run([
    ...add,
    ...argv`--direction ingress --action allow --protocol tcp --destination-port 3306 --position 20`,
  ]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stdout, '', 'createAclRules answers no data');
  await fx.ok([
    ...add,
    ...argv`--direction egress --action allow --protocol udp --destination 10.2.0.0/16 --destination-port 53`,
    ...argv`--position 5`,
  ]);
  await fx.ok([
    ...add,
    ...argv`--direction ingress --action deny --protocol tcp --source 10.0.0.0/16 --destination-port 3306`,
    ...argv`--position 10 --description ${'no mysql from the old net'}`,
  ]);
  const ids = await ruleIds(subnetA);
  // The rule at position 10 as a row of cells: the table shows it so, the text output adds its subnet.
  const mysqlDeny = [
    '10',
    'ingress',
    'deny',
    'tcp',
    '10.0.0.0/16',
    'all',
    'all',
    '3306',
    ids['ingress 10'],
    'no mysql from the old net',
  ];

  const table = await fx.run(['acl', 'show', '--vpc-id', vpcA, '--profile', 'a', '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split('\n');
  const header = /^POS\s+DIR\s+ACTION\s+PROTO\s+SOURCE\s+SPORT\s+DESTINATION\s+DPORT\s+ID\s+DESCRIPTION$/;
  assert.equal(lines[0], `ACL of ${vpcA} (app, 10.1.0.0/16)`);
  assert.equal(lines[1], '');
  assert.equal(lines[2], `subnet ${subnetA} (app_a, 10.1.1.0/24)`);
  assert.match(lines[3] ?? '', header);
  const rows = lines.slice(4, 9).map((l) => l.split(/\s{2,}/));
  assert.deepEqual(rows, [
    mysqlDeny,
    ['20', 'ingress', 'allow', 'tcp', 'all', 'all', 'all', '3306', ids['ingress 20']],
    ['default', 'ingress', 'allow', 'all', 'all', 'all', 'all', 'all'],
    ['5', 'egress', 'allow', 'udp', 'all', 'all', '10.2.0.0/16', '53', ids['egress 5']],
    ['default', 'egress', 'allow', 'all', 'all', 'all', 'all', 'all'],
  ]);
  // The second subnet: a blank line, its own caption and header, its two default rules.
  assert.deepEqual(lines.slice(9, 11), ['', `subnet ${subnetA2} (app_b, 10.1.2.0/24)`]);
  assert.match(lines[11] ?? '', header);
  assert.match(lines[12] ?? '', /^default\s+ingress\s+allow(\s+all){5}$/);
  assert.match(lines[13] ?? '', /^default\s+egress\s+allow(\s+all){5}$/);
  assert.equal(lines.slice(14).join('\n'), '');
  // One listing: the columns line up across the subnets' blocks.
  assert.equal(lines[3], lines[11]);
  assert.equal((lines[4] ?? '').indexOf(ids['ingress 10'] ?? '?'), (lines[3] ?? '').indexOf('ID'));

  // text: the same rows, raw as the service sends them (a default rule's position 65535, its id empty), with
  // the subnet last, for cut and awk.
  const text = await fx.run(['acl', 'show', '--vpc-id', vpcA, '--profile', 'a', '--output', 'text']);
  const textRows = text.stdout.trimEnd().split('\n');
  assert.equal(textRows.length, 7);
  assert.equal(textRows[0], [...mysqlDeny, subnetA].join('\t'));
  assert.equal(
    textRows[2],
    ['65535', 'ingress', 'allow', 'all', 'all', 'all', 'all', 'all', '', 'default', subnetA].join('\t'),
  );

  // json: the service's answer as it is.
  const asJson = json(await fx.run(['acl', 'show', '--vpc-id', vpcA, '--profile', 'a']));
  assert.deepEqual(Object.keys(asJson).sort(), ['aclEntrys', 'vpcCidr', 'vpcId', 'vpcName']);
  const entries = asJson.aclEntrys as Array<{ subnetId: string; aclRules: unknown[] }>;
  assert.deepEqual(
    entries.map((e) => [e.subnetId, e.aclRules.length]),
    [
      [subnetA, 5],
      [subnetA2, 2],
    ],
  );
});

test('acl add --cli-input-json adds several rules in one call; acl list pages through them', async () => {
  const rules = [11, 12, 13, 14].map((position) => ({
    subnetId: subnetA2,
    protocol: 'tcp',
    sourceIpAddress: `10.${position}.0.0/16`,
    destinationIpAddress: 'all',
    sourcePort: 'all',
    destinationPort: '443',
    position,
    direction: 'ingress',
    action: 'allow',
  }));
  const added = await fx.run(['acl', 'add', '--profile', 'a', '--cli-input-json', '-'], {
    stdin: JSON.stringify({ aclRules: rules }),
  });
  assert.equal(added.code, 0, added.stderr);

  const list = argv`acl list --subnet-id ${subnetA2} --profile a`;
  // 4 rules and the 2 default rules, two per request: three requests, every rule once, in evaluation order.
  const all = await fx.run(argv`${list} --page-size 2 --debug`);
  assert.equal(all.code, 0, all.stderr);
  const requests = all.stderr.split('\n').filter((l) => l.startsWith('[debug] > GET'));
  assert.equal(requests.length, 3);
  const listed = json(all).aclRules as Array<{ id: string; position: number; direction: string }>;
  assert.deepEqual(Object.keys(json(all)), ['aclRules']);
  assert.deepEqual(
    listed.map((r) => `${r.direction} ${r.position}`),
    ['ingress 11', 'ingress 12', 'ingress 13', 'ingress 14', 'ingress 65535', 'egress 65535'],
  );

  // --max-items stops after three, says where to go on (stderr for table), and --starting-token goes on.
  const first = await fx.run(argv`${list} --max-items 3 --output table`);
  assert.equal(first.code, 0, first.stderr);
  const firstLines = first.stdout.trimEnd().split('\n');
  assert.equal(firstLines[0], `subnet ${subnetA2}`);
  assert.deepEqual(
    firstLines.slice(2).map((l) => l.split(/\s+/)[0]),
    ['11', '12', '13'],
  );
  const note = /^more results: continue with --starting-token (\S+)\n$/.exec(first.stderr);
  assert.ok(note, first.stderr);
  const rest = await fx.run(argv`${list} --starting-token ${note[1] as string} --output table`);
  assert.equal(rest.code, 0, rest.stderr);
  const restRows = rest.stdout.trimEnd().split('\n').slice(2);
  assert.deepEqual(
    restRows.map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
    ['14 ingress', 'default ingress', 'default egress'],
  );
  assert.equal(rest.stderr, '');

  // --no-paginate: one page as the service sent it, the marker to go on with inside.
  const page = json(await fx.run(argv`${list} --page-size 4 --no-paginate`));
  assert.equal(page.isTruncated, true);
  assert.equal((page.aclRules as unknown[]).length, 4);
  assert.equal(typeof page.nextMarker, 'string');
});

test('acl update changes what it is given; acl delete removes the rule', async () => {
  const ids = await ruleIds(subnetA);
  const id = ids['ingress 20'] as string;
  await fx.ok(
    argv`acl update ${id} --profile a --action deny --destination-port 3306-3307 --position 30 --description closed`,
  );
  const listed = json(await fx.run(['acl', 'list', '--subnet-id', subnetA, '--profile', 'a']));
  const rule = (listed.aclRules as Array<Record<string, unknown>>).find((r) => r.id === id);
  assert.deepEqual(
    [rule?.action, rule?.destinationPort, rule?.position, rule?.description, rule?.protocol, rule?.direction],
    ['deny', '3306-3307', 30, 'closed', 'tcp', 'ingress'],
  );

  await fx.ok(['acl', 'delete', id, '--profile', 'a']);
  assert.equal((await ruleIds(subnetA))['ingress 30'], undefined);
  const again = await fx.run(['acl', 'delete', id, '--profile', 'a']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^NoSuchObject: .*\(requestId [0-9a-f-]{36}\)\n$/);
});

test('refusals: the BCE code and message on one stderr line, exit 2; usage mistakes exit 1', async () => {
  const deny = (subnetId: string) => argv`acl add --subnet-id ${subnetId} --direction ingress --action deny`;
  const rule = (subnetId: string, position: string, more: string[] = []) => [
    ...deny(subnetId),
    '--position',
    position,
    ...more,
  ];
  const taken = await fx.run([...rule(subnetA, '10'), '--profile', 'a']);
  assert.equal(taken.code, 2);
  assert.match(
    taken.stderr,
    /^AclRulePositionConflict: Position 10 of subnet .* is taken by ar-\S+; .*\(requestId [0-9a-f-]{36}\)\n$/,
  );

  const badPort = await fx.run([
    ...rule(subnetA, '40', ['--protocol', 'icmp', '--destination-port', '80']),
    '--profile',
    'a',
  ]);
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /^InvalidAclRule: .*destinationPort/);

  const noUpdate = await fx.run(
    argv`acl update ${(await ruleIds(subnetA))['ingress 10'] as string} --profile a`,
  );
  assert.equal(noUpdate.code, 2);
  assert.match(noUpdate.stderr, /^InappropriateJSON: /);

  // Another account's subnet answers exactly like a missing one.
  const foreign = await fx.run([...rule(subnetA, '41'), '--profile', 'b']);
  const missing = await fx.run([...rule('sbn-nonexistent0', '41'), '--profile', 'b']);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /^NoSuchObject: /);
  assert.equal(
    foreign.stderr.replace(/sbn-\S+/g, '<id>').replace(/requestId \S+/, ''),
    missing.stderr.replace(/sbn-\S+/g, '<id>').replace(/requestId \S+/, ''),
  );
  const foreignShow = await fx.run(['acl', 'show', '--vpc-id', vpcA, '--profile', 'b']);
  assert.equal(foreignShow.code, 2);
  assert.match(foreignShow.stderr, /^NoSuchObject: /);
  const ownEmpty = await fx.run(['acl', 'show', '--vpc-id', vpcB, '--profile', 'b', '--output', 'table']);
  assert.equal(ownEmpty.code, 0, ownEmpty.stderr);
  assert.match(
    ownEmpty.stdout,
    new RegExp(`^ACL of ${vpcB} \\(db, 10\\.2\\.0\\.0/16\\)\n\nPOS .*\n\\(none\\)\n$`),
  );

  const noPosition = await fx.run([...deny(subnetA), '--profile', 'a']);
  assert.equal(noPosition.code, 1);
  assert.equal(noPosition.stderr, "error: required option '--position' not specified\n");
  const badDirection = await fx.run([...rule(subnetA, '42'), '--direction', 'inbound', '--profile', 'a']);
  assert.equal(badDirection.code, 1);
  assert.match(
    badDirection.stderr,
    /--direction <direction>' argument 'inbound' is invalid\. Allowed choices are ingress, egress/,
  );
  const noVpc = await fx.run(['acl', 'show', '--profile', 'a']);
  assert.equal(noVpc.code, 1);
  assert.equal(noVpc.stderr, "error: required option '--vpc-id' not specified\n");
});

test('the shell completes the new words from the live command tree', async () => {
  const groups = await fx.run(['__complete', '']);
  for (const word of ['acl', 'sg', 'eni']) assert.ok(groups.stdout.split('\n').includes(word), word);
  const verbs = await fx.run(['__complete', 'acl', '']);
  assert.equal(verbs.stdout, 'show\nlist\nadd\nupdate\ndelete\n');
  const values = await fx.run(['__complete', 'acl', 'add', '--subnet-id', subnetA, '--action', '']);
  assert.equal(values.stdout, 'allow\ndeny\n');
});
