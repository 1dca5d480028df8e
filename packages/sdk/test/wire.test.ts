// What every operation puts on the wire, captured by a loopback server: method, path, flag as a bare key,
// query fields, JSON body, clientToken, headers, and a signature that verifies against what arrived.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DebugEvent, PeerConnClient, SDK_VERSION, VpcClient } from '../src/index.ts';
import { OPERATION_LIST } from '../src/operations.ts';
import { parseAuthorization } from '../src/signer.ts';
import { assertSignedByOracle } from './helpers/oracle.ts';
import { type ScriptedServer, startScriptedServer, TEST_CREDENTIALS } from './helpers/scripted-server.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface WireCase {
  input: Record<string, unknown>;
  method: string;
  path: string;
  /** Expected query parts in wire order; clientToken is checked separately. */
  query: string[];
  body?: unknown;
}

// Fields a case's input and its expected body both hold. Functions, so that each gets its own copy: a client that
// changed its input could not change the expectation with it.
const newPeerConn = () => ({
  bandwidthInMbps: 10,
  localVpcId: 'vpc-a',
  peerVpcId: 'vpc-b',
  peerRegion: 'bj',
  billing: { paymentTiming: 'Postpaid' },
  deleteProtect: false,
});
const monthReserved = () => ({ reservation: { reservationLength: 1, reservationTimeUnit: 'month' } });
const newVpc = () => ({ name: 'v', cidr: '10.0.0.0/16', enableIpv6: false });
const newSubnet = () => ({
  name: 's',
  zoneName: 'cn-bj-a',
  cidr: '10.0.1.0/24',
  vpcId: 'vpc-a',
  subnetType: 'BCC',
});
const routeToPeer = () => ({
  routeTableId: 'rt-1',
  sourceAddress: '0.0.0.0/0',
  destinationAddress: '10.2.0.0/16',
  nexthopType: 'peerConn',
  nexthopId: 'qpif-1',
});
const mysqlAclRule = () => ({
  subnetId: 'sbn-1',
  protocol: 'tcp',
  sourceIpAddress: 'all',
  destinationIpAddress: '10.0.1.0/24',
  sourcePort: 'all',
  destinationPort: '3306',
  position: 10,
  direction: 'ingress',
  action: 'allow',
});
const newSecurityGroup = () => ({
  name: 'db',
  vpcId: 'vpc-a',
  rules: [{ direction: 'ingress', protocol: 'tcp', portRange: '3306', sourceIp: '10.1.0.0/16' }],
});
const newEni = () => ({
  name: 'db',
  subnetId: 'sbn-1',
  securityGroupIds: ['g-1'],
  privateIpSet: [{ primary: true, privateIpAddress: '' }],
});

const CASES: Record<string, WireCase> = {
  // A field left undefined is not sent.
  createPeerConn: {
    input: { ...newPeerConn(), description: undefined },
    method: 'POST',
    path: '/v1/peerconn',
    query: [],
    body: newPeerConn(),
  },
  listPeerConns: {
    input: { vpcId: 'vpc-a', marker: 'm 1', maxKeys: 2 },
    method: 'GET',
    path: '/v1/peerconn',
    query: ['vpcId=vpc-a', 'marker=m%201', 'maxKeys=2'],
  },
  getPeerConn: {
    input: { peerConnId: 'peerconn-xyz', role: 'acceptor' },
    method: 'GET',
    path: '/v1/peerconn/peerconn-xyz',
    query: ['role=acceptor'],
  },
  updatePeerConn: {
    input: { peerConnId: 'peerconn-xyz', localIfId: 'qpif-1', description: 'd' },
    method: 'PUT',
    path: '/v1/peerconn/peerconn-xyz',
    query: [],
    body: { localIfId: 'qpif-1', description: 'd' },
  },
  acceptPeerConn: {
    input: { peerConnId: 'p-1' },
    method: 'PUT',
    path: '/v1/peerconn/p-1',
    query: ['accept'],
  },
  rejectPeerConn: {
    input: { peerConnId: 'p-1' },
    method: 'PUT',
    path: '/v1/peerconn/p-1',
    query: ['reject'],
  },
  deletePeerConn: { input: { peerConnId: 'p-1' }, method: 'DELETE', path: '/v1/peerconn/p-1', query: [] },
  resizePeerConn: {
    input: { peerConnId: 'p-1', newBandwidthInMbps: 20 },
    method: 'PUT',
    path: '/v1/peerconn/p-1',
    query: ['resize'],
    body: { newBandwidthInMbps: 20 },
  },
  renewPeerConn: {
    input: { peerConnId: 'p-1', billing: monthReserved() },
    method: 'PUT',
    path: '/v1/peerconn/p-1',
    query: ['purchaseReserved'],
    body: { billing: monthReserved() },
  },
  refundPeerConn: {
    input: { peerConnId: 'p-1' },
    method: 'PUT',
    path: '/v1/peerconn/p-1',
    query: ['refund'],
  },
  openPeerConnDnsSync: {
    input: { peerConnId: 'p-1', role: 'initiator' },
    method: 'PUT',
    path: '/v1/peerconn/p-1',
    query: ['open', 'role=initiator'],
  },
  closePeerConnDnsSync: {
    input: { peerConnId: 'p-1', role: 'acceptor' },
    method: 'PUT',
    path: '/v1/peerconn/p-1',
    query: ['close', 'role=acceptor'],
  },
  updatePeerConnDeleteProtect: {
    input: { peerConnId: 'p-1', deleteProtect: true },
    method: 'PUT',
    path: '/v1/peerconn/p-1/deleteProtect',
    query: [],
    body: { deleteProtect: true },
  },
  createVpc: { input: newVpc(), method: 'POST', path: '/v1/vpc', query: [], body: newVpc() },
  listVpcs: {
    input: { isDefault: false, vpcIds: ['vpc-a', 'vpc-b'], maxKeys: 5 },
    method: 'GET',
    path: '/v1/vpc',
    query: ['maxKeys=5', 'isDefault=false', 'vpcIds=vpc-a%2Cvpc-b'],
  },
  getVpc: { input: { vpcId: 'vpc-a' }, method: 'GET', path: '/v1/vpc/vpc-a', query: [] },
  updateVpc: {
    input: { vpcId: 'vpc-a', name: 'n2' },
    method: 'PUT',
    path: '/v1/vpc/vpc-a',
    query: ['modifyAttribute'],
    body: { name: 'n2' },
  },
  deleteVpc: { input: { vpcId: 'vpc-a' }, method: 'DELETE', path: '/v1/vpc/vpc-a', query: [] },
  openVpcRelay: { input: { vpcId: 'vpc-a' }, method: 'PUT', path: '/v1/vpc/openRelay/vpc-a', query: [] },
  shutdownVpcRelay: {
    input: { vpcId: 'vpc-a' },
    method: 'PUT',
    path: '/v1/vpc/shutdownRelay/vpc-a',
    query: [],
  },
  createSubnet: { input: newSubnet(), method: 'POST', path: '/v1/subnet', query: [], body: newSubnet() },
  listSubnets: {
    input: { vpcId: 'vpc-a', zoneName: 'cn-bj-a', subnetIds: ['sbn-1', 'sbn-2'], maxKeys: 3 },
    method: 'GET',
    path: '/v1/subnet',
    query: ['maxKeys=3', 'vpcId=vpc-a', 'zoneName=cn-bj-a', 'subnetIds=sbn-1%2Csbn-2'],
  },
  getSubnet: { input: { subnetId: 'sbn-1' }, method: 'GET', path: '/v1/subnet/sbn-1', query: [] },
  updateSubnet: {
    input: { subnetId: 'sbn-1', name: 'n2', description: 'd' },
    method: 'PUT',
    path: '/v1/subnet/sbn-1',
    query: ['modifyAttribute'],
    body: { name: 'n2', description: 'd' },
  },
  deleteSubnet: { input: { subnetId: 'sbn-1' }, method: 'DELETE', path: '/v1/subnet/sbn-1', query: [] },
  getRouteTable: {
    input: { vpcId: 'vpc-a' },
    method: 'GET',
    path: '/v1/route',
    query: ['vpcId=vpc-a'],
  },
  createRouteRule: {
    input: routeToPeer(),
    method: 'POST',
    path: '/v1/route/rule',
    query: [],
    body: routeToPeer(),
  },
  listRouteRules: {
    input: { routeTableId: 'rt-1', marker: 'rr-1', maxKeys: 2 },
    method: 'GET',
    path: '/v1/route/rule',
    query: ['routeTableId=rt-1', 'marker=rr-1', 'maxKeys=2'],
  },
  updateRouteRule: {
    input: { routeRuleId: 'rr-1', destinationAddress: '10.3.0.0/16' },
    method: 'PUT',
    path: '/v1/route/rule/rr-1',
    query: [],
    body: { destinationAddress: '10.3.0.0/16' },
  },
  deleteRouteRule: {
    input: { routeRuleId: 'rr-1' },
    method: 'DELETE',
    path: '/v1/route/rule/rr-1',
    query: [],
  },
  switchRouteRule: {
    input: { routeRuleId: 'rr-1' },
    method: 'PUT',
    path: '/v1/route/rule/rr-1',
    query: ['switchRouteHA'],
  },
  listAclEntrys: { input: { vpcId: 'vpc-a' }, method: 'GET', path: '/v1/acl', query: ['vpcId=vpc-a'] },
  createAclRules: {
    input: { aclRules: [mysqlAclRule()] },
    method: 'POST',
    path: '/v1/acl/rule',
    query: [],
    body: { aclRules: [mysqlAclRule()] },
  },
  listAclRules: {
    input: { subnetId: 'sbn-1', marker: 'ar-1', maxKeys: 2 },
    method: 'GET',
    path: '/v1/acl/rule',
    query: ['subnetId=sbn-1', 'marker=ar-1', 'maxKeys=2'],
  },
  updateAclRule: {
    input: { aclRuleId: 'ar-1', position: 20, action: 'deny' },
    method: 'PUT',
    path: '/v1/acl/rule/ar-1',
    query: [],
    body: { position: 20, action: 'deny' },
  },
  deleteAclRule: { input: { aclRuleId: 'ar-1' }, method: 'DELETE', path: '/v1/acl/rule/ar-1', query: [] },
  createSecurityGroup: {
    input: newSecurityGroup(),
    method: 'POST',
    path: '/v2/securityGroup',
    query: [],
    body: newSecurityGroup(),
  },
  listSecurityGroups: {
    input: { vpcId: 'vpc-a', securityGroupIds: ['g-1', 'g-2'], instanceId: 'eni-1', maxKeys: 2 },
    method: 'GET',
    path: '/v2/securityGroup',
    query: ['instanceId=eni-1', 'vpcId=vpc-a', 'securityGroupIds=g-1%2Cg-2', 'maxKeys=2'],
  },
  getSecurityGroup: {
    input: { securityGroupId: 'g-1' },
    method: 'GET',
    path: '/v2/securityGroup/g-1',
    query: [],
  },
  authorizeSecurityGroupRule: {
    input: { securityGroupId: 'g-1', sgVersion: 3, rule: { direction: 'egress', destGroupId: 'g-2' } },
    method: 'PUT',
    path: '/v2/securityGroup/g-1',
    query: ['authorizeRule', 'sgVersion=3'],
    body: { rule: { direction: 'egress', destGroupId: 'g-2' } },
  },
  revokeSecurityGroupRule: {
    input: { securityGroupId: 'g-1', rule: { direction: 'ingress', protocol: 'icmp' } },
    method: 'PUT',
    path: '/v2/securityGroup/g-1',
    query: ['revokeRule'],
    body: { rule: { direction: 'ingress', protocol: 'icmp' } },
  },
  updateSecurityGroupRule: {
    input: { securityGroupRuleId: 'r-1', sgVersion: 4, remark: '', portRange: '443' },
    method: 'PUT',
    path: '/v2/securityGroup/rule/update',
    query: ['sgVersion=4'],
    body: { securityGroupRuleId: 'r-1', remark: '', portRange: '443' },
  },
  deleteSecurityGroupRule: {
    input: { securityGroupRuleId: 'r-1', sgVersion: 5 },
    method: 'DELETE',
    path: '/v2/securityGroup/rule/r-1',
    query: ['sgVersion=5'],
  },
  deleteSecurityGroup: {
    input: { securityGroupId: 'g-1' },
    method: 'DELETE',
    path: '/v2/securityGroup/g-1',
    query: [],
  },
  createEni: {
    input: { ...newEni(), description: undefined },
    method: 'POST',
    path: '/v1/eni',
    query: [],
    body: newEni(),
  },
  listEnis: {
    input: { vpcId: 'vpc-a', privateIpAddress: ['10.1.1.2', '10.1.1.3'], maxKeys: 2 },
    method: 'GET',
    path: '/v1/eni',
    query: ['vpcId=vpc-a', 'privateIpAddress=10.1.1.2%2C10.1.1.3', 'maxKeys=2'],
  },
  getEniQuota: {
    input: { eniId: 'eni-1' },
    method: 'GET',
    path: '/v1/eni/quota',
    query: ['eniId=eni-1'],
  },
  getEni: { input: { eniId: 'eni-1' }, method: 'GET', path: '/v1/eni/eni-1', query: [] },
  getEniStatus: { input: { eniId: 'eni-1' }, method: 'GET', path: '/v1/eni/eni-1/status', query: [] },
  updateEni: {
    input: { eniId: 'eni-1', name: 'db2' },
    method: 'PUT',
    path: '/v1/eni/eni-1',
    query: ['modifyAttribute'],
    body: { name: 'db2' },
  },
  updateEniSecurityGroups: {
    input: { eniId: 'eni-1', securityGroupIds: ['g-1', 'g-2'] },
    method: 'PUT',
    path: '/v1/eni/eni-1',
    query: ['bindSg'],
    body: { securityGroupIds: ['g-1', 'g-2'] },
  },
  attachEni: {
    input: { eniId: 'eni-1', instanceId: 'i-1' },
    method: 'PUT',
    path: '/v1/eni/eni-1',
    query: ['attach'],
    body: { instanceId: 'i-1' },
  },
  detachEni: {
    input: { eniId: 'eni-1', instanceId: 'i-1' },
    method: 'PUT',
    path: '/v1/eni/eni-1',
    query: ['detach'],
    body: { instanceId: 'i-1' },
  },
  deleteEni: { input: { eniId: 'eni-1' }, method: 'DELETE', path: '/v1/eni/eni-1', query: [] },
  addEniPrivateIp: {
    input: { eniId: 'eni-1', privateIpAddress: '' },
    method: 'POST',
    path: '/v1/eni/eni-1/privateIp',
    query: [],
    body: { privateIpAddress: '' },
  },
  deleteEniPrivateIp: {
    input: { eniId: 'eni-1', privateIpAddress: '10.1.1.3' },
    method: 'DELETE',
    path: '/v1/eni/eni-1/privateIp/10.1.1.3',
    query: [],
  },
  batchAddEniPrivateIps: {
    input: { eniId: 'eni-1', privateIpAddressCount: 2 },
    method: 'POST',
    path: '/v1/eni/eni-1/privateIp/batchAdd',
    query: [],
    body: { privateIpAddressCount: 2 },
  },
  batchDeleteEniPrivateIps: {
    input: { eniId: 'eni-1', privateIpAddresses: ['10.1.1.3'] },
    method: 'POST',
    path: '/v1/eni/eni-1/privateIp/batchDel',
    query: [],
    body: { privateIpAddresses: ['10.1.1.3'] },
  },
};

// Answers of the operations that return data, keyed by method and path; the rest get an empty 200.
const RESPONSES: Record<string, unknown> = {
  'POST /v1/peerconn': { peerConnId: 'peerconn-new' },
  'GET /v1/peerconn': { peerConns: [], isTruncated: false, maxKeys: 2 },
  'GET /v1/peerconn/peerconn-xyz': { peerConnId: 'peerconn-xyz', bandwithInMbp: '30', status: 'active' },
  'POST /v1/vpc': { vpcId: 'vpc-new' },
  'GET /v1/vpc': { vpcs: [], isTruncated: 'false', maxKeys: '5' },
  'GET /v1/vpc/vpc-a': { vpc: { vpcId: 'vpc-a', isDefault: 'true' } },
  'POST /v1/subnet': { subnetId: 'sbn-new' },
  'GET /v1/subnet': { subnets: [{ subnetId: 'sbn-1', availableIp: '253' }], isTruncated: false, maxKeys: 3 },
  'GET /v1/subnet/sbn-1': { subnet: { subnetId: 'sbn-1', availableIp: 253, availableUnreservedIp: '253' } },
  'GET /v1/route': { name: 'default', routeTableId: 'rt-1', vpcId: 'vpc-a' },
  'POST /v1/route/rule': { routeRuleId: 'rr-new' },
  'GET /v1/route/rule': { routeRules: [], isTruncated: 'false', maxKeys: 2 },
  'GET /v1/acl': {
    vpcId: 'vpc-a',
    vpcName: 'app',
    vpcCidr: '10.0.0.0/16',
    aclEntrys: [{ subnetId: 'sbn-1', aclRules: [{ id: '', position: '65535', ipVersion: '4' }] }],
  },
  'GET /v1/acl/rule': { aclRules: [{ id: 'ar-1', position: '10' }], isTruncated: false, maxKeys: 2 },
  'POST /v2/securityGroup': { securityGroupId: 'g-new' },
  'GET /v2/securityGroup': {
    securityGroups: [{ id: 'g-1', sgVersion: '2' }],
    marker: 'g-1',
    isTruncated: false,
    maxKeys: 2,
  },
  'GET /v2/securityGroup/g-1': {
    id: 'g-1',
    sgVersion: '7',
    bindInstanceNum: '1',
    rules: [{ securityGroupRuleId: 'r-1' }],
  },
  'POST /v1/eni': { eniId: 'eni-new' },
  'GET /v1/eni': { enis: [{ eniId: 'eni-1', status: 'available' }], isTruncated: false, maxKeys: 2 },
  'GET /v1/eni/quota': { totalQuantity: 40, availableQuantity: 39 },
  'GET /v1/eni/eni-1': { eniId: 'eni-1', status: 'inuse', instanceId: 'i-1' },
  'GET /v1/eni/eni-1/status': { status: 'available' },
  'POST /v1/eni/eni-1/privateIp': { privateIpAddress: '10.1.1.3' },
  'POST /v1/eni/eni-1/privateIp/batchAdd': { privateIpAddresses: ['10.1.1.4', '10.1.1.5'] },
};

// What each data-returning operation must hand back for the answer in RESPONSES (normalised).
const OUTPUTS: Record<string, (output: Record<string, unknown>) => void> = {
  createPeerConn: (o) => assert.deepEqual(o, { peerConnId: 'peerconn-new' }),
  listPeerConns: (o) => assert.deepEqual(o, { peerConns: [], isTruncated: false, maxKeys: 2 }),
  getPeerConn: (o) => {
    assert.equal(o.peerConnId, 'peerconn-xyz');
    assert.equal(o.bandwidthInMbps, 30);
    assert.equal(o.status, 'active');
  },
  createVpc: (o) => assert.deepEqual(o, { vpcId: 'vpc-new' }),
  listVpcs: (o) => assert.deepEqual(o, { vpcs: [], isTruncated: false, maxKeys: 5 }),
  getVpc: (o) => assert.deepEqual(o, { vpc: { vpcId: 'vpc-a', isDefault: true } }),
  createSubnet: (o) => assert.deepEqual(o, { subnetId: 'sbn-new' }),
  listSubnets: (o) =>
    assert.deepEqual(o, {
      subnets: [{ subnetId: 'sbn-1', availableIp: 253 }],
      isTruncated: false,
      maxKeys: 3,
    }),
  getSubnet: (o) =>
    assert.deepEqual(o, { subnet: { subnetId: 'sbn-1', availableIp: 253, availableUnreservedIp: 253 } }),
  // A table without rules may come without the list: the output always has one.
  getRouteTable: (o) =>
    assert.deepEqual(o, { name: 'default', routeTableId: 'rt-1', vpcId: 'vpc-a', routeRules: [] }),
  createRouteRule: (o) => assert.deepEqual(o, { routeRuleId: 'rr-new' }),
  listRouteRules: (o) => assert.deepEqual(o, { routeRules: [], isTruncated: false, maxKeys: 2 }),
  // Numbers that arrive as strings are numbers in the output; lists that are missing are empty.
  listAclEntrys: (o) =>
    assert.deepEqual(o, {
      vpcId: 'vpc-a',
      vpcName: 'app',
      vpcCidr: '10.0.0.0/16',
      aclEntrys: [{ subnetId: 'sbn-1', aclRules: [{ id: '', position: 65535, ipVersion: 4 }] }],
    }),
  listAclRules: (o) =>
    assert.deepEqual(o, { aclRules: [{ id: 'ar-1', position: 10 }], isTruncated: false, maxKeys: 2 }),
  createSecurityGroup: (o) => assert.deepEqual(o, { securityGroupId: 'g-new' }),
  listSecurityGroups: (o) =>
    assert.deepEqual(o, {
      securityGroups: [{ id: 'g-1', sgVersion: 2, rules: [] }],
      marker: 'g-1',
      isTruncated: false,
      maxKeys: 2,
    }),
  getSecurityGroup: (o) =>
    assert.deepEqual(o, {
      id: 'g-1',
      sgVersion: 7,
      bindInstanceNum: 1,
      rules: [{ securityGroupRuleId: 'r-1' }],
    }),
  createEni: (o) => assert.deepEqual(o, { eniId: 'eni-new' }),
  listEnis: (o) =>
    assert.deepEqual(o, { enis: [{ eniId: 'eni-1', status: 'available' }], isTruncated: false, maxKeys: 2 }),
  getEniQuota: (o) => assert.deepEqual(o, { totalQuantity: 40, availableQuantity: 39 }),
  getEni: (o) => assert.deepEqual(o, { eniId: 'eni-1', status: 'inuse', instanceId: 'i-1' }),
  getEniStatus: (o) => assert.deepEqual(o, { status: 'available' }),
  addEniPrivateIp: (o) => assert.deepEqual(o, { privateIpAddress: '10.1.1.3' }),
  batchAddEniPrivateIps: (o) => assert.deepEqual(o, { privateIpAddresses: ['10.1.1.4', '10.1.1.5'] }),
};

let server: ScriptedServer;
before(async () => {
  server = await startScriptedServer((request) => {
    const body = RESPONSES[`${request.method} ${request.path}`];
    return body === undefined ? { body: '' } : { body };
  });
});
after(() => server.close());

function verifySignature(request: ScriptedServer['requests'][number], secret: string): void {
  const auth = parseAuthorization(String(request.headers.authorization));
  assert.ok(auth, 'Authorization is a well-formed bce-auth-v1 string');
  assert.equal(auth.accessKeyId, TEST_CREDENTIALS.accessKeyId);
  assertSignedByOracle(request, secret);
}

describe('every operation of the table', () => {
  test('has a wire case here', () => {
    assert.deepEqual(Object.keys(CASES).sort(), OPERATION_LIST.map((o) => o.name).sort());
  });

  for (const op of OPERATION_LIST) {
    test(`${op.name}: method, path, query, body, clientToken, headers, signature`, async () => {
      const wire = CASES[op.name];
      assert.ok(wire, `wire case for ${op.name}`);
      const before = server.requests.length;
      const events: DebugEvent[] = [];
      const client = new PeerConnClient({
        endpoint: server.url,
        credentials: TEST_CREDENTIALS,
        onDebug: (e) => events.push(e),
      });
      const output = (await client.call(op.name as 'getPeerConn', wire.input as never)) as unknown as Record<
        string,
        unknown
      >;
      const { $metadata: _metadata, ...data } = output;
      if (op.returnsData) {
        const check = OUTPUTS[op.name];
        assert.ok(check, `an output check for ${op.name}`);
        check(data);
      } else {
        assert.deepEqual(data, {}, 'an operation without output returns only $metadata');
      }
      assert.equal(server.requests.length, before + 1);
      const request = server.requests[before]!;
      assert.equal(request.method, wire.method);
      assert.equal(request.path, wire.path);
      const parts = request.rawQuery === '' ? [] : request.rawQuery.split('&');
      const token = parts.find((p) => p.startsWith('clientToken='));
      assert.deepEqual(
        parts.filter((p) => !p.startsWith('clientToken=')),
        wire.query,
      );
      if (op.mutating) {
        assert.ok(token, 'mutating call carries a clientToken');
        assert.match(token.slice('clientToken='.length), UUID_V4);
        assert.equal(parts.at(-1), token, 'clientToken comes last');
      } else {
        assert.equal(token, undefined, 'read calls carry no clientToken');
      }
      if (wire.body === undefined) {
        assert.equal(request.body, '');
      } else {
        assert.deepEqual(JSON.parse(request.body), wire.body);
        assert.equal(request.headers['content-length'], String(Buffer.byteLength(request.body)));
      }
      assert.equal(request.headers.host, `127.0.0.1:${server.port}`);
      assert.equal(request.headers['content-type'], 'application/json;charset=utf-8');
      assert.match(String(request.headers['x-bce-date']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.equal(
        request.headers['user-agent'],
        `peerconn-sdk/${SDK_VERSION} node/${process.version} ${process.platform}/${process.arch}`,
      );
      verifySignature(request, TEST_CREDENTIALS.secretAccessKey);
      assert.equal((output.$metadata as { httpStatusCode: number }).httpStatusCode, 200);
      assert.equal((output.$metadata as { requestId: string }).requestId, `req-${before}`);
      const sent = events.find((e) => e.type === 'request');
      assert.ok(sent && sent.type === 'request');
      assert.match(sent.headers.authorization ?? '', /^bce-auth-v1\/ak-test\//);
      assert.ok(
        !JSON.stringify(events).includes(TEST_CREDENTIALS.secretAccessKey),
        'secret never in debug events',
      );
    });
  }
});

describe('requests and responses', () => {
  test('user agent suffix, session token sent as x-bce-security-token and signed', async () => {
    const client = new PeerConnClient({
      endpoint: server.url,
      credentials: { ...TEST_CREDENTIALS, sessionToken: 'sts-token-1' },
      userAgentSuffix: 'my-tool/2',
    });
    const before = server.requests.length;
    await client.deletePeerConn({ peerConnId: 'p-9', clientToken: 'my-token' });
    const request = server.requests[before]!;
    assert.equal(request.headers['x-bce-security-token'], 'sts-token-1');
    assert.match(String(request.headers['user-agent']), / my-tool\/2$/);
    assert.equal(request.rawQuery, 'clientToken=my-token');
    assert.ok(
      parseAuthorization(String(request.headers.authorization))?.signedHeaders.includes(
        'x-bce-security-token',
      ),
    );
    verifySignature(request, TEST_CREDENTIALS.secretAccessKey);
  });

  test('create without billing sends Postpaid billing, as the Python SDK does; given billing is kept', async () => {
    const client = new PeerConnClient({ endpoint: server.url, credentials: TEST_CREDENTIALS });
    const base = { bandwidthInMbps: 5, localVpcId: 'vpc-a', peerVpcId: 'vpc-b', peerRegion: 'bj' };
    const before = server.requests.length;
    await client.createPeerConn(base);
    const prepaid = {
      paymentTiming: 'Prepaid' as const,
      reservation: { reservationLength: 3, reservationTimeUnit: 'month' },
    };
    await client.createPeerConn({ ...base, billing: prepaid });
    const [defaulted, given] = server.requests.slice(before).map((r) => JSON.parse(r.body));
    assert.deepEqual(defaulted, { ...base, billing: { paymentTiming: 'Postpaid' } });
    assert.deepEqual(given.billing, prepaid);
  });

  test('path parameters are URI-encoded and still verify', async () => {
    const client = new PeerConnClient({ endpoint: server.url, credentials: TEST_CREDENTIALS });
    const before = server.requests.length;
    await client.acceptPeerConn({ peerConnId: 'a b/测' });
    const request = server.requests[before]!;
    assert.equal(request.path, '/v1/peerconn/a%20b%2F%E6%B5%8B');
    assert.equal(decodeURIComponent(request.path), '/v1/peerconn/a b/测');
    verifySignature(request, TEST_CREDENTIALS.secretAccessKey);
  });

  test('missing path parameter fails before sending', async () => {
    const client = new PeerConnClient({ endpoint: server.url, credentials: TEST_CREDENTIALS });
    const before = server.requests.length;
    await assert.rejects(client.getPeerConn({ peerConnId: '' }), { name: 'BceClientError', kind: 'config' });
    assert.equal(server.requests.length, before);
  });

  test('bandwithInMbp and string numbers/booleans are normalised', async () => {
    const s = await startScriptedServer([
      { body: { peerConnId: 'p', status: 'active', bandwithInMbp: '30', deleteProtect: 'true' } },
      {
        body: {
          vpcs: [{ vpcId: 'v', isDefault: 'false' }],
          isTruncated: 'true',
          nextMarker: 'n',
          maxKeys: '1',
        },
      },
    ]);
    try {
      const client = new VpcClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const pc = await client.call('getPeerConn', { peerConnId: 'p' });
      assert.equal(pc.bandwidthInMbps, 30);
      assert.equal(pc.deleteProtect, true);
      assert.ok(!('bandwithInMbp' in pc));
      const page = await client.listVpcs();
      assert.equal(page.isTruncated, true);
      assert.equal(page.maxKeys, 1);
      assert.equal(page.vpcs[0]?.isDefault, false);
    } finally {
      await s.close();
    }
  });

  test('only the headers the SDK sets go out, plus Connection (and Content-Length: 0 on an empty PUT)', async () => {
    const s = await startScriptedServer([{ body: { peerConnId: 'p-1' } }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await client.getPeerConn({ peerConnId: 'p-1' });
      await client.acceptPeerConn({ peerConnId: 'p-1' });
      await client.resizePeerConn({ peerConnId: 'p-1', newBandwidthInMbps: 5 });
      const names = s.requests.map((r) => Object.keys(r.headers).sort());
      const common = ['authorization', 'connection', 'content-type', 'host', 'user-agent', 'x-bce-date'];
      const withLength = [...common, 'content-length'].sort();
      assert.deepEqual(names, [common, withLength, withLength]);
      assert.equal(s.requests[1]?.headers['content-length'], '0');
    } finally {
      await s.close();
    }
  });

  test('a redirect is surfaced as the error it is, never followed with a signature made for another URL', async () => {
    const s = await startScriptedServer([{ status: 302, headers: { location: '/elsewhere' }, body: '' }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), {
        name: 'BceServiceError',
        statusCode: 302,
      });
      assert.deepEqual(
        s.requests.map((r) => r.path),
        ['/v1/peerconn/p'],
      );
    } finally {
      await s.close();
    }
  });

  test('empty, {} and whitespace bodies are "no data" for operations without output', async () => {
    const s = await startScriptedServer([{ body: '' }, { body: '{}' }, { body: '  \n' }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      for (let i = 0; i < 3; i += 1) {
        const out = await client.resizePeerConn({ peerConnId: 'p', newBandwidthInMbps: 5 });
        assert.deepEqual(Object.keys(out), ['$metadata']);
      }
    } finally {
      await s.close();
    }
  });

  test('an empty 200 body where data is expected is a parse error carrying the status', async () => {
    const s = await startScriptedServer([{ body: '' }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), (err: unknown) => {
        assert.ok(err instanceof Error && err.name === 'BceClientError');
        const e = err as unknown as { kind: string; statusCode: number; message: string };
        assert.equal(e.kind, 'parse');
        assert.equal(e.statusCode, 200);
        assert.match(e.message, /expected a JSON body/);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  test('call() rejects unknown operation names', async () => {
    const client = new PeerConnClient({ endpoint: server.url, credentials: TEST_CREDENTIALS });
    await assert.rejects(client.call('nope' as 'getPeerConn', { peerConnId: 'x' }), { kind: 'config' });
  });
});
