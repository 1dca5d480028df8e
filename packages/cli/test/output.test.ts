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

test('--no-paginate: json is the API response pretty-printed, without $metadata', async () => {
  const result = await fx.run(['list', '--profile', 'a', '--no-paginate']);
  assert.equal(result.code, 0, result.stderr);
  const body = json(result);
  assert.ok(!('$metadata' in body));
  assert.ok(Array.isArray(body.peerConns));
  assert.equal(body.isTruncated, false);
  assert.equal(result.stdout, `${JSON.stringify(body, null, 2)}\n`);
});

type Item = { peerConnId: string; role: string };
const keys = (body: Record<string, unknown>) =>
  (body.peerConns as Item[]).map((p) => `${p.peerConnId}/${p.role}`);
const requestLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line.startsWith('[debug] > GET'));

test('list follows nextMarker across pages by default; --page-size (or --max-keys) is the request size', async () => {
  const onePage = json(await fx.run(['list', '--profile', 'a', '--no-paginate']));
  const total = (onePage.peerConns as unknown[]).length;
  assert.ok(total > 3, `need more than two pages of 2, have ${total}`);

  const firstPage = json(await fx.run(['list', '--profile', 'a', '--page-size', '2', '--no-paginate']));
  assert.equal(firstPage.isTruncated, true);
  assert.equal((firstPage.peerConns as unknown[]).length, 2);

  for (const flags of [
    ['--page-size', '2'],
    ['--max-keys', '2'],
    ['--max-keys', '2', '--all'],
  ]) {
    const all = await fx.run(['list', '--profile', 'a', ...flags, '--debug']);
    assert.equal(all.code, 0, all.stderr);
    const body = json(all);
    assert.deepEqual(Object.keys(body), ['peerConns'], flags.join(' '));
    assert.deepEqual(keys(body).sort(), keys(onePage).sort(), flags.join(' '));
    assert.equal(requestLines(all.stderr).length, Math.ceil(total / 2), flags.join(' '));
    assert.match(all.stderr, /authorization: bce-auth-v1\//);
    assert.ok(!all.stderr.includes(secretA), 'the secret key never reaches the debug output');
  }

  const counted = await fx.run([
    'list',
    '--profile',
    'a',
    '--page-size',
    '2',
    '--query',
    'length(peerConns)',
  ]);
  assert.equal(counted.stdout, `${total}\n`);
});

test('--max-items stops on an exact item; its nextMarker (json) or stderr note continues with --starting-token', async () => {
  const everything = keys(json(await fx.run(['list', '--profile', 'a'])));
  const first = await fx.run(['list', '--profile', 'a', '--max-items', '3', '--page-size', '2', '--debug']);
  assert.equal(first.code, 0, first.stderr);
  const body = json(first);
  assert.equal(keys(body).length, 3);
  assert.equal(typeof body.nextMarker, 'string');
  // Two items, then exactly the one still wanted: the listing ends on a page boundary.
  const sizes = requestLines(first.stderr).map((line) => /maxKeys=(\d+)/.exec(line)?.[1]);
  assert.deepEqual(sizes, ['2', '1']);
  assert.doesNotMatch(first.stderr, /more results/, 'json carries the marker itself');

  const rest = json(await fx.run(['list', '--profile', 'a', '--starting-token', String(body.nextMarker)]));
  assert.ok(!('nextMarker' in rest));
  assert.deepEqual([...keys(body), ...keys(rest)].sort(), [...everything].sort());

  const table = await fx.run(['list', '--profile', 'a', '--max-items', '3', '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  assert.equal(table.stdout.trimEnd().split('\n').length, 4, 'header and three rows');
  const note = /^more results: continue with --starting-token (\S+)\n$/.exec(table.stderr);
  assert.ok(note, `stderr says more exist: ${JSON.stringify(table.stderr)}`);
  const next = await fx.run(['list', '--profile', 'a', '--starting-token', note[1]!, '--output', 'text']);
  assert.equal(next.stdout.trimEnd().split('\n').length, everything.length - 3);
  assert.equal(next.stderr, '');

  const enough = await fx.run(['list', '--profile', 'a', '--max-items', '100', '--output', 'table']);
  assert.equal(enough.stderr, '', 'no note when nothing is left');
});

test('--no-paginate shows one page; table/text say on stderr that more exist', async () => {
  const table = await fx.run([
    'list',
    '--profile',
    'a',
    '--no-paginate',
    '--page-size',
    '2',
    '--output',
    'table',
  ]);
  assert.equal(table.code, 0, table.stderr);
  assert.equal(table.stdout.trimEnd().split('\n').length, 3);
  assert.match(table.stderr, /^more results: continue with --starting-token \S+\n$/);

  for (const [flags, message] of [
    [['--all', '--no-paginate'], /--all and --no-paginate contradict/],
    [['--max-items', '2', '--no-paginate'], /with --no-paginate, use --page-size/],
    [['--page-size', '2', '--max-keys', '3'], /--page-size and --max-keys name the same thing/],
    [['--max-items', '0'], /--max-items <n>.*'0' is invalid/],
  ] as const) {
    const refused = await fx.run(['list', '--profile', 'a', ...flags]);
    assert.equal(refused.code, 1, flags.join(' '));
    assert.match(refused.stderr, message);
  }
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
