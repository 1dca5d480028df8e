// The console's network pages in a real Chromium against a real server, with everything made through the SDK:
// a VPC's page lists each subnet's ACL, its security groups with their rules and the interfaces using them,
// and its interfaces; the topology draws the VPCs with their subnets and interfaces and the peerings by state,
// and clicking two interfaces checks the path between them and lights it up.
//
// With PEERCONN_TOPOLOGY_SCREENSHOT set, the topology test writes its screenshot there
// (scripts/console-screenshot.mjs uses that for docs/topology.png); otherwise to a temporary file.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AclClient,
  EniClient,
  PeerConnClient,
  RouteClient,
  SecurityGroupClient,
  SubnetClient,
  VpcClient,
} from '@peerconn/sdk';
import type { Page } from 'playwright-core';
import {
  browserSkipReason,
  type ConsolePage,
  type ConsoleSession,
  openConsoleSession,
  showFragment,
} from './console-support.ts';
import type { TestServer } from './http-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  'the console shows what GET /_admin/state and POST /_admin/reachability answer, which http-admin-console checks on every store',
);

const skip = browserSkipReason();

function clients(server: TestServer, who: { accessKeyId: string; secretAccessKey: string }) {
  const config = { endpoint: server.url, credentials: who, maxRetries: 0, env: {} };
  return {
    vpc: new VpcClient(config),
    subnet: new SubnetClient(config),
    route: new RouteClient(config),
    peerconn: new PeerConnClient(config),
    acl: new AclClient(config),
    sg: new SecurityGroupClient(config),
    eni: new EniClient(config),
  };
}

/** The rule db's group lacks for app to reach mysql; tests add it (and take it away) through the SDK. */
const MYSQL_FROM_APP = {
  direction: 'ingress',
  protocol: 'tcp',
  portRange: '3306',
  sourceIp: '10.1.0.0/16',
  remark: 'mysql from app',
} as const;

describe('the network pages of the console in Chromium', { skip }, () => {
  let server: TestServer;
  let session: ConsoleSession | undefined;
  let ui: ConsolePage;
  let page: Page;
  let a: ReturnType<typeof clients>;
  let b: ReturnType<typeof clients>;
  const ids = {
    vpcApp: '',
    vpcDb: '',
    vpcBatch: '',
    subnetApp: '',
    subnetDb: '',
    webSg: '',
    dbSg: '',
    web: '',
    mysql: '',
    aclDeny: '',
    active: '',
    consulting: '',
    returnRoute: '',
  };

  /** What the pages show, made through the SDK by both accounts. */
  async function makeWorld(started: TestServer): Promise<void> {
    server = started;
    a = clients(server, server.a);
    b = clients(server, server.b);
    ids.vpcApp = (await a.vpc.createVpc({ name: 'app', cidr: '10.1.0.0/16' })).vpcId;
    ids.vpcDb = (await b.vpc.createVpc({ name: 'db', cidr: '10.2.0.0/16' })).vpcId;
    ids.vpcBatch = (await a.vpc.createVpc({ name: 'batch', cidr: '10.3.0.0/16' })).vpcId;
    ids.subnetApp = (
      await a.subnet.createSubnet({
        vpcId: ids.vpcApp,
        name: 'app_a',
        cidr: '10.1.1.0/24',
        zoneName: 'cn-bj-a',
      })
    ).subnetId;
    ids.subnetDb = (
      await b.subnet.createSubnet({
        vpcId: ids.vpcDb,
        name: 'db_a',
        cidr: '10.2.1.0/24',
        zoneName: 'cn-bj-a',
      })
    ).subnetId;
    await a.subnet.createSubnet({
      vpcId: ids.vpcBatch,
      name: 'batch_a',
      cidr: '10.3.1.0/24',
      zoneName: 'cn-bj-a',
    });
    ids.webSg = (
      await a.sg.createSecurityGroup({
        name: 'web-sg',
        vpcId: ids.vpcApp,
        rules: [{ direction: 'egress', protocol: 'all', destIp: '0.0.0.0/0', remark: 'out to anywhere' }],
      })
    ).securityGroupId;
    ids.dbSg = (
      await b.sg.createSecurityGroup({
        name: 'db-sg',
        vpcId: ids.vpcDb,
        rules: [
          {
            direction: 'ingress',
            protocol: 'tcp',
            portRange: '22',
            sourceIp: '10.9.0.0/16',
            remark: 'ssh from ops',
          },
          { direction: 'egress', protocol: 'all', destIp: '0.0.0.0/0' },
        ],
      })
    ).securityGroupId;
    /** An interface with one fixed address, in one group. */
    const eni = async (owner: typeof a, name: string, subnetId: string, group: string, address: string) =>
      (
        await owner.eni.createEni({
          name,
          subnetId,
          securityGroupIds: [group],
          privateIpSet: [{ primary: true, privateIpAddress: address }],
        })
      ).eniId;
    ids.web = await eni(a, 'web', ids.subnetApp, ids.webSg, '10.1.1.10');
    ids.mysql = await eni(b, 'mysql', ids.subnetDb, ids.dbSg, '10.2.1.20');
    await b.acl.createAclRules({
      aclRules: [
        {
          subnetId: ids.subnetDb,
          description: 'no telnet from app',
          protocol: 'tcp',
          sourceIpAddress: '10.1.1.0/24',
          destinationIpAddress: '10.2.1.0/24',
          sourcePort: 'all',
          destinationPort: '23',
          position: 10,
          direction: 'ingress',
          action: 'deny',
        },
      ],
    });
    ids.aclDeny = (await b.acl.listAclRules({ subnetId: ids.subnetDb })).aclRules.find(
      (r) => r.position === 10,
    )?.id as string;
    /** A request from a VPC of demo-a to db, waiting for demo-b. */
    const requestToDb = async (localVpcId: string) =>
      (
        await a.peerconn.createPeerConn({
          bandwidthInMbps: 10,
          localVpcId,
          peerVpcId: ids.vpcDb,
          peerRegion: 'bj',
          peerAccountId: server.b.accountId,
          billing: { paymentTiming: 'Postpaid' },
        })
      ).peerConnId;
    ids.active = await requestToDb(ids.vpcApp);
    await b.peerconn.acceptPeerConn({ peerConnId: ids.active });
    ids.consulting = await requestToDb(ids.vpcBatch);
    const ifApp = (await a.peerconn.getPeerConn({ peerConnId: ids.active })).localIfId;
    const ifDb = (await b.peerconn.getPeerConn({ peerConnId: ids.active })).localIfId;
    const tableApp = (await a.route.getRouteTable({ vpcId: ids.vpcApp })).routeTableId;
    const tableDb = (await b.route.getRouteTable({ vpcId: ids.vpcDb })).routeTableId;
    await a.route.createRouteRule({
      routeTableId: tableApp,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '10.2.0.0/16',
      nexthopType: 'peerConn',
      nexthopId: ifApp,
    });
    ids.returnRoute = (
      await b.route.createRouteRule({
        routeTableId: tableDb,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.1.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: ifDb,
      })
    ).routeRuleId;
  }

  before(async () => {
    session = await openConsoleSession({}, { world: makeWorld, path: '/_console/#/vpcs' });
    ({ ui, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  const go = (fragment: string) => showFragment(page, fragment);

  /** A table row as a person reads it: its cells' texts, one space apart. */
  const rowsText = (selector: string) =>
    page
      .locator(selector)
      .evaluateAll((rows) =>
        rows.map((row) =>
          [...(row as unknown as { children: Iterable<{ textContent: string | null }> }).children]
            .map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim())
            .join(' '),
        ),
      );
  const text = async (selector: string) => (await rowsText(selector))[0] ?? '';

  test("a VPC's page lists its ACLs, security groups with their rules and users, and interfaces", async () => {
    await page.locator(`tr[data-vpc="${ids.vpcDb}"]`).getByRole('link', { name: 'db' }).click();
    await page.getByRole('heading', { name: 'VPC db', exact: true }).waitFor();

    const acl = `[data-acl-subnet="${ids.subnetDb}"]`;
    await page.locator(`${acl} tr[data-acl-rule="${ids.aclDeny}"]`).waitFor();
    assert.equal(
      await text(`${acl} tr[data-acl-rule="${ids.aclDeny}"]`),
      `ingress 10 deny tcp 10.1.1.0/24 port any 10.2.1.0/24 port 23 ${ids.aclDeny} no telnet from app`,
    );

    // Then the subnet's default rules, last in each direction.
    assert.deepEqual(
      (await rowsText(`${acl} tbody tr`)).map((row) => row.split(' ').slice(0, 3).join(' ')),
      ['ingress 10 deny', 'ingress 65535 allow', 'egress 65535 allow'],
    );
    assert.equal(
      (await rowsText(`${acl} tbody tr`))[1],
      'ingress 65535 allow any any port any any port any default rule',
    );

    const group = `[data-group="${ids.dbSg}"]`;
    await page.locator(group).getByRole('heading', { name: 'Security group db-sg' }).waitFor();
    const rules = await rowsText(`${group} tr[data-group-rule]`);
    assert.equal(rules.length, 2);
    assert.match(rules[0] ?? '', /^ingress tcp 22 from 10\.9\.0\.0\/16 IPv4 \S+ ssh from ops$/);
    assert.match(rules[1] ?? '', /^egress any any to any IPv4 \S+$/);
    assert.equal(
      ((await page.locator(`${group} [data-field="group-enis"]`).textContent()) ?? '').trim(),
      `mysql ${ids.mysql}`,
    );

    const eni = `tr[data-eni="${ids.mysql}"]`;
    assert.match(
      await text(eni),
      new RegExp(`^mysql ${ids.mysql} .*db_a ${ids.subnetDb} 10\\.2\\.1\\.20 primary db-sg ${ids.dbSg} `),
    );

    // A rule added through the SDK appears without a reload.
    await b.sg.authorizeSecurityGroupRule({
      securityGroupId: ids.dbSg,
      rule: MYSQL_FROM_APP,
    });
    await page.locator(`${group} tr[data-group-rule]`).filter({ hasText: 'mysql from app' }).waitFor();
    await b.sg.revokeSecurityGroupRule({
      securityGroupId: ids.dbSg,
      rule: MYSQL_FROM_APP,
    });
    await page
      .locator(`${group} tr[data-group-rule]`)
      .filter({ hasText: 'mysql from app' })
      .waitFor({ state: 'detached' });
  });

  test('the topology draws VPCs with their subnets and interfaces, and peerings coloured by state', async () => {
    await go('#/topology');
    await page.getByRole('heading', { name: 'Topology', exact: true }).waitFor();
    for (const vpcId of [ids.vpcApp, ids.vpcDb, ids.vpcBatch])
      await page.locator(`svg g[data-vpc="${vpcId}"]`).waitFor();
    // Each interface inside its subnet inside its VPC, with its address.
    const web = page.locator(
      `svg g[data-vpc="${ids.vpcApp}"] g[data-subnet="${ids.subnetApp}"] g[data-eni="${ids.web}"]`,
    );
    assert.match((await web.textContent()) ?? '', /web.*10\.1\.1\.10/);
    await page
      .locator(`svg g[data-vpc="${ids.vpcDb}"] g[data-subnet="${ids.subnetDb}"] g[data-eni="${ids.mysql}"]`)
      .waitFor();
    assert.equal(await page.locator(`svg g[data-peering="${ids.active}"]`).getAttribute('data-tone'), 'ok');
    assert.equal(
      await page.locator(`svg g[data-peering="${ids.consulting}"]`).getAttribute('data-tone'),
      'pending',
    );
    // The line really is drawn in the state's colour, between the two boxes.
    const stroke = await page
      .locator(`svg g[data-peering="${ids.active}"] line`)
      .evaluate(
        (line) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(
            line,
          ).stroke,
      );
    assert.equal(stroke, 'rgb(45, 164, 78)');
  });

  /** The classes of a drawn element. */
  const classOf = async (selector: string) =>
    (await page.locator(`svg ${selector}`).getAttribute('class')) ?? '';

  async function waitVerdict(verdict: 'Reachable' | 'Not reachable'): Promise<void> {
    await page
      .locator('.reach-answer .verdict')
      .filter({ hasText: new RegExp(`^${verdict}$`) })
      .waitFor();
  }

  test('clicking two interfaces checks the path: a security group, then an ACL on the way back, then the route', async () => {
    await go('#/topology');
    const chip = (eniId: string) => page.locator(`svg g[data-eni="${eniId}"]`);
    await page.getByLabel('Protocol').selectOption('tcp');
    await page.getByLabel('Port').fill('3306');
    await chip(ids.web).click();
    await page.locator('[data-field="pick-hint"]').filter({ hasText: 'From web (10.1.1.10)' }).waitFor();
    // The second one by keyboard, as a button.
    await chip(ids.mysql).focus();
    await page.keyboard.press('Enter');
    const answer = page.locator('.reach-answer');

    // db-sg lets in ssh from ops only: the packet dies at mysql's groups, which the drawing marks.
    await waitVerdict('Not reachable');
    await answer.locator('li[data-problem="SecurityGroupDeniesIngress"]').waitFor();
    const groupDrop = answer.locator('.drops [data-check="securityGroup"][data-verdict="deny"]');
    assert.equal(await groupDrop.getAttribute('data-eni'), ids.mysql);
    assert.match(
      (await groupDrop.textContent()) ?? '',
      new RegExp(
        `db-sg \\(${ids.dbSg}\\)\\), ingress: denied: no rule allows tcp 10\\.1\\.1\\.10:\\d+ → 10\\.2\\.1\\.20:3306`,
      ),
    );
    assert.match(await classOf(`g[data-eni="${ids.mysql}"]`), /\bblocked\b/);
    assert.doesNotMatch(await classOf(`g[data-eni="${ids.web}"]`), /\bblocked\b/);

    // The rule the problem asks for, added through the SDK: the path works, lit from end to end.
    await b.sg.authorizeSecurityGroupRule({
      securityGroupId: ids.dbSg,
      rule: MYSQL_FROM_APP,
    });
    const allowing = (await b.sg.getSecurityGroup({ securityGroupId: ids.dbSg })).rules.find(
      (r) => r.remark === 'mysql from app',
    )?.securityGroupRuleId;
    assert.ok(allowing);
    await page.getByRole('button', { name: 'Check again' }).click();
    await waitVerdict('Reachable');
    for (const selector of [
      `g[data-vpc="${ids.vpcApp}"]`,
      `g[data-vpc="${ids.vpcDb}"]`,
      `g[data-peering="${ids.active}"]`,
      `g[data-subnet="${ids.subnetApp}"]`,
      `g[data-subnet="${ids.subnetDb}"]`,
      `g[data-eni="${ids.web}"]`,
      `g[data-eni="${ids.mysql}"]`,
    ]) {
      assert.match(await classOf(selector), /\bon-path\b/, selector);
    }
    assert.doesNotMatch(await classOf(`g[data-vpc="${ids.vpcBatch}"]`), /on-path/);
    assert.equal(await page.locator('svg .blocked').count(), 0);
    await answer
      .locator(`[data-check="securityGroup"][data-direction="ingress"] [data-rule="${allowing}"]`)
      .waitFor();

    // An ACL that drops the answer on its way out of db_a: stateless, so the way back is checked again.
    await b.acl.createAclRules({
      aclRules: [
        {
          subnetId: ids.subnetDb,
          description: 'no answers from mysql',
          protocol: 'tcp',
          sourceIpAddress: '10.2.1.0/24',
          destinationIpAddress: '10.1.0.0/16',
          sourcePort: '3306',
          destinationPort: 'all',
          position: 20,
          direction: 'egress',
          action: 'deny',
        },
      ],
    });
    const aclDrop = (await b.acl.listAclRules({ subnetId: ids.subnetDb })).aclRules.find(
      (r) => r.position === 20,
    )?.id as string;
    await page.getByRole('button', { name: 'Check again' }).click();
    await answer.locator('li[data-problem="AclDeniesReturn"]').waitFor();
    const returnDrop = answer.locator('.drops [data-check="acl"][data-verdict="deny"]');
    assert.equal(await returnDrop.getAttribute('data-subnet'), ids.subnetDb);
    assert.equal(await returnDrop.getAttribute('data-direction'), 'egress');
    assert.match(
      (await returnDrop.textContent()) ?? '',
      new RegExp(`by rule ${aclDrop} at position 20 \\(deny tcp`),
    );
    assert.match(await classOf(`g[data-subnet="${ids.subnetDb}"]`), /\bblocked\b/);
    // The whole way there was fine: still lit.
    assert.match(await classOf(`g[data-eni="${ids.mysql}"]`), /\bon-path\b/);

    const path =
      process.env.PEERCONN_TOPOLOGY_SCREENSHOT || join(tmpdir(), `peerconn-topology-${process.pid}.png`);
    await page.screenshot({ path, fullPage: true });
    const png = readFileSync(path);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png.readUInt32BE(16), 1280);
    if (!process.env.PEERCONN_TOPOLOGY_SCREENSHOT) rmSync(path);

    // Without the route back, routing is what stops it, in db's VPC.
    await b.acl.deleteAclRule({ aclRuleId: aclDrop });
    await b.route.deleteRouteRule({ routeRuleId: ids.returnRoute });
    await page.getByRole('button', { name: 'Check again' }).click();
    await answer.locator('li[data-problem="NoReturnRoute"]').waitFor();
    assert.match(await classOf(`g[data-vpc="${ids.vpcDb}"]`), /\bblocked\b/);
    assert.equal(await page.locator('svg .blocked').count(), 1);

    // icmp has no ports: the port field steps aside, and the answer says icmp.
    await page.getByLabel('Protocol').selectOption('icmp');
    assert.equal(await page.getByLabel('Port').isDisabled(), true);
    await page.getByRole('button', { name: 'Check again' }).click();
    await answer.getByText('icmp 10.1.1.10 → 10.2.1.20, and the answer back').waitFor();
    assert.deepEqual(ui.errors, []);
  });
});
