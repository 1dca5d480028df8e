// The examples/ scripts, each run as a newcomer would run it (env vars, `node --import tsx`), driving a
// complete cross-account, cross-region lifecycle against a started server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { VpcClient } from '@peerconn/sdk';
import { startTestServer, type TestServer, TWO_REGIONS } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const run = promisify(execFile);

let server: TestServer;
before(async () => {
  server = await startTestServer({
    ...TWO_REGIONS,
  });
});
after(async () => {
  await server.close();
});

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('BCE_') && !k.startsWith('PEERCONN_')) env[k] = v;
  env.HOME = server.dir;
  return env;
}

async function example(
  name: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<Record<string, unknown>[]> {
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join('examples', `${name}.ts`), ...args],
      {
        cwd: ROOT,
        env: { ...baseEnv(), ...env },
        timeout: 30_000,
      },
    );
    return stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{') || l.startsWith('['))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string };
    throw new Error(`example ${name} failed:\n${e.stdout ?? ''}\n${e.stderr ?? String(error)}`);
  }
}

test('every example runs green in a cross-account, cross-region lifecycle', async () => {
  const bj = (server.listeners[0] as { url: string }).url;
  const gz = (server.listeners[1] as { url: string }).url;
  const keysA = {
    BCE_ENDPOINT: bj,
    BCE_ACCESS_KEY_ID: server.a.accessKeyId,
    BCE_SECRET_ACCESS_KEY: server.a.secretAccessKey,
  };
  const keysB = {
    BCE_ENDPOINT: gz,
    BCE_ACCESS_KEY_ID: server.b.accessKeyId,
    BCE_SECRET_ACCESS_KEY: server.b.secretAccessKey,
  };
  const localVpc = (
    await new VpcClient({ endpoint: bj, credentials: server.a, env: {} }).createVpc({
      name: 'ex-a',
      cidr: '10.30.0.0/16',
    })
  ).vpcId;
  const peerVpc = (
    await new VpcClient({ endpoint: gz, credentials: server.b, env: {} }).createVpc({
      name: 'ex-b',
      cidr: '10.31.0.0/16',
    })
  ).vpcId;

  const [created] = await example('create-peerconn', {
    ...keysA,
    LOCAL_VPC_ID: localVpc,
    PEER_VPC_ID: peerVpc,
    PEER_REGION: 'gz',
    PEER_ACCOUNT_ID: server.b.accountId,
    PAYMENT_TIMING: 'Prepaid',
  });
  const peerConnId = String(created?.peerConnId);
  assert.match(peerConnId, /^peerconn-/);
  const withId = { ...keysA, PEERCONN_ID: peerConnId };

  const [got] = await example('get-peerconn', { ...withId, ROLE: 'initiator' });
  assert.equal(JSON.stringify(got).includes(peerConnId), true);
  const listed = await example('list-peerconns', { ...keysA, LOCAL_VPC_ID: localVpc });
  assert.ok(JSON.stringify(listed).includes(peerConnId));

  await example('handle-peerconn', { ...keysB, PEERCONN_ID: peerConnId }, ['accept']);
  const [active] = await example('get-peerconn', { ...withId, ROLE: 'initiator' });
  assert.ok(JSON.stringify(active).includes('"active"'), JSON.stringify(active));

  await example('update-peerconn', withId);
  await example('resize-peerconn', { ...withId, NEW_BANDWIDTH_MBPS: '30' });
  await example('open-dns-sync', { ...withId, WAIT: '1' });
  await example('close-dns-sync', { ...withId, WAIT: '1' });
  await example('purchase-reserved-peerconn', withId);
  await example('update-delete-protect', { ...withId, DELETE_PROTECT: 'true' });
  await example('update-delete-protect', { ...withId, DELETE_PROTECT: 'false' });

  // A prepaid connection is released once it has expired; move the virtual clock there first.
  await server.engine.setClock({ advanceMs: 120 * 24 * 3600_000 });
  await server.engine.runTransitions();
  await example('delete-peerconn', { ...withId, WAIT: '1' });
  const left = await example('list-peerconns', { ...keysA, LOCAL_VPC_ID: localVpc });
  assert.ok(!JSON.stringify(left).includes(peerConnId), JSON.stringify(left));
});
