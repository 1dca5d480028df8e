// The firewall and interfaces of every VPC as the console shows them (part of `GET /_admin/state`): subnet ACL
// rules, security groups with their rules and the interfaces using them, and network interfaces. Picked from
// the stored records (domain/resources.ts), one list per kind, each entry carrying its owner and VPC.
import { defaultAclTerms } from '../domain/acl.ts';
import type {
  AclRuleRecord,
  AnyResource,
  EniRecord,
  ResourceKind,
  ResourceRecords,
  SecurityGroupRecord,
  SecurityGroupRuleRecord,
} from '../domain/resources.ts';
import { wireTime } from '../domain/time.ts';
import type { SubnetRecord } from '../domain/types.ts';

const ACL_RULE_VIEW_FIELDS = [
  'aclRuleId',
  'subnetId',
  'vpcId',
  'accountId',
  'region',
  'direction',
  'position',
  'protocol',
  'sourceIpAddress',
  'destinationIpAddress',
  'sourcePort',
  'destinationPort',
  'action',
  'description',
] as const;

/** One rule of a subnet's ACL; a subnet's two default rules have an empty id, as Baidu shows them. */
export type AclRuleView = Pick<AclRuleRecord, (typeof ACL_RULE_VIEW_FIELDS)[number]>;

const GROUP_RULE_VIEW_FIELDS = [
  'securityGroupRuleId',
  'direction',
  'ethertype',
  'protocol',
  'portRange',
  'sourceIp',
  'sourceGroupId',
  'destIp',
  'destGroupId',
  'remark',
] as const;

export type SecurityGroupRuleView = Pick<SecurityGroupRuleRecord, (typeof GROUP_RULE_VIEW_FIELDS)[number]>;

const GROUP_VIEW_FIELDS = [
  'securityGroupId',
  'vpcId',
  'accountId',
  'region',
  'name',
  'desc',
  'isDefault',
  'version',
] as const;

export interface SecurityGroupView extends Pick<SecurityGroupRecord, (typeof GROUP_VIEW_FIELDS)[number]> {
  /** Ingress rules first, then egress, each in creation order. */
  rules: SecurityGroupRuleView[];
  /** The interfaces that use the group. */
  eniIds: string[];
  createdTime: string;
}

const ENI_VIEW_FIELDS = [
  'eniId',
  'vpcId',
  'subnetId',
  'accountId',
  'region',
  'name',
  'description',
  'zoneName',
  'status',
  'macAddress',
  'instanceId',
  'securityGroupIds',
] as const;

export interface EniView extends Pick<EniRecord, (typeof ENI_VIEW_FIELDS)[number]> {
  /** The primary address first. */
  privateIps: Array<{ address: string; primary: boolean }>;
  createdTime: string;
}

export interface NetworkViews {
  aclRules: AclRuleView[];
  securityGroups: SecurityGroupView[];
  enis: EniView[];
}

function ofKind<K extends ResourceKind>(resources: readonly AnyResource[], kind: K): ResourceRecords[K][] {
  return resources.filter((r) => r.kind === kind).map((r) => r.record as ResourceRecords[K]);
}

/** The named fields of a record, in the order named (the order the console's JSON shows them in). */
function pick<T, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> {
  return Object.fromEntries(fields.map((field) => [field, record[field]])) as Pick<T, K>;
}

function aclRuleView(rule: AclRuleRecord): AclRuleView {
  return pick(rule, ACL_RULE_VIEW_FIELDS);
}

function groupRuleView(rule: SecurityGroupRuleRecord): SecurityGroupRuleView {
  return pick(rule, GROUP_RULE_VIEW_FIELDS);
}

function eniView(eni: EniRecord): EniView {
  return {
    ...pick(eni, ENI_VIEW_FIELDS),
    privateIps: [...eni.privateIps]
      .sort((a, b) => Number(b.primary) - Number(a.primary))
      .map(({ address, primary }) => ({ address, primary })),
    createdTime: wireTime(eni.createdAt),
  };
}

/** A subnet's default rule of a direction: allow everything, evaluated after every custom rule. */
function defaultAclRuleView(subnet: SubnetRecord, direction: 'ingress' | 'egress'): AclRuleView {
  const { subnetId, vpcId, accountId, region } = subnet;
  const rule = { ...defaultAclTerms(direction), aclRuleId: '', subnetId, vpcId, accountId, region };
  return pick(rule, ACL_RULE_VIEW_FIELDS);
}

/**
 * The console's lists of the network resources, from the store's one list of every kind and the subnets (whose
 * default ACL rules are derived, never stored).
 */
export function networkViews(
  resources: readonly AnyResource[],
  subnets: readonly SubnetRecord[],
): NetworkViews {
  const enis = ofKind(resources, 'eni');
  const rules = ofKind(resources, 'securityGroupRule');
  const rulesOf = (groupId: string, direction: 'ingress' | 'egress') =>
    rules.filter((r) => r.securityGroupId === groupId && r.direction === direction).map(groupRuleView);
  return {
    aclRules: [
      ...ofKind(resources, 'aclRule').map(aclRuleView),
      ...subnets.flatMap((subnet) => [
        defaultAclRuleView(subnet, 'ingress'),
        defaultAclRuleView(subnet, 'egress'),
      ]),
    ],
    securityGroups: ofKind(resources, 'securityGroup').map((group) => ({
      ...pick(group, GROUP_VIEW_FIELDS),
      rules: [...rulesOf(group.securityGroupId, 'ingress'), ...rulesOf(group.securityGroupId, 'egress')],
      eniIds: enis.filter((e) => e.securityGroupIds.includes(group.securityGroupId)).map((e) => e.eniId),
      createdTime: wireTime(group.createdAt),
    })),
    enis: enis.map(eniView),
  };
}
