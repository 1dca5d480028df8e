// VPC rules: the slice of the VPC API that peering depends on (ownership, CIDR, relay, deletion).
import { ServiceError } from '../errors.ts';
import type { CallerScope } from './peerconn.ts';
import type { VpcRecord } from './types.ts';
import {
  DESCRIPTION_MAX_LENGTH,
  type Input,
  ipv4Cidr,
  NAME_MAX_LENGTH,
  optionalString,
  requiredString,
  tags,
} from './values.ts';

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

export function newVpc(input: Input, caller: CallerScope, vpcId: string, now: number): VpcRecord {
  const name = requiredString(input, 'name', NAME_MAX_LENGTH);
  const cidr = ipv4Cidr(requiredString(input, 'cidr', 32));
  return {
    vpcId,
    accountId: caller.accountId,
    region: caller.region,
    name,
    cidr,
    description: optionalString(input, 'description', DESCRIPTION_MAX_LENGTH) ?? '',
    relay: false,
    tags: tags(input, 'tags'),
    createdAt: now,
  };
}

export function updateVpc(vpc: VpcRecord, input: Input): VpcRecord {
  const name = optionalString(input, 'name', NAME_MAX_LENGTH);
  if (name === '') {
    throw new ServiceError(
      'InappropriateJSON',
      'Field "name" is invalid: must not be empty; omit it to keep the name.',
    );
  }
  const description = optionalString(input, 'description', DESCRIPTION_MAX_LENGTH);
  return { ...vpc, name: name ?? vpc.name, description: description ?? vpc.description };
}

export function requireDeletable(vpc: VpcRecord, livePeerConns: number): void {
  if (livePeerConns > 0) {
    throw new ServiceError(
      'VpcInUse',
      `VPC ${vpc.vpcId} still has ${livePeerConns} peering connection(s); release them before deleting the VPC.`,
    );
  }
}
