// The pure rules of subnet ACLs, security groups and primary/standby route pairs, table-driven: how rule terms
// are read (addresses of both families, ports), what each rule refuses and with which code, when two security
// group rules are the same rule, and which rule decides a packet — the functions the path analysis builds on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AclRule, AclRuleRequest } from '@peerconn/sdk';
import {
  aclRuleChange,
  aclRuleRequests,
  aclRuleValues,
  DEFAULT_ACL_RULE_POSITION,
  decideAclRules,
  evaluateAcl,
  updatedAclRule,
} from '../src/domain/acl.ts';
import { subnetAclRules } from '../src/domain/firewall-view.ts';
import { blockHolds, type Packet, parseAddress, readBlock, readPorts } from '../src/domain/packet.ts';
import { checkReachability, type VpcNetwork } from '../src/domain/reachability.ts';
import type { AclRuleRecord, SecurityGroupRecord, SecurityGroupRuleRecord } from '../src/domain/resources.ts';
import { decideSwitch, partnerOf, requireSinglePath, ruleChange } from '../src/domain/route.ts';
import {
  decideAuthorize,
  decideRevoke,
  decideRuleUpdate,
  decideSecurityGroup,
  defaultSecurityGroup,
  evaluateSecurityGroups,
  type RuleFacts,
  requireGroupDeletable,
  ruleIdentity,
  securityGroupRequest,
  securityGroupRuleTerms,
} from '../src/domain/security-group.ts';
import type { RouteRuleRecord, SubnetRecord, VpcRecord } from '../src/domain/types.ts';
import { ServiceError } from '../src/errors.ts';

const OWNER = { accountId: 'a'.repeat(32), region: 'bj' };

function refuses(run: () => unknown, code: string, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ServiceError, `a ServiceError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

const tcp = (source: string, destination: string, destinationPort?: number, sourcePort?: number): Packet => ({
  protocol: 'tcp',
  source,
  destination,
  ...(destinationPort !== undefined ? { destinationPort } : {}),
  ...(sourcePort !== undefined ? { sourcePort } : {}),
});

describe('address and port terms', () => {
  test('IPv4 and IPv6 addresses and blocks, with their host bits zero', () => {
    assert.deepEqual(parseAddress('10.1.2.3'), { family: 4, value: 0x0a010203n });
    assert.equal(parseAddress('2001:db8::1')?.value, 0x20010db8000000000000000000000001n);
    assert.equal(parseAddress('::')?.value, 0n);
    assert.equal(parseAddress('::ffff:10.0.0.1')?.value, 0xffff0a000001n);
    assert.equal(
      parseAddress('1:2:3:4:5:6:10.0.0.1')?.value,
      0x00010002000300040005000600000000n + 0x0a000001n,
    );
    for (const bad of ['10.1.2', '10.1.2.256', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', '', 'all']) {
      assert.equal(parseAddress(bad), undefined, bad);
    }
    assert.deepEqual(readBlock('10.1.0.0/16'), { family: 4, base: 0x0a010000n, prefix: 16 });
    assert.deepEqual(readBlock('10.1.2.3'), { family: 4, base: 0x0a010203n, prefix: 32 });
    assert.match((readBlock('10.1.2.3/16') as { problem: string }).problem, /host bits must be zero/);
    assert.match((readBlock('10.1.0.0/33') as { problem: string }).problem, /from 0 to 32/);
    assert.deepEqual(readBlock('2001:db8::/32'), { family: 6, base: 0x20010db8n << 96n, prefix: 32 });
    const block = readBlock('10.1.0.0/16') as Exclude<ReturnType<typeof readBlock>, { problem: string }>;
    assert.ok(blockHolds(block, '10.1.255.255'));
    assert.ok(!blockHolds(block, '10.2.0.0'));
    assert.ok(!blockHolds(block, '::1'), 'another family is never inside');
  });

  test('ports: one, a range, every port; the three ways a term is wrong', () => {
    assert.deepEqual(readPorts('80'), { all: false, low: 80, high: 80 });
    assert.deepEqual(readPorts('8000-8080'), { all: false, low: 8000, high: 8080 });
    assert.deepEqual(readPorts('1-65535'), { all: true });
    assert.equal((readPorts('http') as { problem: string }).problem, 'notNumber');
    assert.equal((readPorts('0-80') as { problem: string }).problem, 'outOfRange');
    assert.equal((readPorts('1-70000') as { problem: string }).problem, 'outOfRange');
    assert.equal((readPorts('90-80') as { problem: string }).problem, 'order');
  });
});

const SUBNET: SubnetRecord = {
  subnetId: 'sbn-app',
  vpcId: 'vpc-app',
  ...OWNER,
  name: 'app',
  zoneName: 'cn-bj-a',
  cidr: '10.1.1.0/24',
  subnetType: 'BCC',
  description: '',
  tags: [],
  createdAt: 0,
};

function aclRequest(more: Partial<AclRuleRequest> = {}): AclRuleRequest {
  return {
    subnetId: SUBNET.subnetId,
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

function aclRecord(id: string, more: Partial<AclRuleRequest> = {}): AclRuleRecord {
  const values = aclRuleValues(aclRequest(more), '');
  return { ...values, aclRuleId: id, ...OWNER, vpcId: SUBNET.vpcId, createdAt: 0 };
}

describe('ACL rule values', () => {
  test('what a rule may say, and the field each refusal names', () => {
    const cases: Array<[Partial<AclRuleRequest>, RegExp]> = [
      [{ protocol: 'gre' }, /"protocol" \("gre"\) must be one of all, tcp, udp, icmp/],
      [{ protocol: 'TCP' }, /"protocol"/],
      [{ sourceIpAddress: '10.1.1.0/33' }, /"sourceIpAddress".*prefix length/],
      [{ destinationIpAddress: '10.1.1.1/24' }, /"destinationIpAddress".*host bits must be zero/],
      [{ sourceIpAddress: 'anywhere' }, /"sourceIpAddress".*not all, an address or a CIDR block/],
      [{ sourceIpAddress: '2001:db8::/32' }, /IPv6 address, but the rule is for IPv4/],
      [{ destinationPort: '0-80' }, /"destinationPort".*ports run from 1 to 65535/],
      [{ destinationPort: '90-80' }, /first port \(90\) is above the last/],
      [{ destinationPort: 'ssh' }, /"destinationPort"/],
      [{ protocol: 'icmp', destinationPort: '80' }, /narrows the ports of a rule for icmp/],
      [
        { protocol: 'all', sourcePort: '1024-2048', destinationPort: 'all' },
        /"sourcePort".*tcp and udp only/,
      ],
      [{ position: 0 }, /"position" \(0\) must be a whole number from 1 to 5000/],
      [{ position: 5001 }, /"position" \(5001\)/],
      [{ direction: 'inbound' }, /"direction".*ingress or egress/],
      [{ action: 'drop' }, /"action".*allow or deny/],
      [{ ipVersion: 5 }, /"ipVersion" \(5\) must be 4 or 6/],
    ];
    for (const [more, message] of cases) {
      refuses(() => aclRuleValues(aclRequest(more), ''), 'InvalidAclRule', message);
    }
    refuses(() => aclRuleValues(aclRequest({ description: 'd'.repeat(201) }), ''), 'InappropriateJSON');
  });

  test('empty terms mean all; the whole port range and icmp/all protocols are accepted as given', () => {
    const go = aclRuleValues(
      aclRequest({ sourceIpAddress: '', destinationIpAddress: '', sourcePort: '', destinationPort: '' }),
      '',
    );
    assert.deepEqual(
      [go.sourceIpAddress, go.destinationIpAddress, go.sourcePort, go.destinationPort],
      ['all', 'all', 'all', 'all'],
    );
    const icmp = aclRuleValues(aclRequest({ protocol: 'icmp', destinationPort: '1-65535' }), '');
    assert.equal(icmp.destinationPort, '1-65535', 'every port is no narrowing, and is kept as written');
    const bare = aclRuleValues(aclRequest({ sourceIpAddress: '192.168.000.010' }), '');
    assert.equal(bare.sourceIpAddress, '192.168.0.10', 'IPv4 is written without leading zeros');
    const six = aclRuleValues(aclRequest({ ipVersion: 6, sourceIpAddress: '2001:DB8::/32' }), '');
    assert.deepEqual([six.ipVersion, six.sourceIpAddress], [6, '2001:db8::/32']);
  });

  test('1 to 20 rules per call, each message naming its place in the list', () => {
    refuses(() => aclRuleRequests([]), 'InappropriateJSON', /1 to 20 rules per call, not 0/);
    const many = Array.from({ length: 21 }, (_, i) => aclRequest({ position: i + 1 }));
    refuses(() => aclRuleRequests(many), 'InappropriateJSON', /not 21/);
    assert.equal(aclRuleRequests(many.slice(0, 20)).length, 20);
    refuses(
      () => aclRuleRequests([aclRequest(), aclRequest({ position: 0 })]),
      'InvalidAclRule',
      /"aclRules\[1\]\.position"/,
    );
  });

  test('positions are unique per subnet and direction, within a call too; the quota counts each direction', () => {
    const stored = [aclRecord('ar-1', { position: 10 })];
    const facts = {
      subnets: new Map([[SUBNET.subnetId, SUBNET]]),
      rules: new Map([[SUBNET.subnetId, stored]]),
    };
    const made = { ids: ['ar-2', 'ar-3', 'ar-4'], now: 5 };
    refuses(
      () => decideAclRules(aclRuleRequests([aclRequest()]), { ...facts, quota: 10 }, OWNER, made),
      'AclRulePositionConflict',
      /Position 10 of subnet sbn-app's ingress rules is taken by ar-1/,
    );
    const egress = decideAclRules(
      aclRuleRequests([aclRequest({ direction: 'egress' })]),
      { ...facts, quota: 10 },
      OWNER,
      made,
    );
    assert.equal(egress[0]?.position, 10, 'the same position in the other direction is free');
    refuses(
      () =>
        decideAclRules(
          aclRuleRequests([aclRequest({ position: 20 }), aclRequest({ position: 20 })]),
          { ...facts, quota: 10 },
          OWNER,
          made,
        ),
      'AclRulePositionConflict',
      /taken by another rule of this call/,
    );
    refuses(
      () =>
        decideAclRules(
          aclRuleRequests([aclRequest({ position: 20 }), aclRequest({ position: 30 })]),
          { ...facts, quota: 2 },
          OWNER,
          made,
        ),
      'AclRuleQuotaExceeded',
      /would have 3 ingress ACL rules; a subnet holds at most 2 per direction/,
    );
    refuses(
      () =>
        decideAclRules(
          aclRuleRequests([aclRequest({ subnetId: 'sbn-other' })]),
          { ...facts, quota: 10 },
          OWNER,
          made,
        ),
      'NoSuchObject',
      /Subnet sbn-other does not exist/,
    );
  });

  test('an update keeps what it is not given, is checked as a whole, and cannot be empty', () => {
    const rule = aclRecord('ar-1', { position: 10 });
    const other = aclRecord('ar-2', { position: 20 });
    refuses(() => aclRuleChange({}), 'InappropriateJSON', /needs at least one of/);
    refuses(() => aclRuleChange({ protocol: '', sourcePort: '' }), 'InappropriateJSON');
    const cleared = updatedAclRule(rule, aclRuleChange({ description: '' }), [rule, other]);
    assert.equal(cleared.description, '');
    const moved = updatedAclRule(rule, aclRuleChange({ position: 15, action: 'deny' }), [rule, other]);
    assert.deepEqual([moved.position, moved.action, moved.destinationPort], [15, 'deny', '3306']);
    refuses(
      () => updatedAclRule(rule, aclRuleChange({ position: 20 }), [rule, other]),
      'AclRulePositionConflict',
      /taken by ar-2/,
    );
    refuses(
      () => updatedAclRule(rule, aclRuleChange({ protocol: 'icmp' }), [rule]),
      'InvalidAclRule',
      /"destinationPort" \(3306\) narrows the ports of a rule for icmp/,
    );
  });
});

describe('evaluateAcl', () => {
  const records = [
    aclRecord('ar-deny-db', { position: 5, action: 'deny', sourceIpAddress: '10.9.0.0/16' }),
    aclRecord('ar-db', { position: 10, sourceIpAddress: '10.2.0.0/16' }),
    aclRecord('ar-web', { position: 20, destinationPort: '80-443' }),
    aclRecord('ar-icmp', { position: 30, protocol: 'icmp', destinationPort: 'all' }),
    aclRecord('ar-udp-deny', { position: 40, protocol: 'udp', destinationPort: 'all', action: 'deny' }),
    aclRecord('ar-out-deny', {
      position: 10,
      direction: 'egress',
      destinationIpAddress: '10.2.0.0/16',
      sourcePort: '3306',
      destinationPort: 'all',
      action: 'deny',
    }),
  ];
  const rules: AclRule[] = subnetAclRules(SUBNET, records);

  test('the list a subnet shows: ingress by position, its default, then egress and its default', () => {
    assert.deepEqual(
      rules.map((r) => `${r.direction}:${r.position}:${r.id || 'default'}`),
      [
        'ingress:5:ar-deny-db',
        'ingress:10:ar-db',
        'ingress:20:ar-web',
        'ingress:30:ar-icmp',
        'ingress:40:ar-udp-deny',
        `ingress:${DEFAULT_ACL_RULE_POSITION}:default`,
        'egress:10:ar-out-deny',
        `egress:${DEFAULT_ACL_RULE_POSITION}:default`,
      ],
    );
    const defaults = rules.filter((r) => r.id === '');
    for (const rule of defaults) {
      assert.deepEqual(
        [rule.subnetId, rule.protocol, rule.sourceIpAddress, rule.destinationPort, rule.action],
        [SUBNET.subnetId, 'all', 'all', 'all', 'allow'],
      );
    }
  });

  const cases: Array<[string, Packet, 'ingress' | 'egress', string, 'allow' | 'deny']> = [
    [
      'the lowest matching position decides',
      tcp('10.9.1.1', '10.1.1.5', 3306),
      'ingress',
      'ar-deny-db',
      'deny',
    ],
    ['a rule for the peer and port', tcp('10.2.1.1', '10.1.1.5', 3306), 'ingress', 'ar-db', 'allow'],
    ['another port falls to a later rule', tcp('10.2.1.1', '10.1.1.5', 443), 'ingress', 'ar-web', 'allow'],
    ['a port range holds its ends', tcp('10.5.1.1', '10.1.1.5', 80), 'ingress', 'ar-web', 'allow'],
    ['nothing custom matches: the default allow', tcp('10.5.1.1', '10.1.1.5', 22), 'ingress', '', 'allow'],
    [
      'an unknown port matches only every-port terms',
      tcp('10.5.1.1', '10.1.1.5', undefined),
      'ingress',
      '',
      'allow',
    ],
    [
      'icmp ignores ports',
      { protocol: 'icmp', source: '10.5.1.1', destination: '10.1.1.5' },
      'ingress',
      'ar-icmp',
      'allow',
    ],
    [
      'udp meets the udp deny',
      { protocol: 'udp', source: '10.5.1.1', destination: '10.1.1.5', destinationPort: 53 },
      'ingress',
      'ar-udp-deny',
      'deny',
    ],
    [
      'egress rules only for egress',
      tcp('10.1.1.5', '10.2.1.1', 50000, 3306),
      'egress',
      'ar-out-deny',
      'deny',
    ],
    ['the source port binds too', tcp('10.1.1.5', '10.2.1.1', 50000, 3307), 'egress', '', 'allow'],
  ];
  for (const [name, packet, direction, id, action] of cases) {
    test(name, () => {
      const decision = evaluateAcl(rules, direction, packet);
      assert.ok(decision, 'some rule decides');
      assert.deepEqual([decision.rule.id, decision.action], [id, action]);
    });
  }

  test('without the default rules nothing may match; IPv6 packets pass IPv4 rules by', () => {
    assert.equal(evaluateAcl(records, 'ingress', tcp('10.5.1.1', '10.1.1.5', 22)), undefined);
    assert.equal(evaluateAcl(rules, 'ingress', tcp('2001:db8::1', '2001:db8::2', 22)), undefined);
    const six = aclRecord('ar-six', { ipVersion: 6, sourceIpAddress: '2001:db8::/32', action: 'deny' });
    assert.equal(evaluateAcl([six], 'ingress', tcp('2001:db8::1', '2001:db8::2', 3306))?.action, 'deny');
  });
});

// ---- security groups ----

const VPC: VpcRecord = {
  vpcId: 'vpc-app',
  ...OWNER,
  name: 'app',
  cidr: '10.1.0.0/16',
  description: '',
  relay: false,
  tags: [],
  createdAt: 0,
};

function group(id: string, more: Partial<SecurityGroupRecord> = {}): SecurityGroupRecord {
  return {
    securityGroupId: id,
    ...OWNER,
    vpcId: VPC.vpcId,
    name: id,
    desc: '',
    tags: [],
    isDefault: false,
    version: 0,
    createdAt: 0,
    ...more,
  };
}

function sgRule(id: string, groupId: string, input: Parameters<typeof securityGroupRuleTerms>[0]) {
  return {
    ...securityGroupRuleTerms(input),
    securityGroupRuleId: id,
    securityGroupId: groupId,
    ...OWNER,
    vpcId: VPC.vpcId,
    createdAt: 0,
    updatedAt: 0,
  } satisfies SecurityGroupRuleRecord;
}

describe('security group rule values', () => {
  test('each wrong term and its code, Baidu’s where it publishes one', () => {
    const cases: Array<[Parameters<typeof securityGroupRuleTerms>[0], string, RegExp]> = [
      [{ direction: 'in' }, 'SecurityGroup.RuleDirectionInvalid', /ingress or egress/],
      [{ direction: 'ingress', ethertype: 'IPv5' }, 'SecurityGroup.RuleEthertypeInvalid', /IPv4 or IPv6/],
      [{ direction: 'ingress', protocol: 'gre' }, 'BadRequest', /^protocol is invalid\./],
      [{ direction: 'ingress', protocol: 'tcp', portRange: 'ssh' }, 'SecurityGroup.RulePortInvalid', /ssh/],
      [
        { direction: 'ingress', protocol: 'tcp', portRange: '0-80' },
        'SecurityGroup.RulePortRangeInvalid',
        /1 to 65535/,
      ],
      [
        { direction: 'ingress', protocol: 'tcp', portRange: '90-80' },
        'SecurityGroup.RulePortOrderInvalid',
        /90/,
      ],
      [
        { direction: 'ingress', protocol: 'icmp', portRange: '80' },
        'SecurityGroup.RulePortRangeInvalid',
        /only tcp and udp/,
      ],
      [{ direction: 'ingress', portRange: '22' }, 'SecurityGroup.RulePortRangeInvalid', /for all/],
      [{ direction: 'ingress', sourceIp: '10.0.0.1/8' }, 'SecurityGroup.RuleCIDRAddressError', /host bits/],
      [
        { direction: 'ingress', sourceIp: '::1' },
        'SecurityGroup.RuleCIDRAddressError',
        /IPv6 address in an IPv4 rule/,
      ],
      [
        { direction: 'ingress', remark: 'r'.repeat(256) },
        'SecurityGroup.RuleRemarkTooLong',
        /256 characters/,
      ],
      [
        { direction: 'ingress', sourceIp: '10.0.0.0/8', sourceGroupId: 'g-x' },
        'SecurityGroup.RulePeerInvalid',
        /both sourceIp \(10\.0\.0\.0\/8\) and sourceGroupId \(g-x\)/,
      ],
      [
        { direction: 'egress', sourceIp: '10.0.0.0/8' },
        'SecurityGroup.RulePeerInvalid',
        /sourceIp .* belongs to ingress/,
      ],
      [
        { direction: 'ingress', destGroupId: 'g-x' },
        'SecurityGroup.RulePeerInvalid',
        /destGroupId .* belongs to egress/,
      ],
    ];
    for (const [input, code, message] of cases) refuses(() => securityGroupRuleTerms(input), code, message);
  });

  test('Python’s nulls, Go’s omissions and Java’s empty protocol all mean the same rule', () => {
    const python = securityGroupRuleTerms({
      remark: null,
      direction: 'ingress',
      ethertype: null,
      portRange: null,
      protocol: null,
      sourceGroupId: null,
      sourceIp: null,
      destGroupId: null,
      destIp: null,
      securityGroupId: null,
    });
    const go = securityGroupRuleTerms({ direction: 'ingress' });
    const java = securityGroupRuleTerms({ direction: 'ingress', protocol: '' });
    assert.deepEqual(python, go);
    assert.deepEqual(java, go);
    assert.deepEqual(go, {
      remark: '',
      direction: 'ingress',
      ethertype: 'IPv4',
      portRange: '1-65535',
      protocol: 'all',
      sourceGroupId: '',
      sourceIp: 'all',
      destGroupId: '',
      destIp: '',
    });
  });

  test('rules are the same rule by Baidu’s six terms, read by meaning', () => {
    const same: Array<
      [Parameters<typeof securityGroupRuleTerms>[0], Parameters<typeof securityGroupRuleTerms>[0]]
    > = [
      [
        { direction: 'ingress', protocol: 'tcp', portRange: '80' },
        { direction: 'ingress', protocol: 'tcp', portRange: '80-80' },
      ],
      [
        { direction: 'ingress', sourceIp: '10.0.0.1' },
        { direction: 'ingress', sourceIp: '10.0.0.1/32' },
      ],
      [
        { direction: 'ingress', sourceIp: 'all' },
        { direction: 'ingress', sourceIp: '0.0.0.0/0' },
      ],
      [
        { direction: 'ingress', protocol: '' },
        { direction: 'ingress', protocol: 'all', portRange: '1-65535' },
      ],
      [
        { direction: 'ingress', sourceGroupId: 'g-1' },
        { direction: 'ingress', sourceGroupId: 'g-1', ethertype: 'IPv6' },
      ],
    ];
    for (const [a, b] of same) {
      assert.equal(
        ruleIdentity(securityGroupRuleTerms(a)),
        ruleIdentity(securityGroupRuleTerms(b)),
        JSON.stringify(a),
      );
    }
    const different: Array<
      [Parameters<typeof securityGroupRuleTerms>[0], Parameters<typeof securityGroupRuleTerms>[0]]
    > = [
      [
        { direction: 'ingress', remark: 'a' },
        { direction: 'ingress', remark: 'b' },
      ],
      [{ direction: 'ingress' }, { direction: 'egress' }],
      [{ direction: 'ingress' }, { direction: 'ingress', ethertype: 'IPv6' }],
      [
        { direction: 'ingress', protocol: 'tcp' },
        { direction: 'ingress', protocol: 'udp' },
      ],
      [
        { direction: 'ingress', sourceIp: '10.0.0.0/8' },
        { direction: 'ingress', sourceGroupId: 'g-1' },
      ],
    ];
    for (const [a, b] of different) {
      assert.notEqual(
        ruleIdentity(securityGroupRuleTerms(a)),
        ruleIdentity(securityGroupRuleTerms(b)),
        JSON.stringify(a),
      );
    }
  });
});

describe('security groups', () => {
  const made = () => {
    let n = 0;
    return { securityGroupId: 'g-new', ruleIds: () => `r-${++n}`, now: 7 };
  };

  test('a group’s name, desc and VPC; rules checked one by one, duplicates within the request too', () => {
    const base = { name: 'db', vpcId: VPC.vpcId };
    refuses(() => securityGroupRequest({ ...base, name: '1db' }), 'InappropriateJSON', /"name"/);
    refuses(() => securityGroupRequest({ ...base, name: 'n'.repeat(66) }), 'InappropriateJSON', /"name"/);
    refuses(() => securityGroupRequest({ ...base, desc: 'd'.repeat(201) }), 'InappropriateJSON', /"desc"/);
    refuses(() => securityGroupRequest({ name: 'db' }), 'InappropriateJSON', /"vpcId".*no default VPC/);
    assert.equal(securityGroupRequest({ ...base, name: '数据库 db-1/a.b_c' }).name, '数据库 db-1/a.b_c');
    const twice = securityGroupRequest({
      ...base,
      rules: [
        { direction: 'ingress', protocol: 'tcp', portRange: '3306' },
        { direction: 'ingress', protocol: 'tcp', portRange: '3306-3306' },
      ],
    });
    refuses(
      () => decideSecurityGroup(twice, VPC, { referenced: new Map(), quota: 100 }, OWNER, made()),
      'SecurityGroup.RuleAlreadyExists',
    );
  });

  test('a new group without an egress rule gets the allow-all egress rule; with one, exactly its rules', () => {
    const bare = decideSecurityGroup(
      securityGroupRequest({ name: 'db', vpcId: VPC.vpcId, rules: null }),
      VPC,
      { referenced: new Map(), quota: 100 },
      OWNER,
      made(),
    );
    assert.deepEqual(
      bare.rules.map((r) => [r.securityGroupRuleId, r.direction, r.protocol, r.destIp]),
      [['r-1', 'egress', 'all', 'all']],
    );
    assert.deepEqual([bare.group.version, bare.group.isDefault, bare.group.createdAt], [0, false, 7]);
    const own = decideSecurityGroup(
      securityGroupRequest({
        name: 'db',
        vpcId: VPC.vpcId,
        rules: [{ direction: 'egress', protocol: 'tcp', portRange: '443' }],
      }),
      VPC,
      { referenced: new Map(), quota: 100 },
      OWNER,
      made(),
    );
    assert.deepEqual(
      own.rules.map((r) => r.portRange),
      ['443'],
    );
  });

  test('the default group: named as Baidu shows it, allowing everything in and out', () => {
    const { group: def, rules } = defaultSecurityGroup(VPC, made());
    assert.deepEqual([def.name, def.desc, def.isDefault, def.version], ['默认安全组', 'default', true, 0]);
    assert.deepEqual(
      rules.map((r) => [r.direction, r.protocol, r.portRange, r.sourceIp, r.destIp, r.ethertype]),
      [
        ['ingress', 'all', '1-65535', 'all', '', 'IPv4'],
        ['egress', 'all', '1-65535', '', 'all', 'IPv4'],
      ],
    );
  });

  function facts(more: Partial<RuleFacts> = {}): RuleFacts {
    return { group: group('g-db', { version: 3 }), rules: [], referenced: new Map(), quota: 100, ...more };
  }

  test('authorize: version, peer group of the same VPC, duplicate, quota; each change moves the version', () => {
    const mysql = securityGroupRuleTerms({ direction: 'ingress', protocol: 'tcp', portRange: '3306' });
    const ok = decideAuthorize(mysql, facts(), undefined, OWNER, { securityGroupRuleId: 'r-9', now: 1 });
    assert.equal(ok.group.version, 4);
    assert.equal(
      decideAuthorize(mysql, facts(), 3, OWNER, { securityGroupRuleId: 'r-9', now: 1 }).group.version,
      4,
    );
    refuses(
      () => decideAuthorize(mysql, facts(), 2, OWNER, { securityGroupRuleId: 'r-9', now: 1 }),
      'SecurityGroup.VersionMismatch',
      /at version 3, not 2/,
    );
    const existing = sgRule('r-1', 'g-db', { direction: 'ingress', protocol: 'tcp', portRange: '3306-3306' });
    refuses(
      () =>
        decideAuthorize(mysql, facts({ rules: [existing] }), undefined, OWNER, {
          securityGroupRuleId: 'r-9',
          now: 1,
        }),
      'SecurityGroup.RuleAlreadyExists',
      /\(r-1\)/,
    );
    refuses(
      () =>
        decideAuthorize(
          mysql,
          facts({ rules: [sgRule('r-2', 'g-db', { direction: 'ingress' })], quota: 1 }),
          undefined,
          OWNER,
          {
            securityGroupRuleId: 'r-9',
            now: 1,
          },
        ),
      'SecurityGroup.RuleQuotaExceeded',
      /at most 1 per direction/,
    );
    const fromApp = securityGroupRuleTerms({ direction: 'ingress', sourceGroupId: 'g-app' });
    refuses(
      () => decideAuthorize(fromApp, facts(), undefined, OWNER, { securityGroupRuleId: 'r-9', now: 1 }),
      'NoSuchObject',
      /g-app, named by the rule's sourceGroupId, does not exist/,
    );
    const peerVpc = new Map([['g-app', group('g-app', { vpcId: 'vpc-peer' })]]);
    refuses(
      () =>
        decideAuthorize(fromApp, facts({ referenced: peerVpc }), undefined, OWNER, {
          securityGroupRuleId: 'r-9',
          now: 1,
        }),
      'SecurityGroup.RuleGroupNotInVpc',
      /in VPC vpc-peer.*name the peer VPC's CIDR .* in sourceIp instead/,
    );
    const sameVpc = new Map([['g-app', group('g-app')]]);
    const linked = decideAuthorize(fromApp, facts({ referenced: sameVpc }), undefined, OWNER, {
      securityGroupRuleId: 'r-9',
      now: 1,
    });
    assert.equal(linked.rule.sourceGroupId, 'g-app');
  });

  test('revoke finds the rule by its terms; update replaces what it is given; both move the version', () => {
    const rule = sgRule('r-1', 'g-db', {
      direction: 'ingress',
      protocol: 'tcp',
      portRange: '3306',
      sourceIp: '10.2.0.0/16',
    });
    const revoked = decideRevoke(
      securityGroupRuleTerms({
        direction: 'ingress',
        protocol: 'tcp',
        portRange: '3306-3306',
        sourceIp: '10.2.0.0/16',
      }),
      { group: facts().group, rules: [rule] },
      undefined,
    );
    assert.deepEqual([revoked.rule.securityGroupRuleId, revoked.group.version], ['r-1', 4]);
    refuses(
      () =>
        decideRevoke(
          securityGroupRuleTerms({ direction: 'ingress', protocol: 'tcp' }),
          { group: facts().group, rules: [rule] },
          undefined,
        ),
      'NoSuchObject',
      /has no rule ingress tcp ports 1-65535 from all/,
    );
    const sameVpc = new Map([['g-app', group('g-app')]]);
    const toGroup = decideRuleUpdate(
      rule,
      { sourceGroupId: 'g-app' },
      facts({ referenced: sameVpc }),
      undefined,
      OWNER,
      9,
    );
    assert.deepEqual(
      [
        toGroup.rule.sourceGroupId,
        toGroup.rule.sourceIp,
        toGroup.rule.portRange,
        toGroup.rule.updatedAt,
        toGroup.group.version,
      ],
      ['g-app', '', '3306', 9, 4],
      'naming a group replaces the address',
    );
    const terraform = decideRuleUpdate(
      rule,
      {
        remark: '',
        portRange: '',
        sourceIp: '',
        sourceGroupId: '',
        destIp: '',
        destGroupId: '',
        protocol: '',
      },
      facts(),
      undefined,
      OWNER,
      9,
    );
    assert.deepEqual(
      [terraform.rule.protocol, terraform.rule.portRange, terraform.rule.sourceIp],
      ['all', '1-65535', 'all'],
      'Terraform’s empty strings mean every protocol, port and peer',
    );
    refuses(
      () => decideRuleUpdate(rule, {}, facts(), undefined, OWNER, 9),
      'InappropriateJSON',
      /at least one of/,
    );
    refuses(
      () => decideRuleUpdate(rule, { remark: 'x' }, facts(), 1, OWNER, 9),
      'SecurityGroup.VersionMismatch',
    );
  });

  test('a group goes unless it is the default, in use by an interface, or named by another group’s rule', () => {
    const db = group('g-db');
    requireGroupDeletable(
      db,
      [],
      [sgRule('r-self', 'g-db', { direction: 'ingress', sourceGroupId: 'g-db' })],
    );
    refuses(
      () => requireGroupDeletable(group('g-def', { isDefault: true }), [], []),
      'SecurityGroup.DefaultSecurityGroupCanNotBeDeleted',
    );
    const eni = { eniId: 'eni-1', securityGroupIds: ['g-db'] } as Parameters<
      typeof requireGroupDeletable
    >[1][number];
    refuses(
      () => requireGroupDeletable(db, [eni], []),
      'SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted',
      /eni-1/,
    );
    refuses(
      () =>
        requireGroupDeletable(
          db,
          [],
          [sgRule('r-app', 'g-app', { direction: 'egress', destGroupId: 'g-db' })],
        ),
      'SecurityGroup.ReferencedSecurityGroupCanNotBeDeleted',
      /r-app of g-app/,
    );
  });
});

describe('evaluateSecurityGroups', () => {
  const members: Record<string, string[]> = { 'g-app': ['10.1.1.5', '10.1.1.6'] };
  const membersOf = (id: string) => members[id] ?? [];
  const db = {
    securityGroupId: 'g-db',
    rules: [
      sgRule('r-mysql', 'g-db', {
        direction: 'ingress',
        protocol: 'tcp',
        portRange: '3306',
        sourceGroupId: 'g-app',
      }),
      sgRule('r-peer', 'g-db', {
        direction: 'ingress',
        protocol: 'tcp',
        portRange: '5432',
        sourceIp: '10.2.0.0/16',
      }),
      sgRule('r-ping', 'g-db', { direction: 'ingress', protocol: 'icmp', sourceIp: 'all' }),
      sgRule('r-out', 'g-db', { direction: 'egress', protocol: 'udp', portRange: '53', destIp: '10.0.0.2' }),
    ],
  };
  const ops = {
    securityGroupId: 'g-ops',
    rules: [sgRule('r-ssh', 'g-ops', { direction: 'ingress', protocol: 'tcp', portRange: '22' })],
  };

  const cases: Array<[string, Packet, 'ingress' | 'egress', string | undefined]> = [
    ['a member of the named group on the port', tcp('10.1.1.6', '10.1.2.9', 3306), 'ingress', 'g-db/r-mysql'],
    ['not a member of the named group', tcp('10.1.1.7', '10.1.2.9', 3306), 'ingress', undefined],
    ['a peer VPC’s CIDR', tcp('10.2.3.4', '10.1.2.9', 5432), 'ingress', 'g-db/r-peer'],
    ['the port binds the destination port', tcp('10.2.3.4', '10.1.2.9', 5433), 'ingress', undefined],
    ['an unknown port passes only an every-port rule', tcp('10.2.3.4', '10.1.2.9'), 'ingress', undefined],
    [
      'the second group may allow what the first does not',
      tcp('172.16.0.1', '10.1.2.9', 22),
      'ingress',
      'g-ops/r-ssh',
    ],
    [
      'icmp from anywhere',
      { protocol: 'icmp', source: '8.8.8.8', destination: '10.1.2.9' },
      'ingress',
      'g-db/r-ping',
    ],
    [
      'egress names the destination',
      { protocol: 'udp', source: '10.1.2.9', destination: '10.0.0.2', destinationPort: 53 },
      'egress',
      'g-db/r-out',
    ],
    [
      'egress rules do not let ingress in',
      { protocol: 'udp', source: '10.0.0.2', destination: '10.1.2.9', destinationPort: 53 },
      'ingress',
      undefined,
    ],
    [
      'a protocol no rule names',
      { protocol: 'udp', source: '10.2.3.4', destination: '10.1.2.9', destinationPort: 5432 },
      'ingress',
      undefined,
    ],
  ];
  for (const [name, packet, direction, expected] of cases) {
    test(name, () => {
      const found = evaluateSecurityGroups([db, ops], direction, packet, membersOf);
      assert.equal(
        found ? `${found.securityGroupId}/${found.rule.securityGroupRuleId}` : undefined,
        expected,
      );
    });
  }

  test('protocol all and an empty protocol match everything; IPv6 rules never match IPv4 packets', () => {
    const open = sgRule('r-all', 'g-x', { direction: 'ingress' });
    const legacy = { ...open, securityGroupRuleId: 'r-legacy', protocol: '', portRange: '' };
    const six = sgRule('r-six', 'g-x', { direction: 'ingress', ethertype: 'IPv6' });
    for (const rule of [open, legacy]) {
      for (const packet of [
        tcp('1.2.3.4', '10.1.1.1', 1),
        { protocol: 'icmp', source: '1.2.3.4', destination: '10.1.1.1' } as Packet,
      ]) {
        assert.ok(
          evaluateSecurityGroups([{ securityGroupId: 'g-x', rules: [rule] }], 'ingress', packet, membersOf),
        );
      }
    }
    assert.equal(
      evaluateSecurityGroups(
        [{ securityGroupId: 'g-x', rules: [six] }],
        'ingress',
        tcp('1.2.3.4', '10.1.1.1', 1),
        membersOf,
      ),
      undefined,
    );
    assert.ok(
      evaluateSecurityGroups(
        [{ securityGroupId: 'g-x', rules: [six] }],
        'ingress',
        tcp('2001:db8::1', '2001:db8::2', 1),
        membersOf,
      ),
    );
    assert.equal(evaluateSecurityGroups([], 'ingress', tcp('1.2.3.4', '10.1.1.1', 1), membersOf), undefined);
  });
});

// ---- primary/standby route pairs ----

function routeRule(id: string, more: Partial<RouteRuleRecord> = {}): RouteRuleRecord {
  return {
    routeRuleId: id,
    routeTableId: 'rt-app',
    vpcId: 'vpc-app',
    ...OWNER,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '10.2.0.0/16',
    nexthopType: 'peerConn',
    nexthopId: 'qpif-1',
    description: '',
    createdAt: 0,
    ...more,
  };
}

describe('primary/standby route pairs', () => {
  const active = routeRule('rr-a', { pathType: 'ha:active', nexthopId: 'qpif-1' });
  const standby = routeRule('rr-s', { pathType: 'ha:standby', nexthopId: 'qpif-2' });
  const normal = routeRule('rr-n', { destinationAddress: '10.3.0.0/16' });

  test('a switch swaps the pair; a normal rule or the standby is refused, naming the active one', () => {
    assert.deepEqual(
      decideSwitch(active, [active, standby, normal]).map((r) => `${r.routeRuleId}:${r.pathType}`),
      ['rr-a:ha:standby', 'rr-s:ha:active'],
    );
    refuses(
      () => decideSwitch(normal, [active, standby, normal]),
      'InvalidRouteRule',
      /has one next hop \(pathType normal\)/,
    );
    refuses(() => decideSwitch(routeRule('rr-old'), []), 'InvalidRouteRule', /pathType normal/);
    refuses(
      () => decideSwitch(standby, [active, standby]),
      'InvalidRouteRule',
      /switch it by the id of the active rule, rr-a/,
    );
    assert.equal(partnerOf(standby, [active, standby, normal])?.routeRuleId, 'rr-a');
    assert.equal(partnerOf(normal, [active, standby, normal]), undefined);
  });

  test('members of a pair are not updated; an update needs a field and names the Go SDK’s flagless switch', () => {
    refuses(
      () => requireSinglePath(active, [active, standby]),
      'InvalidRouteRule',
      /ha:active rule of a primary\/standby pair with rr-s/,
    );
    requireSinglePath(normal, []);
    refuses(() => ruleChange({}), 'InappropriateJSON', /switchRouteHA.*Go SDK's SwitchRoute/);
    refuses(() => ruleChange({ sourceAddress: '', destinationAddress: '' }), 'InappropriateJSON');
  });

  test('the path analysis follows the active rule only', () => {
    const network = (rules: RouteRuleRecord[]): VpcNetwork => ({
      vpc: VPC,
      table: { routeTableId: 'rt-app', vpcId: VPC.vpcId, ...OWNER },
      subnets: [{ ...SUBNET }],
      rules,
    });
    const report = checkReachability(
      {
        networks: new Map([[VPC.vpcId, network([{ ...standby, nexthopType: 'vpn', nexthopId: 'vpn-2' }])]]),
        connections: new Map(),
      },
      { from: { vpcId: VPC.vpcId, ip: '10.1.1.5' }, to: { ip: '10.2.0.9' } },
    );
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['NoRoute'],
      'a standby alone routes nothing',
    );
    const both = checkReachability(
      {
        networks: new Map([
          [
            VPC.vpcId,
            network([
              { ...standby, nexthopType: 'vpn', nexthopId: 'vpn-2' },
              { ...active, nexthopType: 'nat', nexthopId: 'nat-1' },
            ]),
          ],
        ]),
        connections: new Map(),
      },
      { from: { vpcId: VPC.vpcId, ip: '10.1.1.5' }, to: { ip: '10.2.0.9' } },
    );
    assert.match(both.problems.map((p) => p.message).join(' '), /Rule rr-a .* nat next hop \(nat-1\)/);
  });
});
