// Subnets and route tables from the shell, through the real binary against a started server: every verb, the
// lookups the CLI does for the user, the routing-table output, and refusals as BCE errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
// Its server keeps the state the answers are read from: the fixture takes the store under test (helpers.ts).
import { runsOnEveryStore } from '../../server/test/store-choice.ts';
import { argv, type Fixture, json, startFixture } from './helpers.ts';

runsOnEveryStore(import.meta.url);

let fx: Fixture;
let vpcA = '';
let peerConnId = '';

before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
  ({ vpcA, peerConnId } = await fx.crossAccount({ answer: 'accept' }));
});

after(async () => {
  await fx.close();
});

test('subnet create, list, show (and get), update keeping the name, delete', async () => {
  const created = await fx.run(
    argv`subnet create --profile a --vpc-id ${vpcA} --name web_a --cidr 10.1.9.0/24 --zone-name cn-bj-a --tag tier=web`,
  );
  assert.equal(created.code, 0, created.stderr);
  const subnetId = String(json(created).subnetId);
  assert.match(subnetId, /^sbn-[a-z0-9]{12}$/);

  const table = await fx.run(['subnet', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  const [header, row] = table.stdout.split('\n');
  assert.match(header ?? '', /^SUBNET ID\s+NAME\s+CIDR\s+ZONE\s+VPC ID\s+FREE IPS$/);
  assert.match(
    row ?? '',
    new RegExp(`^${subnetId}\\s+web_a\\s+10\\.1\\.9\\.0/24\\s+cn-bj-a\\s+${vpcA}\\s+\\d+$`),
  );

  // The service needs the name on every update: the CLI reads the current one when only the description changes.
  const updated = await fx.run(['subnet', 'update', subnetId, '--description', 'web tier', '--profile', 'a']);
  assert.equal(updated.code, 0, updated.stderr);
  assert.equal(updated.stdout, '');
  const shown = json(await fx.run(['subnet', 'show', subnetId, '--profile', 'a']));
  assert.deepEqual(
    [
      (shown.subnet as Record<string, unknown>).name,
      (shown.subnet as Record<string, unknown>).description,
      (shown.subnet as Record<string, unknown>).tags,
    ],
    ['web_a', 'web tier', [{ tagKey: 'tier', tagValue: 'web' }]],
  );
  const renamed = await fx.run(['subnet', 'update', subnetId, '--name', 'web_b', '--profile', 'a']);
  assert.equal(renamed.code, 0, renamed.stderr);
  const got = await fx.run(argv`subnet get ${subnetId} --profile a --query subnet.name --output text`);
  assert.equal(got.stdout, 'web_b\n');

  // Another account sees what a missing id gets.
  const foreign = await fx.run(['subnet', 'show', subnetId, '--profile', 'b']);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /^NoSuchObject: .*\(requestId [0-9a-f-]{36}\)\n$/);

  const deleted = await fx.run(['subnet', 'delete', subnetId, '--profile', 'a']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const gone = await fx.run(['subnet', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'table']);
  assert.equal(gone.stdout.split('\n')[1], '(none)');
});

test('a subnet outside its VPC is refused with the rule named, exit 2', async () => {
  const create = argv`subnet create --profile a --vpc-id ${vpcA}`;
  const outside = await fx.run(argv`${create} --name stray --cidr 10.9.0.0/24 --zone-name cn-bj-a`);
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /10\.9\.0\.0\/24/);
  const missing = await fx.run(argv`${create} --name x --cidr 10.1.3.0/24`);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: required option '--zone-name' not specified\n$/);
});

test('route add finds the table of --vpc-id; show reads like a routing table; update, list, delete', async () => {
  await fx.createSubnet(vpcA, 'app_a', '10.1.1.0/24');
  const ifA = (
    await fx.run(['get', peerConnId, '--profile', 'a', '--query', 'localIfId', '--output', 'text'])
  ).stdout.trim();
  assert.match(ifA, /^qpif-/);

  const toDb = argv`--destination-address 10.2.0.0/16 --nexthop-id ${ifA}`;
  const neither = await fx.run(argv`route add --profile a ${toDb}`);
  assert.equal(neither.code, 1);
  assert.equal(neither.stderr, 'error: give --route-table-id or --vpc-id\n');

  const added = await fx.run(argv`route add --profile a --vpc-id ${vpcA} ${toDb} --description ${'to db'}`);
  assert.equal(added.code, 0, added.stderr);
  const ruleId = String(json(added).routeRuleId);
  assert.match(ruleId, /^rr-[a-z0-9]{12}$/);

  const table = json(await fx.run(['route', 'show', '--vpc-id', vpcA, '--profile', 'a']));
  const routeTableId = String(table.routeTableId);
  assert.match(routeTableId, /^rt-/);

  const shown = await fx.run(argv`route show --route-table-id ${routeTableId} --profile a --output table`);
  assert.equal(shown.code, 0, shown.stderr);
  const lines = shown.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', new RegExp(`^route table ${routeTableId}( \\(.*\\))? of ${vpcA}$`));
  assert.match(
    lines[1] ?? '',
    /^DESTINATION\s+SOURCE\s+NEXT HOP TYPE\s+NEXT HOP ID\s+RULE ID\s+DESCRIPTION$/,
  );
  const custom = lines.find((l) => l.includes(ruleId)) ?? '';
  assert.match(
    custom,
    new RegExp(`^10\\.2\\.0\\.0/16\\s+0\\.0\\.0\\.0/0\\s+peerConn\\s+${ifA}\\s+${ruleId}\\s+to db$`),
  );
  // The subnet's system route is marked, not shown with an empty id.
  const system = lines.find((l) => l.startsWith('10.1.1.0/24')) ?? '';
  assert.match(system, /^10\.1\.1\.0\/24\s+0\.0\.0\.0\/0\s+sys\s+local\s+\(system\)$/);

  // A rule into the VPC's own CIDR is refused by the service, as a BCE error line.
  const inside = await fx.run(
    argv`route add --profile a --route-table-id ${routeTableId} --destination-address 10.1.5.0/24 --nexthop-id ${ifA}`,
  );
  assert.equal(inside.code, 2);
  assert.match(inside.stderr, /overlaps/);

  const updated = await fx.run(argv`route update ${ruleId} --description ${'to db, updated'} --profile a`);
  assert.equal(updated.code, 0, updated.stderr);
  const text = await fx.run(['route', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'text']);
  assert.equal(
    text.stdout,
    `10.2.0.0/16\t0.0.0.0/0\tpeerConn\t${ifA}\t${ruleId}\tto db, updated\t${routeTableId}\tnormal\n`,
  );

  const deleted = await fx.run(['route', 'delete', ruleId, '--profile', 'a']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const empty = await fx.run(['route', 'list', '--vpc-id', vpcA, '--profile', 'a']);
  assert.deepEqual(json(empty), { routeRules: [] });
});

test('route add --standby-nexthop-id makes a primary/standby pair; route switch turns it over', async () => {
  // A second connection of alice's VPC gives the pair its standby next hop.
  const other = JSON.parse(
    (await fx.run(['vpc', 'create', '--profile', 'a', '--name', 'spare', '--cidr', '10.6.0.0/16'])).stdout,
  );
  const spare = json(
    await fx.run(
      argv`create --profile a --local-vpc-id ${vpcA} --peer-vpc-id ${String(other.vpcId)} --peer-region bj --bandwidth 5`,
    ),
  );
  const ifOf = async (id: string) =>
    (await fx.run(['get', id, '--profile', 'a', '--query', 'localIfId', '--output', 'text'])).stdout.trim();
  const [primary, standby] = [await ifOf(peerConnId), await ifOf(String(spare.peerConnId))];

  const add = argv`route add --profile a --vpc-id ${vpcA}`;
  const added = await fx.run(
    argv`${add} --destination-address 10.30.0.0/16 --nexthop-id ${primary} --standby-nexthop-id ${standby} --description pair`,
  );
  assert.equal(added.code, 0, added.stderr);
  const [activeId, standbyId] = json(added).routeRuleIds as [string, string];

  const pathOf = async () => {
    const shown = await fx.run(['route', 'show', '--vpc-id', vpcA, '--profile', 'a', '--output', 'table']);
    assert.equal(shown.code, 0, shown.stderr);
    return shown.stdout
      .split('\n')
      .filter((l) => l.startsWith('10.30.0.0/16'))
      .map((l) => l.split(/\s{2,}/).slice(3, 5));
  };
  assert.deepEqual(await pathOf(), [
    [`${primary} (active)`, activeId],
    [`${standby} (standby)`, standbyId],
  ]);

  const switched = await fx.run(['route', 'switch', activeId, '--profile', 'a']);
  assert.equal(switched.code, 0, switched.stderr);
  assert.equal(switched.stdout, '');
  assert.deepEqual(await pathOf(), [
    [`${primary} (standby)`, activeId],
    [`${standby} (active)`, standbyId],
  ]);
  const text = await fx.run(['route', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'text']);
  assert.deepEqual(
    text.stdout
      .trimEnd()
      .split('\n')
      .filter((l) => l.startsWith('10.30.0.0/16'))
      .map((l) => l.split('\t').at(-1)),
    ['ha:standby', 'ha:active'],
  );

  // Now the old primary is the standby: switching by its id is refused, naming the active rule.
  const again = await fx.run(['route', 'switch', activeId, '--profile', 'a']);
  assert.equal(again.code, 2);
  assert.match(
    again.stderr,
    new RegExp(`^InvalidRouteRule: .*${standbyId}.*\\(requestId [0-9a-f-]{36}\\)\n$`),
  );
  const foreign = await fx.run(['route', 'switch', standbyId, '--profile', 'b']);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /^NoSuchObject: /);
  const half = await fx.run(argv`${add} --destination-address 10.31.0.0/16 --standby-nexthop-id ${standby}`);
  assert.equal(half.code, 1);
  assert.equal(half.stderr, 'error: a primary/standby pair needs --nexthop-id (the primary) too\n');

  const deleted = await fx.run(['route', 'delete', standbyId, '--profile', 'a']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.deepEqual(await pathOf(), [], 'deleting either rule of a pair deletes both');
});

test('the new verbs are in the help and complete on TAB', async () => {
  const help = await fx.run(['route', '--help']);
  for (const verb of ['show', 'list', 'add', 'update', 'delete', 'switch'])
    assert.match(help.stdout, new RegExp(`\\n  ${verb}\\b`));
  const complete = await fx.run(['__complete', 'subnet', '']);
  assert.deepEqual(complete.stdout.trim().split('\n').slice(0, 5), [
    'create',
    'list',
    'show',
    'update',
    'delete',
  ]);
  const flags = await fx.run(['__complete', 'route', 'add', '--nexthop-t']);
  assert.equal(flags.stdout, '--nexthop-type\n');
});
