// Every subnet and route table rule, as a table of scenarios driven through @peerconn/sdk over HTTP against a
// started server (two regional listeners, two accounts and a third). Each refusal is checked for its status,
// its code, a request id, and the message naming the rule; each scenario builds its own VPCs. Then the
// behaviour around the refusals: system routes, lists and their pages, update semantics the official SDKs
// rely on, idempotency, what a release leaves behind, and deleting what is no longer used.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BceServiceError,
  PeerConnClient,
  paginateRouteRules,
  paginateSubnets,
  RouteClient,
  SubnetClient,
  VpcClient,
} from '@peerconn/sdk';
import {
  type Net,
  refusalTests,
  type Scenario,
  sdkSuite,
  setup,
  signed,
  TWO_REGIONS,
  vpcWithSubnets,
  type Who,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const suite = sdkSuite({ ...TWO_REGIONS, quotaPerVpc: 20, quotaPerAccount: 100 });
const who = (w: Who) => suite.who(w);
const pc = (w: Who, region = 'bj') => new PeerConnClient(suite.config(w, region));
const vpcs = (w: Who, region = 'bj') => new VpcClient(suite.config(w, region));
const subnets = (w: Who, region = 'bj') => new SubnetClient(suite.config(w, region));
const routes = (w: Who, region = 'bj') => new RouteClient(suite.config(w, region));

/** A VPC with subnets, and its route table. */
const net = (w: Who, cidr: string, blocks: string[] = [], region = 'bj') =>
  vpcWithSubnets(suite, w, cidr, blocks, region);

interface Peering {
  peerConnId: string;
  /** The initiator's interface (in `local`) and the acceptor's (in `peer`). */
  localIf: string;
  peerIf: string;
}

/** A connection from `owner`'s VPC to the VPC of `peerOwner`, accepted when cross-account (timing is immediate). */
async function peering(
  local: Net,
  peer: Net,
  peerOwner: Who = 'b',
  more: { owner?: Who; prepaid?: boolean; peerRegion?: string } = {},
): Promise<Peering> {
  const owner = more.owner ?? 'a';
  const peerRegion = more.peerRegion ?? 'bj';
  const cross = peerOwner !== owner;
  const { peerConnId } = await setup(
    pc(owner).createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: local.vpcId,
      peerVpcId: peer.vpcId,
      peerRegion,
      ...(cross ? { peerAccountId: who(peerOwner).accountId } : {}),
      billing: more.prepaid
        ? { paymentTiming: 'Prepaid', reservation: { reservationLength: 1, reservationTimeUnit: 'Month' } }
        : { paymentTiming: 'Postpaid' },
    }),
  );
  if (cross) await setup(pc(peerOwner, peerRegion).acceptPeerConn({ peerConnId }));
  const mine = await setup(pc(owner).getPeerConn({ peerConnId, role: 'initiator' }));
  const theirs = await setup(pc(peerOwner, peerRegion).getPeerConn({ peerConnId, role: 'acceptor' }));
  assert.equal(mine.status, 'active', 'setup: the connection is active');
  return { peerConnId, localIf: mine.localIfId, peerIf: theirs.localIfId };
}

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${suite.server.adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  const text = await res.text();
  return text === '' ? undefined : JSON.parse(text);
}

const subnet = (vpcId: string, cidr: string, more: Record<string, unknown> = {}) => ({
  name: 'app',
  zoneName: 'cn-bj-a',
  cidr,
  vpcId,
  ...more,
});

const scenarios: Scenario[] = [
  // ---- subnets ----
  [
    'subnet CIDR outside the VPC CIDR',
    400,
    'InvalidSubnet',
    /10\.9\.1\.0\/24 is not inside VPC vpc-\S+'s CIDR 10\.8\.0\.0\/16/,
    async () => subnets('a').createSubnet(subnet((await net('a', '10.8.0.0/16')).vpcId, '10.9.1.0/24')),
  ],
  [
    'subnet CIDR larger than the VPC',
    400,
    'InvalidSubnet',
    /not inside VPC/,
    async () => subnets('a').createSubnet(subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.0.0/15')),
  ],
  [
    'subnet smaller than /29',
    400,
    'InvalidCidr',
    /"cidr".*prefix length must be between 0 and 29/,
    async () => subnets('a').createSubnet(subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.1.0/30')),
  ],
  [
    'subnet CIDR with host bits set',
    400,
    'InvalidCidr',
    /host bits must be zero for \/24 \(the block is 10\.8\.1\.0\/24\)/,
    async () => subnets('a').createSubnet(subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.1.1/24')),
  ],
  [
    'subnet overlapping a sibling',
    409,
    'SubnetConflict',
    /10\.8\.1\.128\/25 overlaps subnet sbn-\S+ \(10\.8\.1\.0\/24\)/,
    async () => {
      const { vpcId } = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      return subnets('a').createSubnet(subnet(vpcId, '10.8.1.128/25'));
    },
  ],
  [
    'zone of another region',
    400,
    'InvalidSubnet',
    /Zone cn-gz-a is not in region bj/,
    async () =>
      subnets('a').createSubnet(
        subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.1.0/24', { zoneName: 'cn-gz-a' }),
      ),
  ],
  [
    'zone name not of the form cn-<region>-<letter>',
    400,
    'InvalidSubnet',
    /"zoneName" \(bj-a\) is not a zone name/,
    async () =>
      subnets('a').createSubnet(
        subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.1.0/24', { zoneName: 'bj-a' }),
      ),
  ],
  [
    'subnetType not BCC, BBC or BCC_NAT',
    400,
    'InappropriateJSON',
    /"subnetType" must be one of "BCC", "BBC", "BCC_NAT"/,
    async () =>
      subnets('a').createSubnet(
        subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.1.0/24', { subnetType: 'GPU' }),
      ),
  ],
  [
    'subnet named "default"',
    400,
    'InappropriateJSON',
    /"name" is invalid: "default" is reserved/,
    async () =>
      subnets('a').createSubnet(
        subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.1.0/24', { name: 'Default' }),
      ),
  ],
  [
    'subnet name longer than 65',
    400,
    'InappropriateJSON',
    /"name" is invalid: at most 65 characters/,
    async () =>
      subnets('a').createSubnet(
        subnet((await net('a', '10.8.0.0/16')).vpcId, '10.8.1.0/24', { name: 'n'.repeat(66) }),
      ),
  ],
  [
    'an 11th subnet in a VPC',
    400,
    'SubnetQuotaExceeded',
    /already has 10 subnets, the most a VPC may have \(10\)/,
    async () => {
      const blocks = Array.from({ length: 10 }, (_, i) => `10.8.${i}.0/24`);
      const { vpcId } = await net('a', '10.8.0.0/16', blocks);
      return subnets('a').createSubnet(subnet(vpcId, '10.8.200.0/24'));
    },
  ],
  [
    'subnet in another account’s VPC',
    404,
    'NoSuchObject',
    /VPC vpc-\S+ does not exist in region bj for your account/,
    async () => subnets('a').createSubnet(subnet((await net('b', '10.8.0.0/16')).vpcId, '10.8.1.0/24')),
  ],
  [
    'subnet read at another region’s endpoint',
    404,
    'NoSuchObject',
    /Subnet sbn-\S+ does not exist in region gz for your account/,
    async () => {
      const { subnetIds } = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      return subnets('a', 'gz').getSubnet({ subnetId: subnetIds[0] as string });
    },
  ],
  [
    'subnet renamed by another account',
    404,
    'NoSuchObject',
    /Subnet sbn-\S+ does not exist/,
    async () => {
      const { subnetIds } = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      return subnets('c').updateSubnet({ subnetId: subnetIds[0] as string, name: 'mine' });
    },
  ],
  [
    'subnet update with an empty name (Go sends "" when unset)',
    400,
    'InappropriateJSON',
    /"name" is invalid: required and must not be empty/,
    async () => {
      const { subnetIds } = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      return subnets('a').updateSubnet({ subnetId: subnetIds[0] as string, name: '' });
    },
  ],
  [
    'subnet that is the source of a route rule',
    409,
    'SubnetInUse',
    /Subnet sbn-\S+ \(10\.8\.1\.0\/24\) is the source of route rule\(s\) rr-\S+; delete or change them first/,
    async () => {
      const app = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      await setup(
        routes('a').createRouteRule({
          routeTableId: app.routeTableId,
          sourceAddress: '10.8.1.64/26',
          destinationAddress: '172.16.0.0/12',
          nexthopType: 'vpn',
          nexthopId: 'vpn-0000000000',
        }),
      );
      return subnets('a').deleteSubnet({ subnetId: app.subnetIds[0] as string });
    },
  ],
  [
    'subnet deleted by another account',
    404,
    'NoSuchObject',
    /Subnet sbn-\S+ does not exist/,
    async () => {
      const { subnetIds } = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      return subnets('b').deleteSubnet({ subnetId: subnetIds[0] as string });
    },
  ],
  [
    'VPC that still has subnets',
    409,
    'VpcInUse',
    /still has 1 subnet\(s\)/,
    async () => vpcs('a').deleteVpc({ vpcId: (await net('a', '10.8.0.0/16', ['10.8.1.0/24'])).vpcId }),
  ],
  [
    'VPC that still has a custom route rule',
    409,
    'VpcInUse',
    /still has 1 custom route rule\(s\)/,
    async () => {
      const app = await net('a', '10.8.0.0/16');
      await setup(
        routes('a').createRouteRule({
          routeTableId: app.routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '0.0.0.0/0',
          nexthopType: 'nat',
          nexthopId: 'nat-0000000000',
        }),
      );
      return vpcs('a').deleteVpc({ vpcId: app.vpcId });
    },
  ],
  [
    'subnet list filtered by a subnetType that does not exist',
    400,
    'InvalidParameter',
    /"subnetType" must be one of BCC, BBC, BCC_NAT, not "GPU"/,
    async () => subnets('a').listSubnets({ subnetType: 'GPU' }),
  ],
  [
    'subnet list marker of another account',
    400,
    'InvalidParameter',
    /"marker" \(sbn-\S+\) is not a position in this list/,
    async () => {
      const { subnetIds } = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      return subnets('b').listSubnets({ marker: subnetIds[0] as string });
    },
  ],

  // ---- route tables: who sees which ----
  [
    'route table named neither by id nor by VPC',
    400,
    'InvalidParameter',
    /"routeTableId" or "vpcId" is required/,
    async () => routes('a').getRouteTable({}),
  ],
  [
    'route table named by id and by a VPC it does not belong to',
    400,
    'InvalidParameter',
    /name different route tables: VPC vpc-\S+'s table is rt-\S+/,
    async () => {
      const [one, two] = [await net('a', '10.8.0.0/16'), await net('a', '10.9.0.0/16')];
      return routes('a').getRouteTable({ routeTableId: one.routeTableId, vpcId: two.vpcId });
    },
  ],
  [
    'route table of another account, by id',
    404,
    'NoSuchObject',
    /Route table rt-\S+ does not exist in region bj for your account/,
    async () => routes('b').getRouteTable({ routeTableId: (await net('a', '10.8.0.0/16')).routeTableId }),
  ],
  [
    'route table of another account, by VPC',
    404,
    'NoSuchObject',
    /VPC vpc-\S+ does not exist in region bj for your account/,
    async () => routes('b').getRouteTable({ vpcId: (await net('a', '10.8.0.0/16')).vpcId }),
  ],
  [
    'route rules of another account’s table',
    404,
    'NoSuchObject',
    /Route table rt-\S+ does not exist/,
    async () => routes('c').listRouteRules({ routeTableId: (await net('a', '10.8.0.0/16')).routeTableId }),
  ],
  [
    'route rule list marker of another table',
    400,
    'InvalidParameter',
    /"marker" \(rr-\S+\) is not a position in this list/,
    async () => {
      const [one, two] = [await net('a', '10.8.0.0/16'), await net('a', '10.9.0.0/16')];
      const { routeRuleId } = await setup(
        routes('a').createRouteRule({
          routeTableId: one.routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '0.0.0.0/0',
          nexthopType: 'nat',
          nexthopId: 'nat-1',
        }),
      );
      return routes('a').listRouteRules({ routeTableId: two.routeTableId, marker: routeRuleId });
    },
  ],

  // ---- route rules: addresses, duplicates, quota ----
  [
    'destination overlapping the VPC’s own CIDR',
    400,
    'InvalidRouteRule',
    /Destination 10\.0\.0\.0\/8 overlaps VPC vpc-\S+'s own CIDR 10\.8\.0\.0\/16/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.0.0.0/8',
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      }),
  ],
  [
    'source neither 0.0.0.0/0 nor inside a subnet',
    400,
    'InvalidRouteRule',
    /Source 10\.8\.2\.0\/24 is neither 0\.0\.0\.0\/0 nor inside a subnet of VPC vpc-\S+ \(subnets: 10\.8\.1\.0\/24\)/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16', ['10.8.1.0/24'])).routeTableId,
        sourceAddress: '10.8.2.0/24',
        destinationAddress: '172.16.0.0/12',
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      }),
  ],
  [
    'source wider than its subnet',
    400,
    'InvalidRouteRule',
    /Source 10\.8\.0\.0\/16 is neither/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16', ['10.8.1.0/24'])).routeTableId,
        sourceAddress: '10.8.0.0/16',
        destinationAddress: '172.16.0.0/12',
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      }),
  ],
  [
    'route address that is not a CIDR',
    400,
    'InvalidCidr',
    /"destinationAddress" \("172\.16\.0\.1"\) is not a valid CIDR/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.1',
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      }),
  ],
  [
    'two rules with the same source and destination',
    409,
    'RouteRuleConflict',
    /already has rule rr-\S+ from 0\.0\.0\.0\/0 to 172\.16\.0\.0\/12/,
    async () => {
      const { routeTableId } = await net('a', '10.8.0.0/16');
      const rule = {
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.0/12',
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      };
      await setup(routes('a').createRouteRule(rule));
      return routes('a').createRouteRule({ ...rule, nexthopType: 'nat', nexthopId: 'nat-1' });
    },
  ],
  [
    'a 51st custom rule (system routes do not count)',
    400,
    'RouteRuleQuotaExceeded',
    /already has 50 custom rules, the most a table may have \(50\)/,
    async () => {
      const { routeTableId } = await net('a', '10.8.0.0/16', ['10.8.1.0/24', '10.8.2.0/24']);
      for (let i = 0; i < 50; i++) {
        await setup(
          routes('a').createRouteRule({
            routeTableId,
            sourceAddress: '0.0.0.0/0',
            destinationAddress: `172.16.${i}.0/24`,
            nexthopType: 'vpn',
            nexthopId: 'vpn-1',
          }),
        );
      }
      return routes('a').createRouteRule({
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.17.0.0/24',
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      });
    },
  ],
  [
    'a system route cannot be created',
    400,
    'SystemRouteImmutable',
    /System routes \(nexthopType sys\) are made by the VPC, one per subnet/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.0/12',
        nexthopType: 'sys',
        nexthopId: '',
      }),
  ],
  [
    'load-balanced multi-path nextHopList (primary/standby pairs are e2e-sdk-network’s)',
    400,
    'InvalidRouteRule',
    /Load-balanced multi-path rules \(pathType ecmp\) are not modelled/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.0/12',
        nextHopList: [
          { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ecmp' },
          { nexthopId: 'dcgw-2', nexthopType: 'dcGateway', pathType: 'ecmp' },
        ],
      }),
  ],
  [
    'nexthopType missing',
    400,
    'InappropriateJSON',
    /"nexthopType" is invalid: required/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.0/12',
        nexthopId: 'vpn-1',
      }),
  ],
  [
    'nexthopType unknown',
    400,
    'InvalidNexthop',
    /"nexthopType" \(gateway\) must be one of custom, vpn, nat, dcGateway, peerConn/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.0/12',
        nexthopType: 'gateway',
        nexthopId: 'gw-1',
      }),
  ],
  [
    'route rule in another account’s table',
    404,
    'NoSuchObject',
    /Route table rt-\S+ does not exist/,
    async () =>
      routes('b').createRouteRule({
        routeTableId: (await net('a', '10.8.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.0/12',
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      }),
  ],

  // ---- peering next hops ----
  [
    'a peerconn- id as next hop',
    400,
    'InvalidNexthop',
    /peerconn-\S+\) is a peering connection id; .* pass the localIfId \(qpif-…\) .* \(here: qpif-[a-z0-9]{12}\)/,
    async () => {
      const [app, db] = [await net('a', '10.1.0.0/16'), await net('b', '10.2.0.0/16')];
      const { peerConnId } = await peering(app, db);
      return routes('a').createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.2.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: peerConnId,
      });
    },
  ],
  [
    'the peer’s interface as next hop',
    400,
    'InvalidNexthop',
    /qpif-\S+\) is not the interface of a peering connection of yours/,
    async () => {
      const [app, db] = [await net('a', '10.1.0.0/16'), await net('b', '10.2.0.0/16')];
      const { peerIf } = await peering(app, db);
      return routes('a').createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.2.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: peerIf,
      });
    },
  ],
  [
    'an interface of no connection',
    400,
    'InvalidNexthop',
    /qpif-000000000000\) is not the interface of a peering connection of yours/,
    async () =>
      routes('a').createRouteRule({
        routeTableId: (await net('a', '10.1.0.0/16')).routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.2.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: 'qpif-000000000000',
      }),
  ],
  [
    'your interface in the other VPC of a same-account connection',
    400,
    'InvalidNexthop',
    /Interface qpif-\S+ is the acceptor side of peerconn-\S+ in VPC vpc-\S+, not in this route table's VPC/,
    async () => {
      const [app, db] = [await net('a', '10.1.0.0/16'), await net('a', '10.2.0.0/16')];
      const { peerIf } = await peering(app, db, 'a');
      return routes('a').createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.2.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: peerIf,
      });
    },
  ],
  [
    'a connection that waits for the acceptor',
    409,
    'InvalidPeerConnStatus',
    /peerconn-\S+ carries no traffic yet \(initiator consulting, acceptor consulting\)/,
    async () => {
      const [app, db] = [await net('a', '10.1.0.0/16'), await net('b', '10.2.0.0/16')];
      const { peerConnId } = await setup(
        pc('a').createPeerConn({
          bandwidthInMbps: 10,
          localVpcId: app.vpcId,
          peerVpcId: db.vpcId,
          peerRegion: 'bj',
          peerAccountId: suite.server.b.accountId,
          billing: { paymentTiming: 'Postpaid' },
        }),
      );
      const { localIfId } = await setup(pc('a').getPeerConn({ peerConnId }));
      return routes('a').createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.2.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: localIfId,
      });
    },
  ],
  [
    'a rejected connection',
    409,
    'InvalidPeerConnStatus',
    /carries no traffic yet \(consult_failed, its acceptor side removed\)/,
    async () => {
      const [app, db] = [await net('a', '10.1.0.0/16'), await net('b', '10.2.0.0/16')];
      const { peerConnId } = await setup(
        pc('a').createPeerConn({
          bandwidthInMbps: 10,
          localVpcId: app.vpcId,
          peerVpcId: db.vpcId,
          peerRegion: 'bj',
          peerAccountId: suite.server.b.accountId,
          billing: { paymentTiming: 'Postpaid' },
        }),
      );
      await setup(pc('b').rejectPeerConn({ peerConnId }));
      const { localIfId } = await setup(pc('a').getPeerConn({ peerConnId }));
      return routes('a').createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.2.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: localIfId,
      });
    },
  ],

  // ---- updates and deletes ----
  [
    'an update moving the destination into the VPC’s CIDR',
    400,
    'InvalidRouteRule',
    /Destination 10\.8\.5\.0\/24 overlaps/,
    async () => {
      const { routeTableId } = await net('a', '10.8.0.0/16');
      const { routeRuleId } = await setup(
        routes('a').createRouteRule({
          routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '172.16.0.0/12',
          nexthopType: 'vpn',
          nexthopId: 'vpn-1',
        }),
      );
      return routes('a').updateRouteRule({ routeRuleId, destinationAddress: '10.8.5.0/24' });
    },
  ],
  [
    'an update onto another rule’s source and destination',
    409,
    'RouteRuleConflict',
    /already has rule rr-\S+ from 0\.0\.0\.0\/0 to 172\.16\.0\.0\/12/,
    async () => {
      const { routeTableId } = await net('a', '10.8.0.0/16');
      const rule = { routeTableId, sourceAddress: '0.0.0.0/0', nexthopType: 'vpn', nexthopId: 'vpn-1' };
      await setup(routes('a').createRouteRule({ ...rule, destinationAddress: '172.16.0.0/12' }));
      const { routeRuleId } = await setup(
        routes('a').createRouteRule({ ...rule, destinationAddress: '192.168.0.0/16' }),
      );
      return routes('a').updateRouteRule({ routeRuleId, destinationAddress: '172.16.0.0/12' });
    },
  ],
  [
    'an update pointing a peering rule at a peerconn- id',
    400,
    'InvalidNexthop',
    /is a peering connection id/,
    async () => {
      const [app, db] = [await net('a', '10.1.0.0/16'), await net('b', '10.2.0.0/16')];
      const { peerConnId, localIf } = await peering(app, db);
      const { routeRuleId } = await setup(
        routes('a').createRouteRule({
          routeTableId: app.routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '10.2.0.0/16',
          nexthopType: 'peerConn',
          nexthopId: localIf,
        }),
      );
      return routes('a').updateRouteRule({ routeRuleId, nexthopId: peerConnId });
    },
  ],
  [
    'a rule changed by another account',
    404,
    'NoSuchObject',
    /Route rule rr-\S+ does not exist in region bj for your account/,
    async () => {
      const { routeTableId } = await net('a', '10.8.0.0/16');
      const { routeRuleId } = await setup(
        routes('a').createRouteRule({
          routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '172.16.0.0/12',
          nexthopType: 'vpn',
          nexthopId: 'vpn-1',
        }),
      );
      return routes('b').updateRouteRule({ routeRuleId, description: 'mine now' });
    },
  ],
  [
    'a rule deleted by another account',
    404,
    'NoSuchObject',
    /Route rule rr-\S+ does not exist/,
    async () => {
      const { routeTableId } = await net('a', '10.8.0.0/16');
      const { routeRuleId } = await setup(
        routes('a').createRouteRule({
          routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '172.16.0.0/12',
          nexthopType: 'vpn',
          nexthopId: 'vpn-1',
        }),
      );
      return routes('c').deleteRouteRule({ routeRuleId });
    },
  ],
];

refusalTests('every subnet and route rule through the SDK over HTTP', scenarios);

describe('subnets', () => {
  test('create, get, list with every filter and in pages, rename, and the VPC detail lists them', async () => {
    const app = await net('a', '10.20.0.0/16');
    const made: string[] = [];
    for (const [cidr, zone, type] of [
      ['10.20.1.0/24', 'cn-bj-a', undefined],
      ['10.20.2.0/29', 'cn-bj-b', 'BBC'],
      ['10.20.3.0/24', 'cn-bj-a', 'BCC_NAT'],
    ] as const) {
      const { subnetId } = await subnets('a').createSubnet({
        name: `s${made.length}`,
        zoneName: zone,
        cidr,
        vpcId: app.vpcId,
        ...(type ? { subnetType: type } : {}),
        tags: [{ tagKey: 'tier', tagValue: 'app' }],
      });
      assert.match(subnetId, /^sbn-[a-z0-9]{12}$/);
      made.push(subnetId);
    }
    const { subnet } = await subnets('a').getSubnet({ subnetId: made[1] as string });
    assert.deepEqual(
      { ...subnet, createdTime: '' },
      {
        subnetId: made[1],
        name: 's1',
        zoneName: 'cn-bj-b',
        cidr: '10.20.2.0/29',
        ipv6Cidr: '',
        vpcId: app.vpcId,
        subnetType: 'BBC',
        description: '',
        createdTime: '',
        availableIp: 5,
        availableUnreservedIp: 5,
        tags: [{ tagKey: 'tier', tagValue: 'app' }],
      },
    );
    assert.match(subnet.createdTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal((await subnets('a').getSubnet({ subnetId: made[0] as string })).subnet.subnetType, 'BCC');

    const ids = async (input: Parameters<SubnetClient['listSubnets']>[0]) =>
      (await subnets('a').listSubnets(input)).subnets.map((s) => s.subnetId);
    assert.deepEqual(await ids({ vpcId: app.vpcId }), made);
    assert.deepEqual(await ids({ vpcId: app.vpcId, zoneName: 'cn-bj-a' }), [made[0], made[2]]);
    assert.deepEqual(await ids({ vpcId: app.vpcId, subnetType: 'BBC' }), [made[1]]);
    assert.deepEqual(await ids({ subnetIds: [made[2] as string, made[0] as string] }), [made[0], made[2]]);
    assert.deepEqual(
      await ids({ vpcId: (await net('b', '10.20.0.0/16')).vpcId }),
      [],
      'another account’s VPC',
    );
    const paged = await paginateSubnets(subnets('a'), { vpcId: app.vpcId, maxKeys: 2 }).toArray();
    assert.deepEqual(
      paged.map((s) => s.subnetId),
      made,
    );
    const first = await subnets('a').listSubnets({ vpcId: app.vpcId, maxKeys: 2 });
    assert.deepEqual([first.isTruncated, first.nextMarker, first.marker], [true, made[2], made[0]]);

    await subnets('a').updateSubnet({ subnetId: made[0] as string, name: 'web', description: 'front' });
    await subnets('a').updateSubnet({ subnetId: made[0] as string, name: 'web2' });
    const renamed = (await subnets('a').getSubnet({ subnetId: made[0] as string })).subnet;
    assert.deepEqual([renamed.name, renamed.description], ['web2', 'front'], 'a description left out stays');

    const { vpc } = await vpcs('a').getVpc({ vpcId: app.vpcId });
    assert.deepEqual(
      vpc.subnets?.map((s) => [s.subnetId, s.name, s.cidr]),
      [
        [made[0], 'web2', '10.20.1.0/24'],
        [made[1], 's1', '10.20.2.0/29'],
        [made[2], 's2', '10.20.3.0/24'],
      ],
    );
    const listed = (await vpcs('a').listVpcs({ vpcIds: [app.vpcId] })).vpcs[0];
    assert.equal(listed?.subnets, undefined, 'the VPC list has no subnets, as Baidu’s');
  });

  test('Java’s update body (subnetId and clientToken inside it) is read for its fields only', async () => {
    const { subnetIds } = await net('a', '10.21.0.0/16', ['10.21.1.0/24']);
    const subnetId = subnetIds[0] as string;
    const res = await signed({
      port: (suite.server.listeners[0] as { port: number }).port,
      method: 'PUT',
      target: `/v1/subnet/${subnetId}?modifyAttribute&clientToken=java-1`,
      body: JSON.stringify({ subnetId: 'sbn-other', clientToken: 'java-1', name: 'java', description: 'j' }),
      credential: suite.server.a,
    });
    assert.equal(res.status, 200, res.text);
    const { subnet } = await subnets('a').getSubnet({ subnetId });
    assert.deepEqual([subnet.subnetId, subnet.name, subnet.description], [subnetId, 'java', 'j']);
  });

  test('a subnet no rule uses can go; its system route goes with it; then the VPC can go', async () => {
    const app = await net('a', '10.22.0.0/16', ['10.22.1.0/24', '10.22.2.0/24']);
    const { routeRuleId } = await routes('a').createRouteRule({
      routeTableId: app.routeTableId,
      sourceAddress: '10.22.1.0/24',
      destinationAddress: '172.16.0.0/12',
      nexthopType: 'vpn',
      nexthopId: 'vpn-1',
    });
    await subnets('a').deleteSubnet({ subnetId: app.subnetIds[1] as string });
    const table = await routes('a').getRouteTable({ vpcId: app.vpcId });
    assert.deepEqual(
      table.routeRules.map((r) => [r.nexthopType, r.destinationAddress]),
      [
        ['vpn', '172.16.0.0/12'],
        ['sys', '10.22.1.0/24'],
      ],
    );
    await routes('a').deleteRouteRule({ routeRuleId });
    await subnets('a').deleteSubnet({ subnetId: app.subnetIds[0] as string });
    await vpcs('a').deleteVpc({ vpcId: app.vpcId });
    const gone = await routes('a')
      .getRouteTable({ routeTableId: app.routeTableId })
      .catch((e: unknown) => e);
    assert.ok(gone instanceof BceServiceError && gone.code === 'NoSuchObject', 'the table went with its VPC');
  });

  test('a clientToken makes a create happen once', async () => {
    const { vpcId } = await net('a', '10.23.0.0/16');
    const input = {
      name: 'once',
      zoneName: 'cn-bj-a',
      cidr: '10.23.1.0/24',
      vpcId,
      clientToken: 'subnet-once',
    };
    const first = await subnets('a').createSubnet(input);
    const again = await subnets('a').createSubnet(input);
    assert.equal(again.subnetId, first.subnetId);
    assert.equal((await subnets('a').listSubnets({ vpcId })).subnets.length, 1);
    const mismatch = await subnets('a')
      .createSubnet({ ...input, cidr: '10.23.2.0/24' })
      .catch((e: unknown) => e);
    assert.ok(mismatch instanceof BceServiceError && mismatch.code === 'IdempotentParameterMismatch');
  });
});

describe('route tables and rules', () => {
  test('every VPC has one table from its creation; system routes show in it, not in the rule list', async () => {
    const app = await net('a', '10.30.0.0/16', ['10.30.1.0/24', '10.30.2.0/24']);
    assert.match(app.routeTableId, /^rt-[a-z0-9]{12}$/);
    const byId = await routes('a').getRouteTable({ routeTableId: app.routeTableId });
    const both = await routes('a').getRouteTable({ routeTableId: app.routeTableId, vpcId: app.vpcId });
    const { $metadata: _m1, ...table } = byId;
    const { $metadata: _m2, ...same } = both;
    assert.deepEqual(same, table);
    assert.deepEqual(table, {
      name: 'default',
      routeTableId: app.routeTableId,
      vpcId: app.vpcId,
      routeRules: ['10.30.1.0/24', '10.30.2.0/24'].map((cidr) => ({
        routeRuleId: '',
        routeTableId: app.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: cidr,
        nexthopId: '',
        nexthopType: 'sys',
        description: '',
        pathType: 'normal',
      })),
    });
    const page = await routes('a').listRouteRules({ vpcId: app.vpcId });
    assert.deepEqual(
      [page.routeRules, page.isTruncated, page.maxKeys, page.marker],
      [[], false, 1000, undefined],
    );
  });

  test('rules: every next hop type is stored as given, pages follow creation order, updates keep what is ""', async () => {
    const app = await net('a', '10.31.0.0/16', ['10.31.1.0/24']);
    const made: string[] = [];
    for (const [i, type] of ['custom', 'vpn', 'nat', 'dcGateway', 'ipv6gateway', 'enic', 'havip'].entries()) {
      const { routeRuleId } = await routes('a').createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: i % 2 === 0 ? '0.0.0.0/0' : '10.31.1.0/26',
        destinationAddress: `172.16.${i}.0/24`,
        nexthopType: type,
        nexthopId: `${type}-id`,
        description: type,
      });
      assert.match(routeRuleId, /^rr-[a-z0-9]{12}$/);
      made.push(routeRuleId);
    }
    // The local gateway is the one next hop that needs no id; the Python SDK sends an empty nextHopList.
    const local = await routes('a').createRouteRule({
      routeTableId: app.routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '0.0.0.0/0',
      nexthopType: 'defaultGateway',
      nextHopList: [],
    });
    made.push(local.routeRuleId);
    const all = await paginateRouteRules(routes('a'), {
      routeTableId: app.routeTableId,
      maxKeys: 3,
    }).toArray();
    assert.deepEqual(
      all.map((r) => r.routeRuleId),
      made,
    );
    assert.deepEqual(
      all.map((r) => `${r.nexthopType}:${r.nexthopId}`),
      [
        'custom:custom-id',
        'vpn:vpn-id',
        'nat:nat-id',
        'dcGateway:dcGateway-id',
        'ipv6gateway:ipv6gateway-id',
        'enic:enic-id',
        'havip:havip-id',
        'defaultGateway:',
      ],
    );

    const target = made[1] as string;
    // Go's body: both addresses always present, "" when the caller left them unset.
    const port = (suite.server.listeners[0] as { port: number }).port;
    const goStyle = await signed({
      port,
      method: 'PUT',
      target: `/v1/route/rule/${target}?clientToken=go-1`,
      body: JSON.stringify({
        routeRuleId: target,
        sourceAddress: '',
        destinationAddress: '',
        description: 'go',
      }),
      credential: suite.server.a,
      style: 'go',
    });
    assert.equal(goStyle.status, 200, goStyle.text);
    // Python's: the description always present, "" when not given; Java's carries extra fields.
    await routes('a').updateRouteRule({
      routeRuleId: target,
      destinationAddress: '192.168.0.0/16',
      description: '',
    });
    const java = await signed({
      port,
      method: 'PUT',
      target: `/v1/route/rule/${target}?clientToken=java-2`,
      body: JSON.stringify({ routeRuleId: target, clientToken: 'java-2', version: 4, nexthopId: 'vpn-2' }),
      credential: suite.server.a,
    });
    assert.equal(java.status, 200, java.text);
    const rule = (await routes('a').listRouteRules({ routeTableId: app.routeTableId })).routeRules.find(
      (r) => r.routeRuleId === target,
    );
    assert.deepEqual(rule, {
      routeRuleId: target,
      routeTableId: app.routeTableId,
      sourceAddress: '10.31.1.0/26',
      destinationAddress: '192.168.0.0/16',
      nexthopId: 'vpn-2',
      nexthopType: 'vpn',
      description: 'go',
      pathType: 'normal',
    });

    await routes('a').deleteRouteRule({ routeRuleId: target });
    const left = (await routes('a').getRouteTable({ vpcId: app.vpcId })).routeRules;
    assert.equal(left.filter((r) => r.routeRuleId === target).length, 0);
    assert.equal(left.length, 8, 'the 7 other rules and the one system route');
  });

  test('a clientToken makes a rule once', async () => {
    const { routeTableId } = await net('a', '10.32.0.0/16');
    const input = {
      routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '172.16.0.0/12',
      nexthopType: 'vpn',
      nexthopId: 'vpn-1',
      clientToken: 'rule-once',
    };
    const first = await routes('a').createRouteRule(input);
    assert.equal((await routes('a').createRouteRule(input)).routeRuleId, first.routeRuleId);
    assert.equal((await routes('a').listRouteRules({ routeTableId })).routeRules.length, 1);
  });

  test('a peering route uses this side’s interface; releasing the connection leaves it as a blackhole', async () => {
    const [app, db] = [
      await net('a', '10.40.0.0/16', ['10.40.1.0/24']),
      await net('b', '10.41.0.0/16', ['10.41.1.0/24']),
    ];
    const link = await peering(app, db);
    const { routeRuleId } = await routes('a').createRouteRule({
      routeTableId: app.routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '10.41.0.0/16',
      nexthopType: 'peerConn',
      nexthopId: link.localIf,
      description: 'to db',
    });
    // Resizing passes through updating, in which the connection still carries traffic: a route may use it.
    await admin('PUT', '/timing', { transitions: { update: { mode: 'manual' } } });
    try {
      await pc('a').resizePeerConn({ peerConnId: link.peerConnId, newBandwidthInMbps: 20 });
      assert.equal((await pc('b').getPeerConn({ peerConnId: link.peerConnId })).status, 'updating');
      await routes('b').createRouteRule({
        routeTableId: db.routeTableId,
        sourceAddress: '10.41.1.0/24',
        destinationAddress: '10.40.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: link.peerIf,
      });
    } finally {
      await admin('POST', '/transitions/run', {});
      await admin('PUT', '/timing', { transitions: { update: { mode: 'immediate' } } });
    }
    const before = await routes('a').getRouteTable({ vpcId: app.vpcId });
    await pc('a').deletePeerConn({ peerConnId: link.peerConnId });
    const after = await routes('a').getRouteTable({ vpcId: app.vpcId });
    assert.deepEqual(after.routeRules, before.routeRules, 'GET shows the rule unchanged');
    // The description of a blackhole rule can still be edited (its next hop is not checked again) …
    await routes('a').updateRouteRule({ routeRuleId, description: 'dead' });
    // … but pointing it at the released interface again is refused.
    const again = await routes('a')
      .createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: '10.40.1.0/24',
        destinationAddress: '10.41.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: link.localIf,
      })
      .catch((e: unknown) => e);
    assert.ok(again instanceof BceServiceError && again.code === 'InvalidNexthop', String(again));
    const report = (await admin('POST', '/reachability', {
      from: { vpcId: app.vpcId, ip: '10.40.1.5' },
      to: { ip: '10.41.1.7' },
    })) as { reachable: boolean; problems: Array<{ code: string }> };
    assert.deepEqual([report.reachable, report.problems.map((p) => p.code)], [false, ['Blackhole']]);
    // The VPC cannot go while the blackhole rule is there.
    await routes('a').deleteRouteRule({ routeRuleId });
    await subnets('a').deleteSubnet({ subnetId: app.subnetIds[0] as string });
    await vpcs('a').deleteVpc({ vpcId: app.vpcId });
  });
});

// ---- the reachability check, over the admin API, on state built through the SDK ----

interface Hop {
  vpcId: string;
  routeTableId: string;
  source: string;
  destination: string;
  rule: { routeRuleId: string; destinationAddress: string; nexthopType: string; system: boolean } | null;
  next:
    | { type: 'local'; subnetId: string; subnetCidr: string }
    | {
        type: 'peerConn';
        interfaceId: string;
        peerConnId: string | null;
        usable: boolean;
        sides: Array<{ role: string; vpcId: string; interfaceId: string; status: string; removed: boolean }>;
        toVpcId: string | null;
      }
    | { type: 'external'; nexthopType: string; nexthopId: string }
    | null;
}
interface Report {
  reachable: boolean;
  forward: Hop[];
  return: Hop[];
  problems: Array<{ code: string; message: string }>;
}

async function reach(vpcId: string, from: string, to: string): Promise<Report> {
  const report = (await admin('POST', '/reachability', {
    from: { vpcId, ip: from },
    to: { ip: to },
  })) as Report;
  assert.deepEqual(Object.keys(report).sort(), [
    'forward',
    'from',
    'port',
    'problems',
    'protocol',
    'reachable',
    'return',
    'sourcePort',
    'to',
  ]);
  for (const problem of report.problems) {
    assert.deepEqual(Object.keys(problem).sort(), ['code', 'message']);
  }
  assert.equal(report.reachable, report.problems.length === 0);
  return report;
}

const codes = (report: Report) => report.problems.map((p) => p.code);

/** A peering route in `at`'s table through the given interface. */
async function peerRoute(w: Who, at: Net, destination: string, nexthopId: string, source = '0.0.0.0/0') {
  return setup(
    routes(w).createRouteRule({
      routeTableId: at.routeTableId,
      sourceAddress: source,
      destinationAddress: destination,
      nexthopType: 'peerConn',
      nexthopId,
    }),
  );
}

describe('the reachability check explains a working path and every broken one', () => {
  test('no return route, then the return route: reachable, with every hop named', async () => {
    const app = await net('a', '10.70.0.0/16', ['10.70.1.0/24']);
    const db = await net('b', '10.71.0.0/16', ['10.71.1.0/24']);
    const link = await peering(app, db);
    const there = await peerRoute('a', app, '10.71.0.0/16', link.localIf);

    const oneWay = await reach(app.vpcId, '10.70.1.5', '10.71.1.7');
    assert.deepEqual(codes(oneWay), ['NoReturnRoute']);
    assert.match(
      oneWay.problems[0]?.message ?? '',
      new RegExp(`${db.routeTableId}.*10\\.70\\.0\\.0/16.*${link.peerIf}`),
    );
    assert.deepEqual(
      oneWay.return.map((h) => [h.vpcId, h.rule]),
      [[db.vpcId, null]],
    );

    const back = await peerRoute('b', db, '10.70.0.0/16', link.peerIf);
    const report = await reach(app.vpcId, '10.70.1.5', '10.71.1.7');
    assert.equal(report.reachable, true, JSON.stringify(report.problems));
    const [out, arrive] = report.forward;
    assert.equal(report.forward.length, 2);
    assert.deepEqual(
      [out?.vpcId, out?.routeTableId, out?.source, out?.destination, out?.rule?.routeRuleId],
      [app.vpcId, app.routeTableId, '10.70.1.5', '10.71.1.7', there.routeRuleId],
    );
    assert.ok(out?.next?.type === 'peerConn');
    assert.equal(out.next.peerConnId, link.peerConnId);
    assert.equal(out.next.interfaceId, link.localIf);
    assert.equal(out.next.toVpcId, db.vpcId);
    assert.equal(out.next.usable, true);
    assert.deepEqual(
      out.next.sides.map((side) => [side.role, side.vpcId, side.interfaceId, side.status, side.removed]),
      [
        ['initiator', app.vpcId, link.localIf, 'active', false],
        ['acceptor', db.vpcId, link.peerIf, 'active', false],
      ],
    );
    assert.deepEqual(
      [arrive?.vpcId, arrive?.routeTableId, arrive?.rule?.system, arrive?.rule?.nexthopType],
      [db.vpcId, db.routeTableId, true, 'sys'],
    );
    assert.ok(arrive?.next?.type === 'local');
    assert.deepEqual([arrive.next.subnetId, arrive.next.subnetCidr], [db.subnetIds[0], '10.71.1.0/24']);
    assert.deepEqual(
      report.return.map((h) => [h.vpcId, h.rule?.routeRuleId, h.next?.type]),
      [
        [db.vpcId, back.routeRuleId, 'peerConn'],
        [app.vpcId, '', 'local'],
      ],
    );
  });

  test('an address in no subnet, at either end', async () => {
    const app = await net('a', '10.72.0.0/16', ['10.72.1.0/24']);
    const db = await net('b', '10.73.0.0/16', ['10.73.1.0/24']);
    const link = await peering(app, db);
    await peerRoute('a', app, '10.73.0.0/16', link.localIf);
    await peerRoute('b', db, '10.72.0.0/16', link.peerIf);
    const fromNowhere = await reach(app.vpcId, '10.72.9.5', '10.73.1.7');
    assert.deepEqual(codes(fromNowhere), ['SourceNotInSubnet']);
    assert.match(
      fromNowhere.problems[0]?.message ?? '',
      /10\.72\.9\.5 .*in none of its subnets \(subnets 10\.72\.1\.0\/24\)/,
    );
    const toNowhere = await reach(app.vpcId, '10.72.1.5', '10.73.9.7');
    assert.deepEqual(codes(toNowhere), ['DestinationNotInSubnet']);
    assert.match(
      toNowhere.problems[0]?.message ?? '',
      new RegExp(`10\\.73\\.9\\.7 is inside VPC ${db.vpcId}`),
    );
  });

  test('no route, and a route to a next hop the check cannot follow', async () => {
    const app = await net('a', '10.74.0.0/16', ['10.74.1.0/24']);
    const none = await reach(app.vpcId, '10.74.1.5', '10.75.1.7');
    assert.deepEqual(codes(none), ['NoRoute']);
    assert.deepEqual(
      none.forward.map((h) => [h.vpcId, h.rule, h.next]),
      [[app.vpcId, null, null]],
    );
    const { routeRuleId } = await setup(
      routes('a').createRouteRule({
        routeTableId: app.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.75.0.0/16',
        nexthopType: 'vpn',
        nexthopId: 'vpn-7',
      }),
    );
    const external = await reach(app.vpcId, '10.74.1.5', '10.75.1.7');
    assert.deepEqual(codes(external), ['ExternalNexthop']);
    assert.deepEqual(external.forward[0]?.next, { type: 'external', nexthopType: 'vpn', nexthopId: 'vpn-7' });
    assert.equal(external.forward[0]?.rule?.routeRuleId, routeRuleId);
  });

  test('a rule whose source is another subnet does not carry this source', async () => {
    const app = await net('a', '10.76.0.0/16', ['10.76.1.0/24', '10.76.2.0/24']);
    const db = await net('b', '10.77.0.0/16', ['10.77.1.0/24']);
    const link = await peering(app, db);
    const only = await peerRoute('a', app, '10.77.0.0/16', link.localIf, '10.76.2.0/24');
    await peerRoute('b', db, '10.76.0.0/16', link.peerIf);
    const report = await reach(app.vpcId, '10.76.1.5', '10.77.1.7');
    assert.deepEqual(codes(report), ['NoRoute']);
    assert.match(
      report.problems[0]?.message ?? '',
      new RegExp(`${only.routeRuleId} \\(source 10\\.76\\.2\\.0/24\\)`),
    );
    assert.equal((await reach(app.vpcId, '10.76.2.5', '10.77.1.7')).reachable, true);
  });

  test('a destination beyond the peer VPC: peerings do not chain', async () => {
    const app = await net('a', '10.78.0.0/16', ['10.78.1.0/24']);
    const hub = await net('b', '10.79.0.0/16', ['10.79.1.0/24']);
    const far = await net('b', '172.20.0.0/16', ['172.20.1.0/24']);
    const link = await peering(app, hub);
    const onward = await peering(hub, far, 'b', { owner: 'b' });
    await peerRoute('a', app, '172.16.0.0/12', link.localIf);
    await peerRoute('b', hub, '10.78.0.0/16', link.peerIf);
    await peerRoute('b', hub, '172.20.0.0/16', onward.localIf);
    const report = await reach(app.vpcId, '10.78.1.5', '172.20.1.7');
    assert.deepEqual(codes(report), ['DestinationOutsidePeerVpc']);
    assert.match(report.problems[0]?.message ?? '', /not transitive/);
  });

  test('the return route goes through a different connection', async () => {
    const app = await net('a', '10.83.0.0/16', ['10.83.1.0/24']);
    const db = await net('b', '10.84.0.0/16', ['10.84.1.0/24']);
    const ops = await net('b', '10.85.0.0/16', ['10.85.1.0/24']);
    const link = await peering(app, db);
    const other = await peering(db, ops, 'b', { owner: 'b' });
    await peerRoute('a', app, '10.84.0.0/16', link.localIf);
    await peerRoute('b', db, '10.83.0.0/16', other.localIf);
    const report = await reach(app.vpcId, '10.83.1.5', '10.84.1.7');
    assert.deepEqual(codes(report), ['ReturnViaOtherConnection']);
    assert.match(
      report.problems[0]?.message ?? '',
      new RegExp(`through ${other.peerConnId} .*not back through ${link.peerConnId}`),
    );
    assert.ok(report.return[0]?.next?.type === 'peerConn');
    assert.equal(report.return[0].next.peerConnId, other.peerConnId);
  });

  test('overlapping CIDRs: the peer VPC keeps the answer', async () => {
    const app = await net('a', '10.86.0.0/16', ['10.86.1.0/24']);
    const wide = await net('b', '10.0.0.0/8', ['10.87.1.0/24']);
    const link = await peering(app, wide);
    await peerRoute('a', app, '10.87.0.0/16', link.localIf);
    const report = await reach(app.vpcId, '10.86.1.5', '10.87.1.7');
    assert.deepEqual(codes(report), ['OverlappingCidrs']);
  });

  test('a released connection leaves a blackhole', async () => {
    const app = await net('a', '10.88.0.0/16', ['10.88.1.0/24']);
    const db = await net('b', '10.89.0.0/16', ['10.89.1.0/24']);
    const link = await peering(app, db);
    await peerRoute('a', app, '10.89.0.0/16', link.localIf);
    await peerRoute('b', db, '10.88.0.0/16', link.peerIf);
    assert.equal((await reach(app.vpcId, '10.88.1.5', '10.89.1.7')).reachable, true);
    await pc('a').deletePeerConn({ peerConnId: link.peerConnId });
    const report = await reach(app.vpcId, '10.88.1.5', '10.89.1.7');
    assert.deepEqual(codes(report), ['Blackhole']);
    assert.ok(report.forward[0]?.next?.type === 'peerConn');
    assert.equal(report.forward[0].next.peerConnId, null);
    assert.match(
      report.problems[0]?.message ?? '',
      new RegExp(`${link.localIf} belongs to no peering connection`),
    );
  });

  test('requests it cannot answer are BCE errors', async () => {
    const app = await net('a', '10.90.0.0/16', ['10.90.1.0/24']);
    const post = (body: unknown) =>
      fetch(`${suite.server.adminUrl}/reachability`, { method: 'POST', body: JSON.stringify(body) });
    for (const [body, status, code] of [
      [{ from: { vpcId: 'vpc-nosuch', ip: '10.0.0.1' }, to: { ip: '10.0.0.2' } }, 404, 'NoSuchObject'],
      [{ from: { vpcId: app.vpcId, ip: '10.90.1' }, to: { ip: '10.0.0.2' } }, 400, 'InappropriateJSON'],
      [
        { from: { vpcId: app.vpcId, ip: '10.90.1.5' }, to: { ip: '10.0.0.2' }, extra: 1 },
        400,
        'InappropriateJSON',
      ],
      [{ from: { vpcId: app.vpcId, ip: '10.90.1.5' } }, 400, 'InappropriateJSON'],
    ] as const) {
      const res = await post(body);
      const answer = (await res.json()) as { code: string; message: string; requestId: string };
      assert.equal(res.status, status, JSON.stringify(answer));
      assert.equal(answer.code, code);
      assert.equal(typeof answer.message, 'string');
      assert.equal(typeof answer.requestId, 'string');
    }
  });

  // Last: it moves the shared virtual clock two months on.
  test('a connection that expired is not active: its routes carry nothing', async () => {
    const app = await net('a', '10.91.0.0/16', ['10.91.1.0/24']);
    const db = await net('b', '10.92.0.0/16', ['10.92.1.0/24'], 'gz');
    // Prepaid is for connections across regions.
    const link = await peering(app, db, 'b', { prepaid: true, peerRegion: 'gz' });
    await peerRoute('a', app, '10.92.0.0/16', link.localIf);
    await setup(
      routes('b', 'gz').createRouteRule({
        routeTableId: db.routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '10.91.0.0/16',
        nexthopType: 'peerConn',
        nexthopId: link.peerIf,
      }),
    );
    assert.equal((await reach(app.vpcId, '10.91.1.5', '10.92.1.7')).reachable, true);
    await admin('POST', '/clock', { advance: '70d' });
    await admin('POST', '/transitions/run', {});
    assert.equal((await pc('a').getPeerConn({ peerConnId: link.peerConnId })).status, 'expired');
    const report = await reach(app.vpcId, '10.91.1.5', '10.92.1.7');
    assert.deepEqual(codes(report), ['ConnectionNotActive']);
    assert.match(
      report.problems[0]?.message ?? '',
      new RegExp(`${link.peerConnId} carries no traffic: initiator expired`),
    );
    assert.ok(report.forward[0]?.next?.type === 'peerConn');
    assert.equal(report.forward[0].next.usable, false);
  });
});
