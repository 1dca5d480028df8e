// `--version`, the version line of `--debug`, and help texts that show the global options once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { SDK_VERSION } from '@peerconn/sdk/version';
import { CLI_VERSION } from '../src/version.ts';
import { type Fixture, startFixture } from './helpers.ts';

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
