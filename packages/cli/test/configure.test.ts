// `configure` round trip in a temporary HOME, the shell completion script, and help texts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cleanEnv, cli, PEERCONN_FUNCTION, runProcess, tempHome } from './helpers.ts';

const { home, cleanup } = tempHome();
const run = (args: string[]) => cli(args, { home });

after(() => cleanup());

test('configure writes ~/.bce/config.json; list, get and use read and switch it', async () => {
  const first = await run([
    'configure',
    '--profile',
    'alice',
    '--access-key-id',
    'AKALICE',
    '--secret-access-key',
    'alice-secret-1234',
    '--region',
    'gz',
    '--endpoint',
    'http://127.0.0.1:9',
  ]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, '');
  // The first profile written became the current one without being asked to: it says so.
  assert.equal(
    first.stderr,
    'Saved profile "alice"\n"alice" is now the current profile: commands without --profile or BCE_PROFILE use it ' +
      '(`peerconn configure use <name>` picks another)\n',
  );
  const second = await run([
    'configure',
    '--profile',
    'bob',
    '--access-key-id',
    'AKBOB',
    '--secret-access-key',
    'bob-secret-9876',
  ]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(
    second.stderr,
    'Saved profile "bob"\n',
    'a later profile leaves the current one alone, silently',
  );

  const path = join(home, '.bce', 'config.json');
  assert.equal(statSync(path).mode & 0o777, 0o600, 'the file holds secrets');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
    current: 'alice',
    profiles: {
      alice: {
        mode: 'AK',
        accessKeyId: 'AKALICE',
        secretAccessKey: 'alice-secret-1234',
        region: 'gz',
        endpoint: 'http://127.0.0.1:9',
      },
      bob: { mode: 'AK', accessKeyId: 'AKBOB', secretAccessKey: 'bob-secret-9876' },
    },
  });

  const listed = await run(['configure', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  const profiles = (JSON.parse(listed.stdout) as { profiles: Array<Record<string, unknown>> }).profiles;
  assert.deepEqual(
    profiles.map((p) => [p.name, p.current, p.accessKeyId, p.secretAccessKey]),
    [
      ['alice', true, 'AKALICE', '****1234'],
      ['bob', false, 'AKBOB', '****9876'],
    ],
  );
  assert.ok(!listed.stdout.includes('alice-secret'), 'secrets are masked');

  const table = await run(['configure', 'list', '--output', 'table']);
  assert.match(
    table.stdout,
    /^CURRENT +NAME +ACCESS KEY +REGION +ENDPOINT\ntrue +alice +AKALICE +gz +http:\/\/127\.0\.0\.1:9\n/,
  );

  assert.equal((await run(['configure', 'use', 'bob'])).code, 0);
  const current = await run(['configure', 'get', '--query', '[name, current]', '--output', 'text']);
  assert.equal(current.stdout, 'bob\ntrue\n');
  const named = JSON.parse((await run(['configure', 'get', 'alice'])).stdout) as Record<string, unknown>;
  assert.equal(named.region, 'gz');
  assert.equal(named.current, false);

  const unknown = await run(['configure', 'use', 'carol']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /carol/);
});

test('configure without keys and without a terminal is a usage error naming the flag', async () => {
  const result = await run(['configure', '--profile', 'dave', '--access-key-id', 'AKDAVE']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /'--secret-access-key' not specified/);
});

test('a profile with an endpoint is used by the verbs (closed port → network error, not a config error)', async () => {
  const result = await run(['vpc', 'list', '--profile', 'alice', '--timeout', '1']);
  assert.equal(result.code, 3, result.stderr);
});

test('completion bash: the script asks peerconn for candidates (profiles, serve flags, shells)', async (t) => {
  const result = await run(['completion', 'bash']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /complete -o default -F _peerconn peerconn/);
  const hasBash = spawnSync('bash', ['--version']).status === 0;
  if (!hasBash) {
    t.skip('bash not installed');
    return;
  }
  const script = join(home, 'completion.bash');
  writeFileSync(script, result.stdout);
  // The shell calls `peerconn` as the user typed it; here that is a function running this checkout's binary.
  const complete = async (words: string[]) => {
    const shell = await runProcess(
      'bash',
      [
        '-c',
        `${PEERCONN_FUNCTION}; source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); ` +
          `COMP_CWORD=${words.length - 1}; _peerconn; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: cleanEnv(home) },
    );
    return shell.stdout.trim().split('\n');
  };
  assert.deepEqual(await complete(['peerconn', 'list', '--profile', '']), ['alice', 'bob']);
  assert.deepEqual(await complete(['peerconn', 'serve', '--p']), ['--port', '--pool-size', '--parent-pid']);
  assert.deepEqual(await complete(['peerconn', 'completion', '']), ['bash', 'zsh']);
  assert.deepEqual(await complete(['peerconn', 'vpc', 're']), ['relay']);
  assert.deepEqual(await complete(['peerconn', 'dns', 'open', 'x', '--role', '']), ['initiator', 'acceptor']);

  const zsh = await run(['completion', 'zsh']);
  assert.match(zsh.stdout, /bashcompinit/);
  const unknownShell = await run(['completion', 'fish']);
  assert.equal(unknownShell.code, 1);
});

test('every verb has help with an example; the root help lists exit codes', async () => {
  const root = await run(['--help']);
  assert.equal(root.code, 0);
  assert.match(
    root.stdout,
    /Exit codes:\n {2}0 {2}success\n {2}1 {2}usage error.*\n {2}2 .*service error.*\n {2}3 .*network.*\n {2}4 .*wait/,
  );
  for (const verb of [['create'], ['dns', 'open'], ['vpc', 'relay', 'open'], ['wait', 'deleted']]) {
    const help = await run([...verb, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`Example:\\n {2}\\$ peerconn ${verb.join(' ')} `));
  }
});
