// The firewall-like listings as pure rendering: answers shaped as the service sends them (out of order where
// the service could send them so), rendered by the same function the CLI prints with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from '../src/output.ts';

const aclRule = (over: Record<string, unknown>) => ({
  id: '',
  subnetId: 'sbn-a',
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
  ...over,
});

test('an ACL: per subnet, ingress then egress, by position, each default rule last and shown as default', () => {
  const answer = {
    vpcId: 'vpc-a',
    vpcName: 'app',
    vpcCidr: '10.1.0.0/16',
    aclEntrys: [
      {
        subnetId: 'sbn-a',
        subnetName: 'app_a',
        subnetCidr: '10.1.1.0/24',
        // Deliberately shuffled: the listing orders by evaluation, not by how the rules arrive.
        aclRules: [
          aclRule({ direction: 'egress' }),
          aclRule({ id: 'ar-2', position: 20, protocol: 'tcp', destinationPort: '3306', description: '' }),
          aclRule({}),
          aclRule({ id: 'ar-3', position: 5, direction: 'egress', action: 'deny', description: 'x' }),
          aclRule({
            id: 'ar-1',
            position: 10,
            action: 'deny',
            sourceIpAddress: '10.0.0.0/16',
            description: 'old',
          }),
        ],
      },
    ],
  };
  assert.equal(
    render(answer, 'table'),
    [
      'ACL of vpc-a (app, 10.1.0.0/16)',
      '',
      'subnet sbn-a (app_a, 10.1.1.0/24)',
      'POS      DIR      ACTION  PROTO  SOURCE       SPORT  DESTINATION  DPORT  ID    DESCRIPTION',
      '10       ingress  deny    all    10.0.0.0/16  all    all          all    ar-1  old',
      '20       ingress  allow   tcp    all          all    all          3306   ar-2',
      'default  ingress  allow   all    all          all    all          all',
      '5        egress   deny    all    all          all    all          all    ar-3  x',
      'default  egress   allow   all    all          all    all          all',
      '',
    ].join('\n'),
  );
  // The bare rules of one entry (as --query gives them) are still a listing, without the captions.
  assert.match(render(answer.aclEntrys[0]?.aclRules, 'table'), /^POS +DIR/);
});

test('security groups: each under its line (id, name, VPC, version, interfaces), peers by address or group', () => {
  const rule = (over: Record<string, unknown>) => ({
    securityGroupRuleId: 'r-x',
    securityGroupId: 'g-a',
    remark: '',
    direction: 'ingress',
    ethertype: 'IPv4',
    portRange: '1-65535',
    protocol: 'all',
    sourceGroupId: '',
    sourceIp: '',
    destGroupId: '',
    destIp: '',
    createdTime: '2030-01-01T00:00:00Z',
    updatedTime: '2030-01-01T00:00:00Z',
    ...over,
  });
  const group = (over: Record<string, unknown>) => ({
    id: 'g-a',
    name: 'db',
    desc: '',
    vpcId: 'vpc-a',
    rules: [],
    tags: [],
    createdTime: '2030-01-01T00:00:00Z',
    sgVersion: 0,
    bindInstanceNum: 0,
    ...over,
  });
  const page = {
    securityGroups: [
      group({
        sgVersion: 4,
        bindInstanceNum: 2,
        rules: [
          rule({
            securityGroupRuleId: 'r-1',
            protocol: 'tcp',
            portRange: '3306',
            sourceIp: '10.2.0.0/16',
            remark: 'app',
          }),
          rule({ securityGroupRuleId: 'r-2', sourceGroupId: 'g-b' }),
          rule({ securityGroupRuleId: 'r-3', direction: 'egress', destIp: 'all' }),
        ],
      }),
      group({ id: 'g-b', name: 'web', bindInstanceNum: 1, rules: [] }),
    ],
    marker: 'g-a',
    isTruncated: false,
    maxKeys: 1000,
  };
  assert.equal(
    render(page, 'table'),
    [
      'security group g-a (db) of vpc-a, version 4, bound to 2 interfaces',
      'DIR      PROTO  PORTS  PEER         ETHER  RULE ID  REMARK',
      'ingress  tcp    3306   10.2.0.0/16  IPv4   r-1      app',
      'ingress  all    all    g-b          IPv4   r-2',
      'egress   all    all    all          IPv4   r-3',
      '',
      'security group g-b (web) of vpc-a, version 0, bound to 1 interface',
      'DIR      PROTO  PORTS  PEER         ETHER  RULE ID  REMARK',
      '(none)',
      '',
    ].join('\n'),
  );
  assert.equal(
    render(page, 'text'),
    [
      'ingress\ttcp\t3306\t10.2.0.0/16\tIPv4\tr-1\tapp\tg-a',
      'ingress\tall\t1-65535\tg-b\tIPv4\tr-2\t\tg-a',
      'egress\tall\t1-65535\tall\tIPv4\tr-3\t\tg-a',
      '',
    ].join('\n'),
  );
});

test('network interfaces: primary and secondary addresses, groups and instance in their own columns', () => {
  const eni = {
    eniId: 'eni-a',
    name: 'db1',
    zoneName: 'cn-bj-a',
    description: '',
    instanceId: 'i-1',
    macAddress: 'fa:16:3e:00:00:01',
    vpcId: 'vpc-a',
    subnetId: 'sbn-a',
    status: 'inuse',
    privateIpSet: [
      { publicIpAddress: '', primary: false, privateIpAddress: '10.1.1.21' },
      { publicIpAddress: '', primary: true, privateIpAddress: '10.1.1.20' },
      { publicIpAddress: '', primary: false, privateIpAddress: '10.1.1.22' },
    ],
    ipv6PrivateIpSet: [],
    securityGroupIds: ['g-a', 'g-b'],
    enterpriseSecurityGroupIds: [],
    createdTime: '2030-01-01T00:00:00Z',
  };
  const lines = [
    'ENI    NAME  STATUS  SUBNET  PRIMARY IP  SECONDARY IPS        GROUPS   INSTANCE',
    'eni-a  db1   inuse   sbn-a   10.1.1.20   10.1.1.21,10.1.1.22  g-a,g-b  i-1',
  ];
  assert.equal(render(eni, 'table'), `${lines.join('\n')}\n`, 'getEni: one interface, one row');
  assert.equal(
    render({ enis: [eni], isTruncated: false, maxKeys: 1000 }, 'table'),
    `${lines.join('\n')}\n`,
    'a page of them',
  );
  assert.equal(
    render({ enis: [eni] }, 'text'),
    'eni-a\tdb1\tinuse\tsbn-a\t10.1.1.20\t10.1.1.21,10.1.1.22\tg-a,g-b\ti-1\tvpc-a\n',
  );
  assert.equal(
    render({ enis: [] }, 'table'),
    'ENI  NAME  STATUS  SUBNET  PRIMARY IP  SECONDARY IPS  GROUPS  INSTANCE\n(none)\n',
  );
});

test('a route table marks which rule of a primary/standby pair carries the traffic', () => {
  const ruleOf = (over: Record<string, unknown>) => ({
    routeRuleId: 'rr-1',
    routeTableId: 'rt-a',
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '10.9.0.0/16',
    nexthopType: 'peerConn',
    nexthopId: 'qpif-1',
    description: '',
    pathType: 'ha:active',
    ...over,
  });
  const table = {
    routeTableId: 'rt-a',
    vpcId: 'vpc-a',
    name: 'default',
    routeRules: [ruleOf({}), ruleOf({ routeRuleId: 'rr-2', nexthopId: 'qpif-2', pathType: 'ha:standby' })],
  };
  assert.equal(
    render(table, 'table'),
    [
      'route table rt-a (default) of vpc-a',
      'DESTINATION  SOURCE     NEXT HOP TYPE  NEXT HOP ID       RULE ID  DESCRIPTION',
      '10.9.0.0/16  0.0.0.0/0  peerConn       qpif-1 (active)   rr-1',
      '10.9.0.0/16  0.0.0.0/0  peerConn       qpif-2 (standby)  rr-2',
      '',
    ].join('\n'),
  );
});
