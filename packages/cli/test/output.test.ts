// Output formats, --query, --all across pages, --debug and --cli-input-json, through the real binary.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Fixture, json, startFixture } from './helpers.ts';

let fx: Fixture;
let secretA: string;
const vpcIds: string[] = [];

before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
  secretA = fx.server.accounts[0]!.credentials[0]!.secretAccessKey;
  for (const [i, cidr] of ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16'].entries()) {
    const made = json(await fx.run(['vpc', 'create', '--name', `net${i}`, '--cidr', cidr, '--profile', 'a']));
    vpcIds.push(String(made.vpcId));
  }
  const [v0, v1, v2] = vpcIds as [string, string, string];
  const pairs: Array<[string, string]> = [
    [v0, v1],
    [v0, v2],
    [v1, v2],
  ];
  for (const [local, peer] of pairs) {
    const made = await fx.run(
      ['create', '--local-vpc-id', local, '--peer-vpc-id', peer, '--peer-region', 'bj', '--bandwidth', '5'],
      { env: { BCE_PROFILE: 'a' } },
    );
    assert.equal(made.code, 0, made.stderr);
  }
});

after(async () => {
  await fx.close();
});

test('json is the API response pretty-printed, without $metadata', async () => {
  const result = await fx.run(['list', '--profile', 'a']);
  assert.equal(result.code, 0, result.stderr);
  const body = json(result);
  assert.ok(!('$metadata' in body));
  assert.ok(Array.isArray(body.peerConns));
  assert.equal(body.isTruncated, false);
  assert.equal(result.stdout, `${JSON.stringify(body, null, 2)}\n`);
});

test('--all follows nextMarker across pages and aggregates { peerConns }', async () => {
  const onePage = json(await fx.run(['list', '--profile', 'a']));
  const total = (onePage.peerConns as unknown[]).length;
  assert.ok(total > 2, `need more than one page of 2, have ${total}`);

  const firstPage = json(await fx.run(['list', '--profile', 'a', '--max-keys', '2']));
  assert.equal(firstPage.isTruncated, true);

  const all = await fx.run(['list', '--profile', 'a', '--max-keys', '2', '--all', '--debug']);
  assert.equal(all.code, 0, all.stderr);
  const body = json(all);
  assert.deepEqual(Object.keys(body), ['peerConns']);
  assert.deepEqual(
    (body.peerConns as Array<{ peerConnId: string; role: string }>)
      .map((p) => `${p.peerConnId}/${p.role}`)
      .sort(),
    (onePage.peerConns as Array<{ peerConnId: string; role: string }>)
      .map((p) => `${p.peerConnId}/${p.role}`)
      .sort(),
  );
  const requests = all.stderr.split('\n').filter((line) => line.startsWith('[debug] > GET'));
  assert.equal(requests.length, Math.ceil(total / 2));
  assert.match(all.stderr, /authorization: bce-auth-v1\//);
  assert.ok(!all.stderr.includes(secretA), 'the secret key never reaches the debug output');

  const counted = await fx.run([
    'list',
    '--profile',
    'a',
    '--max-keys',
    '2',
    '--all',
    '--query',
    'length(peerConns)',
  ]);
  assert.equal(counted.stdout, `${total}\n`);
});

test('table: header, aligned columns, one row per item, within 80 columns', async () => {
  const result = await fx.run(['list', '--profile', 'a', '--output', 'table']);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^PEERCONN ID +STATUS +ROLE +DNS +MBPS +PEER VPC$/);
  const total = (json(await fx.run(['list', '--profile', 'a'])).peerConns as unknown[]).length;
  assert.equal(lines.length, total + 1);
  const statusColumn = lines[0]!.indexOf('STATUS');
  for (const line of lines.slice(1)) {
    assert.match(line, /^peerconn-\S+ +active +(initiator|acceptor) +close +5 +vpc-\S+$/);
    assert.equal(line.indexOf('active'), statusColumn, 'columns are aligned');
    assert.ok(line.length <= 80, `line longer than 80 columns: ${line}`);
  }

  // One resource is one row, even though it carries arrays of its own (tags).
  const firstId = lines[1]!.split(' ')[0]!;
  const one = await fx.run(['get', firstId, '--profile', 'a', '--output', 'table']);
  assert.match(one.stdout, /^PEERCONN ID +STATUS +ROLE +DNS +MBPS +PEER VPC\npeerconn-\S+ +active .*\n$/);

  const vpcs = await fx.run(['vpc', 'get', vpcIds[0]!, '--profile', 'a', '--output', 'table']);
  const [header, row] = vpcs.stdout.trimEnd().split('\n');
  assert.match(header!, /^VPC ID +NAME +CIDR +DEFAULT +RELAY$/);
  assert.match(row!, new RegExp(`^${vpcIds[0]} +net0 +10\\.1\\.0\\.0/16 +false`));
});

test('an empty list: table prints the header and "(none)", text prints nothing', async () => {
  const table = await fx.run(['list', '--profile', 'b', '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^PEERCONN ID +STATUS +ROLE +DNS +MBPS +PEER VPC\n\(none\)\n$/);
  const text = await fx.run(['list', '--profile', 'b', '--output', 'text']);
  assert.equal(text.stdout, '');
  const queried = await fx.run(['list', '--profile', 'b', '--output', 'table', '--query', 'peerConns']);
  assert.equal(queried.stdout, 'VALUE\n(none)\n');
});

test('text: tab-separated rows without header, for cut and awk; BCE_OUTPUT selects it', async () => {
  const result = await fx.run(['list', '--profile', 'a'], { env: { BCE_OUTPUT: 'text' } });
  assert.equal(result.code, 0, result.stderr);
  const rows = result.stdout.trimEnd().split('\n');
  for (const row of rows) {
    const cells = row.split('\t');
    assert.match(cells[0]!, /^peerconn-/);
    assert.equal(cells[1], 'active');
    assert.equal(cells[4], '5');
  }
  const ids = await fx.run([
    'list',
    '--profile',
    'a',
    '--output',
    'text',
    '--query',
    'peerConns[].peerConnId',
  ]);
  assert.equal(ids.stdout.trimEnd().split('\n').length, rows.length);
  assert.ok(ids.stdout.split('\n').every((line) => line === '' || line.startsWith('peerconn-')));
});

test('--query applies to the whole result; scalars print bare in text and quoted in json', async () => {
  const text = await fx.run([
    'vpc',
    'get',
    vpcIds[1]!,
    '--profile',
    'a',
    '--query',
    'vpc.cidr',
    '--output',
    'text',
  ]);
  assert.equal(text.stdout, '10.2.0.0/16\n');
  const asJson = await fx.run(['vpc', 'get', vpcIds[1]!, '--profile', 'a', '--query', 'vpc.name']);
  assert.equal(asJson.stdout, '"net1"\n');
  const bad = await fx.run(['vpc', 'get', vpcIds[1]!, '--profile', 'a', '--query', 'vpc.[']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: --query: /);
  assert.equal(bad.stdout, '');
});

test('--cli-input-json reads wire fields from stdin; flags win over it', async () => {
  const made = await fx.run(
    ['vpc', 'create', '--cli-input-json', '-', '--profile', 'b', '--name', 'from-flag'],
    {
      stdin: JSON.stringify({ name: 'from-json', cidr: '172.16.0.0/16', description: 'piped' }),
    },
  );
  assert.equal(made.code, 0, made.stderr);
  const vpc = json(await fx.run(['vpc', 'get', String(json(made).vpcId), '--profile', 'b'])).vpc as Record<
    string,
    unknown
  >;
  assert.equal(vpc.name, 'from-flag');
  assert.equal(vpc.cidr, '172.16.0.0/16');
  assert.equal(vpc.description, 'piped');
});

test('--client-token reaches the service: the same token and input create one VPC, not two', async () => {
  const args = ['vpc', 'create', '--name', 'once', '--cidr', '10.50.0.0/16', '--profile', 'a'];
  const first = json(await fx.run([...args, '--client-token', 'cli-test-token-1']));
  const again = json(await fx.run([...args, '--client-token', 'cli-test-token-1']));
  const other = json(await fx.run([...args, '--client-token', 'cli-test-token-2']));
  assert.equal(again.vpcId, first.vpcId);
  assert.notEqual(other.vpcId, first.vpcId);
});
