// The command line promised to users (the verbs and flag names of the CLI issue, word for word), checked
// against the real command tree, plus help examples on the group commands and redaction in --debug.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../src/main.ts';
import { makeClient } from '../src/options.ts';
import { cli, GLOBAL_FLAGS, tempHome } from './helpers.ts';

const { home, cleanup } = tempHome();
after(() => cleanup());

function find(root: Command, words: readonly string[]): Command | undefined {
  let current: Command | undefined = root;
  for (const word of words) current = current?.commands.find((c) => c.name() === word);
  return current;
}

const longFlags = (cmd: Command) => new Set(cmd.options.flatMap((o) => (o.long ? [o.long] : [])));
const argNames = (cmd: Command) => cmd.registeredArguments.map((a) => a.name());

const PROMISED: Array<{ words: string[]; args?: string[]; flags?: string[] }> = [
  {
    words: ['create'],
    flags: [
      '--local-vpc-id',
      '--peer-vpc-id',
      '--peer-region',
      '--bandwidth',
      '--peer-account-id',
      '--description',
      '--local-if-name',
      '--peer-if-name',
      '--payment-timing',
      '--reservation-length',
      '--tag',
      '--delete-protect',
    ],
  },
  {
    words: ['list'],
    flags: [
      '--vpc-id',
      '--max-items',
      '--page-size',
      '--starting-token',
      '--no-paginate',
      '--max-keys',
      '--marker',
      '--all',
    ],
  },
  { words: ['get'], args: ['id'], flags: ['--role'] },
  { words: ['update'], args: ['id'], flags: ['--local-if-id', '--local-if-name', '--description'] },
  { words: ['accept'], args: ['id'] },
  { words: ['reject'], args: ['id'] },
  { words: ['delete'], args: ['id'] },
  { words: ['resize'], args: ['id'], flags: ['--bandwidth'] },
  { words: ['renew'], args: ['id'], flags: ['--reservation-length'] },
  { words: ['refund'], args: ['id'] },
  { words: ['dns', 'open'], args: ['id'], flags: ['--role'] },
  { words: ['dns', 'close'], args: ['id'], flags: ['--role'] },
  { words: ['delete-protect', 'on'], args: ['id'] },
  { words: ['delete-protect', 'off'], args: ['id'] },
  { words: ['vpc', 'create'], flags: ['--name', '--cidr'] },
  { words: ['vpc', 'list'], flags: ['--max-items', '--page-size', '--starting-token', '--no-paginate'] },
  { words: ['vpc', 'get'], args: ['vpcId'] },
  { words: ['vpc', 'update'], args: ['vpcId'] },
  { words: ['vpc', 'delete'], args: ['vpcId'] },
  { words: ['vpc', 'relay', 'open'], args: ['vpcId'] },
  { words: ['vpc', 'relay', 'shutdown'], args: ['vpcId'] },
  { words: ['wait', 'active'], args: ['id'] },
  { words: ['wait', 'deleted'], args: ['id'] },
  { words: ['wait', 'dns-open'], args: ['id'] },
  { words: ['wait', 'dns-closed'], args: ['id'] },
  { words: ['serve'] },
  { words: ['configure'] },
  { words: ['configure', 'list'] },
  { words: ['configure', 'get'] },
  { words: ['completion'], args: ['shell'] },
  { words: ['whoami'] },
  { words: ['help'] },
  // Issue 18: subnet ACLs, security groups, network interfaces and the route switch.
  { words: ['route', 'switch'], args: ['routeRuleId'] },
  { words: ['route', 'add'], flags: ['--standby-nexthop-id'] },
  { words: ['acl', 'show'], flags: ['--vpc-id'] },
  {
    words: ['acl', 'list'],
    flags: ['--subnet-id', '--max-items', '--page-size', '--starting-token', '--no-paginate'],
  },
  {
    words: ['acl', 'add'],
    flags: [
      '--subnet-id',
      '--direction',
      '--action',
      '--protocol',
      '--source',
      '--destination',
      '--source-port',
      '--destination-port',
      '--position',
      '--description',
      '--cli-input-json',
    ],
  },
  { words: ['acl', 'update'], args: ['aclRuleId'], flags: ['--action', '--position', '--destination-port'] },
  { words: ['acl', 'delete'], args: ['aclRuleId'] },
  { words: ['sg', 'create'], flags: ['--vpc-id', '--name', '--desc', '--description'] },
  { words: ['sg', 'list'], flags: ['--vpc-id'] },
  { words: ['sg', 'show'], args: ['securityGroupId'] },
  ...(['allow', 'revoke'] as const).map((verb) => ({
    words: ['sg', verb],
    args: ['securityGroupId'],
    flags: [
      '--direction',
      '--protocol',
      '--port',
      '--source-ip',
      '--source-group',
      '--dest-ip',
      '--dest-group',
    ],
  })),
  { words: ['sg', 'rule', 'update'], args: ['securityGroupRuleId'] },
  { words: ['sg', 'rule', 'delete'], args: ['securityGroupRuleId'] },
  { words: ['sg', 'delete'], args: ['securityGroupId'] },
  { words: ['eni', 'create'], flags: ['--subnet-id', '--name', '--ip', '--security-group-ids'] },
  { words: ['eni', 'list'], flags: ['--vpc-id'] },
  ...['show', 'status', 'update', 'attach', 'detach', 'delete'].map((verb) => ({
    words: ['eni', verb],
    args: ['eniId'],
  })),
  { words: ['eni', 'sg'], args: ['eniId'], flags: ['--security-group-ids'] },
  { words: ['eni', 'ip', 'add'], args: ['eniId'] },
  { words: ['eni', 'ip', 'delete'], args: ['eniId', 'privateIpAddress'] },
  { words: ['eni', 'ip', 'batch-add'], args: ['eniId'] },
  { words: ['eni', 'ip', 'batch-delete'], args: ['eniId'] },
  { words: ['eni', 'quota'] },
];

test("every verb and flag of the CLI issue exists under exactly that name; globals are the issue's", () => {
  const program = buildProgram();
  for (const { words, args = [], flags = [] } of PROMISED) {
    const cmd = find(program, words);
    assert.ok(cmd, `peerconn ${words.join(' ')} exists`);
    assert.deepEqual(argNames(cmd).slice(0, args.length), args, `peerconn ${words.join(' ')} arguments`);
    const own = longFlags(cmd);
    for (const flag of flags) assert.ok(own.has(flag), `peerconn ${words.join(' ')} has ${flag}`);
  }
  const globals = longFlags(program);
  for (const flag of GLOBAL_FLAGS) {
    assert.ok(globals.has(flag), `global ${flag}`);
  }
  const output = program.options.find((o) => o.long === '--output');
  assert.deepEqual(output?.argChoices, ['json', 'table', 'text']);
  assert.equal(output?.defaultValue, 'json');
  assert.equal(output?.envVar, 'BCE_OUTPUT');
  assert.deepEqual(find(program, ['dns', 'open'])?.options.find((o) => o.long === '--role')?.argChoices, [
    'initiator',
    'acceptor',
  ]);
});

test('group commands and serve show a real example in --help', async () => {
  for (const words of [
    ['dns'],
    ['delete-protect'],
    ['vpc'],
    ['vpc', 'relay'],
    ['wait'],
    ['serve'],
    ['acl'],
    ['sg'],
    ['sg', 'rule'],
    ['eni'],
    ['eni', 'ip'],
  ]) {
    const help = await cli([...words, '--help'], { home });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Example:\n {2}\$ peerconn \S/, `peerconn ${words.join(' ')} --help`);
  }
});

test('--debug redacts keys that came from the environment, the STS token included', async () => {
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-debug-'));
  const secret = 'env-secret-0123456789';
  const token = 'sts-token-abcdef';
  try {
    process.env.HOME = dir;
    process.env.BCE_ACCESS_KEY_ID = 'env-ak';
    process.env.BCE_SECRET_ACCESS_KEY = secret;
    process.env.BCE_SESSION_TOKEN = token;
    let written = '';
    const stderr = {
      write(chunk: string) {
        written += chunk;
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    const client = await makeClient(
      'peerconn',
      { output: 'json', color: true, debug: true, endpoint: 'http://127.0.0.1:9' },
      { stderr },
    );
    client.config.onDebug?.({
      type: 'request',
      attempt: 1,
      method: 'PUT',
      url: 'http://127.0.0.1:9/v1/peerconn/p',
      headers: { 'x-bce-security-token': token },
      body: `{"echo":"${secret}"}`,
    });
    assert.match(written, /x-bce-security-token: <redacted>/);
    assert.match(written, /"echo":"<redacted>"/);
    assert.ok(!written.includes(secret) && !written.includes(token), written);
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
