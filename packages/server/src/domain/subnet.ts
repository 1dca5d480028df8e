// Subnet rules: the request's values, where a subnet may sit in its VPC, and when it may go.
import { ServiceError } from '../errors.ts';
import { type Cidr, cidrField, cidrOf, cidrText, containsCidr, overlaps } from './cidr.ts';
import type { CreateSubnetFields, UpdateSubnetFields } from './requests.ts';
import type { CallerScope, RouteRuleRecord, SubnetRecord, VpcRecord } from './types.ts';
import { DESCRIPTION_MAX_LENGTH, limited, NAME_MAX_LENGTH, required, tags } from './values.ts';

/** Baidu's default quota of subnets per VPC. */
export const DEFAULT_SUBNETS_PER_VPC = 10;
/** The smallest subnet: a /29 holds 8 addresses, 5 of them usable. */
export const SMALLEST_SUBNET_PREFIX = 29;
/** Addresses of every subnet the cloud keeps: the network address, the gateway and the broadcast address. */
export const RESERVED_ADDRESSES = 3;

const ZONE_NAME = /^cn-([a-z0-9]+)-([a-z])$/;

export function subnetNotFound(subnetId: string, caller: CallerScope): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `Subnet ${subnetId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
  );
}

/** Only the owner, at the subnet's own region, sees a subnet; everyone else gets the not-found of a missing id. */
export function requireOwnSubnet(
  subnet: SubnetRecord | undefined,
  subnetId: string,
  caller: CallerScope,
): SubnetRecord {
  if (!subnet || subnet.accountId !== caller.accountId || subnet.region !== caller.region) {
    throw subnetNotFound(subnetId, caller);
  }
  return subnet;
}

function subnetName(value: string | undefined): string {
  const name = required('name', value, NAME_MAX_LENGTH);
  if (name.toLowerCase() === 'default') {
    throw new ServiceError(
      'InappropriateJSON',
      'Field "name" is invalid: "default" is reserved; choose another name.',
    );
  }
  return name;
}

export interface SubnetRequest {
  vpcId: string;
  name: string;
  zoneName: string;
  /** The zone's region, e.g. `bj` of `cn-bj-a`. */
  zoneRegion: string;
  cidr: Cidr;
  subnetType: string;
  description: string;
  tags: SubnetRecord['tags'];
}

/** The request after its value rules (the shape, the subnetType enumeration included, was checked at the edge). */
export function subnetRequest(fields: CreateSubnetFields): SubnetRequest {
  const vpcId = required('vpcId', fields.vpcId, 64);
  const name = subnetName(fields.name);
  const zoneName = required('zoneName', fields.zoneName, 64);
  const zone = ZONE_NAME.exec(zoneName);
  if (!zone) {
    throw new ServiceError(
      'InvalidSubnet',
      `Field "zoneName" (${zoneName}) is not a zone name: zones are named cn-<region>-<letter>, such as cn-bj-a.`,
    );
  }
  return {
    vpcId,
    name,
    zoneName,
    zoneRegion: zone[1] as string,
    cidr: cidrField('cidr', required('cidr', fields.cidr, 32), 0, SMALLEST_SUBNET_PREFIX),
    subnetType: fields.subnetType ?? 'BCC',
    description: limited('description', fields.description, DESCRIPTION_MAX_LENGTH) ?? '',
    tags: tags('tags', fields.tags),
  };
}

/** What the store knows that a new subnet's rules depend on, read in the same transaction. */
export interface SubnetFacts {
  vpc: VpcRecord;
  /** The VPC's other subnets. */
  siblings: readonly SubnetRecord[];
  quota: number;
  subnetId: string;
  now: number;
}

export function decideSubnet(request: SubnetRequest, facts: SubnetFacts): SubnetRecord {
  const { vpc, siblings } = facts;
  if (request.zoneRegion !== vpc.region) {
    throw new ServiceError(
      'InvalidSubnet',
      `Zone ${request.zoneName} is not in region ${vpc.region}, where VPC ${vpc.vpcId} is; use a zone such as cn-${vpc.region}-a.`,
    );
  }
  const vpcCidr = cidrOf(vpc.cidr);
  if (!containsCidr(vpcCidr, request.cidr)) {
    throw new ServiceError(
      'InvalidSubnet',
      `Subnet CIDR ${cidrText(request.cidr)} is not inside VPC ${vpc.vpcId}'s CIDR ${vpc.cidr}; choose a block of it, from /${vpcCidr.prefix} to /${SMALLEST_SUBNET_PREFIX}.`,
    );
  }
  const clash = siblings.find((s) => overlaps(cidrOf(s.cidr), request.cidr));
  if (clash) {
    throw new ServiceError(
      'SubnetConflict',
      `Subnet CIDR ${cidrText(request.cidr)} overlaps subnet ${clash.subnetId} (${clash.cidr}) of VPC ${vpc.vpcId}; choose a block no other subnet uses.`,
    );
  }
  if (siblings.length >= facts.quota) {
    throw new ServiceError(
      'SubnetQuotaExceeded',
      `VPC ${vpc.vpcId} already has ${siblings.length} subnets, the most a VPC may have (${facts.quota}); delete one first.`,
    );
  }
  return {
    subnetId: facts.subnetId,
    vpcId: vpc.vpcId,
    accountId: vpc.accountId,
    region: vpc.region,
    name: request.name,
    zoneName: request.zoneName,
    cidr: cidrText(request.cidr),
    subnetType: request.subnetType,
    description: request.description,
    tags: request.tags,
    createdAt: facts.now,
  };
}

/** Baidu's update names the subnet every time (the field is required); a description left out stays. */
export function updateSubnet(
  subnet: SubnetRecord,
  fields: Omit<UpdateSubnetFields, 'subnetId'>,
): SubnetRecord {
  const name = subnetName(fields.name);
  const description = limited('description', fields.description, DESCRIPTION_MAX_LENGTH);
  return { ...subnet, name, description: description ?? subnet.description };
}

/** A subnet that is the source of custom route rules cannot go: the rules would lose their source. */
export function requireSubnetDeletable(subnet: SubnetRecord, rules: readonly RouteRuleRecord[]): void {
  const block = cidrOf(subnet.cidr);
  const using = rules.filter((rule) => {
    const source = cidrOf(rule.sourceAddress);
    return source.prefix > 0 && containsCidr(block, source);
  });
  if (using.length > 0) {
    throw new ServiceError(
      'SubnetInUse',
      `Subnet ${subnet.subnetId} (${subnet.cidr}) is the source of route rule(s) ${using.map((r) => r.routeRuleId).join(', ')}; delete or change them first.`,
    );
  }
}

/** Addresses left for resources: the block minus the ones the cloud keeps. */
export function availableIps(cidr: string): number {
  return Math.max(0, 2 ** (32 - cidrOf(cidr).prefix) - RESERVED_ADDRESSES);
}
