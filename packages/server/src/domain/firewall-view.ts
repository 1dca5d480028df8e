// Wire rendering of subnet ACL rules and security groups (docs/wire.md, "Responses"), the default ACL rules of a
// subnet included: they are derived here, never stored.
import type { AclRule, RuleDirection, SecurityGroup, SecurityGroupRule } from '@peerconn/sdk';
import { byEvaluationOrder, defaultAclTerms } from './acl.ts';
import type { AclRuleRecord, SecurityGroupRecord, SecurityGroupRuleRecord } from './resources.ts';
import { wireTime } from './time.ts';
import type { SubnetRecord } from './types.ts';

export function renderAclRule(rule: AclRuleRecord): AclRule {
  return {
    id: rule.aclRuleId,
    subnetId: rule.subnetId,
    description: rule.description,
    protocol: rule.protocol,
    sourceIpAddress: rule.sourceIpAddress,
    destinationIpAddress: rule.destinationIpAddress,
    sourcePort: rule.sourcePort,
    destinationPort: rule.destinationPort,
    position: rule.position,
    ipVersion: rule.ipVersion,
    direction: rule.direction,
    action: rule.action,
  };
}

/** A subnet's default rule of one direction: allow everything; it has no id, as Baidu shows it. */
export function defaultAclRule(subnet: SubnetRecord, direction: RuleDirection): AclRule {
  return { id: '', subnetId: subnet.subnetId, ...defaultAclTerms(direction) };
}

/**
 * A subnet's whole ACL in evaluation order: the ingress rules by position, the default ingress rule, then the
 * egress rules by position and the default egress rule.
 */
export function subnetAclRules(subnet: SubnetRecord, rules: readonly AclRuleRecord[]): AclRule[] {
  return [
    ...rules.map(renderAclRule),
    defaultAclRule(subnet, 'ingress'),
    defaultAclRule(subnet, 'egress'),
  ].sort(byEvaluationOrder);
}

export function renderSecurityGroupRule(rule: SecurityGroupRuleRecord): SecurityGroupRule {
  return {
    securityGroupRuleId: rule.securityGroupRuleId,
    securityGroupId: rule.securityGroupId,
    // The Go SDK's detail model reads the group's id under this name too; the server has one id per group.
    securityGroupUuid: rule.securityGroupId,
    remark: rule.remark,
    direction: rule.direction,
    ethertype: rule.ethertype,
    portRange: rule.portRange,
    protocol: rule.protocol,
    sourceGroupId: rule.sourceGroupId,
    sourceIp: rule.sourceIp,
    destGroupId: rule.destGroupId,
    destIp: rule.destIp,
    createdTime: wireTime(rule.createdAt),
    updatedTime: wireTime(rule.updatedAt),
  };
}

/** A group with its rules (ingress first, then egress, each in creation order) and the interfaces using it. */
export function renderSecurityGroup(
  group: SecurityGroupRecord,
  rules: readonly SecurityGroupRuleRecord[],
  bindInstanceNum: number,
): SecurityGroup {
  const ordered = [
    ...rules.filter((r) => r.direction === 'ingress'),
    ...rules.filter((r) => r.direction === 'egress'),
  ];
  return {
    id: group.securityGroupId,
    name: group.name,
    desc: group.desc,
    vpcId: group.vpcId,
    rules: ordered.map(renderSecurityGroupRule),
    tags: group.tags,
    createdTime: wireTime(group.createdAt),
    sgVersion: group.version,
    bindInstanceNum,
  };
}
