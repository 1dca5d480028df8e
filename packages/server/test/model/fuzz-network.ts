// Malformed requests for the network operations: subnets, ACL rules, security groups, network interfaces and
// route rules. Every one is refused in a way decided before it is sent — its shape (a wrong type or a null where
// a field is required, nested in a rule or an address), an action flag the path does not know, a version
// segment of another family, or a rule of the service on the seeded state (docs/server-rules.md) — so the state
// must not move. Python's nulls where a field is optional are sent next to another refusal, so that the answer
// shows they were read as absent (the refusal is the rule's, not InappropriateJSON).
import fc from 'fast-check';
import {
  ALICE,
  BOB,
  type BodyOp,
  CAROL,
  type Draft,
  type FuzzCase,
  one,
  type Seeded,
  whole,
} from './fuzz-requests.ts';

const aclRule = (subnetId: string, position: number): Record<string, unknown> => ({
  subnetId,
  protocol: 'tcp',
  sourceIpAddress: '10.2.0.0/16',
  destinationIpAddress: 'all',
  sourcePort: 'all',
  destinationPort: '3306',
  position,
  direction: 'ingress',
  action: 'allow',
});

/** The seeded group's rule as the Python SDK writes it: every key, unset ones null. */
const pythonRule = (portRange: string): Record<string, unknown> => ({
  remark: null,
  direction: 'ingress',
  ethertype: null,
  portRange,
  protocol: 'tcp',
  sourceGroupId: null,
  sourceIp: '10.0.0.0/8',
  destGroupId: null,
  destIp: null,
  securityGroupId: null,
});

/** Bodies of the network operations, valid on the seeded state, with their fields' JSON types (fuzz.ts). */
export const NETWORK_BODY_OPS: Record<string, BodyOp> = {
  createSubnet: {
    method: 'POST',
    target: () => '/v1/subnet',
    valid: (s) => ({ name: 'fuzz', zoneName: 'cn-bj-a', cidr: '10.1.2.0/24', vpcId: s.vpcA1 }),
    types: {
      name: 'string',
      zoneName: 'string',
      cidr: 'string',
      vpcId: 'string',
      subnetType: 'string',
      enableIpv6: 'boolean',
      tags: 'array',
    },
  },
  updateSubnet: {
    method: 'PUT',
    target: (s) => `/v1/subnet/${s.subnetA1}?modifyAttribute`,
    valid: () => ({ name: 'renamed' }),
    types: { name: 'string', description: 'string', enableIpv6: 'boolean' },
  },
  createAclRules: {
    method: 'POST',
    target: () => '/v1/acl/rule',
    valid: (s) => ({ aclRules: [aclRule(s.subnetA1, 20)] }),
    types: { aclRules: 'array' },
  },
  updateAclRule: {
    method: 'PUT',
    target: (s) => `/v1/acl/rule/${s.aclRuleA1}`,
    valid: () => ({ description: 'fuzz' }),
    types: {
      description: 'string',
      protocol: 'string',
      sourceIpAddress: 'string',
      destinationIpAddress: 'string',
      sourcePort: 'string',
      destinationPort: 'string',
      position: 'number',
      action: 'string',
    },
  },
  createSecurityGroup: {
    method: 'POST',
    target: () => '/v2/securityGroup',
    valid: (s) => ({
      name: 'fuzz',
      vpcId: s.vpcA1,
      rules: [{ direction: 'ingress', protocol: 'tcp', portRange: '80', sourceIp: '10.0.0.0/8' }],
    }),
    types: { name: 'string', desc: 'string', vpcId: 'string', rules: 'array', tags: 'array' },
  },
  authorizeSecurityGroupRule: {
    method: 'PUT',
    target: (s) => `/v2/securityGroup/${s.groupA1}?authorizeRule`,
    valid: () => ({
      rule: { direction: 'ingress', protocol: 'tcp', portRange: '80', sourceIp: '10.0.0.0/8' },
    }),
    types: { rule: 'object' },
  },
  revokeSecurityGroupRule: {
    method: 'PUT',
    target: (s) => `/v2/securityGroup/${s.groupA1}?revokeRule`,
    valid: () => ({
      rule: { direction: 'ingress', protocol: 'tcp', portRange: '22', sourceIp: '10.0.0.0/8' },
    }),
    types: { rule: 'object' },
  },
  updateSecurityGroupRule: {
    method: 'PUT',
    target: () => '/v2/securityGroup/rule/update',
    valid: (s) => ({ securityGroupRuleId: s.groupRuleA1, remark: 'fuzz' }),
    types: {
      securityGroupRuleId: 'string',
      remark: 'string',
      portRange: 'string',
      sourceIp: 'string',
      sourceGroupId: 'string',
      destIp: 'string',
      destGroupId: 'string',
      protocol: 'string',
    },
  },
  updateRouteRule: {
    method: 'PUT',
    target: (s) => `/v1/route/rule/${s.routeRuleA1}`,
    valid: () => ({ description: 'fuzz' }),
    types: {
      sourceAddress: 'string',
      destinationAddress: 'string',
      nexthopId: 'string',
      description: 'string',
    },
  },
  createEni: {
    method: 'POST',
    target: () => '/v1/eni',
    valid: (s) => ({
      name: 'fuzz',
      subnetId: s.subnetA1,
      securityGroupIds: [s.groupA1],
      privateIpSet: [{ primary: true, privateIpAddress: '' }],
    }),
    types: {
      name: 'string',
      subnetId: 'string',
      instanceId: 'string',
      securityGroupIds: 'array',
      privateIpSet: 'array',
      description: 'string',
      tags: 'array',
    },
  },
  updateEni: {
    method: 'PUT',
    target: (s) => `/v1/eni/${s.eniA1}?modifyAttribute`,
    valid: () => ({ name: 'fuzz' }),
    types: { name: 'string', description: 'string' },
  },
  updateEniSecurityGroups: {
    method: 'PUT',
    target: (s) => `/v1/eni/${s.eniA1}?bindSg`,
    valid: (s) => ({ securityGroupIds: [s.defaultGroupA1] }),
    types: { securityGroupIds: 'array' },
  },
  attachEni: {
    method: 'PUT',
    target: (s) => `/v1/eni/${s.eniA1}?attach`,
    valid: () => ({ instanceId: 'i-fuzz' }),
    types: { instanceId: 'string', instanceType: 'string' },
  },
  addEniPrivateIp: {
    method: 'POST',
    target: (s) => `/v1/eni/${s.eniA1}/privateIp`,
    valid: () => ({ privateIpAddress: '' }),
    types: { privateIpAddress: 'string', isIpv6: 'boolean' },
  },
  batchDeleteEniPrivateIps: {
    method: 'POST',
    target: (s) => `/v1/eni/${s.eniA1}/privateIp/batchDel`,
    valid: () => ({ privateIpAddresses: ['10.1.1.11'] }),
    types: { privateIpAddresses: 'array' },
  },
};

/** JSON values of a type other than `type`, null included when `nullIsWrong` (a required field). */
function notOfType(
  type: 'string' | 'number' | 'boolean' | 'object',
  nullIsWrong: boolean,
): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.constantFrom('10', 'tcp', ''),
    number: fc.constantFrom(10, 1.5, -1),
    boolean: fc.boolean(),
    object: fc.constantFrom({}, { direction: 'ingress' }),
    array: fc.constantFrom([], ['ingress'], [null]),
  };
  const choices = Object.entries(all)
    .filter(([name]) => name !== type)
    .map(([, arb]) => arb);
  // Where an integer is wanted, a fraction is the wrong type too.
  if (type === 'number') choices.push(fc.constant(1.5));
  if (nullIsWrong) choices.push(fc.constant(null));
  return fc.oneof(...choices);
}

/** A nested field of a body: where it is, its JSON type, and whether it is required there. */
interface Nested {
  op: string;
  field: string;
  type: 'string' | 'number' | 'boolean' | 'object';
  required: boolean;
  /** The body with `value` at the field's place. */
  body: (s: Seeded, value: unknown) => Record<string, unknown>;
}

const ACL_FIELDS: Array<[string, 'string' | 'number', boolean]> = [
  ['subnetId', 'string', true],
  ['protocol', 'string', true],
  ['sourceIpAddress', 'string', true],
  ['destinationIpAddress', 'string', true],
  ['sourcePort', 'string', true],
  ['destinationPort', 'string', true],
  ['position', 'number', true],
  ['direction', 'string', true],
  ['action', 'string', true],
  ['description', 'string', false],
  ['ipVersion', 'number', false],
];

const RULE_FIELDS: Array<[string, boolean]> = [
  ['direction', true],
  ['remark', false],
  ['ethertype', false],
  ['protocol', false],
  ['portRange', false],
  ['sourceIp', false],
  ['sourceGroupId', false],
  ['destIp', false],
  ['destGroupId', false],
];

const NESTED: Nested[] = [
  ...ACL_FIELDS.map(
    ([field, type, required]): Nested => ({
      op: 'createAclRules',
      field: `aclRules[0].${field}`,
      type,
      required,
      body: (s, value) => ({ aclRules: [{ ...aclRule(s.subnetA1, 20), [field]: value }] }),
    }),
  ),
  ...RULE_FIELDS.flatMap(([field, required]): Nested[] => [
    {
      op: 'authorizeSecurityGroupRule',
      field: `rule.${field}`,
      type: 'string',
      required,
      body: (_s, value) => ({ rule: { direction: 'ingress', portRange: '81', [field]: value } }),
    },
    {
      op: 'createSecurityGroup',
      field: `rules[0].${field}`,
      type: 'string',
      required,
      body: (s, value) => ({
        name: 'fuzz',
        vpcId: s.vpcA1,
        rules: [{ direction: 'egress', protocol: 'udp', [field]: value }],
      }),
    },
  ]),
  {
    op: 'createSecurityGroup',
    field: 'tags[0].tagKey',
    type: 'string',
    required: true,
    body: (s, value) => ({ name: 'fuzz', vpcId: s.vpcA1, tags: [{ tagKey: value }] }),
  },
  {
    op: 'createEni',
    field: 'privateIpSet[0].primary',
    type: 'boolean',
    required: false,
    body: (s, value) => ({ name: 'fuzz', subnetId: s.subnetA1, privateIpSet: [{ primary: value }] }),
  },
  {
    op: 'createEni',
    field: 'privateIpSet[0].privateIpAddress',
    type: 'string',
    required: false,
    body: (s, value) => ({
      name: 'fuzz',
      subnetId: s.subnetA1,
      privateIpSet: [{ primary: true, privateIpAddress: value }],
    }),
  },
  {
    op: 'createEni',
    field: 'securityGroupIds[0]',
    type: 'string',
    required: true,
    body: (s, value) => ({
      name: 'fuzz',
      subnetId: s.subnetA1,
      securityGroupIds: [value],
      privateIpSet: [{ primary: true }],
    }),
  },
  {
    op: 'updateEniSecurityGroups',
    field: 'securityGroupIds[0]',
    type: 'string',
    required: true,
    body: (_s, value) => ({ securityGroupIds: [value] }),
  },
];

const NESTED_TARGETS: Record<string, (s: Seeded) => [string, string]> = {
  createAclRules: () => ['POST', '/v1/acl/rule'],
  authorizeSecurityGroupRule: (s) => ['PUT', `/v2/securityGroup/${s.groupA1}?authorizeRule`],
  createSecurityGroup: () => ['POST', '/v2/securityGroup'],
  createEni: () => ['POST', '/v1/eni'],
  updateEniSecurityGroups: (s) => ['PUT', `/v1/eni/${s.eniA1}?bindSg`],
};

/**
 * The generators of the network cases (fuzz.ts mixes them into the rest): all of them, and those after which the
 * connection stays open (for pipelining: no body past the limit).
 */
export function networkCaseArbs(
  seeded: Seeded,
  bodyLimit: number,
): { all: fc.Arbitrary<FuzzCase>; keepsOpen: fc.Arbitrary<FuzzCase> } {
  const port = seeded.port;
  const s = seeded;
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const signed = (kind: string, draft: Draft, codes: readonly string[]) =>
    one(kind, whole(draft, port), codes, draft.method !== 'GET');

  // A field inside a rule, an address or a list of the wrong type, or null where it is required.
  const nestedWrong = fc
    .constantFrom(...NESTED)
    .chain((nested) => notOfType(nested.type, nested.required).map((value) => ({ nested, value })))
    .map(({ nested, value }) => {
      const [method, target] = (NESTED_TARGETS[nested.op] as (s: Seeded) => [string, string])(s);
      return signed('wrong nested types', { method, target, body: json(nested.body(s, value)) }, [
        'InappropriateJSON',
      ]);
    });

  // Nulls as the Python SDK sends them for what it was not given, next to another refusal; and nulls where a
  // field is required, which are refused for their shape.
  const nulls = fc
    .constantFrom<[string, string, unknown, string[]]>(
      [
        'PUT',
        `/v2/securityGroup/${s.groupA1}?authorizeRule`,
        { rule: pythonRule('22') },
        ['SecurityGroup.RuleAlreadyExists'],
      ],
      ['PUT', `/v2/securityGroup/${s.groupA1}?revokeRule`, { rule: pythonRule('23') }, ['NoSuchObject']],
      [
        'POST',
        '/v2/securityGroup',
        { name: 'fuzz', desc: null, vpcId: s.vpcB1, rules: [pythonRule('80')], tags: null },
        ['NoSuchObject'],
      ],
      ['POST', '/v2/securityGroup', { name: 'fuzz', vpcId: s.vpcB1, rules: null }, ['NoSuchObject']],
      [
        'PUT',
        '/v2/securityGroup/rule/update?sgVersion=99',
        {
          securityGroupRuleId: s.groupRuleA1,
          remark: null,
          portRange: '23',
          sourceIp: null,
          sourceGroupId: null,
          destIp: null,
          destGroupId: null,
          protocol: null,
        },
        ['SecurityGroup.VersionMismatch'],
      ],
      [
        'PUT',
        '/v2/securityGroup/rule/update',
        {
          securityGroupRuleId: s.groupRuleA1,
          remark: null,
          portRange: null,
          sourceIp: null,
          sourceGroupId: null,
          destIp: null,
          destGroupId: null,
          protocol: null,
        },
        ['InappropriateJSON'],
      ],
      [
        'POST',
        '/v1/acl/rule',
        { aclRules: [{ ...aclRule(s.subnetA1, 10), description: null, ipVersion: null }] },
        ['AclRulePositionConflict'],
      ],
      [
        'PUT',
        `/v1/acl/rule/${s.aclRuleA1}`,
        {
          description: null,
          protocol: null,
          sourceIpAddress: null,
          destinationIpAddress: null,
          sourcePort: null,
          destinationPort: null,
          position: null,
          action: null,
        },
        ['InappropriateJSON'],
      ],
      [
        'POST',
        '/v1/subnet',
        {
          name: 'fuzz',
          zoneName: 'cn-bj-a',
          cidr: '10.1.1.128/25',
          vpcId: s.vpcA1,
          subnetType: null,
          description: null,
          enableIpv6: null,
          tags: null,
        },
        ['SubnetConflict'],
      ],
      [
        'POST',
        '/v1/eni',
        {
          name: 'fuzz',
          subnetId: s.subnetA1,
          instanceId: null,
          securityGroupIds: null,
          enterpriseSecurityGroupIds: null,
          privateIpSet: [{ primary: true, privateIpAddress: '10.1.1.10', publicIpAddress: null }],
          ipv6PrivateIpSet: null,
          description: null,
          tags: null,
        },
        ['PrivateIpInUse'],
      ],
      ['POST', '/v1/eni', { name: 'fuzz', subnetId: s.subnetA1, privateIpSet: null }, ['InappropriateJSON']],
      ['POST', '/v1/acl/rule', { aclRules: null }, ['InappropriateJSON']],
      ['POST', '/v1/acl/rule', { aclRules: [null] }, ['InappropriateJSON']],
      ['PUT', `/v2/securityGroup/${s.groupA1}?authorizeRule`, { rule: null }, ['InappropriateJSON']],
      ['PUT', `/v1/eni/${s.eniA1}?bindSg`, { securityGroupIds: null }, ['InappropriateJSON']],
      ['PUT', `/v1/eni/${s.eniA1}?attach`, { instanceId: null }, ['InappropriateJSON']],
      [
        'PUT',
        '/v2/securityGroup/rule/update',
        { securityGroupRuleId: null, remark: 'x' },
        ['InappropriateJSON'],
      ],
    )
    .map(([method, target, body, codes]) => signed('nulls', { method, target, body: json(body) }, codes));

  // Lists far longer than any rule allows: refused by the limit, or by the body limit when they do not fit.
  const hugeArrays = fc
    .tuple(
      fc.constantFrom('acl', 'groupRules', 'bindSg', 'addresses', 'batchDel'),
      fc.integer({ min: 0, max: 400 }),
    )
    .map(([what, extra]) => {
      let draft: Draft;
      let codes: string[];
      switch (what) {
        case 'acl':
          draft = {
            method: 'POST',
            target: '/v1/acl/rule',
            body: json({
              aclRules: Array.from({ length: 21 + extra }, (_, i) => aclRule(s.subnetA1, 100 + i)),
            }),
          };
          codes = ['InappropriateJSON'];
          break;
        case 'groupRules':
          draft = {
            method: 'POST',
            target: '/v2/securityGroup',
            body: json({
              name: 'fuzz',
              vpcId: s.vpcA1,
              rules: Array.from({ length: 101 + extra }, (_, i) => ({
                direction: 'ingress',
                protocol: 'tcp',
                portRange: String(i + 1),
              })),
            }),
          };
          codes = ['SecurityGroup.RuleQuotaExceeded'];
          break;
        case 'bindSg':
          draft = {
            method: 'PUT',
            target: `/v1/eni/${s.eniA1}?bindSg`,
            body: json({
              securityGroupIds: Array.from(
                { length: 11 + extra },
                (_, i) => `g-${String(i).padStart(12, '0')}`,
              ),
            }),
          };
          codes = ['InappropriateJSON'];
          break;
        case 'addresses':
          draft = {
            method: 'POST',
            target: '/v1/eni',
            body: json({
              name: 'fuzz',
              subnetId: s.subnetA1,
              privateIpSet: Array.from({ length: 41 + extra }, (_, i) => ({ primary: i === 0 })),
            }),
          };
          codes = ['EniQuotaExceeded'];
          break;
        default:
          draft = {
            method: 'POST',
            target: `/v1/eni/${s.eniA1}/privateIp/batchDel`,
            // Distinct addresses: repeats count once (docs/server-rules.md, Network interfaces).
            body: json({
              privateIpAddresses: Array.from(
                { length: 11 + extra },
                (_, i) => `10.1.${2 + (i >> 8)}.${i & 255}`,
              ),
            }),
          };
          codes = ['InappropriateJSON'];
      }
      const tooLarge = (draft.body as Buffer).length > bodyLimit;
      return signed('huge lists', draft, tooLarge ? ['EntityTooLarge'] : codes);
    });

  // Action flags a path does not know, two at once, or none where one is needed: never taken as another
  // operation of the path.
  const badFlags = fc
    .constantFrom<[string, string, unknown, string[]]>(
      ['PUT', `/v2/securityGroup/${s.groupA1}?bindEsg`, { rule: pythonRule('80') }, ['InvalidParameter']],
      ['PUT', `/v2/securityGroup/${s.groupA1}?unbindEsg`, {}, ['InvalidParameter']],
      ['PUT', `/v2/securityGroup/${s.groupA1}?authorize`, { rule: pythonRule('80') }, ['InvalidParameter']],
      ['PUT', `/v2/securityGroup/${s.groupA1}`, { rule: pythonRule('80') }, ['InvalidParameter']],
      [
        'PUT',
        `/v2/securityGroup/${s.groupA1}?authorizeRule&revokeRule`,
        { rule: pythonRule('22') },
        ['InvalidParameter'],
      ],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}?switchRoute`, undefined, ['InvalidParameter']],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}?switchRouteHa`, undefined, ['InvalidParameter']],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}?enable`, { description: 'x' }, ['InvalidParameter']],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}?bindEsg`, { description: 'x' }, ['InvalidParameter']],
      [
        'PUT',
        `/v1/route/rule/${s.routeRuleA1}?switchRouteHA&modifyAttribute`,
        undefined,
        ['InvalidParameter'],
      ],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}?switchRouteHA`, undefined, ['InvalidRouteRule']],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}`, undefined, ['InappropriateJSON']],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}`, {}, ['InappropriateJSON']],
      [
        'PUT',
        `/v1/route/rule/${s.routeRuleA1}`,
        { description: '', sourceAddress: '' },
        ['InappropriateJSON'],
      ],
      ['PUT', `/v1/acl/rule/${s.aclRuleA1}?modifyAttribute`, { description: 'x' }, ['InvalidParameter']],
      ['PUT', `/v1/subnet/${s.subnetA1}`, { name: 'x' }, ['InvalidParameter']],
      ['PUT', `/v1/subnet/${s.subnetA1}?modifyAttribute&bindSg`, { name: 'x' }, ['InvalidParameter']],
      ['PUT', `/v1/eni/${s.eniA1}?bindEsg`, { securityGroupIds: [s.groupA1] }, ['InvalidParameter']],
      ['PUT', `/v1/eni/${s.eniA1}?bind`, { publicIpAddress: '100.64.0.1' }, ['InvalidParameter']],
      ['PUT', `/v1/eni/${s.eniA1}?unBind`, {}, ['InvalidParameter']],
      ['PUT', `/v1/eni/${s.eniA1}`, { name: 'x' }, ['InvalidParameter']],
      [
        'PUT',
        `/v1/eni/${s.eniA1}?bindSg&attach`,
        { securityGroupIds: [s.groupA1], instanceId: 'i-x' },
        ['InvalidParameter'],
      ],
      ['PUT', `/v1/vpc/${s.vpcA1}?bindSg`, { securityGroupIds: [s.groupA1] }, ['InvalidParameter']],
    )
    .map(([method, target, body, codes]) =>
      signed(
        'unknown or missing actions',
        { method, target, ...(body === undefined ? {} : { body: json(body) }) },
        codes,
      ),
    );

  // A path of one version family asked under another (security groups live under /v2, the rest under /v1).
  const versions = fc
    .constantFrom<[string, string, string[]]>(
      ['GET', '/v1/securityGroup', ['InvalidVersion']],
      ['POST', '/v1/securityGroup', ['InvalidVersion']],
      ['PUT', `/v1/securityGroup/${s.groupA1}?authorizeRule`, ['InvalidVersion']],
      ['DELETE', `/v1/securityGroup/${s.groupA1}`, ['InvalidVersion']],
      ['PUT', '/v1/securityGroup/rule/update', ['InvalidVersion']],
      ['DELETE', `/v1/securityGroup/rule/${s.groupRuleA1}`, ['InvalidVersion']],
      ['GET', `/v2/acl?vpcId=${s.vpcA1}`, ['InvalidVersion']],
      ['POST', '/v2/acl/rule', ['InvalidVersion']],
      ['DELETE', `/v2/acl/rule/${s.aclRuleA1}`, ['InvalidVersion']],
      ['DELETE', `/v2/subnet/${s.subnetA1}`, ['InvalidVersion']],
      ['PUT', `/v2/route/rule/${s.routeRuleA1}?switchRouteHA`, ['InvalidVersion']],
      ['DELETE', `/v2/eni/${s.eniA1}`, ['InvalidVersion']],
      ['GET', `/v3/securityGroup/${s.groupA1}`, ['InvalidVersion']],
      ['POST', '/v2/securityGroup/rule/update', ['MethodNotAllowed']],
      ['DELETE', '/v2/securityGroup/rule/update', ['NoSuchObject']],
    )
    .map(([method, target, codes]) =>
      signed(
        'another version',
        { method, target, ...(method === 'POST' || method === 'PUT' ? { body: json({}) } : {}) },
        codes,
      ),
    );

  // Addresses in an interface's path, percent-encoded as the Python SDK writes them or oddly: decoded, they name
  // the primary address, one the interface does not hold, or nothing an address could be.
  const encodedIps = fc
    .constantFrom<[string, string, string, typeof ALICE, string[]]>(
      [s.eniA1, '10%2E1%2E1%2E10', '10.1.1.10', ALICE, ['InvalidPrivateIp']],
      [s.eniA1, '10.1.1.10', '10.1.1.10', ALICE, ['InvalidPrivateIp']],
      [s.eniA1, '10%2e1%2e1%2e99', '10.1.1.99', ALICE, ['InvalidPrivateIp']],
      [s.eniA1, '%3A%3A1', '::1', ALICE, ['InvalidPrivateIp']],
      [s.eniA1, '10.1.1.11%3A32', '10.1.1.11:32', ALICE, ['InvalidPrivateIp']],
      [s.eniA1, '10%2E1%2E1%2E11', '10.1.1.11', CAROL, ['NoSuchObject']],
      [s.eniA1, '10%2E1%2E1%2E11', '10.1.1.11', BOB, ['NoSuchObject']],
      ['eni-000000000000', '10%2E1%2E1%2E11', '10.1.1.11', ALICE, ['NoSuchObject']],
      [s.eniA1, '%E6%97', '', ALICE, ['InvalidURI']],
      [s.eniA1, '10.1.1.11%', '', ALICE, ['InvalidURI']],
    )
    .map(([eni, raw, decoded, credential, codes]) =>
      signed(
        'encoded addresses',
        {
          method: 'DELETE',
          target: `/v1/eni/${eni}/privateIp/${raw}`,
          signPath: `/v1/eni/${eni}/privateIp/${decoded}`,
          signQuery: [],
          credential,
        },
        codes,
      ),
    );

  // Well-formed, signed changes the rules refuse on the seeded state.
  const refused = fc
    .constantFrom<[string, string, unknown, typeof ALICE, string[]]>(
      [
        'DELETE',
        `/v2/securityGroup/${s.defaultGroupA1}`,
        undefined,
        ALICE,
        ['SecurityGroup.DefaultSecurityGroupCanNotBeDeleted'],
      ],
      [
        'DELETE',
        `/v2/securityGroup/${s.groupA1}`,
        undefined,
        ALICE,
        ['SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted'],
      ],
      ['DELETE', `/v2/securityGroup/${s.groupA1}`, undefined, CAROL, ['NoSuchObject']],
      [
        'PUT',
        `/v2/securityGroup/${s.defaultGroupB1}?authorizeRule`,
        { rule: { direction: 'ingress' } },
        ALICE,
        ['NoSuchObject'],
      ],
      [
        'PUT',
        `/v2/securityGroup/${s.groupA1}?authorizeRule&sgVersion=99`,
        { rule: { direction: 'egress', protocol: 'udp' } },
        ALICE,
        ['SecurityGroup.VersionMismatch'],
      ],
      [
        'DELETE',
        `/v2/securityGroup/rule/${s.groupRuleA1}?sgVersion=99`,
        undefined,
        ALICE,
        ['SecurityGroup.VersionMismatch'],
      ],
      ['DELETE', `/v2/securityGroup/rule/${s.groupRuleA1}`, undefined, BOB, ['NoSuchObject']],
      [
        'PUT',
        `/v2/securityGroup/${s.groupA1}?authorizeRule`,
        { rule: { direction: 'ingress', sourceGroupId: s.defaultGroupB1 } },
        ALICE,
        ['NoSuchObject'],
      ],
      ['DELETE', `/v1/subnet/${s.subnetA1}`, undefined, ALICE, ['SubnetInUse']],
      ['DELETE', `/v1/subnet/${s.subnetA1}`, undefined, BOB, ['NoSuchObject']],
      ['POST', '/v1/acl/rule', { aclRules: [aclRule(s.subnetA1, 10)] }, ALICE, ['AclRulePositionConflict']],
      ['POST', '/v1/acl/rule', { aclRules: [aclRule(s.subnetA1, 30)] }, BOB, ['NoSuchObject']],
      ['DELETE', `/v1/acl/rule/${s.aclRuleA1}`, undefined, CAROL, ['NoSuchObject']],
      ['PUT', `/v1/acl/rule/${s.aclRuleA1}`, { protocol: 'icmp' }, ALICE, ['InvalidAclRule']],
      ['DELETE', `/v1/eni/${s.eniA1}`, undefined, BOB, ['NoSuchObject']],
      ['PUT', `/v1/eni/${s.eniA1}?bindSg`, { securityGroupIds: [s.defaultGroupB1] }, ALICE, ['NoSuchObject']],
      ['PUT', `/v1/eni/${s.eniA1}?bindSg`, { securityGroupIds: [] }, ALICE, ['InappropriateJSON']],
      ['PUT', `/v1/eni/${s.eniA1}?detach`, { instanceId: 'i-nowhere' }, ALICE, ['InvalidEniStatus']],
      ['POST', `/v1/eni/${s.eniA1}/privateIp`, { privateIpAddress: '10.1.1.10' }, ALICE, ['PrivateIpInUse']],
      [
        'POST',
        '/v1/eni',
        {
          name: 'fuzz',
          subnetId: s.subnetA1,
          privateIpSet: [{ primary: true, privateIpAddress: '10.1.1.0' }],
        },
        ALICE,
        ['InvalidPrivateIp'],
      ],
      ['PUT', `/v1/route/rule/${s.routeRuleA1}`, { description: 'x' }, CAROL, ['NoSuchObject']],
    )
    .map(([method, target, body, credential, codes]) =>
      signed(
        'refused by the network rules',
        { method, target, credential, ...(body === undefined ? {} : { body: json(body) }) },
        codes,
      ),
    );

  // Query parameters the network reads and changes refuse.
  const badQueries = fc
    .constantFrom<[string, string]>(
      ['GET', `/v1/acl/rule?subnetId=${s.subnetA1}&maxKeys=0`],
      ['GET', '/v1/acl/rule'],
      ['GET', '/v1/acl'],
      ['GET', `/v1/acl/rule?subnetId=${s.subnetA1}&marker=nowhere`],
      ['GET', '/v2/securityGroup?maxKeys=abc'],
      ['GET', '/v1/eni'],
      ['GET', '/v1/eni/quota'],
      ['GET', '/v1/subnet?subnetType=GPU'],
      ['PUT', `/v2/securityGroup/${s.groupA1}?authorizeRule&sgVersion=abc`],
      ['DELETE', `/v2/securityGroup/rule/${s.groupRuleA1}?sgVersion=1.5`],
    )
    .map(([method, target]) =>
      signed(
        'bad network query values',
        { method, target, ...(method === 'PUT' ? { body: json({ rule: { direction: 'ingress' } }) } : {}) },
        ['InvalidParameter'],
      ),
    );

  return {
    all: fc.oneof(
      { arbitrary: nestedWrong, weight: 4 },
      { arbitrary: nulls, weight: 3 },
      { arbitrary: hugeArrays, weight: 2 },
      { arbitrary: badFlags, weight: 3 },
      { arbitrary: versions, weight: 2 },
      { arbitrary: encodedIps, weight: 2 },
      { arbitrary: refused, weight: 3 },
      { arbitrary: badQueries, weight: 1 },
    ),
    keepsOpen: fc.oneof(nestedWrong, nulls, badFlags, refused, badQueries),
  };
}
