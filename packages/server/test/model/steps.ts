// The steps of a history as plain data (so a shrunk counterexample can be written down as a regression test),
// and fast-check arbitraries that generate them. A step names things by position ("the 3rd connection ever
// created", "the caller's 2nd VPC"), resolved against the model when it runs: generation needs no ids.
import fc from 'fast-check';
import type { Timing, TimingTable, TransitionName } from './model.ts';
import { MUTATING_OPS, TRANSITIONS } from './model.ts';
import {
  aclOpArb,
  createAclArb,
  createEniArb,
  createSgArb,
  createSubnetArb,
  eniOpArb,
  type NetworkStep,
  setupSubnetArb,
  sgOpArb,
  subnetOpArb,
} from './network-steps.ts';

/** Who calls for a connection: its initiator's account, its acceptor's, or an account that is neither. */
export type Actor = 'owner' | 'peer' | 'stranger';

export type PeerOp =
  | 'accept'
  | 'reject'
  | 'delete'
  | 'resize'
  | 'renew'
  | 'refund'
  | 'dnsOpen'
  | 'dnsClose'
  | 'deleteProtect'
  | 'update'
  | 'get';

/**
 * A clientToken: `new` is one no earlier step used (the step's own), a number one of a small shared pool, so
 * tokens are reused for the same and for different requests.
 */
export type Token = number | 'new';

export type Step =
  | NetworkStep
  | {
      t: 'createVpc';
      who: number;
      region: number;
      /** An index into the CIDR pool, or a broken CIDR. */
      cidr: number | string;
      name: string;
      description?: string;
      tags?: number;
      token?: Token;
    }
  | {
      t: 'vpcOp';
      op: 'deleteVpc' | 'updateVpc' | 'openVpcRelay' | 'shutdownVpcRelay' | 'getVpc';
      vpc: number;
      asOwner: boolean;
      name?: string;
      description?: string;
      token?: Token;
    }
  | {
      t: 'createPeerConn';
      who: number;
      local: number;
      /** -1: another account's VPC as the local one (NoSuchObject). */
      localMine: boolean;
      peer: number;
      peerAccount: 'auto' | 'explicitSelf' | 'omit' | 'wrong' | 'malformed';
      peerRegion: 'auto' | 'wrong';
      prepaid: number;
      bandwidth: number;
      deleteProtect?: boolean;
      description?: string;
      localIfName?: string;
      peerIfName?: string;
      tags?: number;
      token?: Token;
      /** A shape error: a required field left out or mistyped. */
      broken?: 'noBilling' | 'bandwidthString' | 'noPeerVpc';
    }
  | {
      t: 'peerOp';
      op: PeerOp;
      conn: number;
      as: Actor;
      /** At the endpoint of the actor's side (true), or of the other region. */
      ownEndpoint: boolean;
      role?: 'initiator' | 'acceptor';
      /** resize: bandwidth; renew: months; deleteProtect: 0/1; update: which interface. */
      arg?: number;
      text?: string;
      token?: Token;
    }
  | { t: 'replay'; back: number; sameAccount: boolean }
  | { t: 'advance'; ms: number }
  | { t: 'timing'; change: Partial<TimingTable> }
  | { t: 'run'; conn?: number }
  | { t: 'fault'; op: string; status: number; times: number; emptyBody?: boolean; latencyMs?: number }
  | { t: 'clearFaults' }
  | { t: 'restart' };

export const REGIONS = ['bj', 'gz'] as const;

export const CIDRS = [
  '10.0.0.0/16',
  '10.1.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/24',
  '10.2.4.0/22',
  '10.200.0.0/8',
];
export const BAD_CIDRS = ['10.0.0.1/16', '300.1.0.0/16', '10.0.0.0/31', '10.0.0.0/7', 'ten', '10.0.0/16'];

const DELAYS = [1000, 2000, 60_000, 3_600_000];

export const timingArb: fc.Arbitrary<Timing> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Timing>({ mode: 'immediate' }) },
  { weight: 3, arbitrary: fc.constantFrom(...DELAYS).map((delayMs): Timing => ({ mode: 'delay', delayMs })) },
  { weight: 2, arbitrary: fc.constant<Timing>({ mode: 'manual' }) },
);

export const timingTableArb: fc.Arbitrary<TimingTable> = fc
  .tuple(...TRANSITIONS.map(() => timingArb))
  .map((rules) => Object.fromEntries(TRANSITIONS.map((name, i) => [name, rules[i]])) as TimingTable);

const tokenArb: fc.Arbitrary<Token | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constant<Token>('new') },
  { weight: 1, arbitrary: fc.nat({ max: 3 }) },
);
/** Texts within every limit, and now and then one at or just past a limit (65 for names, 200 for remarks). */
const shortText = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('a', 'db', 'app to db', 'ünïcødé ✓', '') },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(65), 'x'.repeat(66), 'y'.repeat(200), 'y'.repeat(201)) },
);
/** Present now and then. */
const sometimes = <T>(arb: fc.Arbitrary<T>, freq = 2) => fc.option(arb, { nil: undefined, freq });
/** Present rarely. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 1, arbitrary: arb }, { weight: 12, arbitrary: fc.constant(undefined) });

/** Drops the keys whose value is undefined, so steps print and store tidily. */
function tidy<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export const createVpcArb: fc.Arbitrary<Step> = fc
  .record({
    who: fc.nat({ max: 2 }),
    region: fc.nat({ max: 1 }),
    cidr: fc.oneof(
      { weight: 12, arbitrary: fc.nat({ max: CIDRS.length - 1 }) },
      { weight: 1, arbitrary: fc.constantFrom(...BAD_CIDRS) },
    ),
    name: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('app', 'db', 'edge') },
      { weight: 1, arbitrary: fc.constantFrom('n'.repeat(65), 'n'.repeat(66)) },
    ),
    description: sometimes(shortText),
    tags: sometimes(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(1, 2, 20) },
        { weight: 1, arbitrary: fc.constant(21) },
      ),
    ),
    token: tokenArb,
  })
  .map((r): Step => tidy({ t: 'createVpc', ...r }));

export const vpcOpArb: fc.Arbitrary<Step> = fc
  .record({
    op: fc.constantFrom(
      'deleteVpc' as const,
      'deleteVpc' as const,
      'updateVpc' as const,
      'openVpcRelay' as const,
      'shutdownVpcRelay' as const,
      'getVpc' as const,
    ),
    vpc: fc.nat({ max: 40 }),
    asOwner: fc.oneof(
      { weight: 8, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    name: fc.constantFrom('renamed', 'renamed', '', 'n'.repeat(66)),
    description: sometimes(shortText),
    token: tokenArb,
  })
  .map(
    ({ op, name, description, token, ...rest }): Step =>
      tidy({
        t: 'vpcOp',
        op,
        ...rest,
        ...(op === 'updateVpc' ? { name, description } : {}),
        ...(op === 'getVpc' ? {} : { token }),
      }),
  );

export const createPeerConnArb: fc.Arbitrary<Step> = fc
  .record({
    who: fc.nat({ max: 2 }),
    local: fc.nat({ max: 20 }),
    localMine: fc.oneof(
      { weight: 15, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    peer: fc.nat({ max: 40 }),
    peerAccount: fc.oneof(
      { weight: 16, arbitrary: fc.constant('auto' as const) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'explicitSelf' as const,
          'omit' as const,
          'wrong' as const,
          'malformed' as const,
        ),
      },
    ),
    peerRegion: fc.oneof(
      { weight: 20, arbitrary: fc.constant('auto' as const) },
      { weight: 1, arbitrary: fc.constant('wrong' as const) },
    ),
    prepaid: fc.oneof(
      { weight: 12, arbitrary: fc.constant(0) },
      { weight: 8, arbitrary: fc.constantFrom(1, 2, 12, 36) },
      { weight: 1, arbitrary: fc.constant(10) },
    ),
    bandwidth: fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(1, 10, 100, 10000) },
      { weight: 1, arbitrary: fc.constantFrom(0, 10001, -5) },
    ),
    deleteProtect: sometimes(fc.boolean()),
    description: sometimes(shortText),
    localIfName: sometimes(shortText),
    peerIfName: rarely(shortText),
    tags: sometimes(fc.constantFrom(1, 3)),
    token: tokenArb,
    broken: rarely(fc.constantFrom('noBilling' as const, 'bandwidthString' as const, 'noPeerVpc' as const)),
  })
  .map((r): Step => tidy({ t: 'createPeerConn', ...r }));

export const peerOpArb: fc.Arbitrary<Step> = fc
  .record({
    op: fc.constantFrom<PeerOp>(
      'accept',
      'accept',
      'reject',
      'delete',
      'delete',
      'resize',
      'renew',
      'refund',
      'dnsOpen',
      'dnsOpen',
      'dnsClose',
      'deleteProtect',
      'update',
      'update',
      'get',
    ),
    conn: fc.nat({ max: 99 }),
    as: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Actor>('owner') },
      { weight: 4, arbitrary: fc.constant<Actor>('peer') },
      { weight: 1, arbitrary: fc.constant<Actor>('stranger') },
    ),
    ownEndpoint: fc.oneof(
      { weight: 12, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    role: fc.constantFrom<'initiator' | 'acceptor'>('initiator', 'acceptor'),
    arg: fc.nat({ max: 12 }),
    text: shortText,
    token: tokenArb,
  })
  .map((r): Step => {
    const step: Extract<Step, { t: 'peerOp' }> = {
      t: 'peerOp',
      op: r.op,
      conn: r.conn,
      as: r.as,
      ownEndpoint: r.ownEndpoint,
    };
    // Accept and reject are the acceptor's: mostly ask as the peer, so they do something.
    if ((r.op === 'accept' || r.op === 'reject') && r.as === 'owner' && r.arg % 3 !== 0) step.as = 'peer';
    if (r.op === 'dnsOpen' || r.op === 'dnsClose' || r.op === 'get') step.role = r.role;
    if (r.op === 'resize' || r.op === 'renew' || r.op === 'deleteProtect' || r.op === 'update')
      step.arg = r.arg;
    if (r.op === 'update' && r.text !== undefined) step.text = r.text;
    if (r.op !== 'get' && r.token !== undefined) step.token = r.token;
    return step;
  });

const ADVANCES = [
  1,
  500,
  999,
  1000,
  1500,
  2000,
  60_000,
  3_600_001,
  86_400_000,
  86_400_001,
  7 * 86_400_000 + 1,
  31 * 86_400_000,
];

const FAULT_KINDS: Array<Omit<Extract<Step, { t: 'fault' }>, 't' | 'op' | 'times'>> = [
  { status: 503 },
  { status: 500 },
  { status: 429 },
  { status: 400 },
  { status: 404 },
  { status: 200, latencyMs: 5 },
  { status: 200, emptyBody: true },
  { status: 503, emptyBody: true },
];

/**
 * A history: a few VPCs and subnets first (so most operations have something to act on), then `length` random
 * steps.
 */
export function historyArb(weights: StepWeights, length: number): fc.Arbitrary<Step[]> {
  return fc
    .tuple(
      fc.array(createVpcArb, { minLength: 3, maxLength: 8 }),
      fc.array(setupSubnetArb, { minLength: 1, maxLength: 3 }),
      fc.array(stepArb(weights), { maxLength: length, size: 'max' }),
    )
    .map(([vpcs, subnets, rest]) => [...vpcs, ...subnets, ...rest]);
}

export interface StepWeights {
  restart: number;
  faults: number;
}

/** The network operations' share of the steps: about two fifths, most of it on rules and interfaces. */
const NETWORK_WEIGHTS = {
  createSubnet: 4,
  subnetOp: 3,
  createAcl: 5,
  aclOp: 5,
  createSg: 4,
  sgOp: 12,
  createEni: 4,
  eniOp: 8,
};

export function stepArb(weights: StepWeights): fc.Arbitrary<Step> {
  return fc.oneof(
    { weight: 8, arbitrary: createVpcArb },
    { weight: 3, arbitrary: vpcOpArb },
    { weight: 16, arbitrary: createPeerConnArb },
    { weight: 30, arbitrary: peerOpArb },
    { weight: NETWORK_WEIGHTS.createSubnet, arbitrary: createSubnetArb },
    { weight: NETWORK_WEIGHTS.subnetOp, arbitrary: subnetOpArb },
    { weight: NETWORK_WEIGHTS.createAcl, arbitrary: createAclArb },
    { weight: NETWORK_WEIGHTS.aclOp, arbitrary: aclOpArb },
    { weight: NETWORK_WEIGHTS.createSg, arbitrary: createSgArb },
    { weight: NETWORK_WEIGHTS.sgOp, arbitrary: sgOpArb },
    { weight: NETWORK_WEIGHTS.createEni, arbitrary: createEniArb },
    { weight: NETWORK_WEIGHTS.eniOp, arbitrary: eniOpArb },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('replay' as const),
        back: fc.nat({ max: 5 }),
        sameAccount: fc.boolean(),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.constantFrom(...ADVANCES) }),
    },
    {
      weight: 2,
      arbitrary: fc
        .uniqueArray(fc.constantFrom<TransitionName>(...TRANSITIONS), { minLength: 1, maxLength: 3 })
        .chain((names) =>
          fc.tuple(...names.map(() => timingArb)).map(
            (rules): Step => ({
              t: 'timing',
              change: Object.fromEntries(names.map((n, i) => [n, rules[i]])) as Partial<TimingTable>,
            }),
          ),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .option(fc.nat({ max: 40 }), { nil: undefined })
        .map((conn): Step => (conn === undefined ? { t: 'run' } : { t: 'run', conn })),
    },
    {
      weight: weights.faults,
      arbitrary: fc
        .record({
          op: fc.constantFrom(...MUTATING_OPS),
          kind: fc.constantFrom(...FAULT_KINDS),
          times: fc.integer({ min: 1, max: 3 }),
        })
        .map(({ op, kind, times }): Step => ({ t: 'fault', op, times, ...kind })),
    },
    {
      weight: Math.max(1, Math.floor(weights.faults / 3)),
      arbitrary: fc.constant<Step>({ t: 'clearFaults' }),
    },
    { weight: weights.restart, arbitrary: fc.constant<Step>({ t: 'restart' }) },
  );
}

/** The instants a history starts at: month ends and a leap day, where calendar months clamp. */
export const STARTS = [
  '2031-01-31T10:00:00.250Z',
  '2032-02-29T23:59:59.999Z',
  '2031-08-31T00:00:00.000Z',
  '2031-05-15T12:30:00.000Z',
];
