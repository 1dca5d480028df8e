// `--version`, the version line of `--debug`, and help texts that show the global options once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { SDK_VERSION } from '@peerconn/sdk';
import { CLI_VERSION } from '../src/version.ts';
import { type Fixture, GLOBAL_FLAGS, startFixture } from './helpers.ts';

let fx: Fixture;
before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
});
after(() => fx.close());

test('CLI_VERSION matches packages/cli/package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.equal(CLI_VERSION, pkg.version);
});

test('--version prints peerconn, SDK and Node versions on one line', async () => {
  const result = await fx.run(['--version']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `peerconn/${CLI_VERSION} sdk/${SDK_VERSION} node/${process.version} ${process.platform}/${process.arch}\n`,
  );
});

test('--debug starts with the version line; the User-Agent names the CLI', async () => {
  const result = await fx.run(['vpc', 'list', '--profile', 'a', '--debug']);
  assert.equal(result.code, 0, result.stderr);
  const [first] = result.stderr.split('\n');
  assert.equal(
    first,
    `[debug] peerconn/${CLI_VERSION} sdk/${SDK_VERSION} node/${process.version} ${process.platform}/${process.arch}`,
  );
  assert.match(
    result.stderr,
    new RegExp(`> user-agent: peerconn-sdk/\\S+ .* peerconn-cli/${CLI_VERSION}\\n`),
  );
});

const ENV_NAMES = [
  'BCE_PROFILE',
  'BCE_REGION',
  'BCE_ENDPOINT',
  'BCE_OUTPUT',
  'BCE_ACCESS_KEY_ID',
  'BCE_SECRET_ACCESS_KEY',
  'BCE_SESSION_TOKEN',
  'NO_COLOR',
];

const count = (text: string, word: string) => text.split(word).length - 1;

test("a verb's help lists its own options and points to `help globals` instead of repeating them", async () => {
  for (const words of [['list'], ['vpc', 'create'], ['wait', 'active'], ['configure', 'get']]) {
    const help = await fx.run([...words, '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /peerconn help globals/);
    for (const flag of ['--access-key-id', '--secret-access-key', '--client-token', '--no-color']) {
      assert.ok(!help.stdout.includes(flag), `${words.join(' ')} --help repeats ${flag}`);
    }
    assert.doesNotMatch(help.stdout, /BCE_|NO_COLOR/, `${words.join(' ')} --help names no env variable`);
    assert.equal((await fx.run(['help', ...words])).stdout, help.stdout, `help ${words.join(' ')}`);
  }
});

test('`help globals` and `--help` list every global option, each env variable exactly once', async () => {
  const globals = await fx.run(['help', 'globals']);
  assert.equal(globals.code, 0, globals.stderr);
  const root = await fx.run(['--help']);
  for (const text of [globals.stdout, root.stdout]) {
    for (const flag of GLOBAL_FLAGS) assert.match(text, new RegExp(`^  ${flag}\\b`, 'm'), flag);
    for (const name of ENV_NAMES) assert.equal(count(text, name), 1, `${name} named once`);
  }
  const unknown = await fx.run(['help', 'nosuch']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown command 'nosuch'/);
});
