// VPC rules: the slice of the VPC API that peering depends on (ownership, CIDR, relay, deletion).
import { ServiceError } from '../errors.ts';
import type { CreateVpcFields, UpdateVpcFields } from './requests.ts';
import type { CallerScope, VpcRecord } from './types.ts';
import { DESCRIPTION_MAX_LENGTH, ipv4Cidr, limited, NAME_MAX_LENGTH, required, tags } from './values.ts';

export function vpcNotFound(vpcId: string, caller: CallerScope): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `VPC ${vpcId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
  );
}

/** The VPC when it belongs to `owner` in `owner.region`; anywhere else it counts as missing. */
export function ownedVpc(vpc: VpcRecord | undefined, owner: CallerScope): VpcRecord | undefined {
  return vpc && vpc.accountId === owner.accountId && vpc.region === owner.region ? vpc : undefined;
}

/** Only the owner, at the VPC's own region, sees a VPC; everyone else gets the not-found of a missing id. */
export function requireOwnVpc(vpc: VpcRecord | undefined, vpcId: string, caller: CallerScope): VpcRecord {
  const own = ownedVpc(vpc, caller);
  if (!own) throw vpcNotFound(vpcId, caller);
  return own;
}

export function newVpc(fields: CreateVpcFields, caller: CallerScope, vpcId: string, now: number): VpcRecord {
  const name = required('name', fields.name, NAME_MAX_LENGTH);
  const cidr = ipv4Cidr(required('cidr', fields.cidr, 32));
  return {
    vpcId,
    accountId: caller.accountId,
    region: caller.region,
    name,
    cidr,
    description: limited('description', fields.description, DESCRIPTION_MAX_LENGTH) ?? '',
    relay: false,
    tags: tags('tags', fields.tags),
    createdAt: now,
  };
}

export function updateVpc(vpc: VpcRecord, fields: Omit<UpdateVpcFields, 'vpcId'>): VpcRecord {
  const name = limited('name', fields.name, NAME_MAX_LENGTH);
  if (name === '') {
    throw new ServiceError(
      'InappropriateJSON',
      'Field "name" is invalid: must not be empty; omit it to keep the name.',
    );
  }
  const description = limited('description', fields.description, DESCRIPTION_MAX_LENGTH);
  return { ...vpc, name: name ?? vpc.name, description: description ?? vpc.description };
}

/** What still hangs on a VPC: each of these keeps it from being deleted. */
export interface VpcUsage {
  livePeerConns: number;
  subnets: number;
  customRules: number;
  /** Ids of the network interfaces still in the VPC. */
  enis: readonly string[];
  /** Ids of the security groups made in the VPC (its default group goes with it, so it is not among them). */
  securityGroups: readonly string[];
}

export function requireDeletable(vpc: VpcRecord, usage: VpcUsage): void {
  const left = [
    usage.livePeerConns > 0 ? `${usage.livePeerConns} peering connection(s)` : '',
    usage.subnets > 0 ? `${usage.subnets} subnet(s)` : '',
    usage.customRules > 0 ? `${usage.customRules} custom route rule(s)` : '',
    usage.enis.length > 0 ? `${usage.enis.length} network interface(s) (${idList(usage.enis)})` : '',
    usage.securityGroups.length > 0 ? `security group(s) ${idList(usage.securityGroups)}` : '',
  ].filter((part) => part !== '');
  if (left.length > 0) {
    const defaultGroup = usage.securityGroups.length > 0 ? ' (its default group goes with it)' : '';
    throw new ServiceError(
      'VpcInUse',
      `VPC ${vpc.vpcId} still has ${left.join(', ')}; release or delete them before deleting the VPC${defaultGroup}.`,
    );
  }
}

/** A few ids for a message, so that a VPC with hundreds of interfaces still gets a short one. */
export function idList(ids: readonly string[], shown = 5): string {
  const head = ids.slice(0, shown).join(', ');
  return ids.length > shown ? `${head} and ${ids.length - shown} more` : head;
}
