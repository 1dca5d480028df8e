// The wire variants the official SDKs send for ACLs, security groups and the route switch, as raw signed
// requests: Python's `flag=` and JSON nulls for every unset rule field, and no Content-Type on the BCC
// (security group) calls; Go's bare flags, omitted fields, `"rules": null`, `position: 0`, a revoke without a
// token and sgVersion in both query and body; Java's bare flags and `"protocol": ""`; and the Go SDK's route
// switch, which loses its flag on the way out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SecurityGroup } from '@peerconn/sdk';
import { formatBceTimestamp, sign } from '@peerconn/sdk/internal';
import {
  createVpc,
  errorOf,
  queryEntries,
  type RawResponse,
  raw,
  signed,
  startTestServer,
  type TestServer,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

let server: TestServer;
let vpcId: string;
let subnetId: string;
let defaultGroupId: string;

before(async () => {
  server = await startTestServer();
  vpcId = await createVpc(server, server.a, '10.30.0.0/16');
  const subnet = await call('POST', '/v1/subnet?clientToken=net-wire-subnet', {
    name: 'db',
    zoneName: 'cn-bj-a',
    cidr: '10.30.1.0/24',
    vpcId,
  });
  assert.equal(subnet.status, 200, subnet.text);
  subnetId = (subnet.json as { subnetId: string }).subnetId;
  const groups = await call('GET', `/v2/securityGroup?vpcId=${vpcId}`);
  defaultGroupId = (groups.json as { securityGroups: SecurityGroup[] }).securityGroups[0]?.id as string;
});
after(async () => {
  await server.close();
});

function call(method: string, target: string, body?: unknown, style: 'python' | 'go' = 'python') {
  return signed({
    port: server.port,
    method,
    target,
    credential: server.a,
    style,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/**
 * As the Python SDK's BCC client sends a request: default-mode signature, Content-Length always, and no
 * Content-Type header at all.
 */
function pythonBcc(method: string, target: string, body?: unknown): Promise<RawResponse> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const timestamp = new Date();
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${server.port}`,
    'Content-Length': String(Buffer.byteLength(payload)),
    Accept: '*/*',
    'x-bce-date': formatBceTimestamp(timestamp),
  };
  const authorization = sign({
    method,
    path: decodeURIComponent(target.split('?')[0] as string),
    query: queryEntries(target),
    headers,
    accessKeyId: server.a.accessKeyId,
    secretAccessKey: server.a.secretAccessKey,
    timestamp,
    expirationSeconds: 1800,
    signedHeaders: 'default',
  });
  return raw({
    port: server.port,
    method,
    target,
    headers: { ...headers, Authorization: authorization },
    ...(payload === '' ? {} : { body: payload }),
  });
}

/** Every key of Python's rule model, unset ones as null. */
function pythonRule(set: Record<string, string>) {
  return {
    remark: null,
    direction: null,
    ethertype: null,
    portRange: null,
    protocol: null,
    sourceGroupId: null,
    sourceIp: null,
    destGroupId: null,
    destIp: null,
    securityGroupId: null,
    ...set,
  };
}

function ok(res: RawResponse): void {
  assert.equal(res.status, 200, res.text);
}

async function group(securityGroupId: string): Promise<SecurityGroup> {
  const res = await call('GET', `/v2/securityGroup/${securityGroupId}`);
  ok(res);
  return res.json as SecurityGroup;
}

const rulesOf = (g: SecurityGroup) =>
  g.rules.map(
    (r) =>
      `${r.direction} ${r.protocol} ${r.portRange} ${r.sourceIp || r.sourceGroupId}${r.destIp || r.destGroupId}`,
  );

describe('security groups as the Python SDK sends them', () => {
  test('create, authorize with `authorizeRule=` and sgVersion, revoke: nulls everywhere, no Content-Type', async () => {
    const created = await pythonBcc('POST', '/v2/securityGroup?clientToken=py-sg-1', {
      name: 'py',
      rules: [pythonRule({ direction: 'ingress', protocol: 'tcp', portRange: '22', sourceIp: '10.0.0.0/8' })],
      desc: 'from python',
      vpcId,
    });
    ok(created);
    const { securityGroupId } = created.json as { securityGroupId: string };
    assert.match(securityGroupId, /^g-[a-z0-9]{12}$/);
    const authorized = await pythonBcc(
      'PUT',
      `/v2/securityGroup/${securityGroupId}?authorizeRule=&clientToken=py-sg-2&sgVersion=0`,
      { rule: pythonRule({ direction: 'egress', protocol: 'udp', portRange: '53', destIp: '10.30.0.2' }) },
    );
    ok(authorized);
    assert.equal(authorized.text, '');
    const revoked = await pythonBcc(
      'PUT',
      `/v2/securityGroup/${securityGroupId}?clientToken=py-sg-3&revokeRule=`,
      {
        rule: pythonRule({ direction: 'ingress', protocol: 'tcp', portRange: '22', sourceIp: '10.0.0.0/8' }),
      },
    );
    ok(revoked);
    const g = await group(securityGroupId);
    assert.deepEqual([g.desc, g.sgVersion], ['from python', 2]);
    assert.deepEqual(rulesOf(g), ['egress all 1-65535 all', 'egress udp 53 10.30.0.2']);
    const listed = await pythonBcc(
      'GET',
      `/v2/securityGroup?vpcId=${vpcId}&securityGroupIds=${securityGroupId}%2C${defaultGroupId}`,
    );
    ok(listed);
    assert.deepEqual(
      (listed.json as { securityGroups: SecurityGroup[] }).securityGroups.map((x) => x.id),
      [defaultGroupId, securityGroupId],
    );
    const deleted = await pythonBcc('DELETE', `/v2/securityGroup/${securityGroupId}`);
    ok(deleted);
  });

  test('update and delete a rule by id with sgVersion in the query', async () => {
    const created = await pythonBcc('POST', '/v2/securityGroup?clientToken=py-sg-4', {
      name: 'py2',
      rules: [pythonRule({ direction: 'ingress', protocol: 'tcp', portRange: '80' })],
      vpcId,
    });
    ok(created);
    const { securityGroupId } = created.json as { securityGroupId: string };
    const ruleId = (await group(securityGroupId)).rules[0]?.securityGroupRuleId as string;
    ok(
      await pythonBcc('PUT', '/v2/securityGroup/rule/update?clientToken=py-sg-5&sgVersion=0', {
        securityGroupRuleId: ruleId,
        portRange: '8080',
        remark: 'web',
      }),
    );
    const stale = await pythonBcc(
      'DELETE',
      `/v2/securityGroup/rule/${ruleId}?clientToken=py-sg-6&sgVersion=0`,
    );
    assert.deepEqual(errorOf(stale), {
      status: 409,
      code: 'SecurityGroup.VersionMismatch',
      requestIdMatches: true,
    });
    ok(await pythonBcc('DELETE', `/v2/securityGroup/rule/${ruleId}?clientToken=py-sg-7&sgVersion=1`));
    assert.deepEqual(rulesOf(await group(securityGroupId)), ['egress all 1-65535 all']);
  });
});

describe('security groups as the Go SDK sends them', () => {
  test('create with `"rules": null`, bare flags, omitted fields, a revoke without token, update with sgVersion twice', async () => {
    const created = await call('POST', '/v2/securityGroup', { name: 'go', vpcId, rules: null }, 'go');
    ok(created);
    const { securityGroupId } = created.json as { securityGroupId: string };
    assert.deepEqual(rulesOf(await group(securityGroupId)), ['egress all 1-65535 all']);
    ok(
      await call(
        'PUT',
        `/v2/securityGroup/${securityGroupId}?authorizeRule&clientToken=go-sg-1`,
        { rule: { direction: 'ingress', protocol: 'tcp', portRange: '443' } },
        'go',
      ),
    );
    ok(
      await call(
        'PUT',
        `/v2/securityGroup/${securityGroupId}?authorizeRule`,
        { rule: { direction: 'ingress', sourceGroupId: defaultGroupId } },
        'go',
      ),
    );
    ok(
      await call(
        'PUT',
        `/v2/securityGroup/${securityGroupId}?revokeRule`,
        { rule: { direction: 'ingress', protocol: 'tcp', portRange: '443' } },
        'go',
      ),
    );
    const g = await group(securityGroupId);
    assert.deepEqual(rulesOf(g), [`ingress all 1-65535 ${defaultGroupId}`, 'egress all 1-65535 all']);
    const ruleId = g.rules[0]?.securityGroupRuleId as string;
    ok(
      await call(
        'PUT',
        `/v2/securityGroup/rule/update?sgVersion=${g.sgVersion}`,
        { sgVersion: g.sgVersion, securityGroupRuleId: ruleId, remark: 'from the default group' },
        'go',
      ),
    );
    assert.equal((await group(securityGroupId)).rules[0]?.remark, 'from the default group');
    const unknown = await call('PUT', `/v2/securityGroup/${securityGroupId}?bindEsg`, { rule: {} }, 'go');
    assert.deepEqual(errorOf(unknown), { status: 400, code: 'InvalidParameter', requestIdMatches: true });
    assert.match(
      (unknown.json as { message: string }).message,
      /Unknown action "bindEsg" for PUT "\/v2\/securityGroup\/g-[a-z0-9]+"; actions on this path: "authorizeRule", "revokeRule"/,
    );
    const go = await call('GET', `/v2/securityGroup?maxKeys=1000&vpcId=${vpcId}`, undefined, 'go');
    ok(go);
    assert.deepEqual(
      [(go.json as { isTruncated: boolean }).isTruncated, (go.json as { maxKeys: number }).maxKeys],
      [false, 1000],
    );
  });

  test('an ACL rule as Go sends it: every field, "" for unset strings, position 0 when unset', async () => {
    const rule = {
      subnetId,
      protocol: 'tcp',
      sourceIpAddress: '',
      destinationIpAddress: '10.30.1.0/24',
      sourcePort: '',
      destinationPort: '3306',
      position: 0,
      direction: 'ingress',
      action: 'allow',
    };
    const unset = await call('POST', '/v1/acl/rule', { aclRules: [rule] }, 'go');
    assert.deepEqual(errorOf(unset), { status: 400, code: 'InvalidAclRule', requestIdMatches: true });
    assert.match((unset.json as { message: string }).message, /"aclRules\[0\]\.position" \(0\)/);
    ok(
      await call(
        'POST',
        '/v1/acl/rule?clientToken=go-acl-1',
        { aclRules: [{ ...rule, position: 30 }] },
        'go',
      ),
    );
    const listed = await call('GET', `/v1/acl/rule?maxKeys=1000&subnetId=${subnetId}`, undefined, 'go');
    ok(listed);
    const [made] = (listed.json as { aclRules: Array<Record<string, unknown>> }).aclRules;
    assert.deepEqual(
      [made?.sourceIpAddress, made?.sourcePort, made?.position, made?.description, made?.ipVersion],
      ['all', 'all', 30, '', 4],
      'Go’s empty strings mean all; position and ipVersion are numbers',
    );
    // Go's update sends only what is set (omitempty); Python sends position as a number too.
    ok(await call('PUT', `/v1/acl/rule/${made?.id}`, { action: 'deny' }, 'go'));
    ok(
      await call('PUT', `/v1/acl/rule/${made?.id}?clientToken=py-acl-1`, { position: 31, description: 'py' }),
    );
    // Java's request class can also carry direction and subnetId: unknown here, they are ignored.
    ok(
      await call('PUT', `/v1/acl/rule/${made?.id}?clientToken=java-acl-1`, {
        id: made?.id,
        subnetId: 'sbn-elsewhere0',
        direction: 'egress',
        name: 'java',
        description: 'java',
      }),
    );
    const after = (
      (await call('GET', `/v1/acl/rule?subnetId=${subnetId}`)).json as {
        aclRules: Array<Record<string, unknown>>;
      }
    ).aclRules[0];
    assert.deepEqual(
      [after?.action, after?.position, after?.description, after?.direction, after?.subnetId],
      ['deny', 31, 'java', 'ingress', subnetId],
    );
    ok(await call('DELETE', `/v1/acl/rule/${made?.id}`, undefined, 'go'));
  });
});

describe('security groups as the Java SDK sends them', () => {
  test('bare flags with clientToken and sgVersion, and `"protocol": ""` for a rule without one', async () => {
    const created = await call('POST', '/v2/securityGroup?clientToken=java-sg-1', {
      name: 'java',
      vpcId,
      rules: [{ direction: 'ingress', protocol: '', sourceIp: '10.40.0.0/16' }],
    });
    ok(created);
    const { securityGroupId } = created.json as { securityGroupId: string };
    ok(
      await call(
        'PUT',
        `/v2/securityGroup/${securityGroupId}?authorizeRule&clientToken=java-sg-2&sgVersion=0`,
        {
          rule: { direction: 'egress', protocol: '', destIp: '10.40.0.0/16', remark: 'back' },
        },
      ),
    );
    const g = await group(securityGroupId);
    assert.deepEqual(rulesOf(g), [
      'ingress all 1-65535 10.40.0.0/16',
      'egress all 1-65535 all',
      'egress all 1-65535 10.40.0.0/16',
    ]);
    ok(
      await call('PUT', `/v2/securityGroup/${securityGroupId}?revokeRule&clientToken=java-sg-3&sgVersion=1`, {
        rule: { direction: 'egress', protocol: '', destIp: '10.40.0.0/16', remark: 'back' },
      }),
    );
    ok(await call('DELETE', `/v2/securityGroup/${securityGroupId}?clientToken=java-sg-4`));
  });

  test('a path of the security group API under /v1 names the version that serves it', async () => {
    const res = await call('GET', '/v1/securityGroup');
    assert.deepEqual(errorOf(res), { status: 404, code: 'InvalidVersion', requestIdMatches: true });
    assert.match((res.json as { message: string }).message, /use v2/);
  });
});

describe('the route switch as each SDK sends it', () => {
  let activeId: string;
  let routeTableId: string;

  before(async () => {
    const table = await call('GET', `/v1/route?vpcId=${vpcId}`);
    routeTableId = (table.json as { routeTableId: string }).routeTableId;
    // The Go SDK sends `"nexthopType": ""` with a nextHopList.
    const created = await call(
      'POST',
      '/v1/route/rule?clientToken=go-pair-1',
      {
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: '172.16.0.0/12',
        nexthopType: '',
        nextHopList: [
          { nexthopId: 'dcgw-a', nexthopType: 'dcGateway', pathType: 'ha:active' },
          { nexthopId: 'dcgw-b', nexthopType: 'dcGateway', pathType: 'ha:standby' },
        ],
      },
      'go',
    );
    ok(created);
    const answer = created.json as { routeRuleId: string; routeRuleIds: string[] };
    assert.equal(answer.routeRuleIds.length, 2);
    activeId = answer.routeRuleId;
  });

  const active = async () => {
    const table = await call('GET', `/v1/route?routeTableId=${routeTableId}`);
    const rules = (table.json as { routeRules: Array<{ nexthopId: string; pathType: string }> }).routeRules;
    return rules.find((r) => r.pathType === 'ha:active')?.nexthopId;
  };
  const idOf = async (nexthopId: string) => {
    const table = await call('GET', `/v1/route?routeTableId=${routeTableId}`);
    const rules = (table.json as { routeRules: Array<{ routeRuleId: string; nexthopId: string }> })
      .routeRules;
    return rules.find((r) => r.nexthopId === nexthopId)?.routeRuleId as string;
  };

  test('Python `switchRouteHA=` (sorted, Content-Length: 0) and Java’s bare flag both switch', async () => {
    assert.equal(await active(), 'dcgw-a');
    const python = await call('PUT', `/v1/route/rule/${activeId}?clientToken=py-switch-1&switchRouteHA=`);
    ok(python);
    assert.equal(python.headers['content-length'], '0');
    assert.equal(await active(), 'dcgw-b');
    const java = await call(
      'PUT',
      `/v1/route/rule/${await idOf('dcgw-b')}?switchRouteHA&clientToken=java-switch-1`,
    );
    ok(java);
    assert.equal(await active(), 'dcgw-a');
    // A repeat of the same switch with its token is answered again and switches nothing.
    ok(await call('PUT', `/v1/route/rule/${activeId}?clientToken=py-switch-1&switchRouteHA=`));
    assert.equal(await active(), 'dcgw-a');
  });

  test('the Go SDK’s SwitchRoute loses the flag: a flagless PUT with no body is an empty update, refused', async () => {
    const go = await call('PUT', `/v1/route/rule/${activeId}?clientToken=go-switch-1`, undefined, 'go');
    assert.deepEqual(errorOf(go), { status: 400, code: 'InappropriateJSON', requestIdMatches: true });
    assert.match(
      (go.json as { message: string }).message,
      /has none\. To switch a primary\/standby pair, send the switchRouteHA flag .* Go SDK's SwitchRoute leaves the flag out/,
    );
    const bare = await call('PUT', `/v1/route/rule/${activeId}`, undefined, 'go');
    assert.equal(errorOf(bare).code, 'InappropriateJSON');
    assert.equal(await active(), 'dcgw-a', 'nothing switched');
  });
});
