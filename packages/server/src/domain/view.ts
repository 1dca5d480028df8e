// Wire rendering of records: the caller's side of a peering connection, VPCs, subnets, route tables and
// network interfaces (docs/wire.md, "Responses").
// Records are immutable once stored, so each rendering is remembered per record and its JSON text per
// rendering: a list of a hundred connections costs a hundred lookups and one join, not a hundred renderings.
import type { Eni, EniPrivateIp, PeerConn, RouteRule, Subnet, Vpc } from '@peerconn/sdk';
import type { EniAddressRecord, EniRecord } from './resources.ts';
import { pathTypeOf, ROUTE_TABLE_NAME } from './route.ts';
import { availableIps } from './subnet.ts';
import { wireTime } from './time.ts';
import type {
  PeerConnRecord,
  RouteRuleRecord,
  RouteTableRecord,
  SideRecord,
  SubnetRecord,
  VpcRecord,
} from './types.ts';

const renderedSides = new WeakMap<PeerConnRecord, { initiator?: PeerConn; acceptor?: PeerConn }>();
const renderedVpcs = new WeakMap<VpcRecord, Vpc>();
const renderedSubnets = new WeakMap<SubnetRecord, Subnet>();
const renderedRules = new WeakMap<RouteRuleRecord, RouteRule>();
const renderedEnis = new WeakMap<EniRecord, Eni>();
const jsonTexts = new WeakMap<object, string>();
/** Bodies that never change (see fixedBody), and the bytes of those already sent once. */
const fixedBodies = new WeakSet<object>();
const jsonBytes = new WeakMap<object, Buffer>();

/** Freezes a rendering and remembers its JSON text for `toJsonText`. */
function remember<T extends object>(value: T): T {
  jsonTexts.set(value, JSON.stringify(value));
  fixedBodies.add(value);
  return Object.freeze(value);
}

/**
 * Marks a response body that is never changed again, made of renderings and plain values (a list page built
 * from rows the read cache hands out until the next commit): its bytes are made the first time it is sent and
 * reused for as long as the body itself is, so a page a hundred clients ask for is serialised once.
 */
export function fixedBody<T extends object>(body: T): T {
  for (const member of Object.values(body)) if (Array.isArray(member)) Object.freeze(member);
  fixedBodies.add(body);
  return Object.freeze(body);
}

/** The UTF-8 bytes of `toJsonText(value)`, made once per fixed body (renderings and fixedBody pages). */
export function toJsonBytes(value: unknown): Buffer {
  if (typeof value !== 'object' || value === null || !fixedBodies.has(value)) {
    return Buffer.from(toJsonText(value));
  }
  let bytes = jsonBytes.get(value);
  if (bytes === undefined) {
    bytes = Buffer.from(toJsonText(value));
    jsonBytes.set(value, bytes);
  }
  return bytes;
}

/**
 * JSON.stringify for response bodies, splicing in the remembered text of renderings. Bodies are plain data
 * (objects, arrays, strings, numbers, booleans, null); undefined members are left out as JSON.stringify does.
 */
export function toJsonText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const known = jsonTexts.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  const parts: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) parts.push(`${JSON.stringify(key)}:${toJsonText(member)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The caller's view of one side; the same object (and JSON text) for the same stored record. */
export function renderSide(record: PeerConnRecord, side: SideRecord): PeerConn {
  let cached = renderedSides.get(record);
  if (!cached) {
    cached = {};
    renderedSides.set(record, cached);
  }
  const hit = cached[side.role];
  if (hit && (side === record.initiator || side === record.acceptor)) return hit;
  const rendered = remember(renderSideOnce(record, side));
  if (side === record.initiator || side === record.acceptor) cached[side.role] = rendered;
  return rendered;
}

function renderSideOnce(record: PeerConnRecord, side: SideRecord): PeerConn {
  const other = side.role === 'initiator' ? record.acceptor : record.initiator;
  return {
    peerConnId: record.id,
    role: side.role,
    status: side.status,
    bandwidthInMbps: record.bandwidthInMbps,
    description: side.description,
    localIfId: side.ifId,
    localIfName: side.ifName,
    localVpcId: side.vpcId,
    localRegion: side.region,
    peerVpcId: other.vpcId,
    peerRegion: other.region,
    peerAccountId: other.accountId,
    paymentTiming: record.paymentTiming,
    dnsStatus: side.dnsStatus,
    createdTime: wireTime(record.createdAt),
    // Postpaid never expires; the docs describe the field as empty then, so it is "" rather than absent.
    expiredTime: record.expiresAt === null ? '' : wireTime(record.expiresAt),
    tags: record.tags,
    deleteProtect: record.deleteProtect,
  };
}

export function renderVpc(vpc: VpcRecord): Vpc {
  const hit = renderedVpcs.get(vpc);
  if (hit) return hit;
  const rendered = remember(renderVpcOnce(vpc));
  renderedVpcs.set(vpc, rendered);
  return rendered;
}

function renderVpcOnce(vpc: VpcRecord): Vpc {
  return {
    vpcId: vpc.vpcId,
    name: vpc.name,
    cidr: vpc.cidr,
    // As for subnets: without IPv6 the field is "" (the Python SDK reads it as an attribute), never absent.
    ipv6Cidr: '',
    description: vpc.description,
    isDefault: false,
    secondaryCidr: [],
    tags: vpc.tags,
    createdTime: wireTime(vpc.createdAt),
    relay: vpc.relay,
  };
}

/** A VPC with its subnets, as getVpc answers (Baidu's ShowVpcModel); lists show VPCs without them. */
export function renderVpcDetail(vpc: VpcRecord, subnets: readonly SubnetRecord[]): Vpc {
  return { ...renderVpc(vpc), subnets: subnets.map(renderSubnet) };
}

export function renderSubnet(subnet: SubnetRecord): Subnet {
  const hit = renderedSubnets.get(subnet);
  if (hit) return hit;
  const available = availableIps(subnet.cidr);
  const rendered = remember({
    subnetId: subnet.subnetId,
    name: subnet.name,
    zoneName: subnet.zoneName,
    cidr: subnet.cidr,
    // The Terraform provider reads "IPv6 on" from a non-empty ipv6Cidr: without IPv6 it must be "", not absent.
    ipv6Cidr: '',
    vpcId: subnet.vpcId,
    subnetType: subnet.subnetType,
    description: subnet.description,
    createdTime: wireTime(subnet.createdAt),
    availableIp: available,
    // No reserved ranges exist here, so every available address is also unreserved.
    availableUnreservedIp: available,
    tags: subnet.tags,
  });
  renderedSubnets.set(subnet, rendered);
  return rendered;
}

export function renderRouteRule(rule: RouteRuleRecord): RouteRule {
  const hit = renderedRules.get(rule);
  if (hit) return hit;
  const rendered = remember({
    routeRuleId: rule.routeRuleId,
    routeTableId: rule.routeTableId,
    sourceAddress: rule.sourceAddress,
    destinationAddress: rule.destinationAddress,
    nexthopId: rule.nexthopId,
    nexthopType: rule.nexthopType,
    description: rule.description,
    pathType: pathTypeOf(rule),
  });
  renderedRules.set(rule, rendered);
  return rendered;
}

/** The system route of a subnet: from anywhere to the subnet, delivered inside the VPC; it has no id. */
export function systemRoute(table: RouteTableRecord, subnet: SubnetRecord): RouteRule {
  return {
    routeRuleId: '',
    routeTableId: table.routeTableId,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: subnet.cidr,
    nexthopId: '',
    nexthopType: 'sys',
    description: '',
    pathType: 'normal',
  };
}

/** getRouteTable's answer: the custom rules in creation order, then one system route per subnet. */
export function renderRouteTable(
  table: RouteTableRecord,
  rules: readonly RouteRuleRecord[],
  subnets: readonly SubnetRecord[],
): { name: string; routeTableId: string; vpcId: string; routeRules: RouteRule[] } {
  return {
    name: ROUTE_TABLE_NAME,
    routeTableId: table.routeTableId,
    vpcId: table.vpcId,
    routeRules: [...rules.map(renderRouteRule), ...subnets.map((subnet) => systemRoute(table, subnet))],
  };
}

function renderAddress(ip: EniAddressRecord): EniPrivateIp {
  return { publicIpAddress: ip.publicIp, primary: ip.primary, privateIpAddress: ip.address };
}

/** A network interface as getEni and listEnis answer it (the Go SDK's Eni). */
export function renderEni(eni: EniRecord): Eni {
  const hit = renderedEnis.get(eni);
  if (hit) return hit;
  const rendered = remember({
    eniId: eni.eniId,
    name: eni.name,
    zoneName: eni.zoneName,
    description: eni.description,
    instanceId: eni.instanceId,
    macAddress: eni.macAddress,
    vpcId: eni.vpcId,
    subnetId: eni.subnetId,
    status: eni.status,
    privateIpSet: eni.privateIps.map(renderAddress),
    ipv6PrivateIpSet: eni.ipv6Ips.map(renderAddress),
    securityGroupIds: eni.securityGroupIds,
    enterpriseSecurityGroupIds: eni.enterpriseSecurityGroupIds,
    createdTime: wireTime(eni.createdAt),
    tags: eni.tags,
  });
  renderedEnis.set(eni, rendered);
  return rendered;
}
