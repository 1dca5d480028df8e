// Where a command's keys go: a region from a flag or the environment never moves them away from the endpoint
// a profile configured (the local server here), so no request can reach *.baidubce.com.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Fixture, startFixture } from './helpers.ts';

let fx: Fixture;
before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
});
after(() => fx.close());

/** The URLs of every request the CLI sent, from its --debug output. */
function requestUrls(stderr: string): string[] {
  return [...stderr.matchAll(/^\[debug\] > [A-Z]+ (\S+) \(attempt \d+\)$/gm)].map((m) => m[1]!);
}

test('--region with a profile that has an endpoint still talks to that endpoint', async () => {
  for (const [args, env] of [
    [['--profile', 'a', '--region', 'gz'], {}],
    [['--region', 'gz'], { BCE_PROFILE: 'a' }],
    [['--profile', 'a'], { BCE_REGION: 'gz' }],
    [[], { BCE_PROFILE: 'a', BCE_REGION: 'gz' }],
  ] as const) {
    const result = await fx.run(['vpc', 'list', ...args, '--debug'], { env });
    const label = `${args.join(' ')} ${JSON.stringify(env)}`;
    assert.equal(result.code, 0, `${label}: ${result.stderr}`);
    const urls = requestUrls(result.stderr);
    assert.ok(urls.length > 0, label);
    for (const url of urls) assert.ok(url.startsWith(`${fx.server.url}/`), `${label}: sent to ${url}`);
    assert.doesNotMatch(result.stderr, /baidubce\.com/, label);
  }
});

test('--endpoint beats the profile endpoint; the profile endpoint beats BCE_ENDPOINT only for --profile', async () => {
  const elsewhere = 'http://127.0.0.1:1';
  const explicit = await fx.run([
    'vpc',
    'list',
    '--profile',
    'a',
    '--endpoint',
    elsewhere,
    '--debug',
    '--timeout',
    '2',
  ]);
  assert.deepEqual([...new Set(requestUrls(explicit.stderr).map((u) => new URL(u).origin))], [elsewhere]);

  const named = await fx.run(['vpc', 'list', '--profile', 'a', '--debug'], {
    env: { BCE_ENDPOINT: elsewhere },
  });
  assert.equal(named.code, 0, named.stderr);
  assert.ok(requestUrls(named.stderr).every((u) => u.startsWith(fx.server.url)));

  const fallback = await fx.run(['vpc', 'list', '--debug', '--timeout', '2'], {
    env: { BCE_PROFILE: 'a', BCE_ENDPOINT: elsewhere },
  });
  assert.deepEqual([...new Set(requestUrls(fallback.stderr).map((u) => new URL(u).origin))], [elsewhere]);
});
