// The verbs of the network around a peering: subnet ACLs (`acl`), security groups (`sg`) and elastic network
// interfaces (`eni`). As in verbs.ts, each names an operation of the SDK's table and only adds what the table
// cannot say: flags users guess (`--source`, `--port`), and the rule objects the wire wants built from them.
import { ACL_ACTIONS, ACL_PROTOCOLS, ETHERTYPES, RULE_DIRECTIONS } from '@peerconn/sdk';
import {
  type ComposedField,
  type ComposedFlag,
  defined,
  type FieldFlag,
  flag,
  listFlag,
  markerField,
  maxKeysField,
  showVerb,
  tagsField,
  usage,
  type Verb,
} from './verb-fields.ts';

// ---- subnet ACLs ----

const ACL_TERM = '<cidr|ip|all>';
const PORT_TERM = '<port|from-to|all>';

/** The terms of an ACL rule by their flag, as `acl add` and `acl update` both take them. */
const ACL_TERMS = {
  protocol: { flag: 'protocol', field: 'protocol', choices: ACL_PROTOCOLS, description: 'protocol' },
  source: { flag: 'source', field: 'sourceIpAddress', placeholder: ACL_TERM, description: 'source address' },
  sourcePort: {
    flag: 'source-port',
    field: 'sourcePort',
    placeholder: PORT_TERM,
    description: 'source port',
  },
  destination: {
    flag: 'destination',
    field: 'destinationIpAddress',
    placeholder: ACL_TERM,
    description: 'destination address',
  },
  destinationPort: {
    flag: 'destination-port',
    field: 'destinationPort',
    placeholder: PORT_TERM,
    description: 'destination port',
  },
} as const;

const positionDescription =
  '1-5000, free in the subnet and direction; of the rules that match, the lowest position decides';

/** `acl add`: one rule from flags (the wire takes a list; several come from --cli-input-json). */
const aclRuleFromFlags: ComposedField = {
  kind: 'composed',
  fields: ['aclRules'],
  flags: [
    { flag: 'subnet-id', value: 'string', required: true, description: 'subnet whose ACL gets the rule' },
    {
      flag: 'direction',
      value: 'string',
      required: true,
      choices: RULE_DIRECTIONS,
      description: 'ingress: traffic into the subnet; egress: traffic out of it',
    },
    {
      flag: 'action',
      value: 'string',
      required: true,
      choices: ACL_ACTIONS,
      description: 'what a match does',
    },
    ...Object.values(ACL_TERMS).map(
      (term): ComposedFlag => ({
        flag: term.flag,
        value: 'string',
        defaultValue: 'all',
        description: term.description,
        ...('choices' in term ? { choices: term.choices } : { placeholder: term.placeholder }),
      }),
    ),
    {
      flag: 'position',
      value: 'int',
      required: true,
      placeholder: '<1-5000>',
      description: positionDescription,
    },
    { flag: 'description', value: 'string', description: 'free text' },
    { flag: 'ip-version', value: 'int', placeholder: '<4|6>', description: 'IP version (default 4)' },
  ],
  build: (v) => ({
    aclRules: [
      defined({
        subnetId: v.subnetId,
        description: v.description,
        protocol: v.protocol,
        sourceIpAddress: v.source,
        destinationIpAddress: v.destination,
        sourcePort: v.sourcePort,
        destinationPort: v.destinationPort,
        position: v.position,
        direction: v.direction,
        action: v.action,
        ipVersion: v.ipVersion,
      }),
    ],
  }),
};

const aclVerbs: Verb[] = [
  {
    words: ['acl', 'show'],
    operation: 'listAclEntrys',
    example: 'peerconn acl show --vpc-id vpc-1a2b3c4d5e6f --output table',
    fields: [flag('vpcId', 'vpc-id', 'the VPC whose subnets to show', { required: true })],
  },
  {
    words: ['acl', 'list'],
    operation: 'listAclRules',
    example: 'peerconn acl list --subnet-id sbn-1a2b3c4d5e6f --output table',
    fields: [
      flag('subnetId', 'subnet-id', 'the subnet whose rules to list', { required: true }),
      maxKeysField,
      markerField,
    ],
  },
  {
    words: ['acl', 'add'],
    operation: 'createAclRules',
    example:
      'peerconn acl add --subnet-id sbn-1a2b3c4d5e6f --direction ingress --action deny --protocol tcp \\\n' +
      '    --source 10.0.0.0/16 --destination-port 3306 --position 10 --description "no mysql from the old net"\n' +
      '  $ peerconn acl add --cli-input-json rules.json   # {"aclRules": [ … up to 20 … ]}',
    fields: [aclRuleFromFlags],
  },
  {
    words: ['acl', 'update'],
    operation: 'updateAclRule',
    example: 'peerconn acl update ar-1a2b3c4d5e6f --action allow --destination-port 3306-3307',
    fields: [
      ...Object.values(ACL_TERMS).map(
        (term): FieldFlag =>
          flag(term.field, term.flag, `new ${term.description}`, {
            ...('choices' in term ? { choices: term.choices } : { placeholder: term.placeholder }),
          }),
      ),
      flag('position', 'position', `new position: ${positionDescription}`, {
        value: 'int',
        placeholder: '<1-5000>',
      }),
      flag('action', 'action', 'new action', { choices: ACL_ACTIONS }),
      flag('description', 'description', 'new description ("" clears it)'),
    ],
  },
  {
    words: ['acl', 'delete'],
    operation: 'deleteAclRule',
    example: 'peerconn acl delete ar-1a2b3c4d5e6f',
    fields: [],
  },
];

// ---- security groups ----

const SG_PROTOCOLS = ['tcp', 'udp', 'icmp', 'all'] as const;

const sgVersionFlag: FieldFlag = flag(
  'sgVersion',
  'sg-version',
  "the group's version (sgVersion) the change is based on; refused when the group changed since",
  { value: 'int', placeholder: '<n>' },
);

const PEERS = {
  sourceIp: { flag: 'source-ip', direction: 'ingress', description: 'ingress: from this address or CIDR' },
  sourceGroupId: {
    flag: 'source-group',
    direction: 'ingress',
    description: 'ingress: from the interfaces of this group (g-…, same VPC)',
  },
  destIp: { flag: 'dest-ip', direction: 'egress', description: 'egress: to this address or CIDR' },
  destGroupId: {
    flag: 'dest-group',
    direction: 'egress',
    description: 'egress: to the interfaces of this group (g-…, same VPC)',
  },
} as const;

type PeerField = keyof typeof PEERS;
const camel = (kebabName: string) => kebabName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The direction a rule's peer flags say, checked against --direction when both are given. */
function ruleDirection(v: Readonly<Record<string, unknown>>): string {
  const given = (Object.keys(PEERS) as PeerField[]).filter(
    (field) => v[camel(PEERS[field].flag)] !== undefined,
  );
  const directions = new Set(given.map((field) => PEERS[field].direction));
  const stated = v.direction as string | undefined;
  if (directions.size > 1) {
    usage(
      'a rule has one direction: give --source-ip/--source-group (ingress) or --dest-ip/--dest-group (egress)',
    );
  }
  const implied = [...directions][0];
  if (stated !== undefined && implied !== undefined && stated !== implied) {
    const flags = given.map((field) => `--${PEERS[field].flag}`).join(', ');
    usage(`${flags} names the peer of an ${implied} rule, not of an ${stated} one`);
  }
  const direction = stated ?? implied;
  if (direction === undefined) {
    usage(
      'give --direction ingress|egress (or a peer: --source-ip, --source-group, --dest-ip, --dest-group)',
    );
  }
  return direction;
}

/** `sg allow` and `sg revoke`: the rule from flags, its direction implied by the peer flag when not given. */
const sgRuleFromFlags: ComposedField = {
  kind: 'composed',
  fields: ['rule'],
  flags: [
    {
      flag: 'direction',
      value: 'string',
      choices: RULE_DIRECTIONS,
      description: 'ingress or egress (default: what the peer flag says)',
    },
    { flag: 'protocol', value: 'string', choices: SG_PROTOCOLS, description: 'protocol (default: all)' },
    {
      flag: 'port',
      value: 'string',
      placeholder: '<port|from-to>',
      description: 'destination ports of a tcp or udp rule (default: all)',
    },
    ...(Object.values(PEERS).map((peer) => ({
      flag: peer.flag,
      value: 'string',
      placeholder: peer.flag.endsWith('group') ? '<g-…>' : '<cidr|ip|all>',
      description: peer.description,
    })) as ComposedFlag[]),
    { flag: 'ethertype', value: 'string', choices: ETHERTYPES, description: 'IPv4 (default) or IPv6' },
    { flag: 'remark', value: 'string', description: 'free text; part of what makes a rule unique' },
  ],
  build: (v) => ({
    rule: defined({
      remark: v.remark,
      direction: ruleDirection(v),
      ethertype: v.ethertype,
      protocol: v.protocol,
      portRange: v.port,
      sourceIp: v.sourceIp,
      sourceGroupId: v.sourceGroup,
      destIp: v.destIp,
      destGroupId: v.destGroup,
    }),
  }),
};

const sgVerbs: Verb[] = [
  {
    words: ['sg', 'create'],
    operation: 'createSecurityGroup',
    example:
      'peerconn sg create --vpc-id vpc-1a2b3c4d5e6f --name db --description "the database tier"\n' +
      `  $ peerconn sg create --vpc-id vpc-1a2b3c4d5e6f --name db \\\n` +
      `      --rules '[{"direction": "ingress", "protocol": "tcp", "portRange": "3306", "sourceIp": "10.1.0.0/16"}]'`,
    fields: [
      flag('vpcId', 'vpc-id', 'the VPC of the group', { required: true }),
      flag('name', 'name', 'group name: a letter, then letters, digits, - _ / . and spaces', {
        required: true,
      }),
      flag('desc', 'description', 'free text'),
      flag('desc', 'desc', 'same as --description (the wire name)'),
      flag('rules', 'rules', 'first rules, as a JSON list of wire rules (default: allow all out)', {
        value: 'json',
        placeholder: '<json>',
      }),
      tagsField,
    ],
  },
  {
    words: ['sg', 'list'],
    operation: 'listSecurityGroups',
    example: 'peerconn sg list --vpc-id vpc-1a2b3c4d5e6f --output table',
    fields: [
      flag('vpcId', 'vpc-id', 'only groups of this VPC'),
      flag(
        'instanceId',
        'instance-id',
        'only the groups of this instance (here: a network interface, eni-…)',
      ),
      flag('securityGroupId', 'security-group-id', 'only this group'),
      listFlag('securityGroupIds', 'security-group-ids', 'only these groups (comma-separated)'),
      maxKeysField,
      markerField,
    ],
  },
  showVerb('sg', 'getSecurityGroup', 'peerconn sg show g-1a2b3c4d5e6f --output table'),
  {
    words: ['sg', 'allow'],
    aliases: ['authorize'],
    operation: 'authorizeSecurityGroupRule',
    example:
      'peerconn sg allow g-1a2b3c4d5e6f --protocol tcp --port 3306 --source-ip 10.1.0.0/16 --remark app\n' +
      '  $ peerconn sg allow g-1a2b3c4d5e6f --direction egress --protocol udp --port 53 --dest-ip 10.1.0.2',
    fields: [sgRuleFromFlags, sgVersionFlag],
  },
  {
    words: ['sg', 'revoke'],
    operation: 'revokeSecurityGroupRule',
    example:
      'peerconn sg revoke g-1a2b3c4d5e6f --protocol tcp --port 3306 --source-ip 10.1.0.0/16 --remark app',
    fields: [sgRuleFromFlags, sgVersionFlag],
  },
  {
    words: ['sg', 'rule', 'update'],
    operation: 'updateSecurityGroupRule',
    positional: ['securityGroupRuleId'],
    example: 'peerconn sg rule update r-1a2b3c4d5e6f --port 3306-3307 --remark "app, two ports"',
    fields: [
      flag('remark', 'remark', 'new remark'),
      flag('portRange', 'port', 'new ports ("" for all)', { placeholder: '<port|from-to>' }),
      flag('protocol', 'protocol', 'new protocol', { choices: SG_PROTOCOLS }),
      flag('sourceIp', 'source-ip', 'new peer of an ingress rule: an address or CIDR', {
        placeholder: '<cidr|ip|all>',
      }),
      flag('sourceGroupId', 'source-group', 'new peer of an ingress rule: a group', { placeholder: '<g-…>' }),
      flag('destIp', 'dest-ip', 'new peer of an egress rule: an address or CIDR', {
        placeholder: '<cidr|ip|all>',
      }),
      flag('destGroupId', 'dest-group', 'new peer of an egress rule: a group', { placeholder: '<g-…>' }),
      sgVersionFlag,
    ],
  },
  {
    words: ['sg', 'rule', 'delete'],
    operation: 'deleteSecurityGroupRule',
    example: 'peerconn sg rule delete r-1a2b3c4d5e6f',
    fields: [sgVersionFlag],
  },
  {
    words: ['sg', 'delete'],
    operation: 'deleteSecurityGroup',
    example: 'peerconn sg delete g-1a2b3c4d5e6f',
    fields: [],
  },
];

// ---- elastic network interfaces ----

/** `eni create`: the primary address (picked by the server when not given) and any secondary ones. */
const addressesField: ComposedField = {
  kind: 'composed',
  fields: ['privateIpSet'],
  flags: [
    {
      flag: 'ip',
      value: 'string',
      placeholder: '<ip>',
      description: 'primary private address, in the subnet (default: the lowest free one)',
    },
    {
      flag: 'secondary-ips',
      value: 'list',
      placeholder: '<ip,ip>',
      description: 'secondary private addresses (comma-separated)',
    },
    {
      flag: 'secondary-ip-count',
      value: 'int',
      placeholder: '<n>',
      description: 'this many more secondary addresses, free ones picked by the server',
    },
  ],
  build: (v) => {
    const named = (v.secondaryIps as string[] | undefined) ?? [];
    const count = (v.secondaryIpCount as number | undefined) ?? 0;
    if (count < 0) usage('--secondary-ip-count: expected a number of addresses, 0 or more');
    const picked = Array.from({ length: count }, () => '');
    return {
      privateIpSet: [
        { primary: true, privateIpAddress: (v.ip as string | undefined) ?? '' },
        ...[...named, ...picked].map((address) => ({ primary: false, privateIpAddress: address })),
      ],
    };
  },
};

const groupIds = (description: string, required = false): FieldFlag =>
  listFlag('securityGroupIds', 'security-group-ids', description, { placeholder: '<g-…,g-…>', required });

const ipsFlag = (field: string, description: string, required = false): FieldFlag =>
  listFlag(field, 'ips', description, { placeholder: '<ip,ip>', required });

const ipv6Flag = flag('isIpv6', 'ipv6', 'IPv6 addresses (the local server has no IPv6 subnets)', {
  value: 'bool',
});

const eniVerbs: Verb[] = [
  {
    words: ['eni', 'create'],
    operation: 'createEni',
    example:
      'peerconn eni create --subnet-id sbn-1a2b3c4d5e6f --name db1 --ip 10.2.1.10 --security-group-ids g-1a2b3c4d5e6f',
    fields: [
      flag('subnetId', 'subnet-id', 'the subnet it is in', { required: true }),
      flag('name', 'name', 'interface name', { required: true }),
      addressesField,
      groupIds("its security groups, 1-10 of the subnet's VPC (default: the VPC's default group)"),
      flag('description', 'description', 'free text'),
      flag('instanceId', 'instance-id', 'attach it to this instance at once'),
      tagsField,
    ],
  },
  {
    words: ['eni', 'list'],
    operation: 'listEnis',
    example: 'peerconn eni list --vpc-id vpc-1a2b3c4d5e6f --output table',
    fields: [
      flag('vpcId', 'vpc-id', 'the VPC whose interfaces to list', { required: true }),
      flag('instanceId', 'instance-id', 'only interfaces attached to this instance'),
      flag('name', 'name', 'only interfaces of this name'),
      listFlag('privateIpAddress', 'ip', 'only interfaces holding one of these addresses (comma-separated)', {
        placeholder: '<ip,ip>',
      }),
      maxKeysField,
      markerField,
    ],
  },
  showVerb('eni', 'getEni', 'peerconn eni show eni-1a2b3c4d5e6f --output table'),
  {
    words: ['eni', 'status'],
    operation: 'getEniStatus',
    example: 'peerconn eni status eni-1a2b3c4d5e6f --query status --output text',
    fields: [],
  },
  {
    words: ['eni', 'update'],
    operation: 'updateEni',
    example: 'peerconn eni update eni-1a2b3c4d5e6f --name db1-primary --description "mysql primary"',
    fields: [flag('name', 'name', 'new name'), flag('description', 'description', 'new description')],
  },
  {
    words: ['eni', 'sg'],
    aliases: ['bind-sg'],
    operation: 'updateEniSecurityGroups',
    example: 'peerconn eni sg eni-1a2b3c4d5e6f --security-group-ids g-1a2b3c4d5e6f,g-6f5e4d3c2b1a',
    fields: [groupIds('the groups it gets instead of its current ones, 1-10 of its VPC', true)],
  },
  {
    words: ['eni', 'attach'],
    operation: 'attachEni',
    example: 'peerconn eni attach eni-1a2b3c4d5e6f --instance-id i-7Xb9kPq2',
    fields: [
      flag('instanceId', 'instance-id', 'the instance (the local server records the id as given)', {
        required: true,
      }),
      flag('instanceType', 'instance-type', 'kind of instance (default BCC)'),
    ],
  },
  {
    words: ['eni', 'detach'],
    operation: 'detachEni',
    example: 'peerconn eni detach eni-1a2b3c4d5e6f',
    // The service wants the instance the interface is attached to, which the interface itself shows.
    lookup: {
      field: 'instanceId',
      flag: 'instance-id',
      operation: 'getEni',
      from: 'instanceId',
      missing:
        'the interface is attached to no instance (its instanceId is empty): there is nothing to detach',
    },
    fields: [flag('instanceId', 'instance-id', 'the instance it is attached to (default: the one it shows)')],
  },
  {
    words: ['eni', 'ip', 'add'],
    operation: 'addEniPrivateIp',
    example: 'peerconn eni ip add eni-1a2b3c4d5e6f --ip 10.2.1.11',
    fields: [
      flag('privateIpAddress', 'ip', 'the secondary address (default: the lowest free one of the subnet)', {
        placeholder: '<ip>',
      }),
      ipv6Flag,
    ],
  },
  {
    words: ['eni', 'ip', 'delete'],
    operation: 'deleteEniPrivateIp',
    example: 'peerconn eni ip delete eni-1a2b3c4d5e6f 10.2.1.11',
    fields: [],
  },
  {
    words: ['eni', 'ip', 'batch-add'],
    operation: 'batchAddEniPrivateIps',
    example:
      'peerconn eni ip batch-add eni-1a2b3c4d5e6f --ips 10.2.1.12,10.2.1.13\n' +
      '  $ peerconn eni ip batch-add eni-1a2b3c4d5e6f --count 3',
    fields: [
      ipsFlag('privateIpAddresses', 'up to 10 secondary addresses (comma-separated)'),
      flag('privateIpAddressCount', 'count', 'this many free addresses instead, 1-10', {
        value: 'int',
        placeholder: '<n>',
      }),
      ipv6Flag,
    ],
  },
  {
    words: ['eni', 'ip', 'batch-delete'],
    operation: 'batchDeleteEniPrivateIps',
    example: 'peerconn eni ip batch-delete eni-1a2b3c4d5e6f --ips 10.2.1.12,10.2.1.13',
    fields: [ipsFlag('privateIpAddresses', 'up to 10 secondary addresses (comma-separated)', true)],
  },
  {
    words: ['eni', 'delete'],
    operation: 'deleteEni',
    example: 'peerconn eni delete eni-1a2b3c4d5e6f',
    fields: [],
  },
  {
    words: ['eni', 'quota'],
    operation: 'getEniQuota',
    example:
      'peerconn eni quota --eni-id eni-1a2b3c4d5e6f        # addresses it may still get\n' +
      '  $ peerconn eni quota --instance-id i-7Xb9kPq2   # interfaces it may still have',
    fields: [
      flag('eniId', 'eni-id', 'addresses this interface may still get'),
      flag('instanceId', 'instance-id', 'interfaces this instance may still have attached'),
    ],
  },
];

export const NETWORK_VERBS: readonly Verb[] = [...aclVerbs, ...sgVerbs, ...eniVerbs];
