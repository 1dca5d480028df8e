// The kinds of network resource kept in the store's one generic table (store/sql.ts, `resources`): subnet ACL
// rules, security groups and their rules, network interfaces. Each kind is a record type, the field that is
// its id, the field that is its parent (what its lists and cascades are scoped by) and the schema a snapshot's
// copy of it must fit. A new kind is an entry here and a record type; the store, snapshots, resets and the
// console's state need nothing else (docs/contributing.md).
import {
  ACL_ACTIONS,
  ACL_PROTOCOLS,
  type AclAction,
  type AclProtocol,
  ENI_STATUSES,
  type EniStatus,
  ETHERTYPES,
  type Ethertype,
  RULE_DIRECTIONS,
  type RuleDirection,
  type TagModel,
} from '@peerconn/sdk';
import { z } from 'zod';

/** What every network resource carries: its owner, its VPC and when it was made (virtual ms). */
export interface OwnedRecord {
  accountId: string;
  region: string;
  vpcId: string;
  createdAt: number;
}

/** What an ACL rule says after its value rules (domain/acl.ts), its subnet aside. */
export interface AclRuleTerms {
  description: string;
  protocol: AclProtocol;
  /** An address, a canonical CIDR, or `all`. */
  sourceIpAddress: string;
  destinationIpAddress: string;
  /** A port, `low-high`, or `all`. */
  sourcePort: string;
  destinationPort: string;
  position: number;
  ipVersion: 4 | 6;
  direction: RuleDirection;
  action: AclAction;
}

/** A custom ACL rule of a subnet (the two default rules are not records: they are derived, never stored). */
export interface AclRuleRecord extends OwnedRecord, AclRuleTerms {
  aclRuleId: string;
  subnetId: string;
}

export interface SecurityGroupRecord extends OwnedRecord {
  securityGroupId: string;
  name: string;
  desc: string;
  tags: TagModel[];
  /** The group every VPC is made with; it cannot be deleted. */
  isDefault: boolean;
  /** sgVersion: goes up by one with every change of the group's rules. */
  version: number;
}

/**
 * What a security group rule says after its value rules (domain/security-group.ts); the fields of the other
 * direction's peer are always empty.
 */
export interface SecurityGroupRuleTerms {
  remark: string;
  direction: RuleDirection;
  ethertype: Ethertype;
  /** `1-65535` for every port, else `80` or `low-high` as given. */
  portRange: string;
  /** `all`, `tcp`, `udp` or `icmp`. */
  protocol: string;
  sourceGroupId: string;
  /** `all`, an address or a CIDR block; `""` when the peer is a group, or on an egress rule. */
  sourceIp: string;
  destGroupId: string;
  destIp: string;
}

export interface SecurityGroupRuleRecord extends OwnedRecord, SecurityGroupRuleTerms {
  securityGroupRuleId: string;
  securityGroupId: string;
  updatedAt: number;
}

export interface EniAddressRecord {
  address: string;
  primary: boolean;
  /** An elastic IP bound to the address; `""` when none (the local server binds none). */
  publicIp: string;
}

export interface EniRecord extends OwnedRecord {
  eniId: string;
  subnetId: string;
  zoneName: string;
  name: string;
  description: string;
  /** `""` while attached to nothing. */
  instanceId: string;
  instanceType: string;
  macAddress: string;
  status: EniStatus;
  privateIps: EniAddressRecord[];
  ipv6Ips: EniAddressRecord[];
  securityGroupIds: string[];
  enterpriseSecurityGroupIds: string[];
  tags: TagModel[];
  trafficMode: string;
}

/** The record type of each kind. */
export interface ResourceRecords {
  aclRule: AclRuleRecord;
  securityGroup: SecurityGroupRecord;
  securityGroupRule: SecurityGroupRuleRecord;
  eni: EniRecord;
}
export type ResourceKind = keyof ResourceRecords;

interface KindSpec<R> {
  /** The record's id, unique within the kind. */
  id(record: R): string;
  /** What the record belongs to: lists and cascades are scoped by it. */
  parent(record: R): string;
  /** What a snapshot's copy of the record must fit. */
  schema: z.ZodType<R>;
}

const owned = {
  accountId: z.string().min(1),
  region: z.string().min(1),
  vpcId: z.string().min(1),
  createdAt: z.number(),
};
const tag = z.object({ tagKey: z.string(), tagValue: z.string().optional() });
const address = z.object({ address: z.string(), primary: z.boolean(), publicIp: z.string() });

export const RESOURCE_KINDS: { readonly [K in ResourceKind]: KindSpec<ResourceRecords[K]> } = {
  aclRule: {
    id: (r) => r.aclRuleId,
    parent: (r) => r.subnetId,
    schema: z.object({
      ...owned,
      aclRuleId: z.string().min(1),
      subnetId: z.string().min(1),
      description: z.string(),
      protocol: z.enum(ACL_PROTOCOLS),
      sourceIpAddress: z.string(),
      destinationIpAddress: z.string(),
      sourcePort: z.string(),
      destinationPort: z.string(),
      position: z.number().int(),
      ipVersion: z.union([z.literal(4), z.literal(6)]),
      direction: z.enum(RULE_DIRECTIONS),
      action: z.enum(ACL_ACTIONS),
    }),
  },
  securityGroup: {
    id: (r) => r.securityGroupId,
    parent: (r) => r.vpcId,
    schema: z.object({
      ...owned,
      securityGroupId: z.string().min(1),
      name: z.string(),
      desc: z.string(),
      tags: z.array(tag),
      isDefault: z.boolean(),
      version: z.number().int(),
    }),
  },
  securityGroupRule: {
    id: (r) => r.securityGroupRuleId,
    parent: (r) => r.securityGroupId,
    schema: z.object({
      ...owned,
      securityGroupRuleId: z.string().min(1),
      securityGroupId: z.string().min(1),
      remark: z.string(),
      direction: z.enum(RULE_DIRECTIONS),
      ethertype: z.enum(ETHERTYPES),
      portRange: z.string(),
      protocol: z.string(),
      sourceGroupId: z.string(),
      sourceIp: z.string(),
      destGroupId: z.string(),
      destIp: z.string(),
      updatedAt: z.number(),
    }),
  },
  eni: {
    id: (r) => r.eniId,
    parent: (r) => r.vpcId,
    schema: z.object({
      ...owned,
      eniId: z.string().min(1),
      subnetId: z.string().min(1),
      zoneName: z.string(),
      name: z.string(),
      description: z.string(),
      instanceId: z.string(),
      instanceType: z.string(),
      macAddress: z.string(),
      status: z.enum(ENI_STATUSES),
      privateIps: z.array(address),
      ipv6Ips: z.array(address),
      securityGroupIds: z.array(z.string()),
      enterpriseSecurityGroupIds: z.array(z.string()),
      tags: z.array(tag),
      trafficMode: z.string(),
    }),
  },
};

export const RESOURCE_KIND_NAMES = Object.keys(RESOURCE_KINDS) as ResourceKind[];

export function isResourceKind(value: string): value is ResourceKind {
  return Object.hasOwn(RESOURCE_KINDS, value);
}

/** The id and parent of a record of a kind. */
export function resourceKeys<K extends ResourceKind>(
  kind: K,
  record: ResourceRecords[K],
): { id: string; parentId: string } {
  const spec = RESOURCE_KINDS[kind] as KindSpec<ResourceRecords[K]>;
  return { id: spec.id(record), parentId: spec.parent(record) };
}

/** One stored network resource with its kind, as dumps and the console's state carry them. */
export type AnyResource = { [K in ResourceKind]: { kind: K; record: ResourceRecords[K] } }[ResourceKind];
