// The reachability check: would a packet from an address in one VPC reach an address across a peering
// connection, and would the answer come back? A pure function of the route tables, subnets and connections the
// engine gathered; every way a user can break the path is named as a problem with what to do about it.
//
// The model: each VPC looks a packet up in its one route table. An address inside the VPC's own CIDR is
// delivered inside the VPC by the system route of the subnet that holds it (custom rules cannot cover the
// VPC's CIDR). Anything else takes the custom rule with the longest destination prefix among those whose
// source holds the packet's source (then the longest source prefix). A peerConn next hop carries the packet
// to the VPC at the connection's other end, which delivers it only to its own addresses: peerings are not
// transitive. Other next hop types lead to resources this server does not have, so the check stops there.
import type {
  MatchedRule,
  ReachHop,
  ReachProblem,
  ReachProblemCode,
  ReachReport,
  SideState,
} from '@peerconn/sdk/internal';
import { ServiceError } from '../errors.ts';
import { type Cidr, cidrOf, containsIp, ipText, parseIp } from './cidr.ts';
import { carriesTraffic, USABLE_PEERCONN_STATUSES } from './route.ts';
import type {
  PeerConnRecord,
  RouteRuleRecord,
  RouteTableRecord,
  SideRecord,
  SubnetRecord,
  VpcRecord,
} from './types.ts';
import { sidesOf } from './types.ts';

export type {
  HopNext,
  MatchedRule,
  ReachHop,
  ReachProblem,
  ReachProblemCode,
  ReachReport,
  SideState,
} from '@peerconn/sdk/internal';
export { REACH_PROBLEMS } from '@peerconn/sdk/internal';

/** One VPC as the check sees it. */
export interface VpcNetwork {
  vpc: VpcRecord;
  table: RouteTableRecord;
  subnets: readonly SubnetRecord[];
  rules: readonly RouteRuleRecord[];
}

/** What the engine gathered: the VPCs a path may touch, and the connections their rules name. */
export interface ReachWorld {
  networks: ReadonlyMap<string, VpcNetwork>;
  /** Connections by the interface id of each of their sides. */
  connections: ReadonlyMap<string, PeerConnRecord>;
}

export interface ReachQuery {
  from: { vpcId: string; ip: string };
  to: { ip: string };
}

function ipOf(field: string, text: unknown): number {
  const address = typeof text === 'string' ? parseIp(text) : undefined;
  if (address === undefined) {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "${field}" must be an IPv4 address such as 10.1.1.5, not ${JSON.stringify(text)}.`,
    );
  }
  return address;
}

/** The query's addresses, checked before anything is looked up. */
export function reachAddresses(query: ReachQuery): { from: number; to: number } {
  return { from: ipOf('from.ip', query.from.ip), to: ipOf('to.ip', query.to.ip) };
}

interface Rule {
  record: RouteRuleRecord;
  source: Cidr;
  destination: Cidr;
}

/** Where one lookup sends a packet. */
type Lookup =
  | { kind: 'local'; subnet: SubnetRecord }
  | { kind: 'noSubnet' }
  | { kind: 'noRoute'; sourceOnly: RouteRuleRecord[] }
  | { kind: 'external'; rule: RouteRuleRecord }
  | { kind: 'blackhole'; rule: RouteRuleRecord; why: string }
  | {
      kind: 'peerConn';
      rule: RouteRuleRecord;
      connection: PeerConnRecord;
      mine: SideRecord;
      other: SideRecord;
      usable: boolean;
    };

class Walk {
  readonly problems: ReachProblem[] = [];

  constructor(private readonly world: ReachWorld) {}

  problem(code: ReachProblemCode, message: string): void {
    if (!this.problems.some((p) => p.code === code && p.message === message)) {
      this.problems.push({ code, message });
    }
  }

  network(vpcId: string): VpcNetwork | undefined {
    return this.world.networks.get(vpcId);
  }

  lookup(network: VpcNetwork, source: number, destination: number): Lookup {
    if (containsIp(cidrOf(network.vpc.cidr), destination)) {
      const subnet = network.subnets.find((s) => containsIp(cidrOf(s.cidr), destination));
      return subnet ? { kind: 'local', subnet } : { kind: 'noSubnet' };
    }
    // The standby of a primary/standby pair carries nothing until a switch makes it the active rule.
    const rules: Rule[] = network.rules.filter(carriesTraffic).map((record) => ({
      record,
      source: cidrOf(record.sourceAddress),
      destination: cidrOf(record.destinationAddress),
    }));
    const toDestination = rules.filter((r) => containsIp(r.destination, destination));
    const matching = toDestination
      .filter((r) => containsIp(r.source, source))
      .sort((a, b) => b.destination.prefix - a.destination.prefix || b.source.prefix - a.source.prefix);
    const best = matching[0];
    if (!best) return { kind: 'noRoute', sourceOnly: toDestination.map((r) => r.record) };
    const rule = best.record;
    if (rule.nexthopType !== 'peerConn') return { kind: 'external', rule };
    const connection = this.world.connections.get(rule.nexthopId);
    if (!connection) {
      return {
        kind: 'blackhole',
        rule,
        why: `interface ${rule.nexthopId} belongs to no peering connection (it was released, or never existed)`,
      };
    }
    const sides = sidesOf(connection);
    // With keepDeleted a released connection stays readable as `deleted`; for routing it is as gone.
    if (sides.every((s) => s.status === 'deleted')) {
      return { kind: 'blackhole', rule, why: `connection ${connection.id} was released` };
    }
    const mine = sides.find((s) => s.ifId === rule.nexthopId);
    if (!mine || mine.vpcId !== network.vpc.vpcId) {
      return {
        kind: 'blackhole',
        rule,
        why: `interface ${rule.nexthopId} is not ${network.vpc.vpcId}'s side of ${connection.id}`,
      };
    }
    const other = mine.role === 'initiator' ? connection.acceptor : connection.initiator;
    const usable =
      !connection.acceptorRemoved && sides.every((s) => USABLE_PEERCONN_STATUSES.includes(s.status));
    return { kind: 'peerConn', rule, connection, mine, other, usable };
  }

  hop(network: VpcNetwork, source: number, destination: number, found: Lookup): ReachHop {
    const { vpc, table } = network;
    const base = {
      vpcId: vpc.vpcId,
      vpcName: vpc.name,
      vpcCidr: vpc.cidr,
      accountId: vpc.accountId,
      region: vpc.region,
      routeTableId: table.routeTableId,
      source: ipText(source),
      destination: ipText(destination),
    };
    switch (found.kind) {
      case 'local':
        return {
          ...base,
          rule: {
            routeRuleId: '',
            sourceAddress: '0.0.0.0/0',
            destinationAddress: found.subnet.cidr,
            nexthopType: 'sys',
            nexthopId: '',
            description: '',
            system: true,
          },
          next: {
            type: 'local',
            subnetId: found.subnet.subnetId,
            subnetName: found.subnet.name,
            subnetCidr: found.subnet.cidr,
          },
        };
      case 'noSubnet':
      case 'noRoute':
        return { ...base, rule: null, next: null };
      case 'external':
        return {
          ...base,
          rule: matched(found.rule),
          next: { type: 'external', nexthopType: found.rule.nexthopType, nexthopId: found.rule.nexthopId },
        };
      case 'blackhole':
        return {
          ...base,
          rule: matched(found.rule),
          next: {
            type: 'peerConn',
            interfaceId: found.rule.nexthopId,
            peerConnId: null,
            usable: false,
            sides: [],
            toVpcId: null,
          },
        };
      case 'peerConn':
        return {
          ...base,
          rule: matched(found.rule),
          next: {
            type: 'peerConn',
            interfaceId: found.rule.nexthopId,
            peerConnId: found.connection.id,
            usable: found.usable,
            sides: [found.connection.initiator, found.connection.acceptor].map((side) =>
              sideState(side, side.role === 'acceptor' && found.connection.acceptorRemoved),
            ),
            toVpcId: found.other.vpcId,
          },
        };
    }
  }
}

function matched(rule: RouteRuleRecord): MatchedRule {
  return {
    routeRuleId: rule.routeRuleId,
    sourceAddress: rule.sourceAddress,
    destinationAddress: rule.destinationAddress,
    nexthopType: rule.nexthopType,
    nexthopId: rule.nexthopId,
    description: rule.description,
    system: false,
  };
}

function sideState(side: SideRecord, removed: boolean): SideState {
  return {
    role: side.role,
    accountId: side.accountId,
    region: side.region,
    vpcId: side.vpcId,
    interfaceId: side.ifId,
    status: side.status,
    removed,
  };
}

function states(connection: PeerConnRecord): string {
  const acceptor = connection.acceptorRemoved ? 'removed' : connection.acceptor.status;
  return `initiator ${connection.initiator.status}, acceptor ${acceptor}`;
}

function where(network: VpcNetwork): string {
  return `VPC ${network.vpc.vpcId} (${network.vpc.cidr}, route table ${network.table.routeTableId})`;
}

/**
 * Follows the packet from `from` to `to` and the answer back. Throws only for a query that names no address;
 * everything else a user can get wrong is a problem of the report.
 */
export function checkReachability(world: ReachWorld, query: ReachQuery): ReachReport {
  const { from: src, to: dst } = reachAddresses(query);
  const start = world.networks.get(query.from.vpcId);
  if (!start) throw new Error(`the engine gathered no network for ${query.from.vpcId}`);
  const walk = new Walk(world);
  const srcText = ipText(src);
  const dstText = ipText(dst);
  const forward: ReachHop[] = [];
  const back: ReachHop[] = [];

  const sourceOk = containsIp(cidrOf(start.vpc.cidr), src);
  const sourceSubnet = sourceOk && start.subnets.some((s) => containsIp(cidrOf(s.cidr), src));
  if (!sourceOk) {
    walk.problem(
      'SourceNotInSubnet',
      `Source ${srcText} is not inside ${where(start)}: no instance of that VPC can have it. Pick an address of one of its subnets.`,
    );
  } else if (!sourceSubnet) {
    walk.problem(
      'SourceNotInSubnet',
      `Source ${srcText} is inside ${where(start)} but in none of its subnets (${subnetList(start)}), so nothing can send from it. Create a subnet for it, or pick an address of one.`,
    );
  }

  const first = walk.lookup(start, src, dst);
  forward.push(walk.hop(start, src, dst, first));
  switch (first.kind) {
    case 'local': {
      // Both ends in one VPC: the answer comes back by the system route of the source's subnet.
      const home = walk.lookup(start, dst, src);
      if (home.kind === 'local') back.push(walk.hop(start, dst, src, home));
      break;
    }
    case 'noSubnet':
      walk.problem(
        'DestinationNotInSubnet',
        `Destination ${dstText} is inside ${where(start)}'s own CIDR but in none of its subnets (${subnetList(start)}); nothing there can answer. Create a subnet for it.`,
      );
      break;
    case 'noRoute': {
      const near = first.sourceOnly.map((r) => `${r.routeRuleId} (source ${r.sourceAddress})`);
      walk.problem(
        'NoRoute',
        `No route in ${where(start)} matches destination ${dstText} from source ${srcText}${
          near.length > 0 ? `: rule ${near.join(', ')} covers the destination, but not this source` : ''
        }. Add a rule whose destination holds ${dstText}, with the peering connection's localIfId as next hop.`,
      );
      break;
    }
    case 'external':
      walk.problem(
        'ExternalNexthop',
        `Rule ${first.rule.routeRuleId} of ${where(start)} sends ${dstText} to a ${first.rule.nexthopType} next hop (${first.rule.nexthopId || 'no id'}), which this check cannot follow; it reaches another VPC only through a peerConn rule.`,
      );
      break;
    case 'blackhole':
      walk.problem(
        'Blackhole',
        `Rule ${first.rule.routeRuleId} of ${where(start)} sends ${dstText} to a dead end: ${first.why}. Traffic is dropped; point the rule at a live connection's localIfId, or delete it.`,
      );
      break;
    case 'peerConn':
      followConnection(walk, start, first, { src, dst, forward, back, answerable: sourceOk });
      break;
  }
  return { reachable: walk.problems.length === 0, forward, return: back, problems: walk.problems };
}

function subnetList(network: VpcNetwork): string {
  return network.subnets.length > 0
    ? `subnets ${network.subnets.map((s) => s.cidr).join(', ')}`
    : 'it has no subnets';
}

function followConnection(
  walk: Walk,
  start: VpcNetwork,
  first: Extract<Lookup, { kind: 'peerConn' }>,
  path: {
    src: number;
    dst: number;
    forward: ReachHop[];
    back: ReachHop[];
    /** Whether an answer could come back at all: a source outside the VPC has no way home to look for. */
    answerable: boolean;
  },
): void {
  const { src, dst, forward, back } = path;
  const { connection, other } = first;
  const srcText = ipText(src);
  const dstText = ipText(dst);
  if (!first.usable) {
    walk.problem(
      'ConnectionNotActive',
      `Peering connection ${connection.id} carries no traffic: ${states(connection)}; both sides must be active (or updating).`,
    );
  }
  const peer = walk.network(other.vpcId);
  if (!peer) {
    walk.problem(
      'Blackhole',
      `Peering connection ${connection.id} leads to VPC ${other.vpcId}, which no longer exists; traffic is dropped.`,
    );
    return;
  }
  if (!containsIp(cidrOf(peer.vpc.cidr), dst)) {
    walk.problem(
      'DestinationOutsidePeerVpc',
      `Rule ${first.rule.routeRuleId} sends ${dstText} through ${connection.id} to VPC ${peer.vpc.vpcId}, whose CIDR ${peer.vpc.cidr} does not hold it. Peerings are not transitive: narrow the rule's destination to ${peer.vpc.cidr}, and reach ${dstText} through the connection to its own VPC.`,
    );
    return;
  }
  const arrival = walk.lookup(peer, src, dst);
  forward.push(walk.hop(peer, src, dst, arrival));
  if (arrival.kind !== 'local') {
    walk.problem(
      'DestinationNotInSubnet',
      `Destination ${dstText} is inside ${where(peer)}'s CIDR but in none of its subnets (${subnetList(peer)}); nothing there can answer.`,
    );
  }

  if (!path.answerable) return;
  // The answer: from the destination back to the source, looked up in the peer VPC's table.
  const reply = walk.lookup(peer, dst, src);
  back.push(walk.hop(peer, dst, src, reply));
  switch (reply.kind) {
    case 'local':
    case 'noSubnet':
      walk.problem(
        'OverlappingCidrs',
        `Source ${srcText} is inside ${where(peer)}'s own CIDR, so the answer stays in that VPC. Peered VPCs need CIDRs that do not overlap.`,
      );
      return;
    case 'noRoute':
      walk.problem(
        'NoReturnRoute',
        `No route back: ${where(peer)} has no rule for ${srcText} (from source ${dstText}). Add one in ${peer.table.routeTableId}: destination ${start.vpc.cidr}, nexthopType peerConn, nexthopId ${other.ifId} (its side of ${connection.id}).`,
      );
      return;
    case 'external':
      walk.problem(
        'ReturnViaOtherConnection',
        `The answer goes elsewhere: rule ${reply.rule.routeRuleId} of ${where(peer)} sends ${srcText} to a ${reply.rule.nexthopType} next hop (${reply.rule.nexthopId || 'no id'}), not back through ${connection.id}. Route ${start.vpc.cidr} to ${other.ifId} instead.`,
      );
      return;
    case 'blackhole':
      walk.problem(
        'Blackhole',
        `The answer is dropped: rule ${reply.rule.routeRuleId} of ${where(peer)} sends ${srcText} to a dead end (${reply.why}). Point it at ${other.ifId}, ${peer.vpc.vpcId}'s side of ${connection.id}.`,
      );
      return;
    case 'peerConn':
      if (reply.connection.id !== connection.id) {
        walk.problem(
          'ReturnViaOtherConnection',
          `The answer goes elsewhere: rule ${reply.rule.routeRuleId} of ${where(peer)} sends ${srcText} through ${reply.connection.id} (to VPC ${reply.other.vpcId}), not back through ${connection.id}. Route ${start.vpc.cidr} to ${other.ifId} instead.`,
        );
        return;
      }
      break;
  }
  const home = walk.lookup(start, dst, src);
  back.push(walk.hop(start, dst, src, home));
  // A source outside every subnet was reported already; the answer has nowhere to land then.
}
