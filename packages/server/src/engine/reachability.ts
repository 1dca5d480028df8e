// Gathering what the reachability check looks at, on committed data: the source VPC, the VPCs its peering
// rules lead to, and every connection the rules of those VPCs name. The check itself is domain/reachability.ts.
import type { ReachWorld, VpcNetwork } from '../domain/reachability.ts';
import type { PeerConnRecord } from '../domain/types.ts';
import { ServiceError } from '../errors.ts';
import type { StoreReader } from '../store/api.ts';

async function networkOf(reader: StoreReader, vpcId: string): Promise<VpcNetwork | undefined> {
  const vpc = await reader.getVpc(vpcId);
  const table = vpc ? await reader.routeTableOfVpc(vpc.vpcId) : undefined;
  if (!vpc || !table) return undefined;
  return {
    vpc,
    table,
    subnets: await reader.subnetsOfVpc(vpc.vpcId),
    rules: await reader.rulesOfTable(table.routeTableId),
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
