// The console's reachability check in a real Chromium against a real server: the form on the VPCs page asks
// the server about a path made through the SDK, shows the problem while the return route is missing, and the
// working path once it is added; a bad address shows the server's error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PeerConnClient, RouteClient, SubnetClient, VpcClient } from '@peerconn/sdk';
import type { Page } from 'playwright-core';
import {
  browserSkipReason,
  type ConsolePage,
  type ConsoleSession,
  openConsoleSession,
} from './console-support.ts';
import type { TestServer } from './http-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  "the console's reachability form shows what POST /_admin/reachability answers, which http-admin-console checks on every store",
);

const skip = browserSkipReason();

describe('the reachability check in the console', { skip }, () => {
  let server: TestServer;
  let session: ConsoleSession | undefined;
  let ui: ConsolePage;
  let page: Page;
  let vpcA = '';
  let vpcB = '';
  let ifB = '';

  /** Two peered VPCs with a route one way only, made through the SDK. */
  async function makeWorld(started: TestServer): Promise<void> {
    server = started;
    const config = (who: { accessKeyId: string; secretAccessKey: string }) => ({
      endpoint: server.url,
      credentials: who,
      maxRetries: 0,
      env: {},
    });
    const a = config(server.a);
    const b = config(server.b);
    ({ vpcId: vpcA } = await new VpcClient(a).createVpc({ name: 'app', cidr: '10.1.0.0/16' }));
    ({ vpcId: vpcB } = await new VpcClient(b).createVpc({ name: 'db', cidr: '10.2.0.0/16' }));
    await new SubnetClient(a).createSubnet({
      vpcId: vpcA,
      name: 'app_a',
      cidr: '10.1.1.0/24',
      zoneName: 'cn-bj-a',
    });
    await new SubnetClient(b).createSubnet({
      vpcId: vpcB,
      name: 'db_a',
      cidr: '10.2.1.0/24',
      zoneName: 'cn-bj-a',
    });
    const { peerConnId } = await new PeerConnClient(a).createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: vpcA,
      peerVpcId: vpcB,
      peerRegion: 'bj',
      peerAccountId: server.b.accountId,
      billing: { paymentTiming: 'Postpaid' },
    });
    await new PeerConnClient(b).acceptPeerConn({ peerConnId });
    const ifA = (await new PeerConnClient(a).getPeerConn({ peerConnId })).localIfId;
    ifB = (await new PeerConnClient(b).getPeerConn({ peerConnId })).localIfId;
    const { routeTableId } = await new RouteClient(a).getRouteTable({ vpcId: vpcA });
    await new RouteClient(a).createRouteRule({
      routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '10.2.0.0/16',
      nexthopType: 'peerConn',
      nexthopId: ifA,
    });
  }

  before(async () => {
    session = await openConsoleSession({}, { world: makeWorld, path: '/_console/#/vpcs' });
    ({ ui, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  async function check(fromIp: string, toIp: string): Promise<void> {
    const form = page.locator('details.reach');
    if (!(await form.evaluate((d) => (d as unknown as { open: boolean }).open))) {
      await form.getByText('Check reachability').click();
    }
    await form.getByLabel('From VPC').selectOption(vpcA);
    await form.getByLabel('From IP').fill(fromIp);
    await form.getByLabel('To IP').fill(toIp);
    await form.getByRole('button', { name: 'Check' }).click();
  }

  test('not reachable without the return route, with the problem; reachable once it is there', async () => {
    await check('10.1.1.5', '10.2.1.7');
    const answer = page.locator('.reach-answer');
    await answer.getByText('Not reachable').waitFor();
    const problem = answer.locator('li[data-problem="NoReturnRoute"]');
    await problem.waitFor();
    assert.match(
      (await problem.textContent()) ?? '',
      new RegExp(`NoReturnRoute: No route back: .*nexthopId ${ifB}`),
    );
    assert.equal(await answer.locator('.reach-leg').first().locator('li').count(), 2);
    assert.match(
      (await answer.locator(`li[data-hop="${vpcB}"]`).first().textContent()) ?? '',
      /delivered in subnet sbn-/,
    );

    const b = { endpoint: server.url, credentials: server.b, maxRetries: 0, env: {} };
    const { routeTableId } = await new RouteClient(b).getRouteTable({ vpcId: vpcB });
    await new RouteClient(b).createRouteRule({
      routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '10.1.0.0/16',
      nexthopType: 'peerConn',
      nexthopId: ifB,
    });
    await check('10.1.1.5', '10.2.1.7');
    await answer.getByText('Reachable', { exact: true }).waitFor();
    assert.equal(await answer.locator('.problems').count(), 0);
    assert.equal(await answer.locator('.reach-leg').nth(1).locator('li').count(), 2);
  });

  test('an address that is not IPv4 shows the server error, code and message', async () => {
    await check('10.1.1.5', '10.2.1.700');
    const alert = page.locator('details.reach [role="alert"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /^InappropriateJSON: .*to\.ip/);
    assert.deepEqual(ui.errors, []);
  });
});
