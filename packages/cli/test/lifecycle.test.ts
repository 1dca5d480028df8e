// The cross-account lifecycle a user runs from the shell, through the real binary, with two profiles.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Fixture, json, startFixture } from './helpers.ts';

let fx: Fixture;

before(async () => {
  // Delays on the transitions users wait on, so `wait` has to poll rather than succeed on the first read.
  fx = await startFixture({
    accept: { mode: 'delay', delayMs: 600 },
    dnsOpen: { mode: 'delay', delayMs: 600 },
    delete: { mode: 'delay', delayMs: 600 },
  });
});

after(async () => {
  await fx.close();
});

test('cross-account lifecycle: vpcs, create, accept, wait, dns, resize, delete', async () => {
  const { b: accountB } = await fx.configureTwoProfiles();

  const vpcA = json(
    await fx.run(['vpc', 'create', '--name', 'app', '--cidr', '10.1.0.0/16', '--profile', 'a']),
  );
  const vpcB = json(
    await fx.run(['vpc', 'create', '--name', 'db', '--cidr', '10.2.0.0/16', '--profile', 'b']),
  );
  assert.match(String(vpcA.vpcId), /^vpc-/);
  assert.match(String(vpcB.vpcId), /^vpc-/);

  const created = await fx.run([
    'create',
    '--profile',
    'a',
    '--local-vpc-id',
    String(vpcA.vpcId),
    '--peer-vpc-id',
    String(vpcB.vpcId),
    '--peer-region',
    'bj',
    '--peer-account-id',
    accountB,
    '--bandwidth',
    '10',
    '--description',
    'app to db',
  ]);
  assert.equal(created.code, 0, created.stderr);
  // json output is exactly the API response: no $metadata, nothing else.
  const createdBody = json(created);
  assert.deepEqual(Object.keys(createdBody), ['peerConnId']);
  const id = String(createdBody.peerConnId);

  // Until the acceptor answers, waiting for active runs out of time: exit 4, last status named.
  const pending = await fx.run([
    'wait',
    'active',
    id,
    '--profile',
    'a',
    '--timeout',
    '1',
    '--interval',
    '0.2',
  ]);
  assert.equal(pending.code, 4, pending.stderr);
  assert.match(pending.stderr, /consulting/);

  const seenByB = json(await fx.run(['get', id, '--profile', 'b']));
  assert.equal(seenByB.role, 'acceptor');
  assert.equal(seenByB.status, 'consulting');

  const accepted = await fx.run(['accept', id, '--profile', 'b']);
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.equal(accepted.stdout, '', 'no-data operations print nothing');

  const active = await fx.run([
    'wait',
    'active',
    id,
    '--profile',
    'a',
    '--interval',
    '0.2',
    '--timeout',
    '20',
  ]);
  assert.equal(active.code, 0, active.stderr);
  assert.equal(json(active).status, 'active');

  const dns = await fx.run(['dns', 'open', id, '--role', 'initiator', '--profile', 'a']);
  assert.equal(dns.code, 0, dns.stderr);
  const dnsOpen = await fx.run([
    'wait',
    'dns-open',
    id,
    '--role',
    'initiator',
    '--profile',
    'a',
    '--interval',
    '0.2',
  ]);
  assert.equal(dnsOpen.code, 0, dnsOpen.stderr);
  assert.equal(json(dnsOpen).dnsStatus, 'open');

  // update reads the caller's own side for its localIfId when --local-if-id is left out, on either side.
  for (const profile of ['a', 'b']) {
    const before = json(await fx.run(['get', id, '--profile', profile]));
    const updated = await fx.run([
      'update',
      id,
      '--local-if-name',
      `${profile}-side`,
      '--description',
      `seen from ${profile}`,
      '--profile',
      profile,
      '--debug',
    ]);
    assert.equal(updated.code, 0, updated.stderr);
    const sent = updated.stderr.split('\n').filter((l) => /^\[debug\] > (GET|PUT) /.test(l));
    assert.match(sent[0]!, new RegExp(`> GET \\S+/v1/peerconn/${id} `), 'first the side is read');
    assert.match(sent[1]!, new RegExp(`> PUT \\S+/v1/peerconn/${id}\\?`), 'then updated');
    assert.ok(updated.stderr.includes(`"localIfId":"${before.localIfId}"`), 'with its own interface id');
    const after = json(await fx.run(['get', id, '--profile', profile]));
    assert.equal(after.localIfName, `${profile}-side`);
  }

  assert.equal((await fx.run(['resize', id, '--bandwidth', '20', '--profile', 'a'])).code, 0);
  const resized = await fx.run([
    'get',
    id,
    '--profile',
    'a',
    '--query',
    'bandwidthInMbps',
    '--output',
    'text',
  ]);
  assert.equal(resized.stdout, '20\n');

  const deleted = await fx.run(['delete', id, '--profile', 'a']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const gone = await fx.run([
    'wait',
    'deleted',
    id,
    '--profile',
    'a',
    '--interval',
    '0.2',
    '--timeout',
    '20',
  ]);
  assert.equal(gone.code, 0, gone.stderr);

  const afterDelete = await fx.run(['get', id, '--profile', 'a']);
  assert.equal(afterDelete.code, 2);
  assert.match(afterDelete.stderr, /^NoSuchObject: .+ \(requestId [\w-]+\)\n$/);
});
