// Response shapes are read tolerantly: the docs spell the bandwidth field `bandwithInMbp`, some services send
// numbers and booleans as strings, a list may be missing. Outputs always use the typed spelling.
import type { PeerConn, RouteRule, Subnet, Vpc } from './models.ts';

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

function normalizeListPage(record: Json, itemsKey: string, item: (raw: unknown) => unknown): Json {
  const out: Json = { ...record };
  out[itemsKey] = Array.isArray(record[itemsKey]) ? (record[itemsKey] as unknown[]).map(item) : [];
  out.isTruncated = toBoolean(record.isTruncated) ?? false;
  const maxKeys = toNumber(record.maxKeys);
  if (maxKeys !== undefined) out.maxKeys = maxKeys;
  return out;
}

/** Per-operation reshaping of a parsed success body. */
export function normalizeOutput(operation: string, body: Json): Json {
  switch (operation) {
    case 'getPeerConn':
      return normalizePeerConn(body) as unknown as Json;
    case 'listPeerConns':
      return normalizeListPage(body, 'peerConns', normalizePeerConn);
    case 'listVpcs':
      return normalizeListPage(body, 'vpcs', normalizeVpc);
    case 'getVpc':
      return { ...body, vpc: normalizeVpc(body.vpc) };
    case 'listSubnets':
      return normalizeListPage(body, 'subnets', normalizeSubnet);
    case 'getSubnet':
      return { ...body, subnet: normalizeSubnet(body.subnet) };
    case 'listRouteRules':
      return normalizeListPage(body, 'routeRules', normalizeRouteRule);
    case 'getRouteTable':
      return {
        ...body,
        routeRules: Array.isArray(body.routeRules) ? body.routeRules.map(normalizeRouteRule) : [],
      };
    default:
      return body;
  }
}
