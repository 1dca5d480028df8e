// Shape validation of request bodies and query parameters, one schema per operation. Business rules (ranges,
// who may do what) belong to the domain; here only "is this the right kind of JSON" is decided.

import { PAYMENT_TIMINGS, PEER_CONN_ROLES, SUBNET_TYPES } from '@peerconn/sdk';
import type { OperationName, OperationSpec } from '@peerconn/sdk/operations';
import { z } from 'zod';
import { serviceError } from '../errors.ts';

// Java's Jackson may write explicit nulls for unset fields; they mean "absent".
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const tag = z.object({ tagKey: z.string(), tagValue: opt(z.string()) });
const nextHop = z.object({
  nexthopId: z.string(),
  nexthopType: z.string(),
  pathType: opt(z.string()),
});
const aclRuleRequest = z.object({
  subnetId: z.string(),
  description: opt(z.string()),
  protocol: z.string(),
  sourceIpAddress: z.string(),
  destinationIpAddress: z.string(),
  sourcePort: z.string(),
  destinationPort: z.string(),
  position: z.number().int(),
  direction: z.string(),
  action: z.string(),
  ipVersion: opt(z.number().int()),
});
// The Python SDK sends every field of a rule, unset ones as null; the Go SDK leaves them out; Java sends
// `"protocol": ""`. All mean the same.
const securityGroupRule = z.object({
  remark: opt(z.string()),
  direction: z.string(),
  ethertype: opt(z.string()),
  portRange: opt(z.string()),
  protocol: opt(z.string()),
  sourceGroupId: opt(z.string()),
  sourceIp: opt(z.string()),
  destGroupId: opt(z.string()),
  destIp: opt(z.string()),
  securityGroupId: opt(z.string()),
});
const eniAddress = z.object({
  primary: opt(z.boolean()),
  privateIpAddress: opt(z.string()),
  publicIpAddress: opt(z.string()),
});
const reservation = z.object({
  reservationLength: z.number().int(),
  reservationTimeUnit: opt(z.string()),
});

/** Per table row with body fields: a schema whose keys are exactly those fields (tested). */
export const BODY_SCHEMAS: Partial<Record<OperationName, z.ZodObject>> = {
  createPeerConn: z.object({
    bandwidthInMbps: z.number().int(),
    description: opt(z.string()),
    localIfName: opt(z.string()),
    localVpcId: z.string(),
    peerAccountId: opt(z.string()),
    peerVpcId: z.string(),
    peerRegion: z.string(),
    peerIfName: opt(z.string()),
    billing: z.object({
      paymentTiming: opt(z.enum(PAYMENT_TIMINGS)),
      reservation: opt(reservation),
    }),
    tags: opt(z.array(tag)),
    resourceGroupId: opt(z.string()),
    deleteProtect: opt(z.boolean()),
  }),
  updatePeerConn: z.object({
    localIfId: z.string(),
    description: opt(z.string()),
    localIfName: opt(z.string()),
  }),
  resizePeerConn: z.object({ newBandwidthInMbps: z.number().int() }),
  renewPeerConn: z.object({ billing: z.object({ reservation }) }),
  updatePeerConnDeleteProtect: z.object({ deleteProtect: z.boolean() }),
  createVpc: z.object({
    name: z.string(),
    description: opt(z.string()),
    cidr: z.string(),
    enableIpv6: opt(z.boolean()),
    tags: opt(z.array(tag)),
  }),
  updateVpc: z.object({
    name: opt(z.string()),
    description: opt(z.string()),
    enableIpv6: opt(z.boolean()),
  }),
  createSubnet: z.object({
    name: z.string(),
    zoneName: z.string(),
    cidr: z.string(),
    vpcId: z.string(),
    subnetType: opt(z.enum(SUBNET_TYPES)),
    description: opt(z.string()),
    enableIpv6: opt(z.boolean()),
    tags: opt(z.array(tag)),
  }),
  updateSubnet: z.object({
    name: z.string(),
    description: opt(z.string()),
    enableIpv6: opt(z.boolean()),
  }),
  // nexthopType and nexthopId are optional on the wire (a multi-path rule has nextHopList instead); the domain
  // says which combination it takes.
  createRouteRule: z.object({
    routeTableId: z.string(),
    sourceAddress: z.string(),
    destinationAddress: z.string(),
    nexthopId: opt(z.string()),
    nexthopType: opt(z.string()),
    description: opt(z.string()),
    nextHopList: opt(z.array(nextHop)),
  }),
  updateRouteRule: z.object({
    sourceAddress: opt(z.string()),
    destinationAddress: opt(z.string()),
    nexthopId: opt(z.string()),
    description: opt(z.string()),
  }),
  // ACL rule fields arrive as the SDKs send them: the Go SDK always sends every field (position 0 and empty
  // strings when unset), so emptiness is the domain's to refuse with the rule that applies.
  createAclRules: z.object({ aclRules: z.array(aclRuleRequest) }),
  updateAclRule: z.object({
    description: opt(z.string()),
    protocol: opt(z.string()),
    sourceIpAddress: opt(z.string()),
    destinationIpAddress: opt(z.string()),
    sourcePort: opt(z.string()),
    destinationPort: opt(z.string()),
    position: opt(z.number().int()),
    action: opt(z.string()),
  }),
  // The Go SDK and Terraform send `"rules": null` for a group created without rules.
  createSecurityGroup: z.object({
    name: z.string(),
    desc: opt(z.string()),
    // Required (docs/wire.md): refused here, before fault rules and tokens, like every other missing field.
    vpcId: z.string(),
    rules: opt(z.array(securityGroupRule)),
    tags: opt(z.array(tag)),
  }),
  authorizeSecurityGroupRule: z.object({ rule: securityGroupRule }),
  revokeSecurityGroupRule: z.object({ rule: securityGroupRule }),
  updateSecurityGroupRule: z.object({
    securityGroupRuleId: z.string(),
    remark: opt(z.string()),
    portRange: opt(z.string()),
    sourceIp: opt(z.string()),
    sourceGroupId: opt(z.string()),
    destIp: opt(z.string()),
    destGroupId: opt(z.string()),
    protocol: opt(z.string()),
  }),
  // The Go SDK sends null for the lists it was not given; the Python SDK sends every key of an address.
  createEni: z.object({
    name: z.string(),
    subnetId: z.string(),
    instanceId: opt(z.string()),
    securityGroupIds: opt(z.array(z.string())),
    enterpriseSecurityGroupIds: opt(z.array(z.string())),
    privateIpSet: z.array(eniAddress),
    ipv6PrivateIpSet: opt(z.array(eniAddress)),
    description: opt(z.string()),
    tags: opt(z.array(tag)),
    networkInterfaceTrafficMode: opt(z.string()),
  }),
  updateEni: z.object({ name: opt(z.string()), description: opt(z.string()) }),
  updateEniSecurityGroups: z.object({ securityGroupIds: z.array(z.string()) }),
  attachEni: z.object({ instanceId: z.string(), instanceType: opt(z.string()) }),
  detachEni: z.object({ instanceId: z.string() }),
  addEniPrivateIp: z.object({ privateIpAddress: opt(z.string()), isIpv6: opt(z.boolean()) }),
  batchAddEniPrivateIps: z.object({
    privateIpAddresses: opt(z.array(z.string())),
    privateIpAddressCount: opt(z.number().int()),
    isIpv6: opt(z.boolean()),
  }),
  batchDeleteEniPrivateIps: z.object({ privateIpAddresses: z.array(z.string()) }),
};

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
    return out;
  }
  return value;
}

/** The value at an issue's path in the parsed JSON; zod does not report inputs unless asked. */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** What to do about a required field left out, where "it is required" alone would not say it. */
const MISSING_FIELD_HINTS: Partial<Record<string, string>> = {
  'createSecurityGroup vpcId':
    "this server has no default VPC to put the group in (Baidu's would); give the group's VPC",
  'createEni privateIpSet':
    'give one primary IPv4 address ({"primary": true, "privateIpAddress": ""} picks a free one)',
};

/** A field's path as the domain's messages write it: `aclRules[0].position`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown, operation: string): string {
  const field = fieldPath(issue.path);
  const given = valueAt(json, issue.path);
  if (issue.code === 'invalid_type' && (given === undefined || given === null)) {
    const hint = MISSING_FIELD_HINTS[`${operation} ${field}`];
    return hint ? `Field "${field}" is required: ${hint}.` : `Field "${field}" is required.`;
  }
  if (
    issue.code === 'too_big' ||
    issue.code === 'too_small' ||
    (issue.code === 'invalid_type' && issue.expected === 'int')
  ) {
    return `Field "${field}" must be an integer${typeof given === 'number' ? `, not ${given}` : ''}.`;
  }
  if (issue.code === 'invalid_type') return `Field "${field}" must be ${article(issue.expected)}.`;
  if (issue.code === 'invalid_value') {
    return `Field "${field}" must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
  }
  return `Field "${field}": ${issue.message}.`;
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a body for the operation. Operations without body fields ignore whatever was sent
 * (the official SDKs send nothing, `{}` or a duplicated `role`).
 */
export function parseBody(
  spec: OperationSpec & { name: OperationName },
  raw: Buffer,
): Record<string, unknown> {
  const schema = BODY_SCHEMAS[spec.name];
  if (!schema) return {};
  let text: string;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    throw serviceError(
      'InvalidHTTPRequest',
      'The request body is not valid UTF-8; send JSON encoded as UTF-8.',
    );
  }
  let json: unknown;
  if (text.trim() === '') {
    json = {};
  } else {
    try {
      json = JSON.parse(text);
    } catch {
      throw serviceError(
        'MalformedJSON',
        'The JSON you provided was not well-formed; check the request body.',
      );
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw serviceError('InappropriateJSON', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    const detail = first ? describeIssue(first, json, spec.name) : 'The body does not fit this operation.';
    throw serviceError('InappropriateJSON', `${detail} (${spec.name})`);
  }
  return dropUndefined(result.data) as Record<string, unknown>;
}

const CLIENT_TOKEN = /^[\x21-\x7e]{1,64}$/;

/** The clientToken, if any: printable ASCII, at most 64 characters. */
export function parseClientToken(query: ReadonlyMap<string, string>): string | undefined {
  const token = query.get('clientToken');
  if (token === undefined || token === '') return undefined;
  if (!CLIENT_TOKEN.test(token)) {
    throw serviceError(
      'InvalidParameter',
      'clientToken must be printable ASCII without spaces and at most 64 characters long.',
    );
  }
  return token;
}

function parseRole(value: string | undefined, required: boolean): string | undefined {
  if (value === undefined || value === '') {
    if (required)
      throw serviceError('InvalidParameter', 'Query parameter "role" is required: initiator or acceptor.');
    return undefined;
  }
  if (!(PEER_CONN_ROLES as readonly string[]).includes(value)) {
    throw serviceError(
      'InvalidParameter',
      `Query parameter "role" must be initiator or acceptor, not "${value}".`,
    );
  }
  return value;
}

function parseMaxKeys(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d{1,10}$/.test(value)) {
    throw serviceError('InvalidParameter', `Query parameter "maxKeys" must be an integer, not "${value}".`);
  }
  return Number(value);
}

function parseBoolean(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw serviceError('InvalidParameter', `Query parameter "${name}" must be true or false, not "${value}".`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parseList(value: string | undefined): string[] | undefined {
  return nonEmpty(value)
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseSubnetType(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(SUBNET_TYPES as readonly string[]).includes(value)) {
    throw serviceError(
      'InvalidParameter',
      `Query parameter "subnetType" must be one of ${SUBNET_TYPES.join(', ')}, not "${value}".`,
    );
  }
  return value;
}

/** Query parameters an operation cannot do without. */
const REQUIRED_QUERY: Partial<Record<OperationName, string>> = {
  listAclEntrys: 'vpcId',
  listAclRules: 'subnetId',
  listEnis: 'vpcId',
};

function parseInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d{1,15}$/.test(value)) {
    throw serviceError('InvalidParameter', `Query parameter "${name}" must be an integer, not "${value}".`);
  }
  return Number(value);
}

/** Operations that name their route table by routeTableId or by vpcId: one of the two is required. */
const ROUTE_TABLE_BY_EITHER: ReadonlySet<OperationName> = new Set(['getRouteTable', 'listRouteRules']);

/** Typed query inputs of the operation (numbers as numbers, lists as arrays). */
export function parseQueryInput(
  spec: OperationSpec & { name: OperationName },
  query: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of spec.query) {
    const raw = query.get(field);
    let value: unknown;
    switch (field) {
      case 'role':
        value = parseRole(raw, spec.name === 'openPeerConnDnsSync' || spec.name === 'closePeerConnDnsSync');
        break;
      case 'maxKeys':
        value = parseMaxKeys(raw);
        break;
      case 'isDefault':
        value = parseBoolean(field, raw);
        break;
      case 'vpcIds':
      case 'subnetIds':
      case 'securityGroupIds':
      case 'privateIpAddress':
        value = parseList(raw);
        break;
      case 'sgVersion':
        value = parseInteger(field, raw);
        break;
      case 'subnetType':
        value = parseSubnetType(raw);
        break;
      default:
        value = nonEmpty(raw);
    }
    if (value !== undefined) input[field] = value;
  }
  const required = REQUIRED_QUERY[spec.name];
  if (required !== undefined && input[required] === undefined) {
    throw serviceError('InvalidParameter', `Query parameter "${required}" is required for ${spec.name}.`);
  }
  if (ROUTE_TABLE_BY_EITHER.has(spec.name) && input.routeTableId === undefined && input.vpcId === undefined) {
    throw serviceError(
      'InvalidParameter',
      'Query parameter "routeTableId" or "vpcId" is required: name the route table, or the VPC whose table it is.',
    );
  }
  return input;
}
