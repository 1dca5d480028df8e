// Counterexamples the model-based suites found, shrunk and kept: each is replayed against the server and the
// model on every run (model-regressions.test.ts), so a fixed disagreement stays fixed.
import type { HistoryConfig } from './runner.ts';
import type { Step } from './steps.ts';

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
];
