// Gathering what the reachability check looks at, on committed data: the source VPC, the VPCs its peering
// rules lead to, every connection the rules of those VPCs name, and the network interfaces, security group rules
// and ACL rules of those VPCs. The check itself is domain/reachability.ts.
import { cidrOf, containsIp, parseIp } from '../domain/cidr.ts';
import type { ReachQuery, ReachRequest, ReachWorld, VpcNetwork } from '../domain/reachability.ts';
import type { PeerConnRecord } from '../domain/types.ts';
import { ServiceError } from '../errors.ts';
import type { StoreReader } from '../store/api.ts';

async function networkOf(reader: StoreReader, vpcId: string): Promise<VpcNetwork | undefined> {
  const vpc = await reader.getVpc(vpcId);
  const table = vpc ? await reader.routeTableOfVpc(vpc.vpcId) : undefined;
  if (!vpc || !table) return undefined;
  const subnets = await reader.subnetsOfVpc(vpc.vpcId);
  const groups = await reader.resourcesUnder('securityGroup', [vpc.vpcId]);
  return {
    vpc,
    table,
    subnets,
    rules: await reader.rulesOfTable(table.routeTableId),
    enis: await reader.resourcesUnder('eni', [vpc.vpcId]),
    aclRules: await reader.resourcesUnder(
      'aclRule',
      subnets.map((subnet) => subnet.subnetId),
    ),
    securityGroupRules: await reader.resourcesUnder(
      'securityGroupRule',
      groups.map((group) => group.securityGroupId),
    ),
  };
}

/** The source VPC and one peering further: a path never crosses two connections, since peerings do not chain. */
export async function gatherWorld(reader: StoreReader, fromVpcId: string): Promise<ReachWorld> {
  const start = await networkOf(reader, fromVpcId);
  if (!start) {
    throw new ServiceError('NoSuchObject', `VPC ${fromVpcId} does not exist (in any account or region).`);
  }
  const networks = new Map<string, VpcNetwork>([[start.vpc.vpcId, start]]);
  const connections = new Map<string, PeerConnRecord>();
  const addConnections = async (network: VpcNetwork): Promise<PeerConnRecord[]> => {
    const found: PeerConnRecord[] = [];
    for (const rule of network.rules) {
      if (rule.nexthopType !== 'peerConn' || connections.has(rule.nexthopId)) continue;
      const connection = await reader.getPeerConnByInterface(rule.nexthopId);
      if (!connection) continue;
      for (const side of [connection.initiator, connection.acceptor]) connections.set(side.ifId, connection);
      found.push(connection);
    }
    return found;
  };
  for (const connection of await addConnections(start)) {
    for (const side of [connection.initiator, connection.acceptor]) {
      if (networks.has(side.vpcId)) continue;
      const peer = await networkOf(reader, side.vpcId);
      if (!peer) continue;
      networks.set(peer.vpc.vpcId, peer);
      await addConnections(peer);
    }
  }
  return { networks, connections };
}

/** A network interface named as an end: its VPC and primary address, whoever owns it (an admin view). */
async function interfaceEnd(
  reader: StoreReader,
  field: 'from' | 'to',
  eniId: string,
): Promise<{ vpcId: string; ip: string }> {
  const eni = await reader.getResource('eni', eniId);
  if (!eni) {
    throw new ServiceError(
      'NoSuchObject',
      `Network interface ${eniId} (field "${field}.eniId") does not exist (in any account or region).`,
    );
  }
  const primary = eni.privateIps.find((ip) => ip.primary) ?? eni.privateIps[0];
  if (!primary) throw new Error(`network interface ${eniId} has no address`);
  return { vpcId: eni.vpcId, ip: primary.address };
}

/**
 * The question with its interfaces replaced by their VPC and primary address. A destination given as an
 * address in a named VPC must lie inside that VPC's CIDR.
 */
export async function resolveReachQuery(reader: StoreReader, request: ReachRequest): Promise<ReachQuery> {
  const from =
    'eniId' in request.from ? await interfaceEnd(reader, 'from', request.from.eniId) : request.from;
  let to: ReachQuery['to'];
  if ('eniId' in request.to) {
    to = await interfaceEnd(reader, 'to', request.to.eniId);
  } else if (request.to.vpcId !== undefined) {
    const vpc = await reader.getVpc(request.to.vpcId);
    if (!vpc) {
      throw new ServiceError(
        'NoSuchObject',
        `VPC ${request.to.vpcId} (field "to.vpcId") does not exist (in any account or region).`,
      );
    }
    const address = parseIp(request.to.ip);
    if (address !== undefined && !containsIp(cidrOf(vpc.cidr), address)) {
      throw new ServiceError(
        'InappropriateJSON',
        `Field "to.ip" (${request.to.ip}) is not inside VPC ${vpc.vpcId}'s CIDR ${vpc.cidr}; give an address of that VPC, or leave "to.vpcId" out.`,
      );
    }
    to = { ip: request.to.ip, vpcId: vpc.vpcId };
  } else {
    to = { ip: request.to.ip };
  }
  return {
    from,
    to,
    ...(request.protocol !== undefined ? { protocol: request.protocol } : {}),
    ...(request.port !== undefined ? { port: request.port } : {}),
    ...(request.sourcePort !== undefined ? { sourcePort: request.sourcePort } : {}),
  };
}
