// Private addresses of network interfaces: which addresses of a subnet the cloud keeps for itself, whether an
// address may be given to an interface, and which free ones are picked when the caller leaves the choice to
// the server (docs/server-rules.md, "Network interfaces").
import { ServiceError } from '../errors.ts';
import { blockSize, cidrOf, containsIp, ipText, parseIp } from './cidr.ts';
import type { EniRecord } from './resources.ts';
import { RESERVED_ADDRESSES } from './subnet.ts';
import type { SubnetRecord } from './types.ts';

/**
 * The addresses of a subnet no interface may have: the network address, the gateway (the first host
 * address, as at Baidu) and the broadcast address — the RESERVED_ADDRESSES a subnet's availableIp leaves out.
 */
export function reservedAddresses(cidr: string): ReadonlyMap<number, string> {
  const block = cidrOf(cidr);
  const last = block.base + blockSize(block.prefix) - 1;
  const reserved = new Map([
    [block.base, 'the network address'],
    [block.base + 1, 'the gateway'],
    [last, 'the broadcast address'],
  ]);
  if (reserved.size !== RESERVED_ADDRESSES) throw new Error(`a /${block.prefix} is too small for a subnet`);
  return reserved;
}

/** Every IPv4 address held by the interfaces, with the interface that holds it. */
export function addressHolders(enis: readonly EniRecord[]): Map<number, EniRecord> {
  const held = new Map<number, EniRecord>();
  for (const eni of enis) {
    for (const ip of eni.privateIps) {
      const address = parseIp(ip.address);
      if (address !== undefined) held.set(address, eni);
    }
  }
  return held;
}

/** An address a request names: IPv4 text, or InvalidPrivateIp naming the field. */
export function addressField(field: string, text: string): number {
  const address = parseIp(text);
  if (address === undefined) {
    throw new ServiceError(
      'InvalidPrivateIp',
      `${field} (${JSON.stringify(text)}) is not an IPv4 address; give one such as 10.1.1.20, or "" to have a free one picked.`,
    );
  }
  return address;
}

/**
 * Checks that `address` may go to an interface in `subnet`: inside it, not reserved, and held by no interface
 * of the VPC (`held`) nor named twice in the same request (`claimed`).
 */
export function requireFreeAddress(
  subnet: SubnetRecord,
  address: number,
  held: ReadonlyMap<number, EniRecord>,
  claimed: ReadonlySet<number>,
): void {
  const text = ipText(address);
  if (!containsIp(cidrOf(subnet.cidr), address)) {
    throw new ServiceError(
      'InvalidPrivateIp',
      `Address ${text} is not in subnet ${subnet.subnetId} (${subnet.cidr}); pick one of its addresses, or "" to have a free one picked.`,
    );
  }
  const reserved = reservedAddresses(subnet.cidr).get(address);
  if (reserved !== undefined) {
    throw new ServiceError(
      'InvalidPrivateIp',
      `Address ${text} is ${reserved} of subnet ${subnet.subnetId} (${subnet.cidr}), which the cloud keeps; pick another.`,
    );
  }
  const holder = held.get(address);
  if (holder !== undefined) {
    throw new ServiceError(
      'PrivateIpInUse',
      `Address ${text} of subnet ${subnet.subnetId} is already held by network interface ${holder.eniId}; pick a free one, or "" to have one picked.`,
    );
  }
  if (claimed.has(address)) {
    throw new ServiceError(
      'InvalidPrivateIp',
      `Address ${text} is given twice in this request; give it once.`,
    );
  }
}

/**
 * `count` free addresses of the subnet, lowest first, passing over the reserved ones, those held in the VPC and
 * those the same request claims already. SubnetIpExhausted when the subnet has too few left.
 */
export function pickFreeAddresses(
  subnet: SubnetRecord,
  count: number,
  held: ReadonlyMap<number, EniRecord>,
  claimed: ReadonlySet<number>,
): number[] {
  if (count === 0) return [];
  const block = cidrOf(subnet.cidr);
  const reserved = reservedAddresses(subnet.cidr);
  const picked: number[] = [];
  const end = block.base + blockSize(block.prefix);
  for (let address = block.base; address < end && picked.length < count; address++) {
    if (!reserved.has(address) && !held.has(address) && !claimed.has(address)) picked.push(address);
  }
  if (picked.length < count) {
    throw new ServiceError(
      'SubnetIpExhausted',
      `Subnet ${subnet.subnetId} (${subnet.cidr}) has ${picked.length} free address(es) left, fewer than the ${count} asked for; free some, or use a larger subnet.`,
    );
  }
  return picked;
}
