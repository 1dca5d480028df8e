// Network interface rules: what a create asks for, which security groups an interface may use, its
// addresses, attaching to an opaque instance, and when it may go (docs/server-rules.md, "Network interfaces").
import type { CreateEniInput, EniPrivateIpRequest, TagModel, UpdateEniInput } from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import { ipText } from './cidr.ts';
import { addressField, addressHolders, pickFreeAddresses, requireFreeAddress } from './eni-addresses.ts';
import type { Fields } from './requests.ts';
import type { EniAddressRecord, EniRecord, SecurityGroupRecord } from './resources.ts';
import { SECURITY_GROUPS_PER_ENI } from './security-group.ts';
import type { CallerScope, SubnetRecord } from './types.ts';
import { DESCRIPTION_MAX_LENGTH, limited, NAME_MAX_LENGTH, required, tags } from './values.ts';
import { idList } from './vpc.ts';

/** Baidu's limits (docs/server-rules.md); the first three are engine configuration. */
export const ENI_DEFAULTS = {
  /** Interfaces attached to nothing, per VPC (attached ones do not count). */
  unattachedPerVpc: 500,
  /** Addresses (primary and secondary) per interface. */
  addressesPerEni: 40,
  /** Interfaces attached to one instance: Baidu's min(cores, 8), with no cores here. */
  perInstance: 8,
} as const;

/** Addresses per batch call (Baidu's documented limit). */
export const ADDRESSES_PER_BATCH = 10;

export interface EniQuotas {
  unattachedPerVpc: number;
  addressesPerEni: number;
  perInstance: number;
}

function inappropriate(message: string): ServiceError {
  return new ServiceError('InappropriateJSON', message);
}

export function eniNotFound(eniId: string, caller: CallerScope): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `Network interface ${eniId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
  );
}

/** Only the owner, at the interface's region, sees it; everyone else gets the not-found of a missing id. */
export function requireOwnEni(eni: EniRecord | undefined, eniId: string, caller: CallerScope): EniRecord {
  if (!eni || eni.accountId !== caller.accountId || eni.region !== caller.region) {
    throw eniNotFound(eniId, caller);
  }
  return eni;
}

// ---- security groups of an interface ----

/** The security group ids a request names: 1–10 distinct ids (repeats count once). */
export function securityGroupIdsField(field: string, ids: readonly string[]): string[] {
  const distinct = [...new Set(ids.map((id) => id.trim()))];
  if (distinct.length === 0 || distinct.some((id) => id === '')) {
    throw inappropriate(
      `Field "${field}" must name 1 to ${SECURITY_GROUPS_PER_ENI} security groups of the interface's VPC, none empty.`,
    );
  }
  if (distinct.length > SECURITY_GROUPS_PER_ENI) {
    throw inappropriate(
      `Field "${field}" names ${distinct.length} security groups; an interface may have at most ${SECURITY_GROUPS_PER_ENI}.`,
    );
  }
  return distinct;
}

/**
 * The groups an interface in `vpcId` may use: each must be the caller's (anyone else's answers like a missing
 * one) and in the interface's VPC (Baidu: Vpc.SecurityGroupsNotSameVpc).
 */
export function requireEniGroups(
  ids: readonly string[],
  found: ReadonlyMap<string, SecurityGroupRecord | undefined>,
  vpcId: string,
  caller: CallerScope,
): string[] {
  for (const id of ids) {
    const group = found.get(id);
    if (!group || group.accountId !== caller.accountId || group.region !== caller.region) {
      throw new ServiceError(
        'NoSuchObject',
        `Security group ${id} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
      );
    }
    if (group.vpcId !== vpcId) {
      throw new ServiceError(
        'Vpc.SecurityGroupsNotSameVpc',
        `Security group ${id} is in VPC ${group.vpcId}, not in ${vpcId} where the network interface is; use groups of ${vpcId}.`,
      );
    }
  }
  return [...ids];
}

/**
 * When a create names no group, the VPC's default group. Every VPC has one (made with it, or given to older VPCs by
 * the migration and the snapshot import), so the refusal only guards a broken invariant.
 */
export function defaultGroupOf(vpcId: string, groups: readonly SecurityGroupRecord[]): string {
  const fallback = groups.find((group) => group.isDefault && group.vpcId === vpcId);
  if (!fallback) {
    throw inappropriate(
      `Field "securityGroupIds" is required here: VPC ${vpcId} has no default security group to use; name 1 to ${SECURITY_GROUPS_PER_ENI} groups of the VPC.`,
    );
  }
  return fallback.securityGroupId;
}

// ---- create ----

export interface EniAddressRequest {
  /** undefined: pick a free one. */
  address: number | undefined;
  primary: boolean;
}

export interface CreateEniRequest {
  name: string;
  subnetId: string;
  description: string;
  tags: TagModel[];
  addresses: EniAddressRequest[];
  /** undefined: the VPC's default group. */
  securityGroupIds: string[] | undefined;
  /** An instance to attach to at once; undefined for none. */
  instanceId: string | undefined;
  trafficMode: string;
}

function noElasticIp(field: string, value: string | null | undefined): void {
  if (value !== undefined && value !== null && value !== '') {
    throw new ServiceError(
      'UnsupportedFeature',
      `${field} (${value}): the local server has no elastic IPs, so none can be bound; leave it out or "".`,
    );
  }
}

function addressRequests(set: readonly EniPrivateIpRequest[] | null | undefined): EniAddressRequest[] {
  if (!set || set.length === 0) {
    throw inappropriate(
      'Field "privateIpSet" is required: give one primary IPv4 address ({"primary": true, "privateIpAddress": ""} picks a free one).',
    );
  }
  const addresses = set.map((entry, i): EniAddressRequest => {
    const field = `privateIpSet[${i}]`;
    noElasticIp(`${field}.publicIpAddress`, entry.publicIpAddress);
    const text = entry.privateIpAddress;
    return {
      primary: entry.primary === true,
      address:
        text === undefined || text === null || text === ''
          ? undefined
          : addressField(`${field}.privateIpAddress`, text),
    };
  });
  const primaries = addresses.filter((a) => a.primary).length;
  if (primaries !== 1) {
    throw inappropriate(
      `Field "privateIpSet" has ${primaries} primary addresses; exactly one entry must have "primary": true, the others are secondary.`,
    );
  }
  return addresses;
}

/** The create request after its value rules, before anything is looked up. */
export function createEniRequest(fields: Fields<CreateEniInput>): CreateEniRequest {
  const name = required('name', fields.name, NAME_MAX_LENGTH);
  const subnetId = required('subnetId', fields.subnetId, 64);
  const description = limited('description', fields.description, DESCRIPTION_MAX_LENGTH) ?? '';
  if ((fields.enterpriseSecurityGroupIds ?? []).length > 0) {
    throw new ServiceError(
      'UnsupportedFeature',
      'Field "enterpriseSecurityGroupIds": the local server does not model enterprise security groups; give regular groups in "securityGroupIds" instead.',
    );
  }
  const addresses = addressRequests(fields.privateIpSet);
  const groups = fields.securityGroupIds ?? [];
  const instanceId = limited('instanceId', fields.instanceId, 64);
  return {
    name,
    subnetId,
    description,
    tags: tags('tags', fields.tags),
    addresses,
    securityGroupIds: groups.length > 0 ? securityGroupIdsField('securityGroupIds', groups) : undefined,
    instanceId: instanceId === '' ? undefined : instanceId,
    trafficMode: limited('networkInterfaceTrafficMode', fields.networkInterfaceTrafficMode, 64) ?? '',
  };
}

/** What the store knows that a new interface's rules depend on, read in the same transaction. */
export interface EniFacts {
  subnet: SubnetRecord;
  /** Every interface of the subnet's VPC. */
  vpcEnis: readonly EniRecord[];
  /** The caller's interfaces attached to the request's instanceId (none without one). */
  instanceEnis: readonly EniRecord[];
  /** The groups the interface gets, already checked (requireEniGroups or defaultGroupOf). */
  securityGroupIds: string[];
  /** Whether the request's ipv6PrivateIpSet has entries. */
  wantsIpv6: boolean;
  quotas: EniQuotas;
  eniId: string;
  macAddress: string;
  now: number;
}

export function decideEni(request: CreateEniRequest, facts: EniFacts): EniRecord {
  const { subnet, vpcEnis, quotas } = facts;
  if (facts.wantsIpv6) throw noIpv6(subnet);
  if (request.addresses.length > quotas.addressesPerEni) {
    throw new ServiceError(
      'EniQuotaExceeded',
      `Field "privateIpSet" has ${request.addresses.length} addresses; an interface may have at most ${quotas.addressesPerEni}.`,
    );
  }
  if (request.instanceId === undefined) {
    const unattached = vpcEnis.filter((eni) => eni.instanceId === '').length;
    if (unattached >= quotas.unattachedPerVpc) {
      throw new ServiceError(
        'EniQuotaExceeded',
        `VPC ${subnet.vpcId} already has ${unattached} network interfaces attached to nothing, the most it may have (${quotas.unattachedPerVpc}); delete or attach one first.`,
      );
    }
  } else {
    requireInstanceRoom(request.instanceId, facts.instanceEnis.length, quotas);
  }
  const addresses = assignAddresses(subnet, request.addresses, addressHolders(vpcEnis));
  return {
    eniId: facts.eniId,
    accountId: subnet.accountId,
    region: subnet.region,
    vpcId: subnet.vpcId,
    subnetId: subnet.subnetId,
    zoneName: subnet.zoneName,
    name: request.name,
    description: request.description,
    instanceId: request.instanceId ?? '',
    instanceType: request.instanceId === undefined ? '' : 'BCC',
    macAddress: facts.macAddress,
    status: request.instanceId === undefined ? 'available' : 'inuse',
    privateIps: addresses,
    ipv6Ips: [],
    securityGroupIds: facts.securityGroupIds,
    enterpriseSecurityGroupIds: [],
    tags: request.tags,
    trafficMode: request.trafficMode,
    createdAt: facts.now,
  };
}

/** Named addresses are checked first, so an automatic pick never takes one the same request names. */
function assignAddresses(
  subnet: SubnetRecord,
  wanted: readonly EniAddressRequest[],
  held: ReadonlyMap<number, EniRecord>,
): EniAddressRecord[] {
  const claimed = new Set<number>();
  for (const { address } of wanted) {
    if (address === undefined) continue;
    requireFreeAddress(subnet, address, held, claimed);
    claimed.add(address);
  }
  const picks = pickFreeAddresses(
    subnet,
    wanted.filter((w) => w.address === undefined).length,
    held,
    claimed,
  );
  return wanted.map((w) => ({
    address: ipText(w.address ?? (picks.shift() as number)),
    primary: w.primary,
    publicIp: '',
  }));
}

function noIpv6(subnet: SubnetRecord): ServiceError {
  return new ServiceError(
    'InvalidPrivateIp',
    `Subnet ${subnet.subnetId} has no IPv6 range (the local server's subnets are IPv4 only), so no IPv6 address can be given; leave the IPv6 addresses out.`,
  );
}

// ---- changes ----

/** Baidu's update takes either field; a name given must not be empty. */
export function updateEni(eni: EniRecord, fields: Omit<Fields<UpdateEniInput>, 'eniId'>): EniRecord {
  if (fields.name === undefined && fields.description === undefined) {
    throw inappropriate('Give "name" or "description" (or both): the update changes nothing else.');
  }
  const name = limited('name', fields.name, NAME_MAX_LENGTH);
  if (name === '') throw inappropriate('Field "name" must not be empty; leave it out to keep the name.');
  const description = limited('description', fields.description, DESCRIPTION_MAX_LENGTH);
  return { ...eni, name: name ?? eni.name, description: description ?? eni.description };
}

/** bindSg: the list replaces every regular (and enterprise) group of the interface. */
export function replaceSecurityGroups(eni: EniRecord, securityGroupIds: string[]): EniRecord {
  return { ...eni, securityGroupIds, enterpriseSecurityGroupIds: [] };
}

function requireInstanceRoom(instanceId: string, attached: number, quotas: EniQuotas): void {
  if (attached >= quotas.perInstance) {
    throw new ServiceError(
      'EniQuotaExceeded',
      `Instance ${instanceId} already has ${attached} network interfaces, the most one instance may have (${quotas.perInstance}); detach one first.`,
    );
  }
}

/** The instance an attach or detach names: not empty, at most 64 characters. */
export function instanceIdField(value: string): string {
  return required('instanceId', value, 64);
}

/**
 * Attach to an instance the server does not have: the id is recorded as given, and the interface is `inuse`
 * at once (there is no instance to wait for, so `attaching` is never seen).
 */
export function attachEni(
  eni: EniRecord,
  instanceId: string,
  instanceType: string | undefined,
  attachedToInstance: readonly EniRecord[],
  quotas: EniQuotas,
): EniRecord {
  if (eni.status !== 'available') {
    throw new ServiceError(
      'InvalidEniStatus',
      `Network interface ${eni.eniId} is ${eni.status}${eni.instanceId ? ` (attached to ${eni.instanceId})` : ''}; only an available interface can be attached. Detach it first.`,
    );
  }
  requireInstanceRoom(instanceId, attachedToInstance.length, quotas);
  const type = limited('instanceType', instanceType, 32);
  return { ...eni, instanceId, instanceType: type || 'BCC', status: 'inuse' };
}

export function detachEni(eni: EniRecord, instanceId: string): EniRecord {
  if (eni.status !== 'inuse') {
    throw new ServiceError(
      'InvalidEniStatus',
      `Network interface ${eni.eniId} is ${eni.status}, attached to nothing; there is nothing to detach.`,
    );
  }
  if (eni.instanceId !== instanceId) {
    throw new ServiceError(
      'InvalidEniStatus',
      `Network interface ${eni.eniId} is attached to ${eni.instanceId}, not to ${instanceId}; detach it from ${eni.instanceId}.`,
    );
  }
  return { ...eni, instanceId: '', instanceType: '', status: 'available' };
}

export function requireEniDeletable(eni: EniRecord): void {
  if (eni.status !== 'available') {
    throw new ServiceError(
      'EniInUse',
      `Network interface ${eni.eniId} is attached to ${eni.instanceId}; detach it before deleting it.`,
    );
  }
}

/** A subnet that network interfaces sit in cannot go: they would lose their addresses. */
export function requireNoEnisIn(subnet: SubnetRecord, vpcEnis: readonly EniRecord[]): void {
  const inside = vpcEnis.filter((eni) => eni.subnetId === subnet.subnetId).map((eni) => eni.eniId);
  if (inside.length > 0) {
    throw new ServiceError(
      'SubnetInUse',
      `Subnet ${subnet.subnetId} (${subnet.cidr}) still has ${inside.length} network interface(s) (${idList(inside)}); delete them first.`,
    );
  }
}

// ---- secondary addresses ----

/**
 * Adds secondary addresses: each named one (or `undefined` for a free one) must fit the subnet and be free in
 * the VPC, and the interface stays within its address quota.
 */
export function addAddresses(
  eni: EniRecord,
  wanted: ReadonlyArray<number | undefined>,
  subnet: SubnetRecord,
  vpcEnis: readonly EniRecord[],
  quotas: EniQuotas,
): { eni: EniRecord; added: string[] } {
  const total = eni.privateIps.length + eni.ipv6Ips.length + wanted.length;
  if (total > quotas.addressesPerEni) {
    throw new ServiceError(
      'EniQuotaExceeded',
      `Network interface ${eni.eniId} has ${eni.privateIps.length + eni.ipv6Ips.length} addresses; ${wanted.length} more would pass the most an interface may have (${quotas.addressesPerEni}).`,
    );
  }
  const added = assignAddresses(
    subnet,
    wanted.map((address) => ({ address, primary: false })),
    addressHolders(vpcEnis),
  );
  return { eni: { ...eni, privateIps: [...eni.privateIps, ...added] }, added: added.map((a) => a.address) };
}

/** Removes secondary addresses the interface holds; the primary one cannot go. */
export function removeAddresses(eni: EniRecord, addresses: readonly string[]): EniRecord {
  const removing = new Set<string>();
  for (const text of addresses) {
    const held = eni.privateIps.find((ip) => ip.address === text);
    if (!held) {
      throw new ServiceError(
        'InvalidPrivateIp',
        `Network interface ${eni.eniId} holds no address ${text} (it holds ${eni.privateIps.map((ip) => ip.address).join(', ')}).`,
      );
    }
    if (held.primary) {
      throw new ServiceError(
        'InvalidPrivateIp',
        `Address ${text} is the primary address of network interface ${eni.eniId}; a primary address cannot be removed.`,
      );
    }
    removing.add(text);
  }
  return { ...eni, privateIps: eni.privateIps.filter((ip) => !removing.has(ip.address)) };
}

/** An addition that asks for IPv6 addresses: refused, as no subnet here has an IPv6 range. */
export function requireIpv4Only(subnet: SubnetRecord, isIpv6: boolean | undefined): void {
  if (isIpv6 === true) throw noIpv6(subnet);
}

/** addEniPrivateIp's address: "" or left out picks a free one. */
export function singleAddress(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : addressField('privateIpAddress', text);
}

/** batchAdd: up to 10 addresses ("" entries are picked), or a count of 1–10 to pick; the list wins when given. */
export function batchAddresses(
  list: readonly string[] | undefined,
  count: number | undefined,
): Array<number | undefined> {
  if (list !== undefined && list.length > 0) {
    if (list.length > ADDRESSES_PER_BATCH) {
      throw inappropriate(
        `Field "privateIpAddresses" has ${list.length} addresses; one call adds at most ${ADDRESSES_PER_BATCH}.`,
      );
    }
    return list.map((text, i) => (text === '' ? undefined : addressField(`privateIpAddresses[${i}]`, text)));
  }
  if (count === undefined) {
    throw inappropriate(
      `Give "privateIpAddresses" (up to ${ADDRESSES_PER_BATCH} addresses) or "privateIpAddressCount" (1 to ${ADDRESSES_PER_BATCH} addresses picked for you).`,
    );
  }
  if (count < 1 || count > ADDRESSES_PER_BATCH) {
    throw inappropriate(`Field "privateIpAddressCount" must be 1 to ${ADDRESSES_PER_BATCH}, not ${count}.`);
  }
  return Array.from({ length: count }, () => undefined);
}

/** batchDel: 1–10 addresses. */
export function batchRemovals(list: readonly string[]): string[] {
  const distinct = [...new Set(list)];
  if (distinct.length === 0 || distinct.length > ADDRESSES_PER_BATCH) {
    throw inappropriate(
      `Field "privateIpAddresses" must list 1 to ${ADDRESSES_PER_BATCH} addresses to remove, not ${distinct.length}.`,
    );
  }
  return distinct;
}

// ---- quota answer ----

/**
 * GET /v1/eni/quota as the Go SDK asks it: with `eniId`, how many addresses that interface may still get;
 * with only `instanceId`, how many interfaces that instance may still have attached.
 */
export function eniQuota(
  target: { eni: EniRecord } | { instanceId: string; attached: number },
  quotas: EniQuotas,
): { totalQuantity: number; availableQuantity: number } {
  if ('eni' in target) {
    const used = target.eni.privateIps.length + target.eni.ipv6Ips.length;
    return {
      totalQuantity: quotas.addressesPerEni,
      availableQuantity: Math.max(0, quotas.addressesPerEni - used),
    };
  }
  return {
    totalQuantity: quotas.perInstance,
    availableQuantity: Math.max(0, quotas.perInstance - target.attached),
  };
}
