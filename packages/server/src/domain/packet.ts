// What a packet is to the firewall rules (subnet ACLs, security groups), and how the address and port terms of a
// rule are read and matched against one. Both kinds of rule name peers as `all`, an address or a CIDR block, of
// IPv4 or IPv6, and ports as `all`, one port or a range; the parsing here is shared, the rules' own value checks
// (which codes, which fields) stay in acl.ts and security-group.ts.
import { parseIp } from './cidr.ts';

/**
 * A packet as the path analysis follows it. Ports matter only for tcp and udp. `all` is a packet of no
 * particular protocol (the path analysis's default): only a rule for every protocol, and every port, covers it.
 */
export interface Packet {
  protocol: 'tcp' | 'udp' | 'icmp' | 'all';
  /** An IPv4 or IPv6 address. */
  source: string;
  destination: string;
  /** Unknown ports (left out) match only a rule term that covers every port. */
  sourcePort?: number;
  destinationPort?: number;
}

export type IpFamily = 4 | 6;

/** An address read as a number of its family (IPv4 fits a number; IPv6 needs a bigint). */
interface Address {
  family: IpFamily;
  value: bigint;
}

/** A block of addresses: a family, a network address and a prefix length. */
export interface AddressBlock {
  family: IpFamily;
  base: bigint;
  prefix: number;
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseIpv6(text: string): bigint | undefined {
  if (text.length > 45 || text.split('::').length > 2) return undefined;
  let head = text;
  let tail: string[] = [];
  // An embedded IPv4 tail (::ffff:10.0.0.1) stands for two hextets.
  const lastColon = text.lastIndexOf(':');
  const v4 = lastColon >= 0 ? parseIp(text.slice(lastColon + 1)) : undefined;
  if (v4 !== undefined) {
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
    tail = [Math.floor(v4 / 65536).toString(16), (v4 % 65536).toString(16)];
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftParts = left === '' || left === undefined ? [] : left.split(':');
  const rightParts = right === undefined || right === '' ? [] : right.split(':');
  const given = [...leftParts, ...rightParts];
  if (!given.every((part) => HEXTET.test(part))) return undefined;
  const total = given.length + tail.length;
  if (right === undefined ? total !== 8 : total > 7) return undefined;
  const zeros = right === undefined ? [] : Array<string>(8 - total).fill('0');
  return [...leftParts, ...zeros, ...rightParts, ...tail].reduce(
    (acc, part) => acc * 65536n + BigInt(Number.parseInt(part, 16)),
    0n,
  );
}

/** An IPv4 or IPv6 address, or undefined when the text is neither. */
export function parseAddress(text: string): Address | undefined {
  const v4 = parseIp(text);
  if (v4 !== undefined) return { family: 4, value: BigInt(v4) };
  if (!text.includes(':')) return undefined;
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

function bits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/**
 * An address (a block of one) or a CIDR block with its host bits zero; otherwise the reason it is not one.
 * `all` is not read here: the rules say what it means for them.
 */
export function readBlock(text: string): AddressBlock | { problem: string } {
  const slash = text.indexOf('/');
  const address = parseAddress(slash === -1 ? text : text.slice(0, slash));
  if (!address) return { problem: 'not an IPv4 or IPv6 address' };
  const width = bits(address.family);
  if (slash === -1) return { family: address.family, base: address.value, prefix: width };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > width) {
    return { problem: `the prefix length must be a number from 0 to ${width}` };
  }
  const prefix = Number(prefixText);
  const size = 1n << BigInt(width - prefix);
  if (address.value % size !== 0n) return { problem: `host bits must be zero for /${prefix}` };
  return { family: address.family, base: address.value, prefix };
}

/** Every address of a family. */
export function everything(family: IpFamily): AddressBlock {
  return { family, base: 0n, prefix: 0 };
}

export function blockHolds(block: AddressBlock, address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed || parsed.family !== block.family) return false;
  const size = 1n << BigInt(bits(block.family) - block.prefix);
  return parsed.value >= block.base && parsed.value < block.base + size;
}

export function sameBlock(a: AddressBlock, b: AddressBlock): boolean {
  return a.family === b.family && a.base === b.base && a.prefix === b.prefix;
}

/** A port term: every port, or the ports from `low` to `high`. */
export type PortRange = { all: true } | { all: false; low: number; high: number };

export const ALL_PORTS: PortRange = { all: true };
export const PORT_MIN = 1;
export const PORT_MAX = 65535;

/** Why a port term is not `N` or `N-M` of 1–65535, or the range; the callers map the reasons to their codes. */
export function readPorts(
  text: string,
): PortRange | { problem: 'notNumber' | 'outOfRange' | 'order'; detail: string } {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!match) return { problem: 'notNumber', detail: 'ports are a number or two joined by "-"' };
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low < PORT_MIN || high > PORT_MAX || high < PORT_MIN || low > PORT_MAX) {
    return { problem: 'outOfRange', detail: `ports run from ${PORT_MIN} to ${PORT_MAX}` };
  }
  if (low > high) return { problem: 'order', detail: `the first port (${low}) is above the last (${high})` };
  if (low === PORT_MIN && high === PORT_MAX) return ALL_PORTS;
  return { all: false, low, high };
}

/** Whether a port term lets a packet's port through; an unknown port passes only a term of every port. */
export function portsHold(range: PortRange, port: number | undefined): boolean {
  if (range.all) return true;
  return port !== undefined && port >= range.low && port <= range.high;
}

/** The family of a packet (both its addresses are of one). */
export function packetFamily(packet: Packet): IpFamily | undefined {
  const source = parseAddress(packet.source);
  const destination = parseAddress(packet.destination);
  if (!source || !destination || source.family !== destination.family) return undefined;
  return source.family;
}
