// Response shapes are read tolerantly: the docs spell the bandwidth field `bandwithInMbp`, some services send
// numbers and booleans as strings, a list may be missing. Outputs always use the typed spelling.
import type { AclRule, PeerConn, RouteRule, SecurityGroup, Subnet, Vpc } from './models.ts';
import { OPERATIONS, type OperationName, type OperationSpec } from './operations.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export function normalizePeerConn(raw: unknown): PeerConn {
  const record: Json = isRecord(raw) ? { ...raw } : {};
  const bandwidth = toNumber(record.bandwidthInMbps ?? record.bandwithInMbp);
  if (bandwidth !== undefined) record.bandwidthInMbps = bandwidth;
  delete record.bandwithInMbp;
  const deleteProtect = toBoolean(record.deleteProtect);
  if (deleteProtect !== undefined) record.deleteProtect = deleteProtect;
  return record as unknown as PeerConn;
}

export function normalizeVpc(raw: unknown): Vpc {
  const record: Json = isRecord(raw) ? { ...raw } : {};
  for (const key of ['isDefault', 'relay'] as const) {
    const value = toBoolean(record[key]);
    if (value !== undefined) record[key] = value;
  }
  if (Array.isArray(record.subnets)) record.subnets = record.subnets.map(normalizeSubnet);
  return record as unknown as Vpc;
}

export function normalizeSubnet(raw: unknown): Subnet {
  const record: Json = isRecord(raw) ? { ...raw } : {};
  for (const key of ['availableIp', 'availableUnreservedIp'] as const) {
    const value = toNumber(record[key]);
    if (value !== undefined) record[key] = value;
  }
  return record as unknown as Subnet;
}

function normalizeRouteRule(raw: unknown): RouteRule {
  return (isRecord(raw) ? { ...raw } : {}) as unknown as RouteRule;
}

/** Numbers of a record that may arrive as strings. */
function withNumbers(raw: unknown, keys: readonly string[]): Json {
  const record: Json = isRecord(raw) ? { ...raw } : {};
  for (const key of keys) {
    const value = toNumber(record[key]);
    if (value !== undefined) record[key] = value;
  }
  return record;
}

export function normalizeAclRule(raw: unknown): AclRule {
  return withNumbers(raw, ['position', 'ipVersion']) as unknown as AclRule;
}

function normalizeAclEntry(raw: unknown): Json {
  const record: Json = isRecord(raw) ? { ...raw } : {};
  record.aclRules = Array.isArray(record.aclRules) ? record.aclRules.map(normalizeAclRule) : [];
  return record;
}

/** A group's rules are always a list, and its version and count numbers. */
export function normalizeSecurityGroup(raw: unknown): SecurityGroup {
  const record = withNumbers(raw, ['sgVersion', 'bindInstanceNum']);
  record.rules = Array.isArray(record.rules) ? record.rules.map(plainRecord) : [];
  return record as unknown as SecurityGroup;
}

function plainRecord(raw: unknown): Json {
  return isRecord(raw) ? { ...raw } : {};
}

/** How the items of a list answer are read, by the answer's items key (the table row's `listItems`). */
const LIST_ITEMS: Readonly<Record<string, (raw: unknown) => unknown>> = {
  peerConns: normalizePeerConn,
  vpcs: normalizeVpc,
  subnets: normalizeSubnet,
  aclRules: normalizeAclRule,
  securityGroups: normalizeSecurityGroup,
};

function normalizeListPage(record: Json, itemsKey: string): Json {
  const item = LIST_ITEMS[itemsKey] ?? plainRecord;
  const out: Json = { ...record };
  out[itemsKey] = Array.isArray(record[itemsKey]) ? (record[itemsKey] as unknown[]).map(item) : [];
  out.isTruncated = toBoolean(record.isTruncated) ?? false;
  const maxKeys = toNumber(record.maxKeys);
  if (maxKeys !== undefined) out.maxKeys = maxKeys;
  return out;
}

/** Per-operation reshaping of a parsed success body; list answers are read by their row's `listItems`. */
export function normalizeOutput(operation: string, body: Json): Json {
  const spec: OperationSpec | undefined = Object.hasOwn(OPERATIONS, operation)
    ? OPERATIONS[operation as OperationName]
    : undefined;
  if (spec?.listItems !== undefined) return normalizeListPage(body, spec.listItems);
  switch (operation) {
    case 'getPeerConn':
      return normalizePeerConn(body) as unknown as Json;
    case 'getVpc':
      return { ...body, vpc: normalizeVpc(body.vpc) };
    case 'getSubnet':
      return { ...body, subnet: normalizeSubnet(body.subnet) };
    case 'listAclEntrys':
      return {
        ...body,
        aclEntrys: Array.isArray(body.aclEntrys) ? body.aclEntrys.map(normalizeAclEntry) : [],
      };
    case 'getSecurityGroup':
      return normalizeSecurityGroup(body) as unknown as Json;
    case 'getRouteTable':
      return {
        ...body,
        routeRules: Array.isArray(body.routeRules) ? body.routeRules.map(normalizeRouteRule) : [],
      };
    default:
      return body;
  }
}
