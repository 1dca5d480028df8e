// Renders a result as json (the API response as is), table (aligned, header, fits 80 columns for the known
// resources) or text (tab-separated, no header, for cut/awk).
import type { OutputFormat } from './options.ts';

interface Column {
  header: string;
  key: string;
  /** What the cell shows when the raw value would mislead (a system route's empty rule id). */
  show?: (item: Record<string, unknown>) => string;
}

interface Shape {
  /** The array field a list response keeps these items in, so an empty list still gets their header. */
  listKey: string;
  /** Recognises one item of this resource. */
  matches: (item: Record<string, unknown>) => boolean;
  table: Column[];
  text: Column[];
  /** A line above the table naming the object the list belongs to (the route table of its rules). */
  caption?: (container: Record<string, unknown>) => string | undefined;
}

const col = (header: string, key: string): Column => ({ header, key });

// A peering connection id is 21 characters and a VPC id 16: these six columns stay within 80.
const PEER_CONN_TABLE = [
  col('PEERCONN ID', 'peerConnId'),
  col('STATUS', 'status'),
  col('ROLE', 'role'),
  col('DNS', 'dnsStatus'),
  col('MBPS', 'bandwidthInMbps'),
  col('PEER VPC', 'peerVpcId'),
];

const VPC_COLUMNS = [
  col('VPC ID', 'vpcId'),
  col('NAME', 'name'),
  col('CIDR', 'cidr'),
  col('DEFAULT', 'isDefault'),
  col('RELAY', 'relay'),
];

const SUBNET_COLUMNS = [
  col('SUBNET ID', 'subnetId'),
  col('NAME', 'name'),
  col('CIDR', 'cidr'),
  col('ZONE', 'zoneName'),
  col('VPC ID', 'vpcId'),
  col('FREE IPS', 'availableIp'),
];

const isSystemRoute = (rule: Record<string, unknown>) => rule.nexthopType === 'sys';

// Read left to right like a routing table: where to, from where, through what; the rule id last but one, so
// the system routes' "(system)" stands where an id would.
const ROUTE_RULE_TABLE: Column[] = [
  col('DESTINATION', 'destinationAddress'),
  col('SOURCE', 'sourceAddress'),
  col('NEXT HOP TYPE', 'nexthopType'),
  {
    header: 'NEXT HOP ID',
    key: 'nexthopId',
    show: (r) => (isSystemRoute(r) ? 'local' : cell(r.nexthopId)),
  },
  {
    header: 'RULE ID',
    key: 'routeRuleId',
    show: (r) => (isSystemRoute(r) ? '(system)' : cell(r.routeRuleId)),
  },
  col('DESCRIPTION', 'description'),
];

const PROFILE_COLUMNS = [
  col('CURRENT', 'current'),
  col('NAME', 'name'),
  col('ACCESS KEY', 'accessKeyId'),
  col('REGION', 'region'),
  col('ENDPOINT', 'endpoint'),
];

// Order matters where shapes overlap: a subnet also has a vpcId and a cidr, so it comes before the VPC.
const SHAPES: Shape[] = [
  {
    listKey: 'routeRules',
    matches: (item) => typeof item.routeRuleId === 'string' && 'nexthopType' in item,
    table: ROUTE_RULE_TABLE,
    text: [
      col('DESTINATION', 'destinationAddress'),
      col('SOURCE', 'sourceAddress'),
      col('NEXT HOP TYPE', 'nexthopType'),
      col('NEXT HOP ID', 'nexthopId'),
      col('RULE ID', 'routeRuleId'),
      col('DESCRIPTION', 'description'),
      col('ROUTE TABLE', 'routeTableId'),
    ],
    caption: (table) =>
      typeof table.routeTableId === 'string' && typeof table.vpcId === 'string'
        ? `route table ${table.routeTableId}${typeof table.name === 'string' && table.name !== '' ? ` (${table.name})` : ''} of ${table.vpcId}`
        : undefined,
  },
  {
    listKey: 'subnets',
    matches: (item) => typeof item.subnetId === 'string' && 'cidr' in item,
    table: SUBNET_COLUMNS,
    text: SUBNET_COLUMNS,
  },
  {
    listKey: 'peerConns',
    matches: (item) => typeof item.peerConnId === 'string' && 'status' in item,
    table: PEER_CONN_TABLE,
    text: [
      ...PEER_CONN_TABLE,
      col('LOCAL VPC', 'localVpcId'),
      col('PEER REGION', 'peerRegion'),
      col('PEER ACCOUNT', 'peerAccountId'),
      col('LOCAL IF', 'localIfId'),
    ],
  },
  {
    listKey: 'vpcs',
    matches: (item) => typeof item.vpcId === 'string' && 'cidr' in item,
    table: VPC_COLUMNS,
    text: VPC_COLUMNS,
  },
  {
    listKey: 'profiles',
    matches: (item) => typeof item.name === 'string' && 'accessKeyId' in item && 'current' in item,
    table: PROFILE_COLUMNS,
    text: PROFILE_COLUMNS,
  },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

interface Grid {
  headers: string[];
  rows: string[][];
  caption?: string;
}

interface ListLike {
  items: unknown[];
  /** The field the items came from; undefined for a bare array. */
  key?: string;
}

/** Items of a list-like result: a bare array, or the single array field of an object (peerConns, vpcs). */
function listItems(value: unknown): ListLike | undefined {
  if (Array.isArray(value)) return { items: value };
  if (!isRecord(value)) return undefined;
  const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v));
  if (arrays.length !== 1) return undefined;
  const [key, items] = arrays[0] as [string, unknown[]];
  return { key, items };
}

function gridOf(items: unknown[], format: 'table' | 'text', key?: string): Grid {
  if (items.length === 0) {
    const shape = SHAPES.find((s) => s.listKey === key);
    return { headers: shape ? shape[format].map((c) => c.header) : ['VALUE'], rows: [] };
  }
  const records = items.filter(isRecord);
  if (records.length !== items.length) {
    return { headers: ['VALUE'], rows: items.map((item) => [cell(item)]) };
  }
  const shape = SHAPES.find((s) => records.every(s.matches));
  const columns: Column[] =
    shape?.[format] ??
    [...new Set(records.flatMap((r) => Object.keys(r)))].map((key) => ({ header: key.toUpperCase(), key }));
  return {
    headers: columns.map((c) => c.header),
    rows: records.map((r) => columns.map((c) => (c.show ? c.show(r) : cell(r[c.key])))),
  };
}

function toGrid(value: unknown, format: 'table' | 'text'): Grid {
  // A resource first: its own arrays (tags) must not be mistaken for a list result.
  if (isRecord(value) && SHAPES.some((s) => s.matches(value))) return gridOf([value], format);
  const list = listItems(value);
  if (list) {
    const grid = gridOf(list.items, format, list.key);
    const caption = isRecord(value)
      ? SHAPES.find((s) => s.listKey === list.key)?.caption?.(value)
      : undefined;
    return caption === undefined ? grid : { ...grid, caption };
  }
  if (isRecord(value)) {
    // getVpc wraps its resource: { vpc: {...} }.
    const inner = Object.values(value);
    if (inner.length === 1 && isRecord(inner[0])) return toGrid(inner[0], format);
    return { headers: ['KEY', 'VALUE'], rows: Object.entries(value).map(([k, v]) => [k, cell(v)]) };
  }
  return { headers: ['VALUE'], rows: [[cell(value)]] };
}

function renderTable(grid: Grid, color: boolean): string {
  const widths = grid.headers.map((h, i) => Math.max(h.length, ...grid.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const header = line(grid.headers);
  // A header alone reads like a broken command; say that the list is empty.
  const body = grid.rows.length === 0 ? '(none)\n' : grid.rows.map((r) => `${line(r)}\n`).join('');
  const caption = grid.caption === undefined ? '' : `${grid.caption}\n`;
  return `${caption}${color ? `\u001b[1m${header}\u001b[0m` : header}\n${body}`;
}

/** The whole stdout of a command for its result; empty when there is nothing to print. */
export function render(value: unknown, format: OutputFormat, color = false): string {
  if (value === undefined) return '';
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  if (value === null) return '';
  if (format === 'text' && !isRecord(value) && !Array.isArray(value)) return `${cell(value)}\n`;
  const grid = toGrid(value, format);
  if (format === 'text') return grid.rows.map((r) => `${r.join('\t')}\n`).join('');
  return renderTable(grid, color);
}

/** Drops the SDK's `$metadata`: json output is exactly the API response. */
export function stripMetadata(output: unknown): unknown {
  if (!isRecord(output)) return output;
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

export async function applyQuery(value: unknown, expression: string | undefined): Promise<unknown> {
  if (expression === undefined) return value;
  const { search } = await import('@jmespath-community/jmespath');
  return search(value as Parameters<typeof search>[0], expression);
}
