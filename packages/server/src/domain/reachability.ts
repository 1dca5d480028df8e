// The reachability check: would a packet of a protocol and port from an address in one VPC reach an address
// across a peering connection, and would the answer come back? A pure function of the route tables, subnets,
// connections, network interfaces, security groups and ACLs the engine gathered; every way a user can break
// the path is named as a problem with what to do about it.
//
// The packet leaves through the security groups of the interface that sends it (egress) and its subnet's ACL
// (egress), is routed as below, and enters through the receiving subnet's ACL (ingress) and the receiving
// interface's security groups (ingress). The answer takes the routes back; security groups are stateful and let
// it through, ACLs are not and check it again (reachability-filters.ts). A filter that drops the packet is
// reported, and the walk goes on as if it had not, so one answer names every filter to fix.
//
// The model: each VPC looks a packet up in its one route table. An address inside the VPC's own CIDR is
// delivered inside the VPC by the system route of the subnet that holds it (custom rules cannot cover the
// VPC's CIDR). Anything else takes the custom rule with the longest destination prefix among those whose
// source holds the packet's source (then the longest source prefix). A peerConn next hop carries the packet
// to the VPC at the connection's other end, which delivers it only to its own addresses: peerings are not
// transitive. Other next hop types lead to resources this server does not have, so the check stops there.
import type {
  MatchedRule,
  ReachEnd,
  ReachHop,
  ReachProblem,
  ReachProblemCode,
  ReachReport,
  SideState,
} from '@peerconn/sdk/internal';
import { type Cidr, cidrOf, containsIp, ipText } from './cidr.ts';
import { type Flow, type ReachQuery, reachAddresses, reachFlow } from './reach-request.ts';
import {
  aclCheck,
  aclProblem,
  groupMembers,
  packetOf,
  securityGroupCheck,
  securityGroupProblem,
  type VpcFilters,
} from './reachability-filters.ts';
import type { EniRecord } from './resources.ts';
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
  FilterCheck,
  HopNext,
  MatchedRule,
  ReachHop,
  ReachProblem,
  ReachProblemCode,
  ReachReport,
  ReachRequest,
  SideState,
} from '@peerconn/sdk/internal';
export { REACH_PROBLEMS } from '@peerconn/sdk/internal';
export type { ReachQuery } from './reach-request.ts';
export { checkReachValues, reachAddresses, reachRequest } from './reach-request.ts';

/** One VPC as the check sees it; a VPC given without its filters has no interfaces and default ACLs only. */
export interface VpcNetwork extends Partial<VpcFilters> {
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
  /** The addresses of each security group's interfaces, across the gathered VPCs. */
  readonly members: ReadonlyMap<string, readonly string[]>;

  constructor(private readonly world: ReachWorld) {
    this.members = groupMembers([...world.networks.values()].flatMap((n) => n.enis ?? []));
  }

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
      leaving: [],
      arriving: [],
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

function subnetList(network: VpcNetwork): string {
  return network.subnets.length > 0
    ? `subnets ${network.subnets.map((s) => s.cidr).join(', ')}`
    : 'it has no subnets';
}

function filtersOf(network: VpcNetwork): VpcFilters {
  return {
    enis: network.enis ?? [],
    aclRules: network.aclRules ?? [],
    securityGroupRules: network.securityGroupRules ?? [],
  };
}

/** Where an address sits in a VPC: the subnet that holds it, and the network interface that has it. */
interface Place {
  network: VpcNetwork;
  subnet: SubnetRecord | undefined;
  eni: EniRecord | undefined;
}

function placeOf(network: VpcNetwork, address: number): Place {
  const text = ipText(address);
  return {
    network,
    subnet: network.subnets.find((s) => containsIp(cidrOf(s.cidr), address)),
    eni: (network.enis ?? []).find((eni) => eni.privateIps.some((ip) => ip.address === text)),
  };
}

function endOf(address: number, place: Place | undefined): ReachEnd {
  return {
    ip: ipText(address),
    vpcId: place?.network.vpc.vpcId ?? null,
    subnetId: place?.subnet?.subnetId ?? null,
    eniId: place?.eni?.eniId ?? null,
  };
}

/** The range a rule should name for the other end: its subnet, else its address. */
function rangeOf(place: Place | undefined, address: number): string {
  return place?.subnet?.cidr ?? ipText(address);
}

function sameSubnet(a: Place | undefined, b: Place | undefined): boolean {
  return a?.subnet !== undefined && a.subnet.subnetId === b?.subnet?.subnetId;
}

/** One question's walk: the packet there and the answer back. */
interface Path {
  walk: Walk;
  flow: Flow;
  src: number;
  dst: number;
  source: Place;
  /** Where the packet was delivered; undefined until (unless) it is. */
  destination?: Place;
  /** The VPC the packet must arrive in, when the question names one. */
  wantVpcId: string | undefined;
  forward: ReachHop[];
  back: ReachHop[];
  /** Whether an answer could come back at all: a source outside the VPC has no way home to look for. */
  answerable: boolean;
}

function forwardPacket(path: Path) {
  return packetOf(path.flow, ipText(path.src), ipText(path.dst), false);
}

function replyPacket(path: Path) {
  return packetOf(path.flow, ipText(path.dst), ipText(path.src), true);
}

/** Where the first lookup would deliver the packet, for the advice of a refusal before it gets there. */
function expectedDestination(path: Path, first: Lookup): Place | undefined {
  if (first.kind === 'local') return placeOf(path.source.network, path.dst);
  if (first.kind !== 'peerConn') return undefined;
  const peer = path.walk.network(first.other.vpcId);
  return peer ? placeOf(peer, path.dst) : undefined;
}

/** The source's security groups (egress), then its subnet's ACL (egress): on the first hop, before the lookup. */
function leave(path: Path, hop: ReachHop, first: Lookup): void {
  const { walk, source } = path;
  const filters = filtersOf(source.network);
  const packet = forwardPacket(path);
  const expected = expectedDestination(path, first);
  const peerRange = rangeOf(expected, path.dst);
  const groups = securityGroupCheck(source.eni, filters, walk.members, 'egress', packet);
  hop.leaving.push(groups);
  if (groups.verdict === 'deny') {
    const across = expected !== undefined && expected.network !== source.network;
    const problem = securityGroupProblem(groups, peerRange, across);
    walk.problem(problem.code, problem.message);
  }
  if (!source.subnet) return;
  const skip = first.kind === 'local' && sameSubnet(source, expected);
  const acl = aclCheck(source.subnet, filters, 'egress', packet, skip);
  hop.leaving.push(acl);
  if (acl.verdict === 'deny') {
    const problem = aclProblem(acl, peerRange, false);
    walk.problem(problem.code, problem.message);
  }
}

/**
 * The packet is delivered in `network`, to `subnet`: that subnet's ACL (ingress), then the receiving
 * interface's security groups (ingress). A question that names the destination's VPC is also checked here.
 */
function deliver(path: Path, network: VpcNetwork, hop: ReachHop, subnet: SubnetRecord): void {
  const { walk, source } = path;
  const place = placeOf(network, path.dst);
  path.destination = place;
  const dstText = ipText(path.dst);
  if (path.wantVpcId !== undefined && path.wantVpcId !== network.vpc.vpcId) {
    walk.problem(
      'OverlappingCidrs',
      `Destination ${dstText} is delivered in ${where(network)}, not in VPC ${path.wantVpcId} where it was asked for: both VPCs' CIDRs hold it. Peered VPCs need CIDRs that do not overlap.`,
    );
  }
  const filters = filtersOf(network);
  const packet = forwardPacket(path);
  const sourceRange = rangeOf(source, path.src);
  const acl = aclCheck(subnet, filters, 'ingress', packet, sameSubnet(source, place));
  hop.arriving.push(acl);
  if (acl.verdict === 'deny') {
    const problem = aclProblem(acl, sourceRange, false);
    walk.problem(problem.code, problem.message);
  }
  const groups = securityGroupCheck(place.eni, filters, walk.members, 'ingress', packet);
  hop.arriving.push(groups);
  if (groups.verdict === 'deny') {
    const problem = securityGroupProblem(groups, sourceRange, network !== source.network);
    walk.problem(problem.code, problem.message);
  }
}

/** The answer leaves the destination's subnet: its ACL again (egress), as ACLs keep no state. */
function answerLeaves(path: Path, hop: ReachHop): void {
  const destination = path.destination;
  if (!destination?.subnet) return;
  const acl = aclCheck(
    destination.subnet,
    filtersOf(destination.network),
    'egress',
    replyPacket(path),
    sameSubnet(path.source, destination),
  );
  hop.leaving.push(acl);
  if (acl.verdict === 'deny') {
    const problem = aclProblem(acl, rangeOf(path.source, path.src), true);
    path.walk.problem(problem.code, problem.message);
  }
}

/** The answer arrives home: the source subnet's ACL again (ingress). */
function answerArrives(path: Path, hop: ReachHop, subnet: SubnetRecord): void {
  const acl = aclCheck(
    subnet,
    filtersOf(path.source.network),
    'ingress',
    replyPacket(path),
    sameSubnet(path.source, path.destination),
  );
  hop.arriving.push(acl);
  if (acl.verdict === 'deny') {
    const problem = aclProblem(acl, rangeOf(path.destination, path.dst), true);
    path.walk.problem(problem.code, problem.message);
  }
}

/**
 * Follows the packet from `from` to `to` and the answer back. Throws only for a query that names no address or
 * a bad protocol or port; everything else a user can get wrong is a problem of the report.
 */
export function checkReachability(world: ReachWorld, query: ReachQuery): ReachReport {
  const { from: src, to: dst } = reachAddresses(query);
  const flow = reachFlow(query);
  const start = world.networks.get(query.from.vpcId);
  if (!start) throw new Error(`the engine gathered no network for ${query.from.vpcId}`);
  const walk = new Walk(world);
  const srcText = ipText(src);
  const dstText = ipText(dst);
  const sourceOk = containsIp(cidrOf(start.vpc.cidr), src);
  const path: Path = {
    walk,
    flow,
    src,
    dst,
    source: placeOf(start, src),
    wantVpcId: query.to.vpcId,
    forward: [],
    back: [],
    answerable: sourceOk,
  };

  if (!sourceOk) {
    walk.problem(
      'SourceNotInSubnet',
      `Source ${srcText} is not inside ${where(start)}: no instance of that VPC can have it. Pick an address of one of its subnets.`,
    );
  } else if (!path.source.subnet) {
    walk.problem(
      'SourceNotInSubnet',
      `Source ${srcText} is inside ${where(start)} but in none of its subnets (${subnetList(start)}), so nothing can send from it. Create a subnet for it, or pick an address of one.`,
    );
  }

  const first = walk.lookup(start, src, dst);
  const hop = walk.hop(start, src, dst, first);
  path.forward.push(hop);
  leave(path, hop, first);
  switch (first.kind) {
    case 'local': {
      deliver(path, start, hop, first.subnet);
      // Both ends in one VPC: the answer comes back by the system route of the source's subnet.
      const home = walk.lookup(start, dst, src);
      if (home.kind === 'local') {
        const back = walk.hop(start, dst, src, home);
        path.back.push(back);
        answerLeaves(path, back);
        answerArrives(path, back, home.subnet);
      }
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
    case 'peerConn': {
      const peer = followForward(path, first);
      if (peer) followReturn(path, first, peer);
      break;
    }
  }
  return {
    reachable: walk.problems.length === 0,
    protocol: flow.protocol,
    port: flow.port,
    sourcePort: flow.clientPort,
    from: endOf(src, path.source),
    to: endOf(dst, path.destination),
    forward: path.forward,
    return: path.back,
    problems: walk.problems,
  };
}

/**
 * The way there through a connection: its state, the VPC at its other end, the lookup there and the delivery.
 * Returns that VPC when the packet got into it (delivered or not), so the answer can be looked for.
 */
function followForward(path: Path, first: Extract<Lookup, { kind: 'peerConn' }>): VpcNetwork | undefined {
  const { walk, src, dst } = path;
  const { connection, other } = first;
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
    return undefined;
  }
  if (!containsIp(cidrOf(peer.vpc.cidr), dst)) {
    walk.problem(
      'DestinationOutsidePeerVpc',
      `Rule ${first.rule.routeRuleId} sends ${dstText} through ${connection.id} to VPC ${peer.vpc.vpcId}, whose CIDR ${peer.vpc.cidr} does not hold it. Peerings are not transitive: narrow the rule's destination to ${peer.vpc.cidr}, and reach ${dstText} through the connection to its own VPC.`,
    );
    return undefined;
  }
  const arrival = walk.lookup(peer, src, dst);
  const hop = walk.hop(peer, src, dst, arrival);
  path.forward.push(hop);
  if (arrival.kind === 'local') {
    deliver(path, peer, hop, arrival.subnet);
  } else {
    walk.problem(
      'DestinationNotInSubnet',
      `Destination ${dstText} is inside ${where(peer)}'s CIDR but in none of its subnets (${subnetList(peer)}); nothing there can answer.`,
    );
  }
  return peer;
}

/** The answer: from the destination back to the source, looked up in the peer VPC's table, then at home. */
function followReturn(path: Path, first: Extract<Lookup, { kind: 'peerConn' }>, peer: VpcNetwork): void {
  if (!path.answerable) return;
  const { walk, src, dst } = path;
  const { connection, other } = first;
  const start = path.source.network;
  const srcText = ipText(src);
  const dstText = ipText(dst);
  const reply = walk.lookup(peer, dst, src);
  const replyHop = walk.hop(peer, dst, src, reply);
  path.back.push(replyHop);
  answerLeaves(path, replyHop);
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
  const homeHop = walk.hop(start, dst, src, home);
  path.back.push(homeHop);
  // A source outside every subnet was reported already; the answer has nowhere to land then.
  if (home.kind === 'local') answerArrives(path, homeHop, home.subnet);
}
