// Elastic network interfaces from the shell, through the real binary against a started server: create with
// addresses and groups, the listing with one row per interface, status, rename, groups, attach and detach (the
// instance looked up), secondary addresses one by one and in batches, quota, pages, and every refusal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
// Its server keeps the state the answers are read from: the fixture takes the store under test (helpers.ts).
import { runsOnEveryStore } from '../../server/test/store-choice.ts';
import { argv, type Fixture, json, startFixture } from './helpers.ts';

runsOnEveryStore(import.meta.url);

let fx: Fixture;
let vpcA = '';
let subnetA = '';
let dbGroup = '';
let defaultGroup = '';

const ok = async (args: readonly string[]) => (await fx.ok(args)).trim();

const text = ['--output', 'text', '--query'] as const;

before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
  ({ vpcA } = await fx.crossAccount());
  subnetA = await fx.createSubnet(vpcA, 'db_a', '10.1.1.0/24');
  dbGroup = await ok(argv`sg create --profile a --vpc-id ${vpcA} --name db ${text} securityGroupId`);
  defaultGroup = await ok(
    argv`sg list --profile a --vpc-id ${vpcA} ${text} ${"securityGroups[?name!='db'].id | [0]"}`,
  );
});

after(async () => {
  await fx.close();
});

async function createEni(name: string, ...more: string[]): Promise<string> {
  const id = await ok(
    argv`eni create --profile a --subnet-id ${subnetA} --name ${name} ${more} ${text} eniId`,
  );
  assert.match(id, /^eni-[a-z0-9]{12}$/);
  return id;
}

const row = (line: string | undefined) => (line ?? '').split(/\s{2,}/);

test('eni create picks or takes addresses and groups; list, show, status read as one row per interface', async () => {
  // No address named: the lowest free one of the subnet (past its network and gateway addresses).
  const first = await createEni('app1');
  const second = await createEni(
    'db1',
    '--ip',
    '10.1.1.20',
    '--secondary-ips',
    '10.1.1.21',
    '--secondary-ip-count',
    '1',
    '--security-group-ids',
    dbGroup,
    '--description',
    'mysql',
  );

  const table = await fx.run(['eni', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(
    lines[0] ?? '',
    /^ENI\s+NAME\s+STATUS\s+SUBNET\s+PRIMARY IP\s+SECONDARY IPS\s+GROUPS\s+INSTANCE$/,
  );
  assert.deepEqual(row(lines[1]), [first, 'app1', 'available', subnetA, '10.1.1.2', defaultGroup]);
  assert.deepEqual(row(lines[2]), [
    second,
    'db1',
    'available',
    subnetA,
    '10.1.1.20',
    '10.1.1.21,10.1.1.3',
    dbGroup,
  ]);
  // The columns line up: each interface's primary address sits under PRIMARY IP.
  assert.equal((lines[2] ?? '').indexOf('10.1.1.20'), (lines[0] ?? '').indexOf('PRIMARY IP'));

  const shown = await fx.run(['eni', 'show', second, '--profile', 'a', '--output', 'table']);
  const shownLines = shown.stdout.trimEnd().split('\n');
  assert.equal(shownLines.length, 2, 'one interface, one row');
  assert.deepEqual(row(shownLines[0]), row(lines[0]));
  assert.deepEqual(row(shownLines[1]), row(lines[2]));
  const got = json(await fx.run(['eni', 'get', second, '--profile', 'a']));
  assert.equal(got.description, 'mysql');
  assert.equal(got.vpcId, vpcA);

  const listed = await fx.run(['eni', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'text']);
  assert.equal(
    listed.stdout.split('\n')[1],
    [second, 'db1', 'available', subnetA, '10.1.1.20', '10.1.1.21,10.1.1.3', dbGroup, '', vpcA].join('\t'),
  );
  assert.equal(
    await ok(['eni', 'status', first, '--profile', 'a', '--query', 'status', '--output', 'text']),
    'available',
  );

  // Filters as the SDKs send them, and pages of one.
  const byAddress = json(
    await fx.run(['eni', 'list', '--vpc-id', vpcA, '--profile', 'a', '--ip', '10.1.1.21,10.9.9.9']),
  );
  assert.deepEqual(
    (byAddress.enis as Array<{ eniId: string }>).map((e) => e.eniId),
    [second],
  );
  const paged = await fx.run(argv`eni list --vpc-id ${vpcA} --profile a --page-size 1 --debug`);
  assert.equal(paged.code, 0, paged.stderr);
  assert.equal((json(paged).enis as unknown[]).length, 2);
  assert.equal(paged.stderr.split('\n').filter((l) => l.startsWith('[debug] > GET')).length, 2);

  await ok(['eni', 'delete', first, '--profile', 'a']);
  await ok(['eni', 'delete', second, '--profile', 'a']);
});

test('update, groups, attach and detach (the instance looked up), addresses, quota, delete', async () => {
  const eni = await createEni('cache1');
  await ok(['eni', 'update', eni, '--profile', 'a', '--name', 'cache-primary', '--description', 'redis']);
  const renamed = json(await fx.run(['eni', 'show', eni, '--profile', 'a']));
  assert.deepEqual([renamed.name, renamed.description], ['cache-primary', 'redis']);

  await ok(['eni', 'sg', eni, '--profile', 'a', '--security-group-ids', `${dbGroup},${defaultGroup}`]);
  assert.deepEqual(json(await fx.run(['eni', 'show', eni, '--profile', 'a'])).securityGroupIds, [
    dbGroup,
    defaultGroup,
  ]);
  const groupLine = (await ok(['sg', 'show', dbGroup, '--profile', 'a', '--output', 'table'])).split('\n')[0];
  assert.match(groupLine ?? '', /, bound to 1 interface$/);
  await ok(['eni', 'bind-sg', eni, '--profile', 'a', '--security-group-ids', dbGroup]);
  assert.deepEqual(json(await fx.run(['eni', 'show', eni, '--profile', 'a'])).securityGroupIds, [dbGroup]);

  const notAttached = await fx.run(['eni', 'detach', eni, '--profile', 'a']);
  assert.equal(notAttached.code, 1);
  assert.equal(
    notAttached.stderr,
    'error: the interface is attached to no instance (its instanceId is empty): there is nothing to detach\n',
  );
  await ok(['eni', 'attach', eni, '--profile', 'a', '--instance-id', 'i-7Xb9kPq2']);
  assert.equal(
    await ok(['eni', 'status', eni, '--profile', 'a', '--query', 'status', '--output', 'text']),
    'inuse',
  );
  const attached = await fx.run(['eni', 'list', '--vpc-id', vpcA, '--profile', 'a', '--output', 'table']);
  assert.match(attached.stdout, new RegExp(`\\n${eni}\\s+cache-primary\\s+inuse\\s+.*\\s+i-7Xb9kPq2\\n`));
  const busy = await fx.run(['eni', 'delete', eni, '--profile', 'a']);
  assert.equal(busy.code, 2);
  assert.match(busy.stderr, /^EniInUse: .*\(requestId [0-9a-f-]{36}\)\n$/);
  await ok(['eni', 'detach', eni, '--profile', 'a']);
  assert.equal(
    await ok(['eni', 'status', eni, '--profile', 'a', '--query', 'status', '--output', 'text']),
    'available',
  );

  const quota = async () =>
    Number(await ok(argv`eni quota --eni-id ${eni} --profile a --query availableQuantity --output text`));
  const before = await quota();
  assert.equal(
    await ok(['eni', 'ip', 'add', eni, '--profile', 'a', '--ip', '10.1.1.40', ...text, 'privateIpAddress']),
    '10.1.1.40',
  );
  const picked = json(await fx.run(['eni', 'ip', 'batch-add', eni, '--profile', 'a', '--count', '2']));
  assert.equal((picked.privateIpAddresses as string[]).length, 2);
  await ok(['eni', 'ip', 'batch-add', eni, '--profile', 'a', '--ips', '10.1.1.41,10.1.1.42']);
  assert.equal(await quota(), before - 5);
  await ok(['eni', 'ip', 'delete', eni, '10.1.1.40', '--profile', 'a']);
  await ok([
    'eni',
    'ip',
    'batch-delete',
    eni,
    '--profile',
    'a',
    '--ips',
    ['10.1.1.41', ...(picked.privateIpAddresses as string[])].join(','),
  ]);
  const left = json(await fx.run(['eni', 'show', eni, '--profile', 'a'])).privateIpSet as Array<{
    privateIpAddress: string;
    primary: boolean;
  }>;
  assert.deepEqual(
    left.filter((ip) => !ip.primary).map((ip) => ip.privateIpAddress),
    ['10.1.1.42'],
  );
  assert.equal(await quota(), before - 1);

  await ok(['eni', 'delete', eni, '--profile', 'a']);
  const gone = await fx.run(['eni', 'show', eni, '--profile', 'a']);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /^NoSuchObject: /);
});

test('refusals: BCE code and message, exit 2; a missing required flag, exit 1', async () => {
  const held = await createEni('held', '--ip', '10.1.1.50');
  const createAt = (ip: string) =>
    fx.run(argv`eni create --profile a --subnet-id ${subnetA} --name x --ip ${ip}`);
  const taken = await createAt('10.1.1.50');
  assert.equal(taken.code, 2);
  assert.match(
    taken.stderr,
    new RegExp(`^PrivateIpInUse: .*10\\.1\\.1\\.50.*${held}.*\\(requestId [0-9a-f-]{36}\\)\\n$`),
  );
  const outside = await createAt('10.1.2.5');
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /^InvalidPrivateIp: /);
  const primary = await fx.run(['eni', 'ip', 'delete', held, '10.1.1.50', '--profile', 'a']);
  assert.equal(primary.code, 2);
  assert.match(primary.stderr, /^InvalidPrivateIp: .*primary/);

  const otherVpc = await ok(argv`vpc create --profile a --name other --cidr 10.7.0.0/16 ${text} vpcId`);
  const otherGroup = await ok(argv`sg list --profile a --vpc-id ${otherVpc} ${text} securityGroups[0].id`);
  const wrongVpc = await fx.run(['eni', 'sg', held, '--profile', 'a', '--security-group-ids', otherGroup]);
  assert.equal(wrongVpc.code, 2);
  assert.match(wrongVpc.stderr, /^Vpc\.SecurityGroupsNotSameVpc: /);

  const subnetInUse = await fx.run(['subnet', 'delete', subnetA, '--profile', 'a']);
  assert.equal(subnetInUse.code, 2);
  assert.match(subnetInUse.stderr, /^SubnetInUse: /);

  // Another account's interface answers exactly like a missing one.
  const foreign = await fx.run(['eni', 'show', held, '--profile', 'b']);
  const missing = await fx.run(['eni', 'show', 'eni-nonexistent0', '--profile', 'b']);
  assert.equal(foreign.code, 2);
  assert.equal(
    foreign.stderr.replace(/eni-\S+/g, '<id>').replace(/requestId \S+/, ''),
    missing.stderr.replace(/eni-\S+/g, '<id>').replace(/requestId \S+/, ''),
  );

  const noVpc = await fx.run(['eni', 'list', '--profile', 'a']);
  assert.equal(noVpc.code, 1);
  assert.equal(noVpc.stderr, "error: required option '--vpc-id' not specified\n");
  const noGroups = await fx.run(['eni', 'sg', held, '--profile', 'a']);
  assert.equal(noGroups.code, 1);
  assert.equal(noGroups.stderr, "error: required option '--security-group-ids' not specified\n");
  const neither = await fx.run(['eni', 'quota', '--profile', 'a']);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /^InvalidParameter: .*eniId.*instanceId/);
  await ok(['eni', 'delete', held, '--profile', 'a']);
});
