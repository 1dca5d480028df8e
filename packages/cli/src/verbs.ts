// The CLI's verbs. Each one names an operation of the SDK's table; its positional arguments are the
// operation's path parameters and its flags are the operation's query and body fields. Only what the table
// cannot say is written here: friendlier flag names, value types, and fields composed from several flags.
// An operation without a row still becomes a verb (see `autoVerb`), so a new table row needs no CLI code.
// The verbs of ACLs, security groups and network interfaces are in network-verbs.ts.
import { NEXTHOP_TYPES, PAYMENT_TIMINGS, PEER_CONN_ROLES, SUBNET_TYPES } from '@peerconn/sdk';
import { OPERATION_LIST, type OperationName, type OperationSpec, pathParams } from '@peerconn/sdk/operations';
import { NETWORK_VERBS } from './network-verbs.ts';
import {
  type ComposedField,
  defined,
  type FieldFlag,
  filledBy,
  flag,
  listFlag,
  markerField,
  maxKeysField,
  showVerb,
  tagsField,
  usage,
  type Verb,
} from './verb-fields.ts';

export type { ComposedField, FieldFlag, FieldSpec, ValueKind, Verb } from './verb-fields.ts';

const role = (description: string, required = false): FieldFlag =>
  flag('role', 'role', description, { choices: PEER_CONN_ROLES, required });

const peerConnVerbs: Verb[] = [
  {
    words: ['create'],
    operation: 'createPeerConn',
    example:
      'peerconn create --local-vpc-id vpc-1a2b3c4d5e6f --peer-vpc-id vpc-6f5e4d3c2b1a --peer-region bj \\\n' +
      '    --bandwidth 10 --peer-account-id e8deba4d81d3435bb4591ce97233f296 --description "app to db"',
    fields: [
      flag('localVpcId', 'local-vpc-id', 'VPC on your side', { required: true }),
      flag('peerVpcId', 'peer-vpc-id', 'VPC on the other side', { required: true }),
      flag('peerRegion', 'peer-region', 'region of the peer VPC (bj, gz, su, …)', { required: true }),
      flag('bandwidthInMbps', 'bandwidth', 'bandwidth in Mbps', {
        value: 'int',
        required: true,
        placeholder: '<mbps>',
      }),
      flag('peerAccountId', 'peer-account-id', 'account of the peer VPC (cross-account only)'),
      flag('description', 'description', 'free text'),
      flag('localIfName', 'local-if-name', 'name of your interface'),
      flag('peerIfName', 'peer-if-name', "name of the peer's interface (same account only)"),
      {
        kind: 'composed',
        fields: ['billing'],
        flags: [
          {
            flag: 'payment-timing',
            value: 'string',
            choices: PAYMENT_TIMINGS,
            defaultValue: 'Postpaid',
            description: 'billing mode',
          },
          {
            flag: 'reservation-length',
            value: 'int',
            placeholder: '<months>',
            description: 'prepaid term in months (1-9, 12, 24, 36)',
          },
        ],
        build: (v) => {
          const paymentTiming = v.paymentTiming as string;
          const length = v.reservationLength as number | undefined;
          if (paymentTiming === 'Prepaid' || length !== undefined) {
            const reservation = { reservationLength: length ?? 1, reservationTimeUnit: 'month' };
            return { billing: { paymentTiming, reservation } };
          }
          return { billing: { paymentTiming } };
        },
      },
      tagsField,
      flag('resourceGroupId', 'resource-group-id', 'resource group'),
      flag('deleteProtect', 'delete-protect', 'refuse release until protection is switched off', {
        value: 'bool',
      }),
    ],
  },
  {
    words: ['list'],
    operation: 'listPeerConns',
    example:
      'peerconn list --vpc-id vpc-1a2b3c4d5e6f --output table\n  $ peerconn list --max-items 20 --output table   # then: --starting-token <nextMarker>',
    fields: [flag('vpcId', 'vpc-id', 'only connections of this VPC'), maxKeysField, markerField],
  },
  {
    words: ['get'],
    operation: 'getPeerConn',
    example: 'peerconn get peerconn-9td54fmx143e --role acceptor',
    fields: [role('which side to show (default: your own side)')],
  },
  {
    words: ['update'],
    operation: 'updatePeerConn',
    example: 'peerconn update peerconn-9td54fmx143e --local-if-name app-side --description "app to db"',
    // The service wants the caller's interface id, which a GET of the connection shows; asking for it
    // would only make the user run that GET by hand.
    lookup: { field: 'localIfId', flag: 'local-if-id', operation: 'getPeerConn', from: 'localIfId' },
    fields: [
      flag('localIfId', 'local-if-id', 'your interface id (default: the localIfId `get` shows you)'),
      flag('localIfName', 'local-if-name', 'new interface name'),
      flag('description', 'description', 'new description'),
    ],
  },
  {
    words: ['accept'],
    operation: 'acceptPeerConn',
    example: 'peerconn accept peerconn-9td54fmx143e --profile acceptor',
    fields: [],
  },
  {
    words: ['reject'],
    operation: 'rejectPeerConn',
    example: 'peerconn reject peerconn-9td54fmx143e --profile acceptor',
    fields: [],
  },
  {
    words: ['delete'],
    operation: 'deletePeerConn',
    example: 'peerconn delete peerconn-9td54fmx143e && peerconn wait deleted peerconn-9td54fmx143e',
    fields: [],
  },
  {
    words: ['resize'],
    operation: 'resizePeerConn',
    example: 'peerconn resize peerconn-9td54fmx143e --bandwidth 20',
    fields: [
      flag('newBandwidthInMbps', 'bandwidth', 'new bandwidth in Mbps', {
        value: 'int',
        required: true,
        placeholder: '<mbps>',
      }),
    ],
  },
  {
    words: ['renew'],
    operation: 'renewPeerConn',
    example: 'peerconn renew peerconn-9td54fmx143e --reservation-length 12',
    fields: [
      {
        kind: 'composed',
        fields: ['billing'],
        flags: [
          {
            flag: 'reservation-length',
            value: 'int',
            required: true,
            placeholder: '<months>',
            description: 'months to add (1-9, 12, 24, 36)',
          },
        ],
        build: (v) => ({
          billing: { reservation: { reservationLength: v.reservationLength, reservationTimeUnit: 'month' } },
        }),
      },
    ],
  },
  {
    words: ['refund'],
    operation: 'refundPeerConn',
    example: 'peerconn refund peerconn-9td54fmx143e',
    fields: [],
  },
  {
    words: ['dns', 'open'],
    operation: 'openPeerConnDnsSync',
    example:
      'peerconn dns open peerconn-9td54fmx143e --role initiator && peerconn wait dns-open peerconn-9td54fmx143e',
    fields: [role('side whose VPC resolves the other side', true)],
  },
  {
    words: ['dns', 'close'],
    operation: 'closePeerConnDnsSync',
    example: 'peerconn dns close peerconn-9td54fmx143e --role initiator',
    fields: [role('side whose DNS sync to turn off', true)],
  },
  {
    words: ['delete-protect', 'on'],
    operation: 'updatePeerConnDeleteProtect',
    example: 'peerconn delete-protect on peerconn-9td54fmx143e',
    fields: [],
    fixed: { deleteProtect: true },
  },
  {
    words: ['delete-protect', 'off'],
    operation: 'updatePeerConnDeleteProtect',
    example: 'peerconn delete-protect off peerconn-9td54fmx143e',
    fields: [],
    fixed: { deleteProtect: false },
  },
];

const vpcVerbs: Verb[] = [
  {
    words: ['vpc', 'create'],
    operation: 'createVpc',
    example: 'peerconn vpc create --name app --cidr 192.168.0.0/16',
    fields: [
      flag('name', 'name', 'VPC name', { required: true }),
      flag('cidr', 'cidr', 'IPv4 range, e.g. 192.168.0.0/16', { required: true }),
      flag('description', 'description', 'free text'),
      flag('enableIpv6', 'enable-ipv6', 'also assign an IPv6 range', { value: 'bool' }),
      tagsField,
    ],
  },
  {
    words: ['vpc', 'list'],
    operation: 'listVpcs',
    example: 'peerconn vpc list --output table',
    fields: [
      maxKeysField,
      markerField,
      flag('isDefault', 'default', 'only the default VPC', { value: 'bool' }),
      listFlag('vpcIds', 'vpc-ids', 'only these VPCs (comma-separated)'),
    ],
  },
  {
    words: ['vpc', 'get'],
    operation: 'getVpc',
    example: 'peerconn vpc get vpc-1a2b3c4d5e6f',
    fields: [],
  },
  {
    words: ['vpc', 'update'],
    operation: 'updateVpc',
    example: 'peerconn vpc update vpc-1a2b3c4d5e6f --name app-prod',
    fields: [
      flag('name', 'name', 'new name'),
      flag('description', 'description', 'new description'),
      flag('enableIpv6', 'enable-ipv6', 'assign an IPv6 range', { value: 'bool' }),
    ],
  },
  {
    words: ['vpc', 'delete'],
    operation: 'deleteVpc',
    example: 'peerconn vpc delete vpc-1a2b3c4d5e6f',
    fields: [],
  },
  {
    words: ['vpc', 'relay', 'open'],
    operation: 'openVpcRelay',
    example: 'peerconn vpc relay open vpc-1a2b3c4d5e6f',
    fields: [],
  },
  {
    words: ['vpc', 'relay', 'shutdown'],
    operation: 'shutdownVpcRelay',
    example: 'peerconn vpc relay shutdown vpc-1a2b3c4d5e6f',
    fields: [],
  },
];

const subnetVerbs: Verb[] = [
  {
    words: ['subnet', 'create'],
    operation: 'createSubnet',
    example:
      'peerconn subnet create --vpc-id vpc-1a2b3c4d5e6f --name app_a --cidr 10.1.1.0/24 --zone-name cn-bj-a',
    fields: [
      flag('vpcId', 'vpc-id', 'VPC the subnet belongs to', { required: true }),
      flag('name', 'name', 'subnet name (letters, digits, underscore; not "default")', { required: true }),
      flag('cidr', 'cidr', "IPv4 range inside the VPC's CIDR, e.g. 10.1.1.0/24", { required: true }),
      flag('zoneName', 'zone-name', "availability zone of the VPC's region, e.g. cn-bj-a", {
        required: true,
        placeholder: '<zone>',
      }),
      flag('subnetType', 'subnet-type', 'BCC (the default) or BBC', { choices: SUBNET_TYPES }),
      flag('description', 'description', 'free text'),
      flag('enableIpv6', 'enable-ipv6', 'also assign an IPv6 range', { value: 'bool' }),
      tagsField,
    ],
  },
  {
    words: ['subnet', 'list'],
    operation: 'listSubnets',
    example: 'peerconn subnet list --vpc-id vpc-1a2b3c4d5e6f --output table',
    fields: [
      flag('vpcId', 'vpc-id', 'only subnets of this VPC'),
      flag('zoneName', 'zone-name', 'only subnets in this zone', { placeholder: '<zone>' }),
      flag('subnetType', 'subnet-type', 'only subnets of this type', { choices: SUBNET_TYPES }),
      listFlag('subnetIds', 'subnet-ids', 'only these subnets (comma-separated)'),
      maxKeysField,
      markerField,
    ],
  },
  showVerb('subnet', 'getSubnet', 'peerconn subnet show sbn-1a2b3c4d5e6f'),
  {
    words: ['subnet', 'update'],
    operation: 'updateSubnet',
    example: 'peerconn subnet update sbn-1a2b3c4d5e6f --description "app tier, zone a"',
    // The service wants the name on every update; when only the description changes, the current name is it.
    lookup: { field: 'name', flag: 'name', operation: 'getSubnet', from: 'subnet.name' },
    fields: [
      flag('name', 'name', 'new name (default: the current one, which the service needs on every update)'),
      flag('description', 'description', 'new description'),
      flag('enableIpv6', 'enable-ipv6', 'assign an IPv6 range', { value: 'bool' }),
    ],
  },
  {
    words: ['subnet', 'delete'],
    operation: 'deleteSubnet',
    example: 'peerconn subnet delete sbn-1a2b3c4d5e6f',
    fields: [],
  },
];

const routeTableFlags = (what: string): FieldFlag[] => [
  flag('vpcId', 'vpc-id', `${what} of this VPC (give this or --route-table-id)`),
  flag('routeTableId', 'route-table-id', `${what} of this route table (rt-…)`),
];

const addressFlag = (field: string, name: string, description: string): FieldFlag =>
  flag(field, name, description, { placeholder: '<cidr>' });

/**
 * One next hop (`nexthopType`, `nexthopId`), or with a standby a primary/standby pair (`nextHopList`), which
 * `route switch` turns over.
 */
const nextHopsField: ComposedField = {
  kind: 'composed',
  fields: ['nexthopType', 'nexthopId', 'nextHopList'],
  flags: [
    {
      flag: 'nexthop-type',
      value: 'string',
      choices: NEXTHOP_TYPES,
      defaultValue: 'peerConn',
      description: 'kind of next hop',
    },
    {
      flag: 'nexthop-id',
      value: 'string',
      placeholder: '<id>',
      description: "next hop; for peerConn your side's interface id (localIfId of `peerconn get`)",
    },
    {
      flag: 'standby-nexthop-id',
      value: 'string',
      placeholder: '<id>',
      description: 'a standby next hop: makes a primary/standby pair of rules (see `route switch`)',
    },
    {
      flag: 'standby-nexthop-type',
      value: 'string',
      choices: NEXTHOP_TYPES,
      description: "kind of the standby next hop (default: --nexthop-type's)",
    },
  ],
  build: (v) => {
    if (v.standbyNexthopId === undefined) {
      if (v.standbyNexthopType !== undefined) usage('--standby-nexthop-type needs --standby-nexthop-id');
      return defined({ nexthopType: v.nexthopType, nexthopId: v.nexthopId });
    }
    if (v.nexthopId === undefined) usage('a primary/standby pair needs --nexthop-id (the primary) too');
    return {
      nextHopList: [
        { nexthopType: v.nexthopType, nexthopId: v.nexthopId, pathType: 'ha:active' },
        {
          nexthopType: v.standbyNexthopType ?? v.nexthopType,
          nexthopId: v.standbyNexthopId,
          pathType: 'ha:standby',
        },
      ],
    };
  },
};

const routeVerbs: Verb[] = [
  {
    words: ['route', 'show'],
    operation: 'getRouteTable',
    example: 'peerconn route show --vpc-id vpc-1a2b3c4d5e6f --output table',
    fields: routeTableFlags('the table'),
  },
  {
    words: ['route', 'list'],
    operation: 'listRouteRules',
    example: 'peerconn route list --vpc-id vpc-1a2b3c4d5e6f --output text',
    fields: [...routeTableFlags('rules'), maxKeysField, markerField],
  },
  {
    words: ['route', 'add'],
    operation: 'createRouteRule',
    example:
      'peerconn route add --vpc-id vpc-1a2b3c4d5e6f --destination-address 10.2.0.0/16 \\\n' +
      '    --nexthop-id qpif-9td54fmx143e --description "to db"',
    // Users know their VPC; the table's id is one read away.
    lookup: {
      field: 'routeTableId',
      flag: 'route-table-id',
      operation: 'getRouteTable',
      from: 'routeTableId',
      using: { field: 'vpcId', flag: 'vpc-id' },
    },
    fields: [
      flag('vpcId', 'vpc-id', 'VPC whose route table gets the rule (instead of --route-table-id)'),
      flag('routeTableId', 'route-table-id', 'route table (rt-…; default: the table of --vpc-id)'),
      {
        kind: 'composed',
        fields: ['sourceAddress'],
        flags: [
          {
            flag: 'source-address',
            value: 'string',
            placeholder: '<cidr>',
            defaultValue: '0.0.0.0/0',
            description: 'traffic from here: 0.0.0.0/0, or a range inside one of the subnets',
          },
        ],
        build: (v) => ({ sourceAddress: v.sourceAddress }),
      },
      {
        ...addressFlag(
          'destinationAddress',
          'destination-address',
          "traffic to here (must not overlap the VPC's own CIDR)",
        ),
        required: true,
      },
      nextHopsField,
      flag('description', 'description', 'free text'),
    ],
  },
  {
    words: ['route', 'update'],
    operation: 'updateRouteRule',
    example: 'peerconn route update rr-1a2b3c4d5e6f --description "to db, via the new peering"',
    fields: [
      addressFlag('sourceAddress', 'source-address', 'new source range'),
      addressFlag('destinationAddress', 'destination-address', 'new destination range'),
      flag('nexthopId', 'nexthop-id', 'new next hop (same type)'),
      flag('description', 'description', 'new description'),
    ],
  },
  {
    words: ['route', 'delete'],
    operation: 'deleteRouteRule',
    example: 'peerconn route delete rr-1a2b3c4d5e6f',
    fields: [],
  },
  {
    words: ['route', 'switch'],
    operation: 'switchRouteRule',
    example:
      'peerconn route add --vpc-id vpc-1a2b3c4d5e6f --destination-address 10.2.0.0/16 \\\n' +
      '    --nexthop-id qpif-9td54fmx143e --standby-nexthop-id qpif-0a1b2c3d4e5f\n' +
      '  $ peerconn route switch rr-1a2b3c4d5e6f   # the ha:active rule of the pair',
    fields: [],
  },
];

/**
 * The verb's one line of help: its row's summary, the one text of what the operation does; a verb that fixes a
 * field (`delete-protect on`) says which value it sends.
 */
export function verbDescription(verb: Verb, spec: OperationSpec): string {
  const fixed = Object.entries(verb.fixed ?? {}).map(
    ([field, value]) => `${field}: ${JSON.stringify(value)}`,
  );
  return fixed.length > 0 ? `${spec.summary} (${fixed.join(', ')})` : spec.summary;
}

/** The input fields a verb takes as arguments, in order: the path parameters, then its positional fields. */
export function verbArguments(verb: Verb, spec: OperationSpec): string[] {
  return [...pathParams(spec), ...(verb.positional ?? [])];
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A verb for an operation nobody wrote a row for: `<kebab-name> <path params…> --<kebab-field> <json|text>`. */
export function autoVerb(spec: OperationSpec): Verb {
  const args = pathParams(spec)
    .map((p) => `<${p}>`)
    .join(' ');
  return {
    words: [kebab(spec.name)],
    operation: spec.name as OperationName,
    example: `peerconn ${kebab(spec.name)}${args ? ` ${args}` : ''}`,
    fields: [],
  };
}

/**
 * Fields of the operation the verb's row leaves to generic flags: every query/body field not listed, not
 * fixed, and not a path parameter. Values are parsed as JSON when they look like it, else taken as text.
 */
export function genericFields(verb: Verb, spec: OperationSpec): FieldFlag[] {
  const covered = new Set<string>([
    ...verb.fields.flatMap(filledBy),
    ...Object.keys(verb.fixed ?? {}),
    ...verbArguments(verb, spec),
  ]);
  const usedFlags = new Set(
    verb.fields.flatMap((f) => (f.kind === 'field' ? [f.flag] : f.flags.map((x) => x.flag))),
  );
  return [...spec.query, ...spec.body]
    .filter((field) => !covered.has(field))
    .map((field) =>
      flag(
        field,
        usedFlags.has(kebab(field)) ? `${kebab(field)}-value` : kebab(field),
        `${field} (JSON or text)`,
        {
          value: 'json',
        },
      ),
    );
}

export const VERBS: readonly Verb[] = (() => {
  const written = [...peerConnVerbs, ...vpcVerbs, ...subnetVerbs, ...routeVerbs, ...NETWORK_VERBS];
  const named = new Set(written.map((v) => v.operation));
  return [...written, ...OPERATION_LIST.filter((o) => !named.has(o.name as OperationName)).map(autoVerb)];
})();
