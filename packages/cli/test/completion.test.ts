// The completion engine answers from the live command tree, the profile file and the server's options table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVER_OPTIONS } from '@peerconn/server';
import { type CompletionSources, complete, serverFlags } from '../src/completion.ts';
import { buildProgram } from '../src/main.ts';

const program = buildProgram();
const sources: CompletionSources = {
  profiles: async () => ['alice', 'bob', 'prod'],
  serveFlags: serverFlags,
};
const tab = (...words: string[]) => complete(program, words, sources);

test('--profile <TAB> offers the profile names, wherever the flag stands', async () => {
  assert.deepEqual(await tab('--profile', ''), ['alice', 'bob', 'prod']);
  assert.deepEqual(await tab('list', '--profile', ''), ['alice', 'bob', 'prod']);
  assert.deepEqual(await tab('vpc', 'list', '--output', 'table', '--profile', 'b'), ['bob']);
});

test("serve --p<TAB> offers serve's own flags, from the server's options table", async () => {
  assert.deepEqual(await tab('serve', '--p'), ['--port', '--pool-size', '--parent-pid']);
  const all = await tab('serve', '--port', '0', '');
  for (const flag of ['--data', '--listen', '--timing', '--log-level', '--help'])
    assert.ok(all.includes(flag), flag);
  assert.ok(!all.includes('--profile'), "the CLI's globals are not serve's flags");
  assert.equal(all.filter((flag) => flag === '--help').length, 1);
  const tableFlags = [...SERVER_OPTIONS.map((option) => `--${option.flag}`), '--help'];
  assert.deepEqual(new Set(all), new Set(tableFlags), 'every flag of the table, nothing else');
});

test('completion <TAB> offers the shells; help <TAB> the commands and globals', async () => {
  assert.deepEqual(await tab('completion', ''), ['bash', 'zsh']);
  assert.deepEqual(await tab('completion', 'z'), ['zsh']);
  assert.deepEqual(await tab('help', 'gl'), ['globals']);
});

test('verbs, sub-verbs, their flags and the globals, and the values of choice flags', async () => {
  assert.deepEqual(await tab('vpc', 're'), ['relay']);
  assert.deepEqual(await tab('vpc', 'relay', 'sh'), ['shutdown']);
  assert.deepEqual(await tab('dns', 'open', 'x', '--role', ''), ['initiator', 'acceptor']);
  assert.deepEqual(await tab('list', '--output', ''), ['json', 'table', 'text']);
  const createFlags = await tab('create', '--peer-');
  assert.deepEqual(createFlags, ['--peer-vpc-id', '--peer-region', '--peer-account-id', '--peer-if-name']);
  assert.deepEqual(await tab('list', '--max-'), ['--max-keys', '--max-items']);
  assert.ok((await tab('list', '--')).includes('--access-key-id'), 'globals complete after a verb');
  assert.deepEqual(await tab('wh'), ['whoami']);
  // A value that is not a choice (a path, an id) leaves the shell to complete it.
  assert.deepEqual(await tab('vpc', 'create', '--cli-input-json', ''), []);
});

test('the network verbs complete: groups, sub-verbs, their flags and the values of their choice flags', async () => {
  assert.deepEqual(await tab('a'), ['accept', 'acl']);
  assert.deepEqual(await tab('acl', ''), ['show', 'list', 'add', 'update', 'delete']);
  assert.deepEqual(await tab('acl', 'add', '--d'), [
    '--direction',
    '--destination',
    '--destination-port',
    '--description',
    '--debug',
  ]);
  assert.deepEqual(await tab('acl', 'add', '--direction', ''), ['ingress', 'egress']);
  assert.deepEqual(await tab('acl', 'add', '--action', ''), ['allow', 'deny']);
  assert.deepEqual(await tab('acl', 'update', 'ar-x', '--protocol', ''), ['all', 'tcp', 'udp', 'icmp']);
  assert.deepEqual(await tab('sg', ''), ['create', 'list', 'show', 'allow', 'revoke', 'rule', 'delete']);
  assert.deepEqual(await tab('sg', 'rule', ''), ['update', 'delete']);
  assert.deepEqual(await tab('sg', 'allow', 'g-x', '--s'), [
    '--source-ip',
    '--source-group',
    '--sg-version',
    '--secret-access-key',
    '--security-token',
  ]);
  assert.deepEqual(await tab('sg', 'allow', 'g-x', '--ethertype', ''), ['IPv4', 'IPv6']);
  assert.deepEqual(await tab('eni', ''), [
    'create',
    'list',
    'show',
    'status',
    'update',
    'sg',
    'attach',
    'detach',
    'ip',
    'delete',
    'quota',
  ]);
  assert.deepEqual(await tab('eni', 'ip', ''), ['add', 'delete', 'batch-add', 'batch-delete']);
  assert.deepEqual(await tab('eni', 'create', '--sec'), [
    '--secondary-ips',
    '--secondary-ip-count',
    '--security-group-ids',
    '--secret-access-key',
    '--security-token',
  ]);
  assert.deepEqual(await tab('route', 'sw'), ['switch']);
  assert.deepEqual(await tab('route', 'add', '--standby-nexthop-type', 'p'), ['peerConn']);
  assert.deepEqual(await tab('help', 'e'), ['eni']);
});
