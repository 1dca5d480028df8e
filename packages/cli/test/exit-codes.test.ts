// Every documented exit code, and usage errors that name the flag instead of printing a stack trace.
import assert from 'node:assert/strict';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { type Fixture, startFixture } from './helpers.ts';

let fx: Fixture;

before(async () => {
  fx = await startFixture();
  await fx.configureTwoProfiles();
});

after(async () => {
  await fx.close();
});

/** `list` with keys on the command line against whatever listens on a loopback port. */
function listWithKeysAt(port: number, ...extra: string[]) {
  return fx.run([
    'list',
    '--endpoint',
    `http://127.0.0.1:${port}`,
    '--access-key-id',
    'ak',
    '--secret-access-key',
    'sk-0123456789',
    ...extra,
  ]);
}

function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
}

test('exit 1: unknown flag, missing value, bad value, missing required flag, all named', async () => {
  const unknown = await fx.run(['list', '--profile', 'a', '--bogus']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown option '--bogus'/);
  assertNoStack(unknown.stderr);

  const missingValue = await fx.run(['resize', 'peerconn-abc', '--bandwidth']);
  assert.equal(missingValue.code, 1);
  assert.match(missingValue.stderr, /'--bandwidth <mbps>' argument missing/);

  const badValue = await fx.run(['resize', 'peerconn-abc', '--bandwidth', 'ten']);
  assert.equal(badValue.code, 1);
  assert.match(badValue.stderr, /--bandwidth <mbps>.*'ten' is invalid/);

  const missingRequired = await fx.run([
    'create',
    '--profile',
    'a',
    '--local-vpc-id',
    'vpc-x',
    '--bandwidth',
    '5',
  ]);
  assert.equal(missingRequired.code, 1);
  assert.match(missingRequired.stderr, /required option '--peer-vpc-id' not specified/);
  assert.equal(missingRequired.stdout, '');
  assertNoStack(missingRequired.stderr);

  const badChoice = await fx.run(['list', '--output', 'yaml']);
  assert.equal(badChoice.code, 1);
  assert.match(badChoice.stderr, /--output <format>.*'yaml' is invalid/);

  const missingArgument = await fx.run(['get']);
  assert.equal(missingArgument.code, 1);
  assert.match(missingArgument.stderr, /missing required argument 'id'/);
});

test('exit 1: no credentials anywhere, with a hint how to configure', async () => {
  const result = await fx.run(['list', '--endpoint', fx.server.url], { env: { HOME: `${fx.home}/nobody` } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: No BCE credentials found\. Run `peerconn configure`/);
  assert.match(result.stderr, /--profile <name>.*--access-key-id and --secret-access-key.*BCE_ACCESS_KEY_ID/);
  assert.doesNotMatch(result.stderr, /to the client|\{ credentials/, 'no SDK wording');
  assert.equal(result.stderr.split('\n').length, 2, 'one line');
});

test('exit 3: --timeout is a deadline for the whole command, retries included, and says so', async () => {
  // Accepts connections and never answers, so every attempt would run into its own timeout.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  try {
    const result = await listWithKeysAt(port, '--timeout', '1', '--debug');
    assert.equal(result.code, 3, result.stderr);
    const attempts = result.stderr.split('\n').filter((line) => line.startsWith('[debug] > GET'));
    assert.equal(attempts.length, 1, 'the deadline ends the command, not one attempt of several');
    const last = result.stderr.trimEnd().split('\n').at(-1);
    assert.equal(
      last,
      'Timeout: list did not finish within 1 s (--timeout covers the whole command, retries included)',
    );
    assert.doesNotMatch(result.stderr, /1000 ms/);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('exit 3: https spoken to a plain-HTTP server is explained in one line, without OpenSSL text', async () => {
  const hostPort = new URL(fx.server.url).host;
  const result = await fx.run(['list', '--endpoint', hostPort, '--profile', 'a']);
  assert.equal(result.code, 3, result.stderr);
  assert.equal(
    result.stderr,
    `NetworkError: could not speak TLS to ${hostPort}; if the server is plain HTTP, use --endpoint ` +
      `http://${hostPort} (or put that in the profile)\n`,
  );
});

test('exit 2: service error as "code: message (requestId …)"', async () => {
  const result = await fx.run(['get', 'peerconn-000000000000', '--profile', 'a']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^NoSuchObject: .+ \(requestId [0-9a-f-]{36}\)\n$/);
  assert.equal(result.stdout, '');
});

test('exit 3: nothing listens on the endpoint', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const result = await listWithKeysAt(port, '--timeout', '2');
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /^NetworkError: /);
  assertNoStack(result.stderr);
});

test('exit 4: waiting for active on a rejected request ends in a failure state', async () => {
  const { peerConnId: id } = await fx.crossAccount({
    cidrA: '10.8.0.0/16',
    cidrB: '10.9.0.0/16',
    answer: 'reject',
  });
  const waited = await fx.run([
    'wait',
    'active',
    id,
    '--profile',
    'a',
    '--timeout',
    '30',
    '--interval',
    '0.2',
  ]);
  assert.equal(waited.code, 4);
  assert.match(
    waited.stderr,
    /^WaitFailed: wait active .+ ended in a failure state \(last status consult_failed/,
  );
  assert.equal(waited.stdout, '');
});

test('exit 2, not 4: a wait refused by the service (bad signature) is a service error', async () => {
  const key = fx.server.accounts[0]!.credentials[0]!;
  const result = await fx.run([
    'wait',
    'active',
    'peerconn-000000000000',
    '--endpoint',
    fx.server.url,
    '--access-key-id',
    key.accessKeyId,
    '--secret-access-key',
    'not-the-secret',
    '--timeout',
    '10',
  ]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^SignatureDoesNotMatch: /);
});
