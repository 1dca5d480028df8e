// The advice a reachability refusal gives is advice one can follow: no ACL rule "with a position below 1" (there
// is none), and no "10.12.1.7 (or 10.12.1.7)" when the far end is in no subnet and only its address is known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AclCheck, AclRuleMatch, PacketView, SecurityGroupCheck } from '@peerconn/sdk/internal';
import { aclProblem, securityGroupProblem } from '../src/domain/reachability-filters.ts';

const packet: PacketView = {
  protocol: 'tcp',
  source: '10.11.1.5',
  destination: '10.12.1.7',
  sourcePort: 40000,
  destinationPort: 3306,
};

function denyAt(position: number): AclRuleMatch {
  return {
    aclRuleId: 'ar-deny',
    position,
    default: false,
    action: 'deny',
    protocol: 'all',
    sourceIpAddress: '10.11.1.5/32',
    destinationIpAddress: 'all',
    sourcePort: 'all',
    destinationPort: 'all',
    description: '',
  };
}

function aclCheck(rule: AclRuleMatch): AclCheck {
  return {
    kind: 'acl',
    direction: 'ingress',
    verdict: 'deny',
    subnetId: 'sbn-db',
    subnetName: 'db',
    subnetCidr: '10.12.1.0/24',
    rule,
    packet,
  };
}

test('an ACL deny at position 1 is advised to be changed or deleted, since nothing can come before it', () => {
  const { code, message } = aclProblem(aclCheck(denyAt(1)), '10.11.0.0/16', false);
  assert.equal(code, 'AclDeniesIngress');
  assert.doesNotMatch(message, /position below/);
  assert.match(
    message,
    /Change ar-deny \(position 1, the first checked\) into an allow rule for protocol tcp, sourceIpAddress 10\.11\.0\.0\/16, sourcePort 1024-65535, destinationPort 3306, or delete it/,
  );
});

test('an ACL deny further down is advised an allow rule placed before it', () => {
  const { message } = aclProblem(aclCheck(denyAt(10)), '10.11.0.0/16', false);
  assert.match(
    message,
    /Add an ingress allow rule to subnet sbn-db: protocol tcp, sourceIpAddress 10\.11\.0\.0\/16, sourcePort 1024-65535, destinationPort 3306 with a position below 10, or change or delete ar-deny\./,
  );
});

function groupCheck(direction: 'ingress' | 'egress'): SecurityGroupCheck {
  return {
    kind: 'securityGroup',
    direction,
    verdict: 'deny',
    eniId: 'eni-db',
    securityGroupIds: ['g-db'],
    rule: null,
    packet,
  };
}

test('a security group refusal offers the peer range beside the address only when there is a wider one', () => {
  const wide = securityGroupProblem(groupCheck('ingress'), '10.11.0.0/16', true);
  assert.match(wide.message, /sourceIp 10\.11\.1\.5 \(or 10\.11\.0\.0\/16\)\./);
  for (const range of ['10.11.1.5', '10.11.1.5/32']) {
    const narrow = securityGroupProblem(groupCheck('ingress'), range, true);
    assert.match(narrow.message, /sourceIp 10\.11\.1\.5\. /);
    assert.doesNotMatch(narrow.message, /\(or /);
  }
  const out = securityGroupProblem(groupCheck('egress'), '10.12.1.7', true);
  assert.equal(out.code, 'SecurityGroupDeniesEgress');
  assert.match(out.message, /destIp 10\.12\.1\.7\.$/);
});
