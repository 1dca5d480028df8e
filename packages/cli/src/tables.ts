// How each resource reads in table and text output: its columns (output.ts lays them out), and, for results
// that are several lists in one, the sections they are shown in — a VPC's ACL per subnet, security groups each
// under a line naming the group, a route table under its name.

export type Item = Record<string, unknown>;

export interface Column {
  header: string;
  key: string;
  /** What the cell shows when the raw value would mislead (a system route's empty rule id). */
  show?: (item: Item) => string;
}

export interface Shape {
  /** The array field a list response keeps these items in, so an empty list still gets their header. */
  listKey: string;
  /** Recognises one item of this resource. */
  matches: (item: Item) => boolean;
  table: Column[];
  text: Column[];
}

export interface Section {
  /** The line above the section's header naming what its rows belong to. */
  caption?: string;
  items: Item[];
}

/** A result shown as sections of one shape's rows, under an optional title. */
export interface Sections {
  title?: string;
  sections: Section[];
}

/** A kind of result shown in sections: which shape its rows have, and how to find them in the result. */
export interface View {
  shape: Shape;
  /** The sections of `value` when it is this view's kind of result; undefined otherwise. */
  of: (value: unknown) => Sections | undefined;
}

export function isRecord(value: unknown): value is Item {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const col = (header: string, key: string, show?: Column['show']): Column =>
  show ? { header, key, show } : { header, key };

const records = (value: unknown): Item[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
/** `id (name, cidr)`, leaving out what is empty. */
function named(id: string, ...details: unknown[]): string {
  const shown = details.map(text).filter((d) => d !== '');
  return shown.length > 0 ? `${id} (${shown.join(', ')})` : id;
}

// ---- peering connections, VPCs, subnets, profiles ----

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

const PROFILE_COLUMNS = [
  col('CURRENT', 'current'),
  col('NAME', 'name'),
  col('ACCESS KEY', 'accessKeyId'),
  col('REGION', 'region'),
  col('ENDPOINT', 'endpoint'),
];

// ---- route rules ----

const isSystemRoute = (rule: Item) => rule.nexthopType === 'sys';

/** Which rule of a primary/standby pair carries the traffic (`route switch` turns them over). */
const PATH_ROLES: Readonly<Record<string, string>> = { 'ha:active': 'active', 'ha:standby': 'standby' };

function nextHopOf(rule: Item): string {
  if (isSystemRoute(rule)) return 'local';
  const role = PATH_ROLES[text(rule.pathType)];
  return role === undefined ? cell(rule.nexthopId) : `${cell(rule.nexthopId)} (${role})`;
}

const routeRules: Shape = {
  listKey: 'routeRules',
  matches: (item) => typeof item.routeRuleId === 'string' && 'nexthopType' in item,
  // Read left to right like a routing table: where to, from where, through what; the rule id last but one, so
  // the system routes' "(system)" stands where an id would.
  table: [
    col('DESTINATION', 'destinationAddress'),
    col('SOURCE', 'sourceAddress'),
    col('NEXT HOP TYPE', 'nexthopType'),
    col('NEXT HOP ID', 'nexthopId', nextHopOf),
    col('RULE ID', 'routeRuleId', (r) => (isSystemRoute(r) ? '(system)' : cell(r.routeRuleId))),
    col('DESCRIPTION', 'description'),
  ],
  text: [
    col('DESTINATION', 'destinationAddress'),
    col('SOURCE', 'sourceAddress'),
    col('NEXT HOP TYPE', 'nexthopType'),
    col('NEXT HOP ID', 'nexthopId'),
    col('RULE ID', 'routeRuleId'),
    col('DESCRIPTION', 'description'),
    col('ROUTE TABLE', 'routeTableId'),
    col('PATH', 'pathType'),
  ],
};

/** `route show`: the table's rules under a line naming the table. */
const routeTableView: View = {
  shape: routeRules,
  of: (value) => {
    if (!isRecord(value) || !Array.isArray(value.routeRules)) return undefined;
    if (typeof value.routeTableId !== 'string' || typeof value.vpcId !== 'string') return undefined;
    const caption = `route table ${named(value.routeTableId, value.name)} of ${value.vpcId}`;
    return { sections: [{ caption, items: records(value.routeRules) }] };
  },
};

// ---- subnet ACLs ----

/** A default rule: the one per direction that allows what no rule matched; it has no id. */
const isDefaultAclRule = (rule: Item) => rule.id === '';

/** The cells of an ACL rule between its position and its description: the same in the table and in text. */
const aclRuleTerms = [
  col('DIR', 'direction'),
  col('ACTION', 'action'),
  col('PROTO', 'protocol'),
  col('SOURCE', 'sourceIpAddress'),
  col('SPORT', 'sourcePort'),
  col('DESTINATION', 'destinationIpAddress'),
  col('DPORT', 'destinationPort'),
  col('ID', 'id'),
];

const aclRules: Shape = {
  listKey: 'aclRules',
  matches: (item) => typeof item.id === 'string' && 'position' in item && 'action' in item,
  // Read like a firewall listing: in evaluation order, what decides, then what it matches.
  table: [
    col('POS', 'position', (r) => (isDefaultAclRule(r) ? 'default' : cell(r.position))),
    ...aclRuleTerms,
    // A default rule's description is the server's stand-in ("default"), which POS already says.
    col('DESCRIPTION', 'description', (r) => (isDefaultAclRule(r) ? '' : cell(r.description))),
  ],
  text: [
    col('POS', 'position'),
    ...aclRuleTerms,
    col('DESCRIPTION', 'description'),
    col('SUBNET', 'subnetId'),
  ],
};

const DIRECTION_ORDER: Readonly<Record<string, number>> = { ingress: 0, egress: 1 };

/** Evaluation order: ingress before egress, each by position, its default rule last. */
export function inEvaluationOrder(rules: readonly Item[]): Item[] {
  const rank = (r: Item) => [
    DIRECTION_ORDER[text(r.direction)] ?? 2,
    isDefaultAclRule(r) ? 1 : 0,
    typeof r.position === 'number' ? r.position : 0,
  ];
  return [...rules].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
    return 0;
  });
}

/** `acl show`: the VPC, then each subnet's rules under a line naming the subnet. */
const vpcAclView: View = {
  shape: aclRules,
  of: (value) => {
    if (!isRecord(value) || !Array.isArray(value.aclEntrys) || typeof value.vpcId !== 'string')
      return undefined;
    return {
      title: `ACL of ${named(value.vpcId, value.vpcName, value.vpcCidr)}`,
      sections: records(value.aclEntrys).map((entry) => ({
        caption: `subnet ${named(text(entry.subnetId), entry.subnetName, entry.subnetCidr)}`,
        items: inEvaluationOrder(records(entry.aclRules)),
      })),
    };
  },
};

/** `acl list` (one subnet's rules, maybe over several pages) and one entry of `acl show`: per subnet. */
const aclRulesView: View = {
  shape: aclRules,
  of: (value) => {
    if (!isRecord(value) || !Array.isArray(value.aclRules)) return undefined;
    const rules = records(value.aclRules);
    if (!rules.every(aclRules.matches)) return undefined;
    const bySubnet = new Map<string, Item[]>();
    for (const rule of rules) {
      const subnet = text(rule.subnetId);
      bySubnet.set(subnet, [...(bySubnet.get(subnet) ?? []), rule]);
    }
    const entry = typeof value.subnetId === 'string' ? value : undefined;
    return {
      sections: [...bySubnet].map(([subnet, items]) => ({
        caption: `subnet ${entry ? named(subnet, entry.subnetName, entry.subnetCidr) : subnet}`,
        items: inEvaluationOrder(items),
      })),
    };
  },
};

// ---- security groups ----

const isAllPorts = (range: unknown) => range === '' || range === '1-65535';

/** Who a rule lets traffic come from (ingress) or go to (egress): a group, else an address. */
function peerOf(rule: Item): string {
  const [group, ip] =
    rule.direction === 'egress' ? [rule.destGroupId, rule.destIp] : [rule.sourceGroupId, rule.sourceIp];
  return text(group) !== '' ? text(group) : text(ip);
}

const securityGroupRules: Shape = {
  listKey: 'rules',
  matches: (item) => typeof item.securityGroupRuleId === 'string',
  table: [
    col('DIR', 'direction'),
    col('PROTO', 'protocol'),
    col('PORTS', 'portRange', (r) => (isAllPorts(r.portRange) ? 'all' : cell(r.portRange))),
    col('PEER', 'peer', peerOf),
    col('ETHER', 'ethertype'),
    col('RULE ID', 'securityGroupRuleId'),
    col('REMARK', 'remark'),
  ],
  text: [
    col('DIR', 'direction'),
    col('PROTO', 'protocol'),
    col('PORTS', 'portRange'),
    col('PEER', 'peer', peerOf),
    col('ETHER', 'ethertype'),
    col('RULE ID', 'securityGroupRuleId'),
    col('REMARK', 'remark'),
    col('GROUP', 'securityGroupId'),
  ],
};

const isSecurityGroup = (value: unknown): value is Item =>
  isRecord(value) && typeof value.id === 'string' && Array.isArray(value.rules) && 'sgVersion' in value;

function groupCaption(group: Item): string {
  const bound = typeof group.bindInstanceNum === 'number' ? group.bindInstanceNum : 0;
  const interfaces = bound === 0 ? 'no interface' : bound === 1 ? '1 interface' : `${bound} interfaces`;
  return (
    `security group ${named(text(group.id), group.name)} of ${text(group.vpcId)}, ` +
    `version ${cell(group.sgVersion)}, bound to ${interfaces}`
  );
}

/** A group, a page of groups, or a list of them: each group's rules under its line. */
const securityGroupsView: View = {
  shape: securityGroupRules,
  of: (value) => {
    const groups = isSecurityGroup(value)
      ? [value]
      : Array.isArray(value)
        ? value
        : isRecord(value) && Array.isArray(value.securityGroups)
          ? value.securityGroups
          : undefined;
    if (groups === undefined || !groups.every(isSecurityGroup)) return undefined;
    // A bare empty array is nobody's list in particular.
    if (groups.length === 0 && Array.isArray(value)) return undefined;
    return {
      sections: groups.map((group) => ({ caption: groupCaption(group), items: records(group.rules) })),
    };
  },
};

// ---- network interfaces ----

const addresses = (eni: Item, primary: boolean) =>
  records(eni.privateIpSet)
    .filter((ip) => ip.primary === primary)
    .map((ip) => text(ip.privateIpAddress));

const ENI_TABLE = [
  col('ENI', 'eniId'),
  col('NAME', 'name'),
  col('STATUS', 'status'),
  col('SUBNET', 'subnetId'),
  col('PRIMARY IP', 'privateIpSet', (e) => addresses(e, true).join(',')),
  col('SECONDARY IPS', 'privateIpSet', (e) => addresses(e, false).join(',')),
  col('GROUPS', 'securityGroupIds', (e) =>
    Array.isArray(e.securityGroupIds) ? e.securityGroupIds.join(',') : '',
  ),
  col('INSTANCE', 'instanceId'),
];

// Order matters where shapes overlap: a subnet also has a vpcId and a cidr, so it comes before the VPC.
export const SHAPES: readonly Shape[] = [
  routeRules,
  aclRules,
  securityGroupRules,
  {
    listKey: 'enis',
    matches: (item) => typeof item.eniId === 'string' && Array.isArray(item.privateIpSet),
    table: ENI_TABLE,
    text: [...ENI_TABLE, col('VPC', 'vpcId')],
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

export const VIEWS: readonly View[] = [routeTableView, vpcAclView, aclRulesView, securityGroupsView];
