// Counterexamples the model-based suites found, shrunk and kept: each is replayed against the server and the
// model on every run (model-regressions.test.ts), so a fixed disagreement stays fixed.

import type { AclRuleSpec } from './network-steps.ts';
import type { HistoryConfig } from './runner.ts';
import type { Step } from './steps.ts';

function aclRule(position: number, direction: string): AclRuleSpec {
  return {
    protocol: 'tcp',
    source: '10.0.1.0/24',
    destination: 'all',
    sourcePort: 'all',
    destinationPort: '443',
    position,
    direction,
    action: 'allow',
  };
}

export interface Regression {
  name: string;
  config: HistoryConfig;
  steps: Step[];
}

const IMMEDIATE = {
  create: { mode: 'immediate' },
  accept: { mode: 'immediate' },
  update: { mode: 'immediate' },
  delete: { mode: 'immediate' },
  dnsOpen: { mode: 'immediate' },
  dnsClose: { mode: 'immediate' },
} as const;

const base: HistoryConfig = {
  model: { quotaPerVpc: 10, quotaPerAccount: 10, keepDeleted: false },
  timing: IMMEDIATE,
  start: '2031-01-31T10:00:00.250Z',
  fullCheckEvery: 1,
};

/** Quotas of the network resources low enough to reach in a few steps. */
const lowNetworkQuotas: HistoryConfig = {
  ...base,
  model: {
    ...base.model,
    quotaSubnetsPerVpc: 2,
    quotaAclRulesPerDirection: 2,
    quotaSecurityGroupRulesPerDirection: 3,
    quotaEnisPerVpc: 3,
    quotaIpsPerEni: 2,
    quotaEnisPerInstance: 1,
  },
};

/** Alice's VPC in bj (10.0.0.0/16) with a subnet 10.0.0.0/24 in cn-bj-a. */
const aliceSubnet: Step[] = [
  { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app' },
  { t: 'createSubnet', vpc: 0, cidr: [8, 0], zone: 'own', zoneLetter: 0, name: 'web', as: 'owner' },
];

/**
 * Disagreements the network histories found between the model and the server, each about which refusal wins
 * where the docs said nothing; the server's order was kept and written down (docs/server-rules.md, "Which
 * refusal wins", Network resources). These keep both to it.
 */
const NETWORK_REGRESSIONS: Regression[] = [
  {
    name: 'a rule update with a stale sgVersion and bad values: the version wins',
    config: base,
    steps: [
      { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app' },
      {
        t: 'sgOp',
        op: 'updateRule',
        group: 0,
        rule: 0,
        style: 'go',
        as: 'owner',
        version: 'stale',
        change: { ip: 'all', group: { in: 'otherVpc', at: 0 } },
      },
    ],
  },
  {
    name: "a subnet's zone name of no form is refused before its VPC is looked up, even for a stranger",
    config: base,
    steps: [
      { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app' },
      {
        t: 'createSubnet',
        vpc: 0,
        cidr: [2, 0],
        zone: 'malformed',
        zoneLetter: 0,
        name: 'web',
        as: 'stranger',
      },
    ],
  },
  {
    name: "an interface's addresses are judged after its quota: too many, one named twice: EniQuotaExceeded",
    config: lowNetworkQuotas,
    steps: [
      ...aliceSubnet,
      {
        t: 'createEni',
        subnet: 0,
        name: 'app-eni',
        groups: [],
        addresses: [{ offset: 2 }, { offset: 2 }, 'auto'],
        style: 'go',
        as: 'owner',
      },
    ],
  },
  {
    name: 'an address held by another interface and named twice: PrivateIpInUse, in request order',
    config: lowNetworkQuotas,
    steps: [
      ...aliceSubnet,
      {
        t: 'createEni',
        subnet: 0,
        name: 'app-eni',
        groups: [],
        addresses: [{ offset: 2 }],
        style: 'go',
        as: 'owner',
      },
      {
        t: 'createEni',
        subnet: 0,
        name: 'db',
        groups: [],
        addresses: [{ offset: 2 }, { offset: 2 }],
        style: 'python',
        as: 'owner',
      },
    ],
  },
  {
    name: 'ACL rules are checked one by one: the first over the quota wins over a later taken position',
    config: lowNetworkQuotas,
    steps: [
      ...aliceSubnet,
      { t: 'createAcl', subnet: 0, rules: [aclRule(1, 'egress'), aclRule(2, 'egress')], as: 'owner' },
      { t: 'createAcl', subnet: 0, rules: [aclRule(3, 'egress'), aclRule(1, 'egress')], as: 'owner' },
    ],
  },
  {
    name: 'an interface without privateIpSet is refused for its shape before a fault rule fires',
    config: lowNetworkQuotas,
    steps: [
      ...aliceSubnet,
      { t: 'fault', op: 'createEni', status: 503, times: 1 },
      {
        t: 'createEni',
        subnet: 0,
        name: 'app-eni',
        groups: [],
        addresses: ['auto'],
        style: 'go',
        broken: 'noAddresses',
        as: 'owner',
      },
    ],
  },
  {
    name: 'a group without vpcId is refused for its shape before a fault rule fires',
    config: lowNetworkQuotas,
    steps: [
      ...aliceSubnet,
      { t: 'fault', op: 'createSecurityGroup', status: 503, times: 1 },
      { t: 'createSg', vpc: 0, name: 'db', rules: [], style: 'go', broken: 'noVpcId', as: 'owner' },
    ],
  },
];

/** Alice's connection between two of her own VPCs in bj (connection 0 of the history). */
const aliceConnection: Step[] = [
  { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app' },
  { t: 'createVpc', who: 0, region: 0, cidr: 1, name: 'db' },
  {
    t: 'createPeerConn',
    who: 0,
    local: 0,
    localMine: true,
    peer: 0,
    peerAccount: 'auto',
    peerRegion: 'auto',
    prepaid: 0,
    bandwidth: 10,
  },
];

export const REGRESSIONS: Regression[] = [
  {
    // Found by the soak on PostgreSQL: a rule that fired stayed listed with its old count until the store's
    // signal came back a round trip later, so GET /_admin/faults right after the firing still showed it.
    name: 'a fault rule that fired is listed as fired at once',
    config: {
      model: { quotaPerVpc: 2, quotaPerAccount: 3, keepDeleted: false },
      timing: {
        create: { mode: 'manual' },
        accept: { mode: 'delay', delayMs: 1000 },
        update: { mode: 'delay', delayMs: 1000 },
        delete: { mode: 'immediate' },
        dnsOpen: { mode: 'manual' },
        dnsClose: { mode: 'delay', delayMs: 1000 },
      },
      start: '2031-01-31T10:00:00.250Z',
      fullCheckEvery: 4,
    },
    steps: [
      { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app' },
      { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app', token: 'new' },
      { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app' },
      { t: 'fault', op: 'createPeerConn', times: 1, status: 503 },
      { t: 'restart' },
      {
        t: 'createPeerConn',
        who: 0,
        local: 0,
        localMine: true,
        peer: 0,
        peerAccount: 'auto',
        peerRegion: 'auto',
        prepaid: 0,
        bandwidth: 1,
      },
    ],
  },
  {
    // The server checked the new bandwidth before visibility: a stranger resizing an existing connection to
    // 10001 Mbps got InvalidBandwidth, and NoSuchObject for a missing id, so it could probe which ids exist.
    name: 'a stranger resizing with a bad bandwidth learns nothing: NoSuchObject',
    config: base,
    steps: [
      ...aliceConnection,
      { t: 'peerOp', op: 'resize', conn: 0, as: 'stranger', ownEndpoint: true, arg: 4 },
    ],
  },
  {
    // The same for renew's reservation months and update's field lengths.
    name: 'a stranger renewing or updating with bad values learns nothing: NoSuchObject',
    config: base,
    steps: [
      ...aliceConnection,
      { t: 'peerOp', op: 'renew', conn: 0, as: 'stranger', ownEndpoint: true, arg: 7 },
      {
        t: 'peerOp',
        op: 'update',
        conn: 0,
        as: 'stranger',
        ownEndpoint: true,
        arg: 0,
        text: 'y'.repeat(201),
      },
      { t: 'peerOp', op: 'resize', conn: 0, as: 'owner', ownEndpoint: false, arg: 5 },
    ],
  },
  {
    // The model first gave the acceptor an empty description; the server (and now the docs) start both sides
    // with the request's remark.
    name: "create's description starts as both sides' description",
    config: base,
    steps: [
      { t: 'createVpc', who: 0, region: 0, cidr: 0, name: 'app' },
      { t: 'createVpc', who: 1, region: 1, cidr: 1, name: 'db' },
      {
        t: 'createPeerConn',
        who: 0,
        local: 0,
        localMine: true,
        peer: 0,
        peerAccount: 'auto',
        peerRegion: 'auto',
        prepaid: 0,
        bandwidth: 10,
        description: 'app to db',
      },
    ],
  },
  ...NETWORK_REGRESSIONS,
];
