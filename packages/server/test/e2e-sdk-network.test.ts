// Subnet ACLs, security groups and primary/standby route rules end to end: every rule as a table of scenarios
// driven through @peerconn/sdk (AclClient, SecurityGroupClient, RouteClient) over HTTP against a started server
// with small quotas (two regional listeners, two accounts and a third), each refusal checked for its status,
// code, request id and the message naming the rule. Then the behaviour around the refusals: the default ACL
// rules and default group, lists and their pages, updates, versions, idempotency across retries, what goes with
// a subnet or a VPC, the switch, and the state kept by snapshots and cleared by a reset.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AclClient,
  type AclRuleRequest,
  BceServiceError,
  type CreateRouteRuleInput,
  type NextHop,
  PeerConnClient,
  paginate,
  RouteClient,
  SecurityGroupClient,
  type SecurityGroupRuleInput,
  SubnetClient,
  VpcClient,
} from '@peerconn/sdk';
import {
  adminOk,
  type Net as BaseNet,
  refusalTests,
  type Scenario,
  sdkSuite,
  setup,
  TWO_REGIONS,
  vpcWithSubnets,
  type Who,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const ACL_QUOTA = 3;
const SG_QUOTA = 3;
const ROUTE_QUOTA = 4;

const suite = sdkSuite({
  ...TWO_REGIONS,
  quotaAclRulesPerDirection: ACL_QUOTA,
  quotaSecurityGroupRulesPerDirection: SG_QUOTA,
  quotaRulesPerTable: ROUTE_QUOTA,
});
const acl = (w: Who, region = 'bj') => new AclClient(suite.config(w, region));
const sg = (w: Who, region = 'bj') => new SecurityGroupClient(suite.config(w, region));
const routes = (w: Who, region = 'bj') => new RouteClient(suite.config(w, region));
const vpcs = (w: Who, region = 'bj') => new VpcClient(suite.config(w, region));
const subnets = (w: Who, region = 'bj') => new SubnetClient(suite.config(w, region));

interface Net extends BaseNet {
  defaultGroupId: string;
}

/** A VPC with subnets; its route table and default security group. */
async function net(w: Who, cidr: string, blocks: string[] = [], region = 'bj'): Promise<Net> {
  const made = await vpcWithSubnets(suite, w, cidr, blocks, region);
  const { securityGroups } = await setup(sg(w, region).listSecurityGroups({ vpcId: made.vpcId }));
  const defaultGroup = securityGroups.find((g) => g.name === '默认安全组');
  assert.ok(defaultGroup, 'setup: every VPC has its default group');
  return { ...made, defaultGroupId: defaultGroup.id };
}

/** An ACL rule of a subnet: allow tcp 3306 in from anywhere at position 10, unless told otherwise. */
function aclRule(subnetId: string, more: Partial<AclRuleRequest> = {}): AclRuleRequest {
  return {
    subnetId,
    protocol: 'tcp',
    sourceIpAddress: 'all',
    destinationIpAddress: 'all',
    sourcePort: 'all',
    destinationPort: '3306',
    position: 10,
    direction: 'ingress',
    action: 'allow',
    ...more,
  };
}

/** A VPC with one subnet and one ACL rule in it; answers the rule's id. */
async function withAclRule(w: Who = 'a'): Promise<{ n: Net; aclRuleId: string }> {
  const n = await net(w, '10.8.0.0/16', ['10.8.1.0/24']);
  const subnetId = n.subnetIds[0] as string;
  await setup(acl(w).createAclRules({ aclRules: [aclRule(subnetId)] }));
  const { aclRules } = await setup(acl(w).listAclRules({ subnetId }));
  const custom = aclRules.find((r) => r.id !== '');
  assert.ok(custom, 'setup: the rule was made');
  return { n, aclRuleId: custom.id };
}

/** A VPC and a group in it with one rule (ingress tcp 3306 from 10.2.0.0/16), and its rule's id. */
async function withGroup(w: Who = 'a'): Promise<{ n: Net; securityGroupId: string; ruleId: string }> {
  const n = await net(w, '10.8.0.0/16');
  const { securityGroupId } = await setup(
    sg(w).createSecurityGroup({
      name: 'db',
      vpcId: n.vpcId,
      rules: [{ direction: 'ingress', protocol: 'tcp', portRange: '3306', sourceIp: '10.2.0.0/16' }],
    }),
  );
  const group = await setup(sg(w).getSecurityGroup({ securityGroupId }));
  const rule = group.rules.find((r) => r.direction === 'ingress');
  assert.ok(rule, 'setup: the group has its rule');
  return { n, securityGroupId, ruleId: rule.securityGroupRuleId };
}

/** Creates an ACL rule (aclRule's, with `more` in it) in a new subnet of demo-a. */
async function aclRuleInNewSubnet(more: Partial<AclRuleRequest>) {
  const n = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
  return acl('a').createAclRules({ aclRules: [aclRule(n.subnetIds[0] as string, more)] });
}

/** Authorizes a rule in a new group of demo-a, which already has withGroup's rule. */
async function authorizeInNewGroup(rule: SecurityGroupRuleInput) {
  const { securityGroupId } = await withGroup();
  return sg('a').authorizeSecurityGroupRule({ securityGroupId, rule });
}

const mysqlFrom = (sourceIp: string) =>
  ({ direction: 'ingress', protocol: 'tcp', portRange: '3306', sourceIp }) as const;

const scenarios: Scenario[] = [
  // ---- subnet ACLs ----
  [
    'ACL protocol other than all, tcp, udp, icmp',
    400,
    'InvalidAclRule',
    /"aclRules\[0\]\.protocol" \("gre"\) must be one of all, tcp, udp, icmp/,
    async () => aclRuleInNewSubnet({ protocol: 'gre' }),
  ],
  [
    'ACL position 0 (what the Go SDK sends when none is set)',
    400,
    'InvalidAclRule',
    /"aclRules\[0\]\.position" \(0\) must be a whole number from 1 to 5000/,
    async () => aclRuleInNewSubnet({ position: 0 }),
  ],
  [
    'ACL ports on an icmp rule',
    400,
    'InvalidAclRule',
    /"aclRules\[0\]\.destinationPort" \(3306\) narrows the ports of a rule for icmp/,
    async () => aclRuleInNewSubnet({ protocol: 'icmp' }),
  ],
  [
    'ACL address that is no address or block',
    400,
    'InvalidAclRule',
    /"aclRules\[0\]\.sourceIpAddress" \("10\.1\.1\.1\/24"\).*host bits must be zero/,
    async () => aclRuleInNewSubnet({ sourceIpAddress: '10.1.1.1/24' }),
  ],
  [
    'ACL port range upside down',
    400,
    'InvalidAclRule',
    /"aclRules\[0\]\.destinationPort".*first port \(90\) is above the last \(80\)/,
    async () => aclRuleInNewSubnet({ destinationPort: '90-80' }),
  ],
  [
    'ACL direction and action enums',
    400,
    'InvalidAclRule',
    /"aclRules\[0\]\.action" \("reject"\) must be allow or deny/,
    async () => aclRuleInNewSubnet({ action: 'reject' }),
  ],
  [
    '21 ACL rules in one call',
    400,
    'InappropriateJSON',
    /"aclRules" is invalid: give 1 to 20 rules per call, not 21/,
    async () => {
      const n = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      const many = Array.from({ length: 21 }, (_, i) =>
        aclRule(n.subnetIds[0] as string, { position: i + 1 }),
      );
      return acl('a').createAclRules({ aclRules: many });
    },
  ],
  [
    'ACL position taken in the subnet and direction',
    409,
    'AclRulePositionConflict',
    /Position 10 of subnet sbn-\S+'s ingress rules is taken by ar-\S+/,
    async () => {
      const { n } = await withAclRule();
      return acl('a').createAclRules({
        aclRules: [aclRule(n.subnetIds[0] as string, { destinationPort: '22' })],
      });
    },
  ],
  [
    'one ACL position twice in one call (nothing of the call is made)',
    409,
    'AclRulePositionConflict',
    /taken by another rule of this call/,
    async () => {
      const n = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      const subnetId = n.subnetIds[0] as string;
      const error = await acl('a')
        .createAclRules({ aclRules: [aclRule(subnetId), aclRule(subnetId, { destinationPort: '22' })] })
        .catch((e: unknown) => e);
      const { aclRules } = await acl('a').listAclRules({ subnetId });
      assert.equal(aclRules.filter((r) => r.id !== '').length, 0, 'the first rule of the call was not kept');
      throw error;
    },
  ],
  [
    `ACL rule past the quota of ${ACL_QUOTA} per direction`,
    400,
    'AclRuleQuotaExceeded',
    new RegExp(
      `would have ${ACL_QUOTA + 1} ingress ACL rules; a subnet holds at most ${ACL_QUOTA} per direction`,
    ),
    async () => {
      const n = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      const subnetId = n.subnetIds[0] as string;
      const full = Array.from({ length: ACL_QUOTA }, (_, i) => aclRule(subnetId, { position: i + 1 }));
      const egress = Array.from({ length: ACL_QUOTA }, (_, i) =>
        aclRule(subnetId, { position: i + 1, direction: 'egress' }),
      );
      await setup(acl('a').createAclRules({ aclRules: [...full, ...egress] }));
      return acl('a').createAclRules({ aclRules: [aclRule(subnetId, { position: 99 })] });
    },
  ],
  [
    'ACL rule in another account’s subnet',
    404,
    'NoSuchObject',
    /Subnet sbn-\S+ does not exist in region bj for your account/,
    async () => {
      const n = await net('b', '10.8.0.0/16', ['10.8.1.0/24']);
      return acl('a').createAclRules({ aclRules: [aclRule(n.subnetIds[0] as string)] });
    },
  ],
  [
    'ACL rule in a subnet of another region',
    404,
    'NoSuchObject',
    /Subnet sbn-\S+ does not exist in region gz for your account/,
    async () => {
      const n = await net('a', '10.8.0.0/16', ['10.8.1.0/24']);
      return acl('a', 'gz').createAclRules({ aclRules: [aclRule(n.subnetIds[0] as string)] });
    },
  ],
  [
    'a third account reads a VPC’s ACL',
    404,
    'NoSuchObject',
    /VPC vpc-\S+ does not exist in region bj for your account/,
    async () => acl('c').listAclEntrys({ vpcId: (await withAclRule()).n.vpcId }),
  ],
  [
    'a third account lists a subnet’s ACL rules',
    404,
    'NoSuchObject',
    /Subnet sbn-\S+ does not exist in region bj for your account/,
    async () => acl('c').listAclRules({ subnetId: (await withAclRule()).n.subnetIds[0] as string }),
  ],
  [
    'a third account changes an ACL rule',
    404,
    'NoSuchObject',
    /ACL rule ar-\S+ does not exist in region bj for your account/,
    async () => acl('c').updateAclRule({ aclRuleId: (await withAclRule()).aclRuleId, action: 'deny' }),
  ],
  [
    'the other account deletes an ACL rule',
    404,
    'NoSuchObject',
    /ACL rule ar-\S+ does not exist/,
    async () => acl('b').deleteAclRule({ aclRuleId: (await withAclRule()).aclRuleId }),
  ],
  [
    'an ACL rule update with no field',
    400,
    'InappropriateJSON',
    /needs at least one of description, .*; its direction and subnet cannot change/,
    async () => acl('a').updateAclRule({ aclRuleId: (await withAclRule()).aclRuleId }),
  ],
  [
    'an ACL rule moved onto a taken position',
    409,
    'AclRulePositionConflict',
    /Position 10 .* is taken by ar-/,
    async () => {
      const { n } = await withAclRule();
      const subnetId = n.subnetIds[0] as string;
      await setup(acl('a').createAclRules({ aclRules: [aclRule(subnetId, { position: 20 })] }));
      const { aclRules } = await setup(acl('a').listAclRules({ subnetId }));
      const at20 = aclRules.find((r) => r.position === 20);
      return acl('a').updateAclRule({ aclRuleId: at20?.id as string, position: 10 });
    },
  ],
  [
    'an ACL rule deleted twice',
    404,
    'NoSuchObject',
    /ACL rule ar-\S+ does not exist/,
    async () => {
      const { aclRuleId } = await withAclRule();
      await setup(acl('a').deleteAclRule({ aclRuleId }));
      return acl('a').deleteAclRule({ aclRuleId });
    },
  ],
  // ---- security groups ----
  [
    'a rule protocol other than tcp, udp, icmp, all',
    400,
    'BadRequest',
    /^protocol is invalid\. .*"gre"/,
    async () =>
      sg('a').createSecurityGroup({
        name: 'db',
        vpcId: (await net('a', '10.8.0.0/16')).vpcId,
        rules: [{ direction: 'ingress', protocol: 'gre' }],
      }),
  ],
  [
    'a port that is not a number',
    400,
    'SecurityGroup.RulePortInvalid',
    /portRange \("mysql"\)/,
    async () => authorizeInNewGroup({ direction: 'ingress', protocol: 'tcp', portRange: 'mysql' }),
  ],
  [
    'a port range past 65535',
    400,
    'SecurityGroup.RulePortRangeInvalid',
    /ports run from 1 to 65535/,
    async () => authorizeInNewGroup({ direction: 'ingress', protocol: 'udp', portRange: '53-70000' }),
  ],
  [
    'a port range upside down',
    400,
    'SecurityGroup.RulePortOrderInvalid',
    /first port \(90\) is above the last \(80\)/,
    async () => authorizeInNewGroup({ direction: 'ingress', protocol: 'tcp', portRange: '90-80' }),
  ],
  [
    'ports on an icmp rule',
    400,
    'SecurityGroup.RulePortRangeInvalid',
    /only tcp and udp rules name ports/,
    async () => authorizeInNewGroup({ direction: 'ingress', protocol: 'icmp', portRange: '8' }),
  ],
  [
    'a source that is no address or block',
    400,
    'SecurityGroup.RuleCIDRAddressError',
    /sourceIp \("10\.2\.0\.1\/16"\).*host bits must be zero/,
    async () => {
      const { securityGroupId } = await withGroup();
      return sg('a').authorizeSecurityGroupRule({ securityGroupId, rule: mysqlFrom('10.2.0.1/16') });
    },
  ],
  [
    'a remark longer than 255',
    400,
    'SecurityGroup.RuleRemarkTooLong',
    /256 characters long; at most 255/,
    async () => authorizeInNewGroup({ ...mysqlFrom('10.3.0.0/16'), remark: 'r'.repeat(256) }),
  ],
  [
    'a rule direction other than ingress or egress',
    400,
    'SecurityGroup.RuleDirectionInvalid',
    /direction \("inbound"\) must be ingress or egress/,
    async () => {
      const { securityGroupId } = await withGroup();
      return sg('a').authorizeSecurityGroupRule({ securityGroupId, rule: { direction: 'inbound' } });
    },
  ],
  [
    'an ethertype other than IPv4 or IPv6',
    400,
    'SecurityGroup.RuleEthertypeInvalid',
    /ethertype \("IPX"\) must be IPv4 or IPv6/,
    async () => authorizeInNewGroup({ direction: 'ingress', ethertype: 'IPX' }),
  ],
  [
    'both a source address and a source group',
    400,
    'SecurityGroup.RulePeerInvalid',
    /both sourceIp \(10\.3\.0\.0\/16\) and sourceGroupId \(g-\S+\)/,
    async () => {
      const { n, securityGroupId } = await withGroup();
      return sg('a').authorizeSecurityGroupRule({
        securityGroupId,
        rule: { ...mysqlFrom('10.3.0.0/16'), sourceGroupId: n.defaultGroupId },
      });
    },
  ],
  [
    'a destination on an ingress rule',
    400,
    'SecurityGroup.RulePeerInvalid',
    /destIp \(10\.3\.0\.0\/16\) belongs to egress rules/,
    async () => authorizeInNewGroup({ direction: 'ingress', destIp: '10.3.0.0/16' }),
  ],
  [
    'a source group in another VPC (a peered one): use its CIDR',
    400,
    'SecurityGroup.RuleGroupNotInVpc',
    /is in VPC vpc-\S+, not in vpc-\S+ .*name the peer VPC's CIDR .* in sourceIp instead/,
    async () => {
      const { securityGroupId } = await withGroup();
      const other = await net('a', '10.9.0.0/16');
      return sg('a').authorizeSecurityGroupRule({
        securityGroupId,
        rule: { direction: 'ingress', sourceGroupId: other.defaultGroupId },
      });
    },
  ],
  [
    'a source group of another account (as a missing one)',
    404,
    'NoSuchObject',
    /Security group g-\S+, named by the rule's sourceGroupId, does not exist in region bj for your account/,
    async () => {
      const { securityGroupId } = await withGroup();
      const theirs = await net('b', '10.9.0.0/16');
      return sg('a').authorizeSecurityGroupRule({
        securityGroupId,
        rule: { direction: 'ingress', sourceGroupId: theirs.defaultGroupId },
      });
    },
  ],
  [
    'a duplicate rule (ports 3306 and 3306-3306 are one)',
    409,
    'SecurityGroup.RuleAlreadyExists',
    /already has the rule ingress tcp ports 3306-3306 from 10\.2\.0\.0\/16 \(r-\S+\)/,
    async () => authorizeInNewGroup({ ...mysqlFrom('10.2.0.0/16'), portRange: '3306-3306' }),
  ],
  [
    'a duplicate rule within one create',
    409,
    'SecurityGroup.RuleAlreadyExists',
    /The request names the rule ingress all from 0\.0\.0\.0\/0 twice for the new security group;/,
    async () =>
      sg('a').createSecurityGroup({
        name: 'twice',
        vpcId: (await net('a', '10.8.0.0/16')).vpcId,
        rules: [
          { direction: 'ingress', sourceIp: 'all' },
          { direction: 'ingress', sourceIp: '0.0.0.0/0' },
        ],
      }),
  ],
  [
    'revoking a rule the group does not have',
    404,
    'NoSuchObject',
    /has no rule ingress tcp ports 3306 from 10\.4\.0\.0\/16/,
    async () => {
      const { securityGroupId } = await withGroup();
      return sg('a').revokeSecurityGroupRule({ securityGroupId, rule: mysqlFrom('10.4.0.0/16') });
    },
  ],
  [
    'a stale sgVersion',
    409,
    'SecurityGroup.VersionMismatch',
    /is at version 1, not 0: its rules changed since you read them/,
    async () => {
      const { securityGroupId } = await withGroup();
      await setup(sg('a').authorizeSecurityGroupRule({ securityGroupId, rule: mysqlFrom('10.3.0.0/16') }));
      return sg('a').authorizeSecurityGroupRule({
        securityGroupId,
        rule: mysqlFrom('10.4.0.0/16'),
        sgVersion: 0,
      });
    },
  ],
  [
    'a stale sgVersion on a rule deleted by id',
    409,
    'SecurityGroup.VersionMismatch',
    /at version 0, not 5/,
    async () => {
      const { ruleId } = await withGroup();
      return sg('a').deleteSecurityGroupRule({ securityGroupRuleId: ruleId, sgVersion: 5 });
    },
  ],
  [
    `a rule past the quota of ${SG_QUOTA} per direction`,
    400,
    'SecurityGroup.RuleQuotaExceeded',
    new RegExp(`would have ${SG_QUOTA + 1} ingress rules; a group holds at most ${SG_QUOTA} per direction`),
    async () => {
      const { securityGroupId } = await withGroup();
      for (const cidr of ['10.3.0.0/16', '10.4.0.0/16']) {
        await setup(sg('a').authorizeSecurityGroupRule({ securityGroupId, rule: mysqlFrom(cidr) }));
      }
      return sg('a').authorizeSecurityGroupRule({ securityGroupId, rule: mysqlFrom('10.5.0.0/16') });
    },
  ],
  [
    'a rule update with nothing but its id',
    400,
    'InappropriateJSON',
    /needs at least one of remark, portRange/,
    async () => sg('a').updateSecurityGroupRule({ securityGroupRuleId: (await withGroup()).ruleId }),
  ],
  [
    'a rule updated into a duplicate of another',
    409,
    'SecurityGroup.RuleAlreadyExists',
    /already has the rule ingress tcp ports 3306 from 10\.3\.0\.0\/16/,
    async () => {
      const { securityGroupId, ruleId } = await withGroup();
      await setup(sg('a').authorizeSecurityGroupRule({ securityGroupId, rule: mysqlFrom('10.3.0.0/16') }));
      return sg('a').updateSecurityGroupRule({ securityGroupRuleId: ruleId, sourceIp: '10.3.0.0/16' });
    },
  ],
  [
    'a group without a VPC (the server has no default VPC)',
    400,
    'InappropriateJSON',
    /"vpcId" is required: this server has no default VPC/,
    async () => sg('a').createSecurityGroup({ name: 'nowhere' }),
  ],
  [
    'a group name that starts with a digit',
    400,
    'InappropriateJSON',
    /"name" is invalid: 1 to 65 characters starting with a letter/,
    async () => sg('a').createSecurityGroup({ name: '1db', vpcId: (await net('a', '10.8.0.0/16')).vpcId }),
  ],
  [
    'a group in another account’s VPC',
    404,
    'NoSuchObject',
    /VPC vpc-\S+ does not exist in region bj for your account/,
    async () => sg('a').createSecurityGroup({ name: 'db', vpcId: (await net('b', '10.8.0.0/16')).vpcId }),
  ],
  [
    'a third account reads a group',
    404,
    'NoSuchObject',
    /Security group g-\S+ does not exist in region bj for your account/,
    async () => sg('c').getSecurityGroup({ securityGroupId: (await withGroup()).securityGroupId }),
  ],
  [
    'a group read at another region’s endpoint',
    404,
    'NoSuchObject',
    /Security group g-\S+ does not exist in region gz for your account/,
    async () => sg('a', 'gz').getSecurityGroup({ securityGroupId: (await withGroup()).securityGroupId }),
  ],
  [
    'a third account authorizes a rule in a group',
    404,
    'NoSuchObject',
    /Security group g-\S+ does not exist/,
    async () =>
      sg('c').authorizeSecurityGroupRule({
        securityGroupId: (await withGroup()).securityGroupId,
        rule: mysqlFrom('10.3.0.0/16'),
      }),
  ],
  [
    'a third account revokes a group’s rule',
    404,
    'NoSuchObject',
    /Security group g-\S+ does not exist/,
    async () =>
      sg('c').revokeSecurityGroupRule({
        securityGroupId: (await withGroup()).securityGroupId,
        rule: mysqlFrom('10.2.0.0/16'),
      }),
  ],
  [
    'a third account updates a rule by id',
    404,
    'NoSuchObject',
    /Security group rule r-\S+ does not exist in region bj for your account/,
    async () =>
      sg('c').updateSecurityGroupRule({ securityGroupRuleId: (await withGroup()).ruleId, remark: 'x' }),
  ],
  [
    'the other account deletes a rule by id',
    404,
    'NoSuchObject',
    /Security group rule r-\S+ does not exist/,
    async () => sg('b').deleteSecurityGroupRule({ securityGroupRuleId: (await withGroup()).ruleId }),
  ],
  [
    'a third account deletes a group',
    404,
    'NoSuchObject',
    /Security group g-\S+ does not exist/,
    async () => sg('c').deleteSecurityGroup({ securityGroupId: (await withGroup()).securityGroupId }),
  ],
  [
    'the default group cannot be deleted',
    409,
    'SecurityGroup.DefaultSecurityGroupCanNotBeDeleted',
    /is the default group of VPC vpc-\S+; it goes when the VPC is deleted/,
    async () =>
      sg('a').deleteSecurityGroup({ securityGroupId: (await net('a', '10.8.0.0/16')).defaultGroupId }),
  ],
  [
    'a group another group’s rule names',
    409,
    'SecurityGroup.ReferencedSecurityGroupCanNotBeDeleted',
    /is named as a peer by rule\(s\) r-\S+ of g-\S+; delete or change those rules first/,
    async () => {
      const { n, securityGroupId } = await withGroup();
      await setup(
        sg('a').authorizeSecurityGroupRule({
          securityGroupId: n.defaultGroupId,
          rule: { direction: 'egress', protocol: 'tcp', portRange: '3306', destGroupId: securityGroupId },
        }),
      );
      return sg('a').deleteSecurityGroup({ securityGroupId });
    },
  ],
  [
    'a VPC with a group made in it',
    409,
    'VpcInUse',
    /still has security group\(s\) g-[a-z0-9]{12}; release or delete them before deleting the VPC \(its default group goes with it\)/,
    async () => vpcs('a').deleteVpc({ vpcId: (await withGroup()).n.vpcId }),
  ],
  // ---- primary/standby route rules ----
  [
    'a switch of a single-path rule',
    400,
    'InvalidRouteRule',
    /Route rule rr-\S+ has one next hop \(pathType normal\); only the active rule of a primary\/standby pair/,
    async () => {
      const n = await net('a', '10.8.0.0/16');
      const { routeRuleId } = await setup(
        routes('a').createRouteRule({
          routeTableId: n.routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '172.16.0.0/12',
          nexthopType: 'vpn',
          nexthopId: 'vpn-1',
        }),
      );
      return routes('a').switchRouteRule({ routeRuleId });
    },
  ],
  [
    'a switch by the standby rule’s id',
    400,
    'InvalidRouteRule',
    /is the standby \(ha:standby\) of a primary\/standby pair; switch it by the id of the active rule, rr-/,
    async () => {
      const { routeRuleIds } = await pair(await net('a', '10.8.0.0/16'));
      return routes('a').switchRouteRule({ routeRuleId: routeRuleIds[1] as string });
    },
  ],
  [
    'a switch by a third account',
    404,
    'NoSuchObject',
    /Route rule rr-\S+ does not exist in region bj for your account/,
    async () => {
      const { routeRuleIds } = await pair(await net('a', '10.8.0.0/16'));
      return routes('c').switchRouteRule({ routeRuleId: routeRuleIds[0] as string });
    },
  ],
  [
    'an update of a member of a pair',
    400,
    'InvalidRouteRule',
    /is the ha:active rule of a primary\/standby pair with rr-\S+; only single-path rules can be updated/,
    async () => {
      const { routeRuleIds } = await pair(await net('a', '10.8.0.0/16'));
      return routes('a').updateRouteRule({ routeRuleId: routeRuleIds[0] as string, description: 'x' });
    },
  ],
  [
    'a pair of three next hops',
    400,
    'InvalidRouteRule',
    /must hold exactly two next hops, one with pathType ha:active and one with ha:standby \(got 3/,
    async () =>
      nextHopsInNewVpc([
        { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
        { nexthopId: 'dcgw-2', nexthopType: 'dcGateway', pathType: 'ha:standby' },
        { nexthopId: 'dcgw-3', nexthopType: 'dcGateway', pathType: 'ha:standby' },
      ]),
  ],
  [
    'a pair whose standby is its active next hop',
    400,
    'InvalidRouteRule',
    /both dcGateway dcgw-1; a standby must be another next hop/,
    async () =>
      nextHopsInNewVpc([
        { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
        { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:standby' },
      ]),
  ],
  [
    'a pair and a single next hop at once',
    400,
    'InvalidRouteRule',
    /either as nexthopType and nexthopId .* or as nextHopList/,
    async () =>
      nextHopsInNewVpc(
        [
          { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
          { nexthopId: 'dcgw-2', nexthopType: 'dcGateway', pathType: 'ha:standby' },
        ],
        { nexthopType: 'vpn', nexthopId: 'vpn-1' },
      ),
  ],
  [
    'a pair over a destination a rule already routes',
    409,
    'RouteRuleConflict',
    /already has rule rr-\S+ from 0\.0\.0\.0\/0 to 172\.16\.0\.0\/12/,
    async () => {
      const n = await net('a', '10.8.0.0/16');
      await pair(n);
      return pair(n);
    },
  ],
  [
    `a pair where one entry of the ${ROUTE_QUOTA} is left`,
    400,
    'RouteRuleQuotaExceeded',
    new RegExp(
      `already has ${ROUTE_QUOTA - 1} custom rules, the most a table may have \\(${ROUTE_QUOTA}\\) counts a primary/standby rule as two`,
    ),
    async () => {
      const n = await net('a', '10.8.0.0/16');
      for (let i = 0; i < ROUTE_QUOTA - 1; i += 1) {
        await setup(
          routes('a').createRouteRule({
            routeTableId: n.routeTableId,
            sourceAddress: '0.0.0.0/0',
            destinationAddress: `172.${16 + i}.0.0/16`,
            nexthopType: 'vpn',
            nexthopId: 'vpn-1',
          }),
        );
      }
      return pair(n);
    },
  ],
  [
    'a peerConn standby that is no interface of the caller',
    400,
    'InvalidNexthop',
    /"nexthopId" \(qpif-nobody0000\) is not the interface of a peering connection of yours/,
    async () =>
      nextHopsInNewVpc([
        { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
        { nexthopId: 'qpif-nobody0000', nexthopType: 'peerConn', pathType: 'ha:standby' },
      ]),
  ],
];

/** A rule from anywhere to 172.16.0.0/12 over these next hops, in the table of a new VPC of demo-a. */
async function nextHopsInNewVpc(nextHopList: NextHop[], more: Partial<CreateRouteRuleInput> = {}) {
  const { routeTableId } = await net('a', '10.8.0.0/16');
  return routes('a').createRouteRule({
    routeTableId,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '172.16.0.0/12',
    nextHopList,
    ...more,
  });
}

/** A primary/standby pair of dedicated gateway next hops to 172.16.0.0/12. */
async function pair(n: Net) {
  const created = await routes('a').createRouteRule({
    routeTableId: n.routeTableId,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '172.16.0.0/12',
    nextHopList: [
      { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
      { nexthopId: 'dcgw-2', nexthopType: 'dcGateway', pathType: 'ha:standby' },
    ],
  });
  return { routeRuleId: created.routeRuleId, routeRuleIds: created.routeRuleIds ?? [] };
}

refusalTests('every ACL, security group and route switch rule through the SDK over HTTP', scenarios);

describe('subnet ACLs', () => {
  test('a VPC’s ACL: every subnet with its rules by position and its two default rules, which have no id', async () => {
    const n = await net('a', '10.50.0.0/16', ['10.50.1.0/24', '10.50.2.0/24']);
    const [web, db] = n.subnetIds as [string, string];
    await acl('a').createAclRules({
      aclRules: [
        aclRule(db, { position: 20, sourceIpAddress: '10.50.1.0/24', description: 'web to db' }),
        aclRule(db, { position: 5, action: 'deny', sourceIpAddress: '10.60.0.0/16', destinationPort: 'all' }),
        aclRule(db, { position: 5, direction: 'egress', destinationPort: 'all', sourcePort: '3306' }),
      ],
    });
    const entries = await acl('a').listAclEntrys({ vpcId: n.vpcId });
    assert.deepEqual([entries.vpcId, entries.vpcCidr], [n.vpcId, '10.50.0.0/16']);
    assert.match(entries.vpcName, /^net\d+$/);
    assert.deepEqual(
      entries.aclEntrys.map((e) => [e.subnetId, e.subnetCidr, e.aclRules.length]),
      [
        [web, '10.50.1.0/24', 2],
        [db, '10.50.2.0/24', 5],
      ],
    );
    const dbRules = entries.aclEntrys[1]?.aclRules ?? [];
    assert.deepEqual(
      dbRules.map((r) => [r.direction, r.position, r.action, r.id === '' ? 'default' : 'custom']),
      [
        ['ingress', 5, 'deny', 'custom'],
        ['ingress', 20, 'allow', 'custom'],
        ['ingress', 65535, 'allow', 'default'],
        ['egress', 5, 'allow', 'custom'],
        ['egress', 65535, 'allow', 'default'],
      ],
    );
    const defaultIngress = dbRules[2];
    assert.deepEqual(defaultIngress, {
      id: '',
      subnetId: db,
      description: 'default',
      protocol: 'all',
      sourceIpAddress: 'all',
      destinationIpAddress: 'all',
      sourcePort: 'all',
      destinationPort: 'all',
      position: 65535,
      ipVersion: 4,
      direction: 'ingress',
      action: 'allow',
    });
    const webToDb = dbRules[1];
    assert.match(webToDb?.id ?? '', /^ar-[a-z0-9]{12}$/);
    assert.deepEqual(
      { ...webToDb, id: 'x' },
      {
        id: 'x',
        subnetId: db,
        description: 'web to db',
        protocol: 'tcp',
        sourceIpAddress: '10.50.1.0/24',
        destinationIpAddress: 'all',
        sourcePort: 'all',
        destinationPort: '3306',
        position: 20,
        ipVersion: 4,
        direction: 'ingress',
        action: 'allow',
      },
    );
  });

  test('a subnet’s rules in pages, through the default rules, every rule carrying its subnet and position', async () => {
    const n = await net('a', '10.51.0.0/16', ['10.51.1.0/24']);
    const subnetId = n.subnetIds[0] as string;
    await acl('a').createAclRules({
      aclRules: [
        aclRule(subnetId, { position: 3 }),
        aclRule(subnetId, { position: 1, destinationPort: '22' }),
        aclRule(subnetId, { position: 2, direction: 'egress', destinationPort: 'all' }),
      ],
    });
    const pages = [];
    let marker: string | undefined;
    for (;;) {
      const page = await acl('a').listAclRules({ subnetId, maxKeys: 2, ...(marker ? { marker } : {}) });
      pages.push(page.aclRules.map((r) => `${r.direction[0]}${r.position}`));
      assert.equal(page.maxKeys, 2);
      for (const rule of page.aclRules) assert.equal(rule.subnetId, subnetId);
      if (!page.isTruncated) {
        assert.equal(page.nextMarker, undefined);
        break;
      }
      assert.ok(page.nextMarker, 'a truncated page names the next');
      marker = page.nextMarker;
    }
    assert.deepEqual(pages, [['i1', 'i3'], ['i65535', 'e2'], ['e65535']]);
    const all = await paginate(acl('a'), 'listAclRules', { subnetId, maxKeys: 1 }).toArray();
    assert.equal(all.length, 5);
    const error = await acl('a')
      .listAclRules({ subnetId, marker: 'ar-nowhere00000' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof BceServiceError && error.code === 'InvalidParameter', String(error));
  });

  test('an update keeps what it is not given; direction and subnet never change; a subnet takes its rules', async () => {
    const { n, aclRuleId } = await withAclRule();
    const subnetId = n.subnetIds[0] as string;
    await acl('a').updateAclRule({ aclRuleId, action: 'deny', position: 7, description: 'closed' });
    const [rule] = (await acl('a').listAclRules({ subnetId })).aclRules;
    assert.deepEqual(
      [rule?.id, rule?.action, rule?.position, rule?.description, rule?.destinationPort, rule?.direction],
      [aclRuleId, 'deny', 7, 'closed', '3306', 'ingress'],
    );
    await acl('a').updateAclRule({ aclRuleId, description: '' });
    assert.equal((await acl('a').listAclRules({ subnetId })).aclRules[0]?.description, '');
    await subnets('a').deleteSubnet({ subnetId });
    const error = await acl('a')
      .updateAclRule({ aclRuleId, action: 'allow' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof BceServiceError && error.code === 'NoSuchObject', String(error));
    assert.deepEqual((await acl('a').listAclEntrys({ vpcId: n.vpcId })).aclEntrys, []);
    await vpcs('a').deleteVpc({ vpcId: n.vpcId });
  });

  test('a create retried with its one clientToken makes the rules once', async () => {
    const n = await net('a', '10.52.0.0/16', ['10.52.1.0/24']);
    const subnetId = n.subnetIds[0] as string;
    await adminOk(suite.server.adminUrl, 'POST', '/faults', {
      operation: 'createAclRules',
      status: 200,
      drop: 'after',
      times: 1,
    });
    const retrying = new AclClient({ ...suite.config('a', 'bj'), maxRetries: 2, retry: { baseDelayMs: 1 } });
    const done = await retrying.createAclRules({
      aclRules: [aclRule(subnetId), aclRule(subnetId, { position: 11 })],
    });
    assert.equal(done.$metadata.attempts, 2, 'the first answer was lost, the retry got the stored one');
    const custom = (await acl('a').listAclRules({ subnetId })).aclRules.filter((r) => r.id !== '');
    assert.equal(custom.length, 2);
    const once = { aclRules: [aclRule(subnetId, { position: 12 })], clientToken: 'acl-once' };
    await acl('a').createAclRules(once);
    await acl('a').createAclRules(once);
    const twice = (await acl('a').listAclRules({ subnetId })).aclRules.filter((r) => r.id !== '');
    assert.equal(twice.length, 3, 'a repeat with its token is answered again and makes nothing');
    const mismatch = await acl('a')
      .createAclRules({ aclRules: [aclRule(subnetId, { position: 13 })], clientToken: 'acl-once' })
      .catch((e: unknown) => e);
    assert.ok(mismatch instanceof BceServiceError && mismatch.code === 'IdempotentParameterMismatch');
  });
});

describe('security groups', () => {
  test('every VPC has its default group: named as Baidu shows it, allowing everything, version 0', async () => {
    const n = await net('a', '10.60.0.0/16');
    const group = await sg('a').getSecurityGroup({ securityGroupId: n.defaultGroupId });
    assert.match(group.id, /^g-[a-z0-9]{12}$/);
    assert.deepEqual(
      [group.name, group.desc, group.vpcId, group.sgVersion, group.bindInstanceNum, group.tags],
      ['默认安全组', 'default', n.vpcId, 0, 0, []],
    );
    assert.deepEqual(
      group.rules.map((r) => [r.direction, r.protocol, r.portRange, r.sourceIp, r.destIp, r.ethertype]),
      [
        ['ingress', 'all', '1-65535', 'all', '', 'IPv4'],
        ['egress', 'all', '1-65535', '', 'all', 'IPv4'],
      ],
    );
    for (const rule of group.rules) {
      assert.match(rule.securityGroupRuleId, /^r-[a-z0-9]{12}$/);
      assert.deepEqual([rule.securityGroupId, rule.securityGroupUuid], [group.id, group.id]);
      assert.match(rule.createdTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    // Its rules can be changed like any group's.
    const ingress = group.rules[0]?.securityGroupRuleId as string;
    await sg('a').updateSecurityGroupRule({ securityGroupRuleId: ingress, protocol: 'tcp', portRange: '22' });
    const changed = await sg('a').getSecurityGroup({ securityGroupId: n.defaultGroupId });
    assert.deepEqual([changed.rules[0]?.portRange, changed.sgVersion], ['22', 1]);
  });

  test('create, read, authorize, revoke, update and delete by id: rules, versions and lists follow', async () => {
    const n = await net('a', '10.61.0.0/16');
    const { securityGroupId } = await sg('a').createSecurityGroup({
      name: 'db',
      desc: 'the database',
      vpcId: n.vpcId,
      rules: [mysqlFrom('10.62.0.0/16')],
      tags: [{ tagKey: 'team', tagValue: 'data' }],
    });
    let group = await sg('a').getSecurityGroup({ securityGroupId });
    assert.deepEqual(
      [group.name, group.desc, group.sgVersion, group.tags],
      ['db', 'the database', 0, [{ tagKey: 'team', tagValue: 'data' }]],
    );
    assert.deepEqual(
      group.rules.map((r) => `${r.direction} ${r.protocol} ${r.portRange} ${r.sourceIp || r.destIp}`),
      ['ingress tcp 3306 10.62.0.0/16', 'egress all 1-65535 all'],
      'without an egress rule of its own, a new group allows everything out',
    );
    await sg('a').authorizeSecurityGroupRule({
      securityGroupId,
      sgVersion: 0,
      rule: {
        direction: 'ingress',
        protocol: 'tcp',
        portRange: '3306',
        sourceGroupId: n.defaultGroupId,
        remark: 'app',
      },
    });
    await sg('a').revokeSecurityGroupRule({
      securityGroupId,
      sgVersion: 1,
      rule: { direction: 'ingress', protocol: 'tcp', portRange: '3306-3306', sourceIp: '10.62.0.0/16' },
    });
    group = await sg('a').getSecurityGroup({ securityGroupId });
    assert.equal(group.sgVersion, 2);
    const fromGroup = group.rules.find((r) => r.direction === 'ingress');
    assert.deepEqual(
      [fromGroup?.sourceGroupId, fromGroup?.sourceIp, fromGroup?.remark],
      [n.defaultGroupId, '', 'app'],
    );
    await sg('a').updateSecurityGroupRule({
      securityGroupRuleId: fromGroup?.securityGroupRuleId as string,
      sgVersion: 2,
      sourceIp: '10.63.0.0/16',
      portRange: '5432',
    });
    group = await sg('a').getSecurityGroup({ securityGroupId });
    const updated = group.rules.find((r) => r.securityGroupRuleId === fromGroup?.securityGroupRuleId);
    assert.deepEqual(
      [updated?.sourceIp, updated?.sourceGroupId, updated?.portRange, updated?.protocol, group.sgVersion],
      ['10.63.0.0/16', '', '5432', 'tcp', 3],
    );
    await sg('a').deleteSecurityGroupRule({
      securityGroupRuleId: updated?.securityGroupRuleId as string,
      sgVersion: 3,
    });
    group = await sg('a').getSecurityGroup({ securityGroupId });
    assert.deepEqual([group.rules.length, group.sgVersion], [1, 4]);
    // A group goes with its rules; then the VPC can go, taking its default group along.
    await sg('a').deleteSecurityGroup({ securityGroupId });
    await vpcs('a').deleteVpc({ vpcId: n.vpcId });
    for (const id of [securityGroupId, n.defaultGroupId]) {
      const error = await sg('a')
        .getSecurityGroup({ securityGroupId: id })
        .catch((e: unknown) => e);
      assert.ok(error instanceof BceServiceError && error.code === 'NoSuchObject', String(error));
    }
  });

  test('lists: by VPC, by id and ids, in pages, rules embedded with their group id; others see none', async () => {
    const n = await net('a', '10.64.0.0/16');
    const made: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      made.push((await sg('a').createSecurityGroup({ name, vpcId: n.vpcId })).securityGroupId);
    }
    const byVpc = await sg('a').listSecurityGroups({ vpcId: n.vpcId });
    assert.deepEqual(
      byVpc.securityGroups.map((g) => g.id),
      [n.defaultGroupId, ...made],
    );
    assert.deepEqual(
      [byVpc.isTruncated, byVpc.nextMarker, byVpc.marker],
      [false, undefined, n.defaultGroupId],
    );
    for (const group of byVpc.securityGroups) {
      for (const rule of group.rules) assert.equal(rule.securityGroupId, group.id, 'Terraform matches on it');
    }
    // Terraform pages by reusing `marker`; on a last page isTruncated is false and it stops.
    const echoed = await sg('a').listSecurityGroups({ vpcId: n.vpcId, marker: byVpc.marker as string });
    assert.equal(echoed.isTruncated, false);
    const collected = [];
    for await (const page of paginate(sg('a'), 'listSecurityGroups', {
      vpcId: n.vpcId,
      maxKeys: 3,
    }).pages()) {
      collected.push(page.securityGroups.map((g) => g.id));
    }
    assert.deepEqual(collected, [[n.defaultGroupId, made[0], made[1]], [made[2]]]);
    const one = await sg('a').listSecurityGroups({ securityGroupId: made[1] });
    assert.deepEqual(
      one.securityGroups.map((g) => g.id),
      [made[1]],
    );
    const some = await sg('a').listSecurityGroups({
      securityGroupIds: [made[2] as string, made[0] as string],
    });
    assert.deepEqual(
      some.securityGroups.map((g) => g.id),
      [made[0], made[2]],
      'in creation order',
    );
    const mine = await sg('a').listSecurityGroups({});
    assert.ok(made.every((id) => mine.securityGroups.some((g) => g.id === id)));
    assert.equal((await sg('c').listSecurityGroups({ vpcId: n.vpcId })).securityGroups.length, 0);
    assert.equal((await sg('c').listSecurityGroups({ securityGroupIds: made })).securityGroups.length, 0);
    assert.ok(!(await sg('b').listSecurityGroups({})).securityGroups.some((g) => made.includes(g.id)));
    assert.equal((await sg('a', 'gz').listSecurityGroups({ vpcId: n.vpcId })).securityGroups.length, 0);
    assert.equal(
      (await sg('a').listSecurityGroups({ instanceId: 'eni-nowhere00000' })).securityGroups.length,
      0,
    );
  });

  test('a create retried with its one clientToken makes the group once', async () => {
    const n = await net('a', '10.65.0.0/16');
    await adminOk(suite.server.adminUrl, 'POST', '/faults', {
      operation: 'createSecurityGroup',
      status: 200,
      drop: 'after',
      times: 1,
    });
    const retrying = new SecurityGroupClient({
      ...suite.config('a', 'bj'),
      maxRetries: 2,
      retry: { baseDelayMs: 1 },
    });
    const created = await retrying.createSecurityGroup({ name: 'once', vpcId: n.vpcId });
    assert.equal(created.$metadata.attempts, 2);
    const groups = (await sg('a').listSecurityGroups({ vpcId: n.vpcId })).securityGroups;
    assert.deepEqual(
      groups.map((g) => g.id),
      [n.defaultGroupId, created.securityGroupId],
    );
    await adminOk(suite.server.adminUrl, 'POST', '/faults', {
      operation: 'authorizeSecurityGroupRule',
      status: 200,
      drop: 'after',
      times: 1,
    });
    const authorized = await retrying.authorizeSecurityGroupRule({
      securityGroupId: created.securityGroupId,
      rule: mysqlFrom('10.66.0.0/16'),
    });
    assert.equal(authorized.$metadata.attempts, 2, 'the retry is answered, not refused as a duplicate');
    const group = await sg('a').getSecurityGroup({ securityGroupId: created.securityGroupId });
    assert.deepEqual([group.rules.length, group.sgVersion], [2, 1]);
  });
});

describe('primary/standby route rules', () => {
  test('a pair is two rules; a switch swaps them; the path analysis follows the active one; both go together', async () => {
    const [app, db] = [
      await net('a', '10.70.0.0/16', ['10.70.1.0/24']),
      await net('a', '10.71.0.0/16', ['10.71.1.0/24']),
    ];
    const pc = new PeerConnClient(suite.config('a', 'bj'));
    const { peerConnId } = await pc.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: app.vpcId,
      peerVpcId: db.vpcId,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    const mine = await pc.getPeerConn({ peerConnId, role: 'initiator' });
    const theirs = await pc.getPeerConn({ peerConnId, role: 'acceptor' });
    await routes('a').createRouteRule({
      routeTableId: db.routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '10.70.0.0/16',
      nexthopType: 'peerConn',
      nexthopId: theirs.localIfId,
    });
    const created = await routes('a').createRouteRule({
      routeTableId: app.routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '10.71.0.0/16',
      nexthopType: '',
      nextHopList: [
        { nexthopId: mine.localIfId, nexthopType: 'peerConn', pathType: 'ha:active' },
        { nexthopId: 'dcgw-backup', nexthopType: 'dcGateway', pathType: 'ha:standby' },
      ],
    });
    const [activeId, standbyId] = created.routeRuleIds as [string, string];
    assert.equal(created.routeRuleId, activeId);
    assert.notEqual(activeId, standbyId);
    const reach = async () =>
      (await adminOk(suite.server.adminUrl, 'POST', '/reachability', {
        from: { vpcId: app.vpcId, ip: '10.70.1.5' },
        to: { ip: '10.71.1.5' },
      })) as { reachable: boolean; problems: Array<{ code: string }> };
    const shown = async () =>
      (await routes('a').getRouteTable({ vpcId: app.vpcId })).routeRules
        .filter((r) => r.routeRuleId !== '')
        .map((r) => `${r.routeRuleId === activeId ? 'first' : 'second'} ${r.nexthopType} ${r.pathType}`);
    assert.deepEqual(await shown(), ['first peerConn ha:active', 'second dcGateway ha:standby']);
    assert.equal((await reach()).reachable, true, 'the active next hop is the peering');

    await routes('a').switchRouteRule({ routeRuleId: activeId });
    assert.deepEqual(await shown(), ['first peerConn ha:standby', 'second dcGateway ha:active']);
    const after = await reach();
    assert.equal(after.reachable, false);
    assert.deepEqual(
      after.problems.map((p) => p.code),
      ['ExternalNexthop'],
      'now the dedicated gateway carries it',
    );
    const listed = (await routes('a').listRouteRules({ routeTableId: app.routeTableId })).routeRules;
    assert.deepEqual(
      listed.map((r) => r.pathType),
      ['ha:standby', 'ha:active'],
    );

    await routes('a').switchRouteRule({ routeRuleId: standbyId });
    assert.deepEqual(await shown(), ['first peerConn ha:active', 'second dcGateway ha:standby']);

    await routes('a').deleteRouteRule({ routeRuleId: standbyId });
    assert.deepEqual(await shown(), [], 'deleting one rule of a pair deletes the pair');
  });
});

describe('state', () => {
  test('a snapshot carries groups, their rules and ACL rules; a reset clears them', async () => {
    const n = await net('b', '10.80.0.0/16', ['10.80.1.0/24']);
    const subnetId = n.subnetIds[0] as string;
    await acl('b').createAclRules({ aclRules: [aclRule(subnetId, { description: 'kept' })] });
    const { securityGroupId } = await sg('b').createSecurityGroup({
      name: 'kept',
      vpcId: n.vpcId,
      rules: [mysqlFrom('10.81.0.0/16')],
    });
    await sg('b').authorizeSecurityGroupRule({ securityGroupId, rule: mysqlFrom('10.82.0.0/16') });
    const pairNet = await net('b', '10.83.0.0/16');
    const { routeRuleIds } = await routes('b').createRouteRule({
      routeTableId: pairNet.routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '172.16.0.0/12',
      nextHopList: [
        { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
        { nexthopId: 'dcgw-2', nexthopType: 'dcGateway', pathType: 'ha:standby' },
      ],
    });
    await routes('b').switchRouteRule({ routeRuleId: routeRuleIds?.[0] as string });
    const read = async () => ({
      acl: await acl('b').listAclEntrys({ vpcId: n.vpcId }),
      groups: await sg('b').listSecurityGroups({ vpcId: n.vpcId }),
      table: await routes('b').getRouteTable({ vpcId: pairNet.vpcId }),
    });
    const strip = (value: Awaited<ReturnType<typeof read>>) =>
      JSON.parse(JSON.stringify(value, (key, v) => (key === '$metadata' ? undefined : v)));
    const before = strip(await read());
    const snapshot = await adminOk(suite.server.adminUrl, 'GET', '/snapshot');
    await adminOk(suite.server.adminUrl, 'POST', '/reset', {});
    const gone = await sg('b')
      .getSecurityGroup({ securityGroupId })
      .catch((e: unknown) => e);
    assert.ok(gone instanceof BceServiceError && gone.code === 'NoSuchObject', 'a reset clears groups');
    assert.equal((await sg('b').listSecurityGroups({})).securityGroups.length, 0);
    await adminOk(suite.server.adminUrl, 'POST', '/snapshot', snapshot);
    assert.deepEqual(strip(await read()), before, 'the snapshot brings all of it back');
    assert.equal(before.groups.securityGroups[1].sgVersion, 1);
    assert.deepEqual(
      before.table.routeRules
        .filter((r: { routeRuleId: string }) => r.routeRuleId !== '')
        .map((r: { pathType: string }) => r.pathType),
      ['ha:standby', 'ha:active'],
    );
  });
});
