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

/** One rule of a subnet's ACL; a subnet's two default rules have an empty id, as Baidu shows them. */
export interface AclRuleView
  extends Pick<
    AclRuleRecord,
    | 'aclRuleId'
    | 'subnetId'
    | 'vpcId'
    | 'accountId'
    | 'region'
    | 'direction'
    | 'position'
    | 'protocol'
    | 'sourceIpAddress'
    | 'destinationIpAddress'
    | 'sourcePort'
    | 'destinationPort'
    | 'action'
    | 'description'
  > {}

export type SecurityGroupRuleView = Pick<
  SecurityGroupRuleRecord,
  | 'securityGroupRuleId'
  | 'direction'
  | 'ethertype'
  | 'protocol'
  | 'portRange'
  | 'sourceIp'
  | 'sourceGroupId'
  | 'destIp'
  | 'destGroupId'
  | 'remark'
>;

export interface SecurityGroupView
  extends Pick<
    SecurityGroupRecord,
    'securityGroupId' | 'vpcId' | 'accountId' | 'region' | 'name' | 'desc' | 'isDefault' | 'version'
  > {
  /** Ingress rules first, then egress, each in creation order. */
  rules: SecurityGroupRuleView[];
  /** The interfaces that use the group. */
  eniIds: string[];
  createdTime: string;
}

export interface EniView
  extends Pick<
    EniRecord,
    | 'eniId'
    | 'vpcId'
    | 'subnetId'
    | 'accountId'
    | 'region'
    | 'name'
    | 'description'
    | 'zoneName'
    | 'status'
    | 'macAddress'
    | 'instanceId'
    | 'securityGroupIds'
  > {
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

function aclRuleView(rule: AclRuleRecord): AclRuleView {
  return {
    aclRuleId: rule.aclRuleId,
    subnetId: rule.subnetId,
    vpcId: rule.vpcId,
    accountId: rule.accountId,
    region: rule.region,
    direction: rule.direction,
    position: rule.position,
    protocol: rule.protocol,
    sourceIpAddress: rule.sourceIpAddress,
    destinationIpAddress: rule.destinationIpAddress,
    sourcePort: rule.sourcePort,
    destinationPort: rule.destinationPort,
    action: rule.action,
    description: rule.description,
  };
}

function groupRuleView(rule: SecurityGroupRuleRecord): SecurityGroupRuleView {
  return {
    securityGroupRuleId: rule.securityGroupRuleId,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    portRange: rule.portRange,
    sourceIp: rule.sourceIp,
    sourceGroupId: rule.sourceGroupId,
    destIp: rule.destIp,
    destGroupId: rule.destGroupId,
    remark: rule.remark,
  };
}

function eniView(eni: EniRecord): EniView {
  return {
    eniId: eni.eniId,
    vpcId: eni.vpcId,
    subnetId: eni.subnetId,
    accountId: eni.accountId,
    region: eni.region,
    name: eni.name,
    description: eni.description,
    zoneName: eni.zoneName,
    status: eni.status,
    macAddress: eni.macAddress,
    instanceId: eni.instanceId,
    securityGroupIds: eni.securityGroupIds,
    privateIps: [...eni.privateIps]
      .sort((a, b) => Number(b.primary) - Number(a.primary))
      .map(({ address, primary }) => ({ address, primary })),
    createdTime: wireTime(eni.createdAt),
  };
}

/** A subnet's default rule of a direction: allow everything, evaluated after every custom rule. */
function defaultAclRuleView(subnet: SubnetRecord, direction: 'ingress' | 'egress'): AclRuleView {
  const terms = defaultAclTerms(direction);
  return {
    aclRuleId: '',
    subnetId: subnet.subnetId,
    vpcId: subnet.vpcId,
    accountId: subnet.accountId,
    region: subnet.region,
    direction,
    position: terms.position,
    protocol: terms.protocol,
    sourceIpAddress: terms.sourceIpAddress,
    destinationIpAddress: terms.destinationIpAddress,
    sourcePort: terms.sourcePort,
    destinationPort: terms.destinationPort,
    action: terms.action,
    description: terms.description,
  };
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
      securityGroupId: group.securityGroupId,
      vpcId: group.vpcId,
      accountId: group.accountId,
      region: group.region,
      name: group.name,
      desc: group.desc,
      isDefault: group.isDefault,
      version: group.version,
      rules: [...rulesOf(group.securityGroupId, 'ingress'), ...rulesOf(group.securityGroupId, 'egress')],
      eniIds: enis.filter((e) => e.securityGroupIds.includes(group.securityGroupId)).map((e) => e.eniId),
      createdTime: wireTime(group.createdAt),
    })),
    enis: enis.map(eniView),
  };
}
