// The reference model of the service: plain data and functions, no storage, no I/O. It is written from
// docs/server-rules.md and docs/wire.md alone (never from packages/server/src/domain), so that the server and
// the model can disagree; the model-based suites run the same requests through both and compare every answer
// and the whole visible state after each step.
//
// Ids the server invents (peerconn-, vpc-, qpif-, sbn-, g-, ar-, r-) cannot be predicted: a create takes the id
// the server answered (the caller checks it is new and well-formed), and ids no answer carries (interfaces, ACL
// and security group rules, a VPC's default group) are learnt when a listing first shows them (see compare.ts).
// The network resources (subnets, ACL rules, security groups) live in network.ts.

import {
  canonical,
  checkLength,
  checkRequired,
  checkTags,
  fitsFields,
  LearnedId,
  Refusal,
  refuse,
  type Shape,
  TAG,
  type Tag,
  ValueChecks,
  validatedFields,
  validCidr,
  wireTime,
} from './checks.ts';
import {
  NETWORK_BODIES,
  NETWORK_MUTATING_OPS,
  Network,
  type NetworkQuotas,
  renderSubnet,
} from './network.ts';

export type { Tag } from './checks.ts';
export { validCidr, wireTime } from './checks.ts';

export type Role = 'initiator' | 'acceptor';
export type TransitionName = 'create' | 'accept' | 'update' | 'delete' | 'dnsOpen' | 'dnsClose';
export type Timing = { mode: 'immediate' } | { mode: 'delay'; delayMs: number } | { mode: 'manual' };
export type TimingTable = Record<TransitionName, Timing>;
export const TRANSITIONS: readonly TransitionName[] = [
  'create',
  'accept',
  'update',
  'delete',
  'dnsOpen',
  'dnsClose',
];

export interface ModelConfig {
  quotaPerVpc: number;
  quotaPerAccount: number;
  keepDeleted: boolean;
  /** The server's defaults when left out: 10 subnets per VPC, 150 ACL rules and 100 group rules a direction. */
  quotaSubnetsPerVpc?: number;
  quotaAclRulesPerDirection?: number;
  quotaSecurityGroupRulesPerDirection?: number;
  /** The server's defaults when left out: 500 unattached interfaces a VPC, 40 addresses each, 8 an instance. */
  quotaEnisPerVpc?: number;
  quotaIpsPerEni?: number;
  quotaEnisPerInstance?: number;
}

export const DAY_MS = 86_400_000;
export const CONSULT_TIMEOUT_MS = 7 * DAY_MS;
export const TOKEN_LIFETIME_MS = DAY_MS;

/**
 * HTTP status of every error code (docs/wire.md, Errors). A deliberate twin of the server's own table: copied
 * from the docs, not imported from src, so a server whose status drifts from the documented one disagrees with
 * the model and the model-based suites say so. The same holds for FAULT_CODES below.
 */
export const CODE_STATUS: Record<string, number> = {
  AccessDenied: 403,
  InappropriateJSON: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidHTTPAuthHeader: 400,
  InvalidHTTPRequest: 400,
  InvalidURI: 400,
  MalformedJSON: 400,
  InvalidVersion: 404,
  RequestExpired: 400,
  IdempotentParameterMismatch: 403,
  SignatureDoesNotMatch: 400,
  InvalidParameter: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
  RequestTimeout: 408,
  EntityTooLarge: 413,
  ServiceUnavailable: 503,
  Throttling: 429,
  NoSuchObject: 404,
  InvalidPeerConnStatus: 409,
  InvalidDnsStatus: 409,
  OperationNotPermitted: 403,
  PeerConnAlreadyExists: 409,
  InvalidPeerVpc: 400,
  RelayVpcPeeringNotAllowed: 400,
  PeerConnQuotaExceeded: 400,
  InvalidBilling: 400,
  BandwidthDowngradeNotAllowed: 400,
  InvalidBandwidth: 400,
  PrepaidReleaseNotAllowed: 409,
  DeleteProtected: 409,
  VpcInUse: 409,
  AccountInUse: 409,
  InvalidCidr: 400,
  InvalidSubnet: 400,
  SubnetConflict: 409,
  SubnetQuotaExceeded: 400,
  SubnetInUse: 409,
  InvalidAclRule: 400,
  'Vpc.SecurityGroupsNotSameVpc': 400,
  InvalidPrivateIp: 400,
  PrivateIpInUse: 409,
  SubnetIpExhausted: 400,
  EniQuotaExceeded: 400,
  InvalidEniStatus: 409,
  EniInUse: 409,
  UnsupportedFeature: 400,
  AclRulePositionConflict: 409,
  AclRuleQuotaExceeded: 400,
  BadRequest: 400,
  'SecurityGroup.RulePortRangeInvalid': 400,
  'SecurityGroup.RulePortOrderInvalid': 400,
  'SecurityGroup.RulePortInvalid': 400,
  'SecurityGroup.RuleCIDRAddressError': 400,
  'SecurityGroup.RuleRemarkTooLong': 400,
  'SecurityGroup.RuleDirectionInvalid': 400,
  'SecurityGroup.RuleEthertypeInvalid': 400,
  'SecurityGroup.RulePeerInvalid': 400,
  'SecurityGroup.RuleGroupNotInVpc': 400,
  'SecurityGroup.RuleAlreadyExists': 409,
  'SecurityGroup.RuleQuotaExceeded': 400,
  'SecurityGroup.VersionMismatch': 409,
  'SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted': 409,
  'SecurityGroup.DefaultSecurityGroupCanNotBeDeleted': 409,
  'SecurityGroup.ReferencedSecurityGroupCanNotBeDeleted': 409,
};

/** Codes an injected fault carries when its rule names none (docs/server.md, Fault injection). */
const FAULT_CODES: Record<number, string> = {
  503: 'ServiceUnavailable',
  500: 'InternalError',
  429: 'Throttling',
  404: 'NoSuchObject',
  403: 'AccessDenied',
  400: 'InvalidHTTPRequest',
};

/** A request as the model takes it: the operation, who calls at which endpoint, and the wire fields. */
export interface ModelRequest {
  op: string;
  accountId: string;
  region: string;
  /** Path parameters: peerConnId or vpcId. */
  path: Record<string, string>;
  /** Query parameters other than the flag and clientToken. */
  query: Record<string, string>;
  /** The JSON body as sent (undefined: none). */
  body?: unknown;
  clientToken?: string;
}

export type Outcome =
  | { ok: true; body: unknown }
  | {
      ok: false;
      status: number;
      code: string;
      emptyBody?: boolean;
      /** When a request breaks several value rules at once, any one of their codes may be the answer. */
      anyOf?: string[];
    };

export interface Vpc {
  id: string;
  accountId: string;
  region: string;
  name: string;
  cidr: string;
  description: string;
  relay: boolean;
  tags: Tag[];
  createdAt: number;
  seq: number;
  deleted: boolean;
}

export interface Side {
  accountId: string;
  region: string;
  vpcId: string;
  /** Learnt from the server's first listing that shows the side. */
  ifId: string | undefined;
  ifName: string;
  description: string;
  status: string;
  dnsStatus: string;
  seq: number;
}

export interface Conn {
  id: string;
  bandwidth: number;
  prepaid: boolean;
  expiresAt: number | undefined;
  deleteProtect: boolean;
  tags: Tag[];
  createdAt: number;
  initiator: Side;
  /** Absent after reject or the consult timeout. */
  acceptor: Side | undefined;
  crossAccount: boolean;
  /** Released and removed (not kept as `deleted`). */
  gone: boolean;
}

type PendingKind =
  | 'create'
  | 'accept'
  | 'update'
  | 'delete'
  | 'dnsOpen1'
  | 'dnsOpen2'
  | 'dnsClose'
  | 'consultTimeout'
  | 'expiry';

export interface Pending {
  seq: number;
  connId: string;
  kind: PendingKind;
  /** The side a per-side transition acts on; undefined for both. */
  side: Role | undefined;
  /** Virtual instant; null for a manual transition. */
  dueAt: number | null;
}

interface TokenRecord {
  op: string;
  fingerprint: string;
  response: unknown;
  lastUsedAt: number;
}

export interface ModelFault {
  operation: string;
  status: number;
  code?: string;
  emptyBody?: boolean;
  latencyMs?: number;
  /** Firings left; undefined = unlimited. */
  remaining: number | undefined;
}

/** Ids the server answered for this request, when it created something. */
export interface FreshIds {
  peerConnId?: string;
  vpcId?: string;
  subnetId?: string;
  securityGroupId?: string;
  eniId?: string;
}

/** The operations that change state: each carries a clientToken (docs/wire.md), and fault steps target them. */
export const MUTATING_OPS = [
  'createPeerConn',
  'updatePeerConn',
  'acceptPeerConn',
  'rejectPeerConn',
  'deletePeerConn',
  'resizePeerConn',
  'renewPeerConn',
  'refundPeerConn',
  'openPeerConnDnsSync',
  'closePeerConnDnsSync',
  'updatePeerConnDeleteProtect',
  'createVpc',
  'updateVpc',
  'deleteVpc',
  'openVpcRelay',
  'shutdownVpcRelay',
  ...NETWORK_MUTATING_OPS,
] as const;

const MUTATING: ReadonlySet<string> = new Set(MUTATING_OPS);

export function isMutating(op: string): boolean {
  return MUTATING.has(op);
}

const RESERVATION: Shape = {
  object: { reservationLength: ['integer', true], reservationTimeUnit: ['string', false] },
};

const BODIES: Record<string, Record<string, [Shape, boolean]>> = {
  createPeerConn: {
    bandwidthInMbps: ['integer', true],
    description: ['string', false],
    localIfName: ['string', false],
    localVpcId: ['string', true],
    peerAccountId: ['string', false],
    peerVpcId: ['string', true],
    peerRegion: ['string', true],
    peerIfName: ['string', false],
    billing: [{ object: { paymentTiming: ['string', false], reservation: [RESERVATION, false] } }, true],
    tags: [{ array: TAG }, false],
    resourceGroupId: ['string', false],
    deleteProtect: ['boolean', false],
  },
  updatePeerConn: {
    localIfId: ['string', true],
    description: ['string', false],
    localIfName: ['string', false],
  },
  resizePeerConn: { newBandwidthInMbps: ['integer', true] },
  renewPeerConn: { billing: [{ object: { reservation: [RESERVATION, true] } }, true] },
  updatePeerConnDeleteProtect: { deleteProtect: ['boolean', true] },
  createVpc: {
    name: ['string', true],
    description: ['string', false],
    cidr: ['string', true],
    enableIpv6: ['boolean', false],
    tags: [{ array: TAG }, false],
  },
  updateVpc: { name: ['string', false], description: ['string', false], enableIpv6: ['boolean', false] },
  ...NETWORK_BODIES,
};

// ---- values ----

const RESERVATION_LENGTHS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36]);
const ACCOUNT_ID = /^[0-9a-f]{32}$/;

function reservationMonths(
  v: ValueChecks,
  reservation: { reservationLength: number; reservationTimeUnit?: string },
): number {
  if (!RESERVATION_LENGTHS.has(reservation.reservationLength)) {
    v.fail('InappropriateJSON', 'reservationLength not 1-9, 12, 24, 36');
  }
  const unit = reservation.reservationTimeUnit;
  if (unit !== undefined && unit.toLowerCase() !== 'month') v.fail('InappropriateJSON', 'unit not month');
  return reservation.reservationLength;
}

function checkBandwidth(v: ValueChecks, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 10000) v.fail('InvalidBandwidth', 'not 1-10000');
}

/** UTC calendar months; a day missing in the target month clamps to its last day. */
export function addMonths(at: number, months: number): number {
  const d = new Date(at);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(d.getUTCDate(), lastDay),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

const LIVE_RELEASE = new Set(['active', 'consulting', 'consult_failed', 'expired', 'down', 'error']);
const EXPIRES_FROM = new Set(['active', 'updating', 'starting', 'creating']);

export class Model {
  now: number;
  timing: TimingTable;
  readonly vpcs = new Map<string, Vpc>();
  readonly conns = new Map<string, Conn>();
  pending: Pending[] = [];
  faults: ModelFault[] = [];
  /** Subnets, ACL rules and security groups (network.ts). */
  network: Network = new Network(this);
  private readonly tokens = new Map<string, TokenRecord>();
  private seq = 0;

  constructor(
    readonly config: ModelConfig,
    readonly accounts: readonly string[],
    now: number,
    timing: TimingTable,
  ) {
    this.now = now;
    this.timing = { ...timing };
  }

  /** An independent copy: what the state would be if the next request had, or had not, been applied. */
  clone(): Model {
    const copy = new Model(this.config, this.accounts, this.now, structuredClone(this.timing));
    for (const [id, vpc] of this.vpcs) copy.vpcs.set(id, structuredClone(vpc));
    for (const [id, conn] of this.conns) copy.conns.set(id, structuredClone(conn));
    for (const [id, side] of this.removed) copy.removed.set(id, structuredClone(side));
    for (const [key, token] of this.tokens) copy.tokens.set(key, structuredClone(token));
    for (const [id, entries] of this.timeline) copy.timeline.set(id, [...entries]);
    copy.pending = structuredClone(this.pending);
    copy.faults = structuredClone(this.faults);
    copy.seq = this.seq;
    copy.network = this.network.clone(copy);
    return copy;
  }

  get quotas(): NetworkQuotas {
    return {
      subnetsPerVpc: this.config.quotaSubnetsPerVpc ?? 10,
      aclRulesPerDirection: this.config.quotaAclRulesPerDirection ?? 150,
      securityGroupRulesPerDirection: this.config.quotaSecurityGroupRulesPerDirection ?? 100,
      enisPerVpc: this.config.quotaEnisPerVpc ?? 500,
      ipsPerEni: this.config.quotaIpsPerEni ?? 40,
      enisPerInstance: this.config.quotaEnisPerInstance ?? 8,
    };
  }

  /** Whether an id of this kind was answered or learnt before (ids are never given twice). */
  idTaken(kind: string, id: string): boolean {
    if (kind === 'localIfId') return this.allSides().some((s) => s.side.ifId === id);
    if (kind === 'peerConnId') return this.conns.has(id);
    if (kind === 'vpcId') return this.vpcs.has(id);
    return this.network.idTaken(kind, id);
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  // ---- the request pipeline ----

  /** Whether the last request was answered from its clientToken's record (a replay). */
  lastWasReplay = false;

  /** One BCE request: shape, fault rules, idempotency, then the operation's rules. */
  request(req: ModelRequest, fresh: FreshIds = {}): Outcome {
    this.lastWasReplay = false;
    const shape = BODIES[req.op];
    let body: Record<string, unknown> = {};
    if (shape) {
      const raw = req.body ?? {};
      if (!fitsFields(raw, shape)) return this.error('InappropriateJSON');
      body = validatedFields(raw as Record<string, unknown>, shape);
    }
    const queryProblem = this.queryProblem(req);
    if (queryProblem) return this.error(queryProblem);
    const fault = this.takeFault(req.op);
    if (fault) return fault;
    this.catchUp(this.now);
    try {
      if (!isMutating(req.op)) return { ok: true, body: this.read(req) };
      const key = req.clientToken ? `${req.accountId}/${req.region}/${req.clientToken}` : undefined;
      const fingerprint = `${req.op} ${canonical(req.path)} ${canonical(req.query)} ${canonical(body)}`;
      if (key) {
        const previous = this.tokens.get(key);
        if (previous && previous.lastUsedAt + TOKEN_LIFETIME_MS > this.now) {
          if (previous.op !== req.op || previous.fingerprint !== fingerprint) {
            return this.error('IdempotentParameterMismatch');
          }
          previous.lastUsedAt = this.now;
          this.lastWasReplay = true;
          return { ok: true, body: previous.response };
        }
      }
      const subject = req.path.peerConnId;
      const before = subject ? this.timelineKey(subject) : undefined;
      const response = this.write(req, body, fresh);
      const changed =
        subject ??
        (req.op === 'createPeerConn' ? (response as { peerConnId: string }).peerConnId : undefined);
      if (changed) this.record(changed, before ?? 'none', `request:${req.op}`, this.now);
      this.drainInline(this.now);
      if (key) {
        this.tokens.set(key, { op: req.op, fingerprint, response, lastUsedAt: this.now });
      }
      return { ok: true, body: response };
    } catch (error) {
      if (error instanceof Refusal) {
        this.inline = [];
        const outcome = this.error(error.code);
        if (error.anyOf && error.anyOf.length > 1 && !outcome.ok) outcome.anyOf = error.anyOf;
        return outcome;
      }
      throw error;
    }
  }

  private error(code: string): Outcome {
    return { ok: false, status: CODE_STATUS[code] ?? 500, code };
  }

  private queryProblem(req: ModelRequest): string | undefined {
    const role = req.query.role;
    if (role !== undefined && role !== '' && role !== 'initiator' && role !== 'acceptor') {
      return 'InvalidParameter';
    }
    if ((req.op === 'openPeerConnDnsSync' || req.op === 'closePeerConnDnsSync') && !role) {
      return 'InvalidParameter';
    }
    const maxKeys = req.query.maxKeys;
    if (maxKeys !== undefined && maxKeys !== '' && !/^\d+$/.test(maxKeys)) return 'InvalidParameter';
    const sgVersion = req.query.sgVersion;
    if (sgVersion !== undefined && sgVersion !== '' && !/^-?\d+$/.test(sgVersion)) return 'InvalidParameter';
    return undefined;
  }

  private takeFault(op: string): Outcome | undefined {
    for (const rule of this.faults) {
      if (rule.operation !== '*' && rule.operation !== op) continue;
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
      }
      this.faults = this.faults.filter((r) => r.remaining === undefined || r.remaining > 0);
      if (rule.status < 300 && !rule.emptyBody) return undefined;
      const code =
        rule.code ?? FAULT_CODES[rule.status] ?? (rule.status >= 500 ? 'InternalError' : 'InjectedFault');
      if (rule.emptyBody) return { ok: false, status: rule.status, code, emptyBody: true };
      return { ok: false, status: rule.status, code };
    }
    return undefined;
  }

  // ---- reads ----

  private read(req: ModelRequest): unknown {
    switch (req.op) {
      case 'getPeerConn': {
        const conn = this.visibleConn(req.path.peerConnId as string, req.accountId, req.region);
        const role = req.query.role || undefined;
        if (role === undefined) return this.render(conn, this.callerRole(conn, req.accountId, req.region));
        const side = role === 'initiator' ? conn.initiator : conn.acceptor;
        if (!side) refuse('NoSuchObject', 'that side was removed');
        return this.render(conn, role as Role);
      }
      case 'getVpc': {
        const vpc = this.visibleVpc(req.path.vpcId as string, req.accountId, req.region);
        return { vpc: { ...renderVpc(vpc), subnets: this.network.subnetsOfVpc(vpc.id).map(renderSubnet) } };
      }
      case 'listPeerConns':
      case 'listVpcs':
      case 'listSubnets':
      case 'listAclRules':
      case 'listSecurityGroups':
        throw new Error('lists are compared page by page (runner.ts), not through request()');
      default:
        return this.network.read(req.op, req.path, req.query, req.accountId, req.region);
    }
  }

  /** Every side the account owns at the region, in creation order, optionally on one VPC. */
  listSides(accountId: string, region: string, vpcId?: string): Array<Record<string, unknown>> {
    const rows: Array<{ seq: number; view: Record<string, unknown> }> = [];
    for (const conn of this.conns.values()) {
      if (conn.gone) continue;
      for (const role of ['initiator', 'acceptor'] as const) {
        const side = conn[role];
        if (!side || side.accountId !== accountId || side.region !== region) continue;
        if (vpcId !== undefined && side.vpcId !== vpcId) continue;
        rows.push({ seq: side.seq, view: this.render(conn, role) });
      }
    }
    return rows.sort((a, b) => a.seq - b.seq).map((r) => r.view);
  }

  listVpcs(accountId: string, region: string): Array<Record<string, unknown>> {
    return [...this.vpcs.values()]
      .filter((v) => !v.deleted && v.accountId === accountId && v.region === region)
      .sort((a, b) => a.seq - b.seq)
      .map(renderVpc);
  }

  render(conn: Conn, role: Role): Record<string, unknown> {
    const side = conn[role] as Side;
    const other = (role === 'initiator' ? conn.acceptor : conn.initiator) ?? this.removedSide(conn);
    return {
      peerConnId: conn.id,
      role,
      status: side.status,
      bandwidthInMbps: conn.bandwidth,
      description: side.description,
      localIfId: new LearnedId(
        'localIfId',
        () => side.ifId,
        (id) => {
          side.ifId = id;
        },
      ),
      localIfName: side.ifName,
      localVpcId: side.vpcId,
      localRegion: side.region,
      peerVpcId: other.vpcId,
      peerRegion: other.region,
      peerAccountId: other.accountId,
      paymentTiming: conn.prepaid ? 'Prepaid' : 'Postpaid',
      dnsStatus: side.dnsStatus,
      createdTime: wireTime(conn.createdAt),
      expiredTime: conn.expiresAt === undefined ? '' : wireTime(conn.expiresAt),
      tags: conn.tags.map((t) => ({ ...t })),
      deleteProtect: conn.deleteProtect,
    };
  }

  /** After reject or timeout the initiator's record still names the acceptor (kept here). */
  private readonly removed = new Map<string, Side>();

  private removedSide(conn: Conn): Side {
    return this.removed.get(conn.id) as Side;
  }

  /** The connection when the caller owns a side of it visible at this endpoint; NoSuchObject otherwise. */
  private visibleConn(id: string, accountId: string, region: string): Conn {
    const conn = this.conns.get(id);
    if (!conn || conn.gone) refuse('NoSuchObject', 'unknown connection');
    const mine = [conn.initiator, conn.acceptor].some(
      (side) => side && side.accountId === accountId && side.region === region,
    );
    if (!mine) refuse('NoSuchObject', 'no side of the caller at this endpoint');
    return conn;
  }

  /** The caller's side at this endpoint; the initiator when it owns both. */
  private callerRole(conn: Conn, accountId: string, region: string): Role {
    const owns = (side: Side | undefined) => side && side.accountId === accountId && side.region === region;
    return owns(conn.initiator) ? 'initiator' : 'acceptor';
  }

  private visibleVpc(id: string, accountId: string, region: string): Vpc {
    const vpc = this.vpcs.get(id);
    if (!vpc || vpc.deleted || vpc.accountId !== accountId || vpc.region !== region) {
      refuse('NoSuchObject', 'unknown VPC');
    }
    return vpc;
  }

  // ---- writes ----

  private write(req: ModelRequest, body: Record<string, unknown>, fresh: FreshIds): unknown {
    switch (req.op) {
      case 'createVpc':
        return this.createVpc(req, body, fresh);
      case 'updateVpc': {
        const vpc = this.visibleVpc(req.path.vpcId as string, req.accountId, req.region);
        const v = new ValueChecks();
        const name = body.name as string | undefined;
        if (name === '') v.fail('InappropriateJSON', 'empty name');
        checkLength(v, name, 65, 'name');
        checkLength(v, body.description as string | undefined, 200, 'description');
        v.done();
        if (name !== undefined) vpc.name = name;
        if (body.description !== undefined) vpc.description = body.description as string;
        return undefined;
      }
      case 'deleteVpc': {
        const vpc = this.visibleVpc(req.path.vpcId as string, req.accountId, req.region);
        if (this.liveOnVpc(vpc.id) > 0) refuse('VpcInUse', 'live connections on it');
        if (this.network.vpcInUse(vpc.id)) refuse('VpcInUse', 'subnets or security groups in it');
        vpc.deleted = true;
        this.network.vpcDeleted(vpc.id);
        return undefined;
      }
      case 'openVpcRelay':
      case 'shutdownVpcRelay':
        this.visibleVpc(req.path.vpcId as string, req.accountId, req.region).relay =
          req.op === 'openVpcRelay';
        return undefined;
      case 'createPeerConn':
        return this.createPeerConn(req, body, fresh);
      default:
        if (req.path.peerConnId !== undefined) return this.peerConnWrite(req, body);
        return this.network.write(req.op, req.accountId, req.region, req.path, req.query, body, fresh);
    }
  }

  private createVpc(req: ModelRequest, body: Record<string, unknown>, fresh: FreshIds): unknown {
    const v = new ValueChecks();
    const name = body.name as string;
    checkRequired(v, name, 65, 'name');
    checkLength(v, body.description as string | undefined, 200, 'description');
    checkTags(v, body.tags as Tag[] | undefined);
    const cidr = body.cidr as string;
    if (cidr === '' || cidr.length > 32) v.fail('InappropriateJSON', 'cidr empty or long');
    else if (!validCidr(cidr)) v.fail('InvalidCidr', 'bad CIDR');
    v.done();
    const id = fresh.vpcId ?? `vpc-model${this.seq}`;
    this.vpcs.set(id, {
      id,
      accountId: req.accountId,
      region: req.region,
      name,
      cidr: body.cidr as string,
      description: (body.description as string | undefined) ?? '',
      relay: false,
      tags: ((body.tags as Tag[] | undefined) ?? []).map((t) => ({ ...t })),
      createdAt: this.now,
      seq: this.nextSeq(),
      deleted: false,
    });
    this.network.addDefaultGroup(id, req.accountId, req.region);
    return { vpcId: id };
  }

  private createPeerConn(req: ModelRequest, body: Record<string, unknown>, fresh: FreshIds): unknown {
    const v = new ValueChecks();
    const billing = body.billing as {
      paymentTiming?: string;
      reservation?: { reservationLength: number; reservationTimeUnit?: string };
    };
    if (
      billing.paymentTiming !== undefined &&
      billing.paymentTiming !== 'Prepaid' &&
      billing.paymentTiming !== 'Postpaid'
    ) {
      v.fail('InappropriateJSON', 'paymentTiming');
    }
    const prepaid = billing.paymentTiming === 'Prepaid';
    let months = 0;
    if (prepaid) {
      if (!billing.reservation) v.fail('InappropriateJSON', 'Prepaid needs a reservation');
      else months = reservationMonths(v, billing.reservation);
    }
    const peerAccountId = body.peerAccountId as string | undefined;
    if (peerAccountId !== undefined && peerAccountId !== '' && !ACCOUNT_ID.test(peerAccountId)) {
      v.fail('InappropriateJSON', 'peerAccountId not 32 hex');
    }
    checkLength(v, body.description as string | undefined, 200, 'description');
    checkLength(v, body.localIfName as string | undefined, 65, 'localIfName');
    checkLength(v, body.peerIfName as string | undefined, 65, 'peerIfName');
    checkTags(v, body.tags as Tag[] | undefined);
    checkLength(v, body.resourceGroupId as string | undefined, 64, 'resourceGroupId');
    checkRequired(v, body.localVpcId as string, 64, 'localVpcId');
    checkRequired(v, body.peerVpcId as string, 64, 'peerVpcId');
    checkRequired(v, body.peerRegion as string, 64, 'peerRegion');
    checkBandwidth(v, body.bandwidthInMbps as number);
    v.done();

    const peerAccount = peerAccountId || req.accountId;
    const crossAccount = peerAccount !== req.accountId;
    const localVpcId = body.localVpcId as string;
    const peerVpcId = body.peerVpcId as string;
    const peerRegion = body.peerRegion as string;
    const local = this.visibleVpc(localVpcId, req.accountId, req.region);
    if (localVpcId === peerVpcId) refuse('InvalidPeerVpc', 'same VPC');
    const peer = this.vpcs.get(peerVpcId);
    if (!peer || peer.deleted || peer.accountId !== peerAccount || peer.region !== peerRegion) {
      refuse('InvalidPeerVpc', 'peer VPC not found');
    }
    if (crossAccount && body.peerIfName !== undefined)
      refuse('InappropriateJSON', 'peerIfName cross-account');
    if (prepaid && peerRegion === req.region) refuse('InvalidBilling', 'Prepaid in one region');
    if (local.relay && peer.relay) refuse('RelayVpcPeeringNotAllowed', 'both relay');
    for (const conn of this.liveConns()) {
      const pair = [conn.initiator.vpcId, (conn.acceptor ?? this.removedSide(conn)).vpcId];
      if (pair.includes(localVpcId) && pair.includes(peerVpcId)) refuse('PeerConnAlreadyExists', 'pair');
    }
    for (const vpc of [localVpcId, peerVpcId]) {
      if (this.liveOnVpc(vpc) >= this.config.quotaPerVpc) refuse('PeerConnQuotaExceeded', `vpc ${vpc}`);
    }
    for (const account of new Set([req.accountId, peerAccount])) {
      if (this.liveOfAccount(account) >= this.config.quotaPerAccount) {
        refuse('PeerConnQuotaExceeded', `account ${account}`);
      }
    }

    const id = fresh.peerConnId ?? `peerconn-model${this.seq}`;
    const side = (
      accountId: string,
      region: string,
      vpcId: string,
      ifName: string,
      description: string,
    ): Side => ({
      accountId,
      region,
      vpcId,
      ifId: undefined,
      ifName,
      description,
      status: 'creating',
      dnsStatus: 'close',
      seq: this.nextSeq(),
    });
    const conn: Conn = {
      id,
      bandwidth: body.bandwidthInMbps as number,
      prepaid,
      expiresAt: prepaid ? addMonths(this.now, months) : undefined,
      deleteProtect: (body.deleteProtect as boolean | undefined) ?? false,
      tags: ((body.tags as Tag[] | undefined) ?? []).map((t) => ({ ...t })),
      createdAt: this.now,
      initiator: side(
        req.accountId,
        req.region,
        localVpcId,
        (body.localIfName as string | undefined) ?? '',
        (body.description as string | undefined) ?? '',
      ),
      acceptor: undefined,
      crossAccount,
      gone: false,
    };
    // The request's remark starts as both sides' description; each side changes its own afterwards.
    conn.acceptor = side(
      peerAccount,
      peerRegion,
      peerVpcId,
      (body.peerIfName as string | undefined) ?? '',
      (body.description as string | undefined) ?? '',
    );
    this.conns.set(id, conn);
    if (crossAccount) this.schedule(conn, 'consultTimeout', undefined, this.now + CONSULT_TIMEOUT_MS);
    if (conn.expiresAt !== undefined) this.schedule(conn, 'expiry', undefined, conn.expiresAt);
    this.timed(conn, 'create', undefined, 'create');
    return { peerConnId: id };
  }

  /**
   * A change of an existing connection. Which refusal wins (docs/server-rules.md, "Which refusal wins"): the
   * connection must be visible; then the request's values; then the party; then billing; then release
   * protection; then the status of every side; then what is particular to the operation.
   */
  private peerConnWrite(req: ModelRequest, body: Record<string, unknown>): unknown {
    const op = req.op;
    const conn = this.visibleConn(req.path.peerConnId as string, req.accountId, req.region);
    const v = new ValueChecks();
    if (op === 'resizePeerConn') checkBandwidth(v, body.newBandwidthInMbps as number);
    let months = 0;
    if (op === 'renewPeerConn') {
      months = reservationMonths(
        v,
        (body.billing as { reservation: { reservationLength: number } }).reservation,
      );
    }
    if (op === 'updatePeerConn') {
      checkRequired(v, body.localIfId as string, 64, 'localIfId');
      checkLength(v, body.description as string | undefined, 200, 'description');
      checkLength(v, body.localIfName as string | undefined, 65, 'localIfName');
    }
    v.done();
    const visible = (['initiator', 'acceptor'] as const).filter((r) => {
      const side = conn[r];
      return side !== undefined && side.accountId === req.accountId && side.region === req.region;
    });
    const sides = [conn.initiator, conn.acceptor].filter((s): s is Side => s !== undefined);
    const requireStatus = (allowed: readonly string[]) => {
      if (!sides.every((s) => allowed.includes(s.status))) refuse('InvalidPeerConnStatus', 'status');
    };
    const requireInitiator = () => {
      if (conn.crossAccount && !visible.includes('initiator'))
        refuse('OperationNotPermitted', 'not the initiator');
    };
    switch (op) {
      case 'acceptPeerConn':
      case 'rejectPeerConn': {
        if (!conn.crossAccount || !visible.includes('acceptor'))
          refuse('OperationNotPermitted', 'not the acceptor');
        if (conn.acceptor?.status !== 'consulting') refuse('InvalidPeerConnStatus', 'not consulting');
        this.cancel(conn, ['consultTimeout']);
        if (op === 'acceptPeerConn') {
          this.setStatus(conn, 'starting');
          this.timed(conn, 'accept', undefined, 'accept');
        } else {
          this.removeAcceptor(conn);
        }
        return undefined;
      }
      case 'deletePeerConn':
      case 'refundPeerConn': {
        requireInitiator();
        if (op === 'refundPeerConn' && !conn.prepaid) refuse('InvalidBilling', 'postpaid');
        if (conn.deleteProtect) refuse('DeleteProtected', 'protected');
        if (op === 'deletePeerConn') {
          requireStatus([...LIVE_RELEASE]);
          if (conn.prepaid && conn.initiator.status === 'active')
            refuse('PrepaidReleaseNotAllowed', 'prepaid');
        } else {
          requireStatus(['active', 'expired']);
        }
        // Everything else this connection was waiting for is moot now.
        this.cancel(conn, undefined);
        this.setStatus(conn, 'deleting');
        this.timed(conn, 'delete', undefined, 'delete');
        return undefined;
      }
      case 'resizePeerConn': {
        requireInitiator();
        requireStatus(['active']);
        const wanted = body.newBandwidthInMbps as number;
        if (conn.prepaid && wanted < conn.bandwidth) refuse('BandwidthDowngradeNotAllowed', 'prepaid');
        conn.bandwidth = wanted;
        this.setStatus(conn, 'updating');
        this.timed(conn, 'update', undefined, 'update');
        return undefined;
      }
      case 'renewPeerConn': {
        requireInitiator();
        if (!conn.prepaid) refuse('InvalidBilling', 'postpaid');
        requireStatus(['active', 'expired']);
        const expired = conn.initiator.status === 'expired';
        const from = expired ? Math.max(conn.expiresAt as number, this.now) : (conn.expiresAt as number);
        if (expired) this.setStatus(conn, 'active');
        conn.expiresAt = addMonths(from, months);
        this.cancel(conn, ['expiry']);
        this.schedule(conn, 'expiry', undefined, conn.expiresAt);
        return undefined;
      }
      case 'updatePeerConnDeleteProtect': {
        requireInitiator();
        if (conn.initiator.status === 'deleting' || conn.initiator.status === 'deleted') {
          refuse('InvalidPeerConnStatus', 'status');
        }
        conn.deleteProtect = body.deleteProtect as boolean;
        return undefined;
      }
      case 'updatePeerConn': {
        const role = visible.find((r) => conn[r]?.ifId === body.localIfId);
        if (!role) refuse('InappropriateJSON', 'localIfId is not a side of the caller here');
        const side = conn[role] as Side;
        if (side.status !== 'active' && side.status !== 'consulting')
          refuse('InvalidPeerConnStatus', 'status');
        if (body.description !== undefined) side.description = body.description as string;
        if (body.localIfName !== undefined) side.ifName = body.localIfName as string;
        if (side.status === 'active') {
          side.status = 'updating';
          this.timed(conn, 'update', role, 'update');
        }
        return undefined;
      }
      case 'openPeerConnDnsSync':
      case 'closePeerConnDnsSync': {
        const role = req.query.role as Role;
        if (!visible.includes(role)) refuse('OperationNotPermitted', 'not your side at this endpoint');
        const side = conn[role] as Side;
        requireStatus(['active']);
        if (side.dnsStatus === 'syncing' || side.dnsStatus === 'closing') refuse('InvalidDnsStatus', 'busy');
        if (op === 'openPeerConnDnsSync') {
          if (side.dnsStatus === 'close') {
            side.dnsStatus = 'wait';
            this.timed(conn, 'dnsOpen1', role, 'dnsOpen');
          }
        } else if (side.dnsStatus === 'open' || side.dnsStatus === 'wait') {
          this.cancel(conn, ['dnsOpen1', 'dnsOpen2'], role);
          side.dnsStatus = 'closing';
          this.timed(conn, 'dnsClose', role, 'dnsClose');
        }
        return undefined;
      }
      default:
        throw new Error(`unknown operation ${op}`);
    }
  }

  /** Drops pending transitions of the connection: of these kinds (all when undefined), of one side or all. */
  private cancel(conn: Conn, kinds: PendingKind[] | undefined, side?: Role): void {
    this.pending = this.pending.filter(
      (p) =>
        p.connId !== conn.id ||
        (kinds !== undefined && !kinds.includes(p.kind)) ||
        (side !== undefined && p.side !== side),
    );
  }

  private setStatus(conn: Conn, status: string): void {
    conn.initiator.status = status;
    if (conn.acceptor) conn.acceptor.status = status;
  }

  private removeAcceptor(conn: Conn): void {
    conn.initiator.status = 'consult_failed';
    if (conn.acceptor) this.removed.set(conn.id, conn.acceptor);
    conn.acceptor = undefined;
  }

  // ---- counting ----

  /** Live: not yet `deleted` and not gone. */
  private liveConns(): Conn[] {
    return [...this.conns.values()].filter((c) => !c.gone && c.initiator.status !== 'deleted');
  }

  private liveOnVpc(vpcId: string): number {
    return this.liveConns().filter((c) => c.initiator.vpcId === vpcId || c.acceptor?.vpcId === vpcId).length;
  }

  private liveOfAccount(accountId: string): number {
    return this.liveConns().filter(
      (c) => c.initiator.accountId === accountId || c.acceptor?.accountId === accountId,
    ).length;
  }

  // ---- transitions and the clock ----

  private schedule(conn: Conn, kind: PendingKind, side: Role | undefined, dueAt: number | null): void {
    this.pending.push({ seq: this.nextSeq(), connId: conn.id, kind, side, dueAt });
  }

  /** Schedules a transition by the timing table; `immediate` applies it (and what it chains) at once. */
  private timed(conn: Conn, kind: PendingKind, side: Role | undefined, name: TransitionName): void {
    const timing = this.timing[name];
    if (timing.mode === 'immediate') {
      // Applied right after the change that asked for it is recorded, as its own timeline entry.
      this.inline.push({ seq: 0, connId: conn.id, kind, side, dueAt: this.now });
    } else if (timing.mode === 'delay') {
      this.schedule(conn, kind, side, this.now + timing.delayMs);
    } else {
      this.schedule(conn, kind, side, null);
    }
  }

  /** Transitions of `immediate` timing waiting to be applied after the change that scheduled them. */
  private inline: Pending[] = [];

  /**
   * What the timeline records of a connection, as `cause at` entries per connection: every request or
   * transition that changed a status, a DNS status, the bandwidth, release protection or the expiry.
   */
  readonly timeline = new Map<string, string[]>();

  private timelineKey(connId: string): string {
    const conn = this.conns.get(connId);
    if (!conn) return 'none';
    if (conn.gone) return 'gone';
    const side = (s: Side | undefined) => (s ? `${s.status}/${s.dnsStatus}` : '-');
    return [
      side(conn.initiator),
      side(conn.acceptor),
      conn.bandwidth,
      conn.deleteProtect,
      conn.expiresAt === undefined ? '' : wireTime(conn.expiresAt),
    ].join(' ');
  }

  private record(connId: string, before: string, cause: string, at: number): void {
    if (this.timelineKey(connId) === before) return;
    const entries = this.timeline.get(connId) ?? [];
    entries.push(`${cause} ${new Date(at).toISOString()}`);
    this.timeline.set(connId, entries);
  }

  private drainInline(at: number): void {
    while (this.inline.length > 0) this.apply(this.inline.shift() as Pending, at);
  }

  private static readonly TRANSITION_NAMES: Record<PendingKind, string> = {
    create: 'create',
    accept: 'accept',
    update: 'update',
    delete: 'delete',
    dnsOpen1: 'dnsOpen',
    dnsOpen2: 'dnsOpen',
    dnsClose: 'dnsClose',
    consultTimeout: 'consultTimeout',
    expiry: 'expiry',
  };

  /** Applies one transition at `at` and records it; then what it chained with `immediate` timing. */
  private apply(p: Pending, at: number): void {
    const before = this.timelineKey(p.connId);
    this.applyOnly(p, at);
    this.record(p.connId, before, `transition:${Model.TRANSITION_NAMES[p.kind]}`, at);
    this.drainInline(at);
  }

  /** A transition whose preconditions no longer hold does nothing. */
  private applyOnly(p: Pending, at: number): void {
    const conn = this.conns.get(p.connId);
    if (!conn || conn.gone) return;
    const saved = this.now;
    this.now = at;
    try {
      const sides = [conn.initiator, conn.acceptor].filter((s): s is Side => s !== undefined);
      switch (p.kind) {
        case 'create':
          for (const side of sides) {
            if (side.status === 'creating') side.status = conn.crossAccount ? 'consulting' : 'active';
          }
          return;
        case 'accept':
          for (const side of sides) if (side.status === 'starting') side.status = 'active';
          return;
        case 'update': {
          const targets = p.side ? [conn[p.side]] : sides;
          for (const side of targets) if (side?.status === 'updating') side.status = 'active';
          return;
        }
        case 'delete':
          if (conn.initiator.status !== 'deleting') return;
          if (this.config.keepDeleted) {
            for (const side of sides) {
              side.status = 'deleted';
              side.dnsStatus = 'close';
            }
          } else {
            conn.gone = true;
            this.cancel(conn, undefined);
          }
          return;
        case 'dnsOpen1': {
          const side = conn[p.side as Role];
          if (side?.dnsStatus !== 'wait') return;
          side.dnsStatus = 'syncing';
          this.timed(conn, 'dnsOpen2', p.side, 'dnsOpen');
          return;
        }
        case 'dnsOpen2': {
          const side = conn[p.side as Role];
          if (side?.dnsStatus === 'syncing') side.dnsStatus = 'open';
          return;
        }
        case 'dnsClose': {
          const side = conn[p.side as Role];
          if (side?.dnsStatus === 'closing') side.dnsStatus = 'close';
          return;
        }
        case 'consultTimeout':
          if (conn.initiator.status === 'creating' || conn.initiator.status === 'consulting') {
            this.removeAcceptor(conn);
            this.cancel(conn, ['create']);
          }
          return;
        case 'expiry':
          if (conn.expiresAt === undefined || conn.expiresAt > at || !EXPIRES_FROM.has(conn.initiator.status))
            return;
          for (const side of sides) side.status = 'expired';
          this.cancel(conn, ['update']);
          return;
      }
    } finally {
      this.now = saved;
    }
  }

  /** Applies every timed transition due by `upTo`, each at its own due instant, in due order. */
  private catchUp(upTo: number): number {
    let applied = 0;
    for (;;) {
      const due = this.pending
        .filter((p) => p.dueAt !== null && p.dueAt <= upTo)
        .sort((a, b) => (a.dueAt as number) - (b.dueAt as number) || a.seq - b.seq)[0];
      if (!due) return applied;
      this.pending = this.pending.filter((p) => p !== due);
      this.now = Math.max(this.now, due.dueAt as number);
      this.apply(due, due.dueAt as number);
      applied += 1;
    }
  }

  advance(ms: number): void {
    const target = this.now + ms;
    this.catchUp(target);
    this.now = target;
  }

  /** runTransitions: the manual transitions pending now (all, or one connection's), then whatever is due. */
  runTransitions(peerConnId?: string): number {
    const rows = this.pending.filter(
      (p) => p.dueAt === null && (peerConnId === undefined || p.connId === peerConnId),
    );
    this.pending = this.pending.filter((p) => !rows.includes(p));
    for (const row of rows) this.apply(row, this.now);
    return rows.length + this.catchUp(this.now);
  }

  setTiming(change: Partial<TimingTable>): void {
    this.timing = { ...this.timing, ...change };
  }

  addFault(rule: Omit<ModelFault, 'remaining'> & { times?: number }): void {
    const { times, ...rest } = rule;
    this.faults.push({ ...rest, remaining: times });
  }

  clearFaults(): void {
    this.faults = [];
  }

  // ---- what the state check needs ----

  /** Pending transitions as GET /_admin/transitions lists them, sorted for comparison. */
  pendingView(): string[] {
    const names = Model.TRANSITION_NAMES;
    return this.pending
      .map(
        (p) =>
          `${p.connId} ${names[p.kind]} ${p.dueAt === null ? 'manual' : new Date(p.dueAt).toISOString()}`,
      )
      .sort();
  }

  /** Every side that exists, with where it is visible. */
  allSides(): Array<{ conn: Conn; role: Role; side: Side }> {
    const out: Array<{ conn: Conn; role: Role; side: Side }> = [];
    for (const conn of this.conns.values()) {
      if (conn.gone) continue;
      out.push({ conn, role: 'initiator', side: conn.initiator });
      if (conn.acceptor) out.push({ conn, role: 'acceptor', side: conn.acceptor });
    }
    return out;
  }
}

export function renderVpc(vpc: Vpc): Record<string, unknown> {
  return {
    vpcId: vpc.id,
    name: vpc.name,
    cidr: vpc.cidr,
    ipv6Cidr: '',
    description: vpc.description,
    isDefault: false,
    secondaryCidr: [],
    tags: vpc.tags.map((t) => ({ ...t })),
    createdTime: wireTime(vpc.createdAt),
    relay: vpc.relay,
  };
}
