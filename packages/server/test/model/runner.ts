// Runs a history of steps against a real server (one or two instances, in-process or as processes) and the
// reference model side by side: each step's answer (status, code, body) must be the model's, and after each
// step the whole visible state of every account (every list page by page, and GETs as every party) must be the
// model's too.

import type { Agent } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { RawResponse } from '../http-support.ts';
import { ACCOUNTS, type TestAccount } from './accounts.ts';
import { Comparer, ID_FORMAT } from './compare.ts';
import {
  type FreshIds,
  isMutating,
  Model,
  type ModelConfig,
  type ModelRequest,
  type TimingTable,
} from './model.ts';
import { NETWORK_MUTATING_OPS, NETWORK_READ_OPS } from './network.ts';
import { other, Resolver } from './resolve.ts';
import { REGIONS, type Step } from './steps.ts';
import { adminCall, keepAliveAgent, sendModelRequest } from './wire.ts';

/** Where the server runs: one instance or several sharing one store. */
export interface Target {
  readonly label: string;
  ports(): number[];
  /** In-process: close and reopen; process: kill -9 and start again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HistoryConfig {
  model: ModelConfig;
  timing: TimingTable;
  /** ISO instant the frozen virtual clock starts at. */
  start: string;
  /** A full GET sweep of every connection after this many steps (and at the end). */
  fullCheckEvery: number;
}

export interface Figures {
  histories: number;
  steps: number;
  /** Steps on subnets, ACL rules, security groups and network interfaces. */
  networkSteps: number;
  requests: number;
  mutations: number;
  /** Mutations the server acknowledged, each checked against the state that follows. */
  writesVerified: number;
  /** Mutations refused with a BCE error (by the rules or an injected fault), each checked unchanged. */
  mutationsRefused: number;
  restarts: number;
}

export function emptyFigures(): Figures {
  return {
    histories: 0,
    steps: 0,
    networkSteps: 0,
    requests: 0,
    mutations: 0,
    writesVerified: 0,
    mutationsRefused: 0,
    restarts: 0,
  };
}

/** How often each operation ended how, over the whole run (printed with PEERCONN_MODEL_DEBUG=1). */
export const REFUSALS = new Map<string, number>();
if (process.env.PEERCONN_MODEL_DEBUG === '1') {
  process.on('exit', () => {
    for (const [key, n] of [...REFUSALS].sort()) console.error(`${String(n).padStart(6)} ${key}`);
  });
}

export class Mismatch extends Error {
  override readonly name = 'Mismatch';
}

const PAGE_SIZES = [1000, 1000, 2, 3, 1];

/** The id field of what a create answers. */
const CREATED_ID: Record<string, 'peerConnId' | 'vpcId' | 'subnetId' | 'securityGroupId' | 'eniId'> = {
  createPeerConn: 'peerConnId',
  createVpc: 'vpcId',
  createSubnet: 'subnetId',
  createSecurityGroup: 'securityGroupId',
  createEni: 'eniId',
};

const NETWORK_OPS: ReadonlySet<string> = new Set([...NETWORK_MUTATING_OPS, ...NETWORK_READ_OPS]);

const NETWORK_STEPS: ReadonlySet<string> = new Set([
  'createSubnet',
  'subnetOp',
  'createAcl',
  'aclOp',
  'createSg',
  'sgOp',
  'createEni',
  'eniOp',
]);

/** The kinds of network resources a VPC holds, each with its own lists. */
type NetworkKind = 'subnet' | 'acl' | 'group' | 'eni';
const NETWORK_KINDS: readonly NetworkKind[] = ['subnet', 'acl', 'group', 'eni'];

export class History {
  readonly model: Model;
  private agent: Agent = keepAliveAgent();
  /** Mutating requests sent, for replays. */
  private readonly sent: ModelRequest[] = [];
  private readonly log: string[] = [];
  private touchedConns = new Set<string>();
  private touchedVpcs = new Set<string>();
  private touchedSubnets = new Set<string>();
  private touchedAclSubnets = new Set<string>();
  private touchedGroups = new Set<string>();
  private touchedEnis = new Set<string>();
  /** Per VPC, which kinds of its network resources the step may have changed. */
  private touchedNetwork = new Map<string, Set<NetworkKind>>();
  /** After a restart every network resource is read again, as on a full check. */
  private networkRestarted = false;
  private stepCount = 0;
  private readonly resolver: Resolver;
  private readonly comparer: Comparer;
  private route = 0;
  private pageSize = 0;

  constructor(
    private readonly target: Target,
    readonly config: HistoryConfig,
    readonly figures: Figures,
  ) {
    this.model = new Model(
      config.model,
      ACCOUNTS.map((a) => a.id),
      Date.parse(config.start),
      config.timing,
    );
    this.resolver = new Resolver(this.model);
    this.comparer = new Comparer(this.model, (message) => this.fail(message));
  }

  /** Freezes the clock at the history's start; the server was started with the history's timing. */
  async begin(): Promise<void> {
    await this.admin('POST', '/clock', { set: this.config.start, freeze: true });
    await this.settle();
    this.figures.histories += 1;
  }

  close(): void {
    this.agent.destroy();
  }

  private port(): number {
    const ports = this.target.ports();
    this.route += 1;
    return ports[this.route % ports.length] as number;
  }

  private async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    this.figures.requests += 1;
    return adminCall(this.agent, this.port(), method, path, body);
  }

  private fail(message: string): never {
    throw new Mismatch(`${message}\n--- steps so far ---\n${this.log.join('\n')}`);
  }

  // ---- resolving a step against the model ----

  // ---- running ----

  async step(step: Step): Promise<void> {
    this.stepCount += 1;
    this.resolver.stepNo = this.stepCount;
    this.figures.steps += 1;
    if (NETWORK_STEPS.has(step.t)) this.figures.networkSteps += 1;
    this.log.push(JSON.stringify(step));
    this.touchedConns = new Set();
    this.touchedVpcs = new Set();
    this.touchedSubnets = new Set();
    this.touchedAclSubnets = new Set();
    this.touchedGroups = new Set();
    this.touchedEnis = new Set();
    this.touchedNetwork = new Map();
    this.networkRestarted = false;
    switch (step.t) {
      case 'replay': {
        if (this.sent.length === 0) break;
        const original = this.sent[this.sent.length - 1 - (step.back % this.sent.length)] as ModelRequest;
        const req = step.sameAccount
          ? original
          : {
              ...original,
              accountId: other(
                ACCOUNTS.map((a) => a.id),
                original.accountId,
              ),
            };
        await this.send(req);
        break;
      }
      case 'advance': {
        this.model.advance(step.ms);
        const clock = (await this.admin('POST', '/clock', { advanceMs: step.ms })) as { now: string };
        if (clock.now !== new Date(this.model.now).toISOString()) {
          this.fail(
            `clock after advance: server ${clock.now}, model ${new Date(this.model.now).toISOString()}`,
          );
        }
        for (const conn of this.resolver.conns()) this.touchedConns.add(conn.id);
        break;
      }
      case 'timing':
        this.model.setTiming(step.change);
        await this.admin('PUT', '/timing', { transitions: step.change });
        break;
      case 'run': {
        const conn = step.conn === undefined ? undefined : this.resolver.connAt(step.conn);
        const expected = this.model.runTransitions(conn?.id);
        const answer = (await this.admin(
          'POST',
          '/transitions/run',
          conn ? { peerConnId: conn.id } : {},
        )) as {
          applied: number;
        };
        if (answer.applied !== expected)
          this.fail(`transitions/run applied ${answer.applied}, model ${expected}`);
        for (const c of this.resolver.conns()) this.touchedConns.add(c.id);
        break;
      }
      case 'fault': {
        const rule: Record<string, unknown> = { operation: step.op, status: step.status, times: step.times };
        if (step.emptyBody) rule.emptyBody = true;
        if (step.latencyMs !== undefined) rule.latencyMs = step.latencyMs;
        await this.admin('POST', '/faults', rule);
        this.model.addFault({
          operation: step.op,
          status: step.status,
          times: step.times,
          ...(step.emptyBody ? { emptyBody: true } : {}),
          ...(step.latencyMs !== undefined ? { latencyMs: step.latencyMs } : {}),
        });
        break;
      }
      case 'clearFaults':
        await this.admin('DELETE', '/faults');
        this.model.clearFaults();
        break;
      case 'restart':
        this.agent.destroy();
        await this.target.restart();
        this.agent = keepAliveAgent();
        this.figures.restarts += 1;
        this.networkRestarted = true;
        break;
      default: {
        const req = this.resolver.request(step);
        if (req) await this.send(req);
      }
    }
    await this.settle();
    const full = this.stepCount % this.config.fullCheckEvery === 0;
    await this.checkState(full);
  }

  async finish(): Promise<void> {
    await this.checkState(true);
  }

  /** Sends one BCE request and holds the answer to the model's. */
  private async send(req: ModelRequest): Promise<void> {
    const answer = await this.call(req);
    const fresh: FreshIds = {};
    const idField = CREATED_ID[req.op];
    let newId: string | undefined;
    if (idField && answer.status === 200) {
      newId = (answer.json as Record<string, unknown> | undefined)?.[idField] as string | undefined;
      if (typeof newId === 'string') fresh[idField] = newId;
    }
    const known = idField !== undefined && newId !== undefined && this.model.idTaken(idField, newId);
    const outcome = this.model.request(req, fresh);
    this.comparer.compareAnswer(req, answer, outcome);
    if (idField && outcome.ok && !this.model.lastWasReplay) {
      if (known) this.fail(`the server answered an id it had given before: ${newId}`);
      if (!ID_FORMAT[idField]?.test(newId as string)) this.fail(`malformed ${idField} ${newId}`);
    }
    this.noteTouched(req, outcome.ok ? outcome.body : undefined);
    if (isMutating(req.op)) {
      this.sent.push(req);
      this.figures.mutations += 1;
      if (outcome.ok) this.figures.writesVerified += 1;
      else this.figures.mutationsRefused += 1;
      const key = `${req.op} ${outcome.ok ? 'ok' : outcome.code}`;
      REFUSALS.set(key, (REFUSALS.get(key) ?? 0) + 1);
    }
    const connId =
      req.path.peerConnId ??
      (outcome.ok ? (outcome.body as { peerConnId?: string } | undefined)?.peerConnId : undefined);
    if (connId) this.touchedConns.add(connId);
    const vpcId =
      req.path.vpcId ?? (outcome.ok ? (outcome.body as { vpcId?: string } | undefined)?.vpcId : undefined);
    if (vpcId) this.touchedVpcs.add(vpcId);
    const body = req.body as Record<string, unknown> | undefined;
    for (const field of ['localVpcId', 'peerVpcId']) {
      if (typeof body?.[field] === 'string') this.touchedVpcs.add(body[field] as string);
    }
  }

  /**
   * What a request may have changed of the network resources, for the reads after the step: the object it
   * names, and which kinds of resources of its VPC. A request changes nothing but its caller's own resources
   * there; the full checks read everything else.
   */
  private noteTouched(req: ModelRequest, answer: unknown): void {
    if (!NETWORK_OPS.has(req.op) && req.op !== 'createVpc' && req.op !== 'deleteVpc') return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const out = (answer ?? {}) as Record<string, unknown>;
    const network = this.model.network;
    const kind = (vpcId: string | undefined, what: NetworkKind) => {
      if (vpcId === undefined) return;
      const kinds = this.touchedNetwork.get(vpcId) ?? new Set<NetworkKind>();
      kinds.add(what);
      this.touchedNetwork.set(vpcId, kinds);
    };
    const subnet = (id: unknown, what: 'subnet' | 'acl') => {
      if (typeof id !== 'string') return;
      (what === 'acl' ? this.touchedAclSubnets : this.touchedSubnets).add(id);
      kind(network.subnets.get(id)?.vpcId, what);
    };
    const group = (id: unknown) => {
      if (typeof id !== 'string') return;
      this.touchedGroups.add(id);
      kind(network.groupById(id)?.vpcId, 'group');
    };
    // A VPC comes and goes with its default group.
    if (req.op === 'createVpc' || req.op === 'deleteVpc') {
      const vpcId = (req.path.vpcId ?? out.vpcId) as string | undefined;
      kind(vpcId, 'group');
      for (const g of network.groups.values()) if (g.vpcId === vpcId && g.id) this.touchedGroups.add(g.id);
    }
    if (req.op.includes('Subnet')) subnet(req.path.subnetId ?? out.subnetId, 'subnet');
    for (const rule of Array.isArray(body.aclRules) ? body.aclRules : []) {
      subnet((rule as Record<string, unknown> | null)?.subnetId, 'acl');
    }
    const aclRule = [...network.aclRules.values()].find((r) => r.id === req.path.aclRuleId);
    if (aclRule) subnet(aclRule.subnetId, 'acl');
    group(req.path.securityGroupId ?? out.securityGroupId);
    const ruleId = req.path.securityGroupRuleId ?? body.securityGroupRuleId;
    const owner = [...network.groups.values()].find((g) => g.rules.some((r) => r.id === ruleId));
    if (owner?.id) group(owner.id);
    const eniId = req.path.eniId ?? out.eniId;
    const eni = typeof eniId === 'string' ? network.interfaces.enis.get(eniId) : undefined;
    if (typeof eniId === 'string') this.touchedEnis.add(eniId);
    if (eni) {
      kind(eni.vpcId, 'eni');
      // Its groups count it (bindInstanceNum); so do the ones it leaves, which the step's groups list shows.
      kind(eni.vpcId, 'group');
      for (const id of eni.groupIds) this.touchedGroups.add(id);
    }
    for (const id of Array.isArray(body.securityGroupIds) ? body.securityGroupIds : []) group(id);
  }

  private async call(req: ModelRequest): Promise<RawResponse> {
    const account = ACCOUNTS.find((a) => a.id === req.accountId) as TestAccount;
    const port = this.port();
    this.figures.requests += 1;
    return sendModelRequest(this.agent, port, req, account);
  }

  /** With several instances, waits until each one shows the clock, timing and fault rules just changed. */
  private async settle(): Promise<void> {
    const ports = this.target.ports();
    if (ports.length < 2) return;
    const wantClock = new Date(this.model.now).toISOString();
    const wantFaults = JSON.stringify(
      this.model.faults.map((f) => [f.operation, f.status, f.remaining ?? null]),
    );
    const wantTiming = JSON.stringify(this.model.timing);
    const deadline = Date.now() + 30_000;
    for (const port of ports) {
      for (;;) {
        const clock = (await adminCall(this.agent, port, 'GET', '/clock')) as { now: string };
        const timing = (await adminCall(this.agent, port, 'GET', '/timing')) as { transitions: unknown };
        const faults = (await adminCall(this.agent, port, 'GET', '/faults')) as {
          faults: Array<{ operation: string; status: number; remaining?: number }>;
        };
        this.figures.requests += 3;
        const gotFaults = JSON.stringify(
          faults.faults.map((f) => [f.operation, f.status, f.remaining ?? null]),
        );
        if (clock.now === wantClock && gotFaults === wantFaults && sameTiming(timing.transitions, wantTiming))
          break;
        if (Date.now() > deadline) {
          this.fail(
            `instance on port ${port} did not catch up within 30 s: ${clock.now} ${gotFaults} ${JSON.stringify(timing.transitions)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }

  // ---- the visible state ----

  /** The timeline as the server recorded it, `cause at` per connection, read incrementally. */
  private readonly timeline = new Map<string, string[]>();
  private lastSeq = 0;

  private async compareTimeline(): Promise<void> {
    for (;;) {
      const { events } = (await this.admin('GET', `/events?afterSeq=${this.lastSeq}&limit=10000`)) as {
        events: Array<{
          seq: number;
          peerConnId: string;
          at: string;
          cause: { type: string; operation?: string; transition?: string };
        }>;
      };
      for (const event of events) {
        const cause =
          event.cause.type === 'request'
            ? `request:${event.cause.operation}`
            : `transition:${event.cause.transition}`;
        const entries = this.timeline.get(event.peerConnId) ?? [];
        entries.push(`${cause} ${event.at}`);
        this.timeline.set(event.peerConnId, entries);
        this.lastSeq = Math.max(this.lastSeq, event.seq);
      }
      if (events.length < 10000) break;
    }
    const ids = new Set([...this.timeline.keys(), ...this.model.timeline.keys()]);
    for (const id of ids) {
      const got = this.timeline.get(id) ?? [];
      const want = this.model.timeline.get(id) ?? [];
      if (!isDeepStrictEqual(got, want)) {
        this.fail(`timeline of ${id}:\n  server ${JSON.stringify(got)}\n  model  ${JSON.stringify(want)}`);
      }
    }
  }

  private async checkState(full: boolean): Promise<void> {
    await this.compareTimeline();
    const faults = (await this.admin('GET', '/faults')) as {
      faults: Array<{ operation: string; status: number; remaining?: number }>;
    };
    const got = faults.faults.map((f) => [f.operation, f.status, f.remaining ?? null]);
    const want = this.model.faults.map((f) => [f.operation, f.status, f.remaining ?? null]);
    if (!isDeepStrictEqual(got, want))
      this.fail(`fault rules: server ${JSON.stringify(got)}, model ${JSON.stringify(want)}`);
    const transitions = (await this.admin('GET', '/transitions')) as {
      pending: Array<{ peerConnId: string; name: string; dueAt?: string; manual: boolean }>;
    };
    const pending = transitions.pending
      .map((p) => `${p.peerConnId} ${p.name} ${p.manual ? 'manual' : p.dueAt}`)
      .sort();
    const expected = this.model.pendingView();
    if (!isDeepStrictEqual(pending, expected)) {
      this.fail(
        `pending transitions:\n  server ${JSON.stringify(pending)}\n  model  ${JSON.stringify(expected)}`,
      );
    }

    for (const account of ACCOUNTS) {
      for (const region of REGIONS) {
        await this.compareList(this.peerConnList(account, region));
        await this.compareList(this.vpcList(account, region));
        if (full || this.networkRestarted) {
          await this.compareList(this.subnetList(account, region));
          await this.compareList(this.groupList(account, region));
        }
      }
    }
    for (const vpcId of this.touchedVpcs) {
      const vpc = this.model.vpcs.get(vpcId);
      if (!vpc) continue;
      const owner = ACCOUNTS.find((a) => a.id === vpc.accountId) as TestAccount;
      await this.compareList(this.peerConnList(owner, vpc.region, vpcId));
    }
    const conns = full ? this.resolver.conns().map((c) => c.id) : [...this.touchedConns];
    for (const id of conns) await this.compareGets(id, full);
    const vpcs = full ? [...this.model.vpcs.keys()] : [...this.touchedVpcs];
    for (const id of vpcs) {
      const vpc = this.model.vpcs.get(id);
      if (!vpc) continue;
      await this.asEveryone(vpc, (accountId, region) => ({
        op: 'getVpc',
        accountId,
        region,
        path: { vpcId: id },
        query: {},
      }));
    }
    await this.checkNetwork(full || this.networkRestarted);
  }

  /**
   * The network resources: on a full check all of them (every VPC's lists, read as everyone), otherwise the
   * lists of the kinds the step touched in each VPC and the objects it named, with the isolation reads of
   * those (as every account, and as the owner at the other region).
   */
  private async checkNetwork(full: boolean): Promise<void> {
    const network = this.model.network;
    const touched = full
      ? new Map([...this.model.vpcs.keys()].map((id) => [id, new Set(NETWORK_KINDS)]))
      : this.touchedNetwork;
    for (const [id, kinds] of touched) {
      const vpc = this.model.vpcs.get(id);
      if (!vpc) continue;
      const owner = ACCOUNTS.find((a) => a.id === vpc.accountId) as TestAccount;
      const asOwner = (op: string): ModelRequest => ({
        op,
        accountId: owner.id,
        region: vpc.region,
        path: op === 'getVpc' ? { vpcId: id } : {},
        query: op === 'getVpc' ? {} : { vpcId: id },
      });
      if (kinds.has('subnet')) {
        if (!full) await this.compareRead(asOwner('getVpc'));
        if (!vpc.deleted) await this.compareList(this.subnetList(owner, vpc.region, { vpcId: id }));
      }
      if (kinds.has('subnet') || kinds.has('acl')) {
        if (full) {
          await this.asEveryone(vpc, (accountId, region) => ({
            ...asOwner('listAclEntrys'),
            accountId,
            region,
          }));
        } else {
          await this.compareRead(asOwner('listAclEntrys'));
        }
      }
      if (kinds.has('group') && !vpc.deleted) {
        await this.compareList(this.groupList(owner, vpc.region, { vpcId: id }));
      }
      if (kinds.has('eni')) {
        if (!vpc.deleted) await this.compareList(this.eniList(owner, vpc.region, id));
        if (full) {
          for (const account of ACCOUNTS) {
            if (account.id === vpc.accountId && !vpc.deleted) continue;
            await this.compareRead({ ...asOwner('listEnis'), accountId: account.id });
          }
        }
      }
    }
    const subnets = full ? [...network.subnets.keys()] : [...this.touchedSubnets];
    for (const id of subnets) {
      const subnet = network.subnets.get(id);
      if (!subnet) continue;
      await this.asEveryone(subnet, (accountId, region) => ({
        op: 'getSubnet',
        accountId,
        region,
        path: { subnetId: id },
        query: {},
      }));
    }
    const aclSubnets = full ? [...network.subnets.keys()] : [...this.touchedAclSubnets];
    for (const id of aclSubnets) {
      const subnet = network.subnets.get(id);
      if (!subnet || subnet.deleted) continue;
      const owner = ACCOUNTS.find((a) => a.id === subnet.accountId) as TestAccount;
      await this.compareList(this.aclRuleList(owner, subnet.region, id));
    }
    const groups = full
      ? [...network.groups.values()].map((g) => g.id).filter((id) => id !== undefined)
      : [...this.touchedGroups];
    for (const id of groups) {
      const group = network.groupById(id);
      if (!group) continue;
      await this.asEveryone(group, (accountId, region) => ({
        op: 'getSecurityGroup',
        accountId,
        region,
        path: { securityGroupId: id },
        query: {},
      }));
    }
    const enis = full ? [...network.interfaces.enis.keys()] : [...this.touchedEnis];
    for (const id of enis) {
      const eni = network.interfaces.enis.get(id);
      if (!eni) continue;
      const owner = ACCOUNTS.find((a) => a.id === eni.accountId) as TestAccount;
      await this.asEveryone(eni, (accountId, region) => ({
        op: 'getEni',
        accountId,
        region,
        path: { eniId: id },
        query: {},
      }));
      await this.compareRead({
        op: 'getEniStatus',
        accountId: owner.id,
        region: eni.region,
        path: { eniId: id },
        query: {},
      });
      if (!eni.deleted) await this.compareList(this.groupList(owner, eni.region, { instanceId: id }));
    }
  }

  /** A read as every account at the resource's region, and as its owner at the other region too. */
  private async asEveryone(
    of: { accountId: string; region: string },
    make: (accountId: string, region: string) => ModelRequest,
  ): Promise<void> {
    for (const account of ACCOUNTS) {
      const regions = account.id === of.accountId ? REGIONS : [of.region];
      for (const region of regions) await this.compareRead(make(account.id, region));
    }
  }

  private async compareGets(id: string, full: boolean): Promise<void> {
    const conn = this.model.conns.get(id);
    if (!conn) return;
    const acceptor = conn.acceptor ?? this.resolver.removedAcceptor(conn);
    const parties = new Set([conn.initiator.accountId, acceptor.accountId]);
    for (const account of ACCOUNTS) {
      for (const region of REGIONS) {
        const owns = [conn.initiator, conn.acceptor].some(
          (s) => s && s.accountId === account.id && s.region === region,
        );
        const roles: Array<string | undefined> =
          owns || full ? [undefined, 'initiator', 'acceptor'] : [undefined];
        if (!owns && !full && !parties.has(account.id) && region !== conn.initiator.region) continue;
        for (const role of roles) {
          await this.compareRead({
            op: 'getPeerConn',
            accountId: account.id,
            region,
            path: { peerConnId: id },
            query: role ? { role } : {},
          });
        }
      }
    }
  }

  private async compareRead(req: ModelRequest): Promise<void> {
    const answer = await this.call(req);
    this.comparer.compareAnswer(req, answer, this.model.request(req));
  }

  private peerConnList(account: TestAccount, region: string, vpcId?: string): ListRead {
    return {
      op: 'listPeerConns',
      account,
      region,
      query: vpcId ? { vpcId } : {},
      itemsKey: 'peerConns',
      markerOf: (item) => item.localIfId,
      expected: () => this.model.listSides(account.id, region, vpcId),
    };
  }

  private vpcList(account: TestAccount, region: string): ListRead {
    return {
      op: 'listVpcs',
      account,
      region,
      query: {},
      itemsKey: 'vpcs',
      markerOf: (item) => item.vpcId,
      expected: () => this.model.listVpcs(account.id, region),
    };
  }

  private subnetList(account: TestAccount, region: string, query: { vpcId?: string } = {}): ListRead {
    return {
      op: 'listSubnets',
      account,
      region,
      query,
      itemsKey: 'subnets',
      markerOf: (item) => item.subnetId,
      expected: () => this.model.network.listSubnets(account.id, region, query.vpcId),
    };
  }

  /** A caller's groups, those of one VPC, or those of one interface (`instanceId`). */
  private groupList(
    account: TestAccount,
    region: string,
    query: { vpcId?: string; instanceId?: string } = {},
  ): ListRead {
    return {
      op: 'listSecurityGroups',
      account,
      region,
      query,
      itemsKey: 'securityGroups',
      markerOf: (item) => item.id,
      expected: () => this.model.network.listGroups(account.id, region, query),
    };
  }

  private eniList(account: TestAccount, region: string, vpcId: string): ListRead {
    return {
      op: 'listEnis',
      account,
      region,
      query: { vpcId },
      itemsKey: 'enis',
      markerOf: (item) => item.eniId,
      expected: () => this.model.network.interfaces.list(account.id, region, vpcId),
    };
  }

  /** A subnet's ACL rules, the default ones included (named `default-<direction>` as a marker). */
  private aclRuleList(account: TestAccount, region: string, subnetId: string): ListRead {
    return {
      op: 'listAclRules',
      account,
      region,
      query: { subnetId },
      itemsKey: 'aclRules',
      markerOf: (item) => (item.id === '' ? `default-${item.direction}` : item.id),
      expected: () => this.model.network.aclView(subnetId),
    };
  }

  /** Reads a whole list page by page, checks the paging fields, and compares the items with the model's. */
  private async compareList(list: ListRead): Promise<void> {
    this.pageSize += 1;
    const maxKeys = PAGE_SIZES[this.pageSize % PAGE_SIZES.length] as number;
    const { op, account, region, itemsKey } = list;
    const items: Array<Record<string, unknown>> = [];
    let marker: string | undefined;
    const what = `${op} as ${account.name}@${region} ${JSON.stringify(list.query)} maxKeys=${maxKeys}`;
    for (let page = 0; ; page++) {
      if (page > 1000) this.fail(`${what}: more than 1000 pages`);
      const query: Record<string, string> = { ...list.query, maxKeys: String(maxKeys) };
      if (marker) query.marker = marker;
      const answer = await this.call({ op, accountId: account.id, region, path: {}, query });
      if (answer.status !== 200) this.fail(`${what}: ${answer.status} ${answer.text}`);
      const body = answer.json as Record<string, unknown>;
      const pageItems = body[itemsKey] as Array<Record<string, unknown>>;
      if (!Array.isArray(pageItems) || body.maxKeys !== maxKeys || pageItems.length > maxKeys) {
        this.fail(`${what}: bad page ${answer.text}`);
      }
      const first = pageItems[0] ? list.markerOf(pageItems[0]) : undefined;
      if (pageItems.length > 0 ? body.marker !== first : 'marker' in body)
        this.fail(`${what}: marker ${answer.text}`);
      if (page > 0 && marker !== first)
        this.fail(`${what}: nextMarker ${marker} did not start the next page`);
      items.push(...pageItems);
      if (body.isTruncated === true) {
        if (typeof body.nextMarker !== 'string' || pageItems.length !== maxKeys)
          this.fail(`${what}: truncated page ${answer.text}`);
        marker = body.nextMarker;
        continue;
      }
      if (body.isTruncated !== false || 'nextMarker' in body) this.fail(`${what}: last page ${answer.text}`);
      break;
    }
    this.comparer.compareBody(what, items, list.expected());
  }
}

/** One list as an account reads it at an endpoint, and what the model expects of it. */
interface ListRead {
  op: string;
  account: TestAccount;
  region: string;
  query: Record<string, string>;
  itemsKey: string;
  markerOf: (item: Record<string, unknown>) => unknown;
  expected: () => Array<Record<string, unknown>>;
}

function sameTiming(got: unknown, want: string): boolean {
  const table = got as Record<string, { mode: string; delayMs?: number }>;
  const normal = Object.fromEntries(
    Object.entries(JSON.parse(want) as Record<string, { mode: string; delayMs?: number }>).map(([k, v]) => [
      k,
      v.mode === 'delay' ? { mode: 'delay', delayMs: v.delayMs } : { mode: v.mode },
    ]),
  );
  const seen = Object.fromEntries(
    Object.entries(table).map(([k, v]) => [
      k,
      v.mode === 'delay' ? { mode: 'delay', delayMs: v.delayMs } : { mode: v.mode },
    ]),
  );
  return isDeepStrictEqual(seen, normal);
}

export { ACCOUNTS, accountsFileJson, type TestAccount } from './accounts.ts';
