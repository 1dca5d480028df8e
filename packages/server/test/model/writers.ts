// Concurrent writers for the crash suite: each writer owns its VPCs and connections (quotas are set out of
// reach, tokens carry the writer's prefix), so each has a reference model of its own that predicts every
// answer exactly while all of them write at once. When the server is killed, a writer's last request may have
// been applied or not; after the restart the state must be one of the two, whole.
import type { Agent } from 'node:http';
import type { RawResponse } from '../http-support.ts';
import { ACCOUNTS, type TestAccount } from './accounts.ts';
import { Comparer } from './compare.ts';
import { type FreshIds, isMutating, type Model, type ModelRequest } from './model.ts';
import { Resolver } from './resolve.ts';
import { REGIONS, type Step } from './steps.ts';
import { sendModelRequest } from './wire.ts';

const WRITER_OUTCOMES = new Map<string, number>();
if (process.env.PEERCONN_MODEL_DEBUG === '1') {
  process.on('exit', () => {
    for (const [key, n] of [...WRITER_OUTCOMES].sort()) console.error(`${String(n).padStart(6)} ${key}`);
  });
}

export class WriterMismatch extends Error {
  override readonly name = 'WriterMismatch';
}

/** A network failure: the server is gone, so the answer to the request in flight is unknown. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' &&
      ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) ||
    (error instanceof Error && /socket hang up/.test(error.message))
  );
}

export interface WriterStats {
  acknowledged: number;
  refused: number;
  verified: number;
  replayed: number;
}

export class Writer {
  model: Model;
  private resolver: Resolver;
  private comparer: Comparer;
  /** Every mutating request answered so far, in order. */
  readonly acked: ModelRequest[] = [];
  /** The request whose answer the crash swallowed. */
  inFlight: ModelRequest | undefined;
  private next = 0;
  private readonly log: string[] = [];

  constructor(
    readonly index: number,
    model: Model,
    private readonly steps: Step[],
    private readonly stats: WriterStats,
  ) {
    this.model = model;
    this.resolver = new Resolver(model, `w${index}-`);
    this.comparer = new Comparer(model, (message) => this.fail(message));
  }

  private fail(message: string): never {
    throw new WriterMismatch(
      `writer ${this.index}: ${message}\n--- its requests ---\n${this.log.slice(-40).join('\n')}`,
    );
  }

  /** Replaces the model (after a crash, by the candidate the server matched). */
  adopt(model: Model): void {
    this.model = model;
    const stepNo = this.resolver.stepNo;
    this.resolver = new Resolver(model, `w${this.index}-`);
    this.resolver.stepNo = stepNo;
    this.comparer = new Comparer(model, (message) => this.fail(message));
  }

  get done(): boolean {
    return this.next >= this.steps.length;
  }

  /** The request of the next step, with names and descriptions that say which writer and step made them. */
  private nextRequest(): ModelRequest | undefined {
    const step = this.steps[this.next] as Step;
    this.next += 1;
    this.resolver.stepNo = this.next;
    if (step.t === 'replay') {
      if (this.acked.length === 0) return undefined;
      return this.acked[this.acked.length - 1 - (step.back % this.acked.length)];
    }
    const req = this.resolver.request(step);
    if (!req) return undefined;
    const tag = `w${this.index}-s${this.next}`;
    if (req.op === 'createVpc') (req.body as Record<string, unknown>).name = tag;
    if (req.op === 'createPeerConn' && !('broken' in step && step.broken))
      (req.body as Record<string, unknown>).description = tag;
    return req;
  }

  /**
   * Runs steps until `stop()` says so, the steps run out, or the server goes away (then the request in flight is
   * kept as `inFlight`). `onAck` is told of every acknowledged mutation.
   */
  async run(agent: Agent, port: () => number, stop: () => boolean, onAck: () => void): Promise<void> {
    while (!this.done && !stop()) {
      const req = this.nextRequest();
      if (!req) continue;
      let answer: RawResponse;
      try {
        answer = await this.send(agent, port(), req);
      } catch (error) {
        if (!isNetworkError(error)) throw error;
        if (isMutating(req.op)) this.inFlight = req;
        return;
      }
      this.check(req, answer);
      if (isMutating(req.op)) onAck();
      // Reads as both parties keep the model's interface ids learnt and check the change from every side.
      const connId = req.path.peerConnId ?? (answer.json as { peerConnId?: string } | undefined)?.peerConnId;
      if (connId && this.model.conns.has(connId)) {
        try {
          await this.readConnection(agent, port(), connId);
        } catch (error) {
          if (!isNetworkError(error)) throw error;
          return;
        }
      }
    }
  }

  private send(agent: Agent, port: number, req: ModelRequest): Promise<RawResponse> {
    const account = ACCOUNTS.find((a) => a.id === req.accountId) as TestAccount;
    return sendModelRequest(agent, port, req, account);
  }

  /** Holds one answer to the model, learning the id a create answered. */
  check(req: ModelRequest, answer: RawResponse): void {
    const fresh: FreshIds = {};
    if (answer.status === 200 && (req.op === 'createPeerConn' || req.op === 'createVpc')) {
      const body = answer.json as { peerConnId?: string; vpcId?: string } | undefined;
      if (req.op === 'createPeerConn' && body?.peerConnId) fresh.peerConnId = body.peerConnId;
      if (req.op === 'createVpc' && body?.vpcId) fresh.vpcId = body.vpcId;
    }
    const outcome = this.model.request(req, fresh);
    this.log.push(`${this.comparer.describe(req)} → ${answer.status} ${answer.text.slice(0, 120)}`);
    this.comparer.compareAnswer(req, answer, outcome);
    if (isMutating(req.op)) {
      this.acked.push(req);
      if (process.env.PEERCONN_MODEL_DEBUG === '1') {
        const key = `${req.op} ${outcome.ok ? 'ok' : outcome.code}`;
        WRITER_OUTCOMES.set(key, (WRITER_OUTCOMES.get(key) ?? 0) + 1);
      }
      if (outcome.ok) this.stats.acknowledged += 1;
      else this.stats.refused += 1;
    }
  }

  /** GET of one connection as each party at its side's region, with and without a role. */
  async readConnection(agent: Agent, port: number, connId: string): Promise<void> {
    const conn = this.model.conns.get(connId);
    if (!conn) return;
    const view = this.model.render(conn, 'initiator');
    const parties = new Map<string, string>([
      [conn.initiator.accountId, conn.initiator.region],
      [view.peerAccountId as string, view.peerRegion as string],
    ]);
    for (const [accountId, region] of parties) {
      for (const role of [undefined, 'initiator', 'acceptor']) {
        const req: ModelRequest = {
          op: 'getPeerConn',
          accountId,
          region,
          path: { peerConnId: connId },
          query: role ? { role } : {},
        };
        const answer = await this.send(agent, port, req);
        this.comparer.compareAnswer(req, answer, this.model.request(req));
      }
    }
  }

  /**
   * Everything of this writer as the server shows it, against `model`: each VPC and connection read by its
   * owners, the lists filtered to this writer's ids, and the timeline of each connection. Throws on a difference.
   */
  async verify(
    agent: Agent,
    port: number,
    model: Model,
    timeline: Map<string, string[]>,
    lists: Lists,
  ): Promise<void> {
    const comparer = new Comparer(model, (message) => this.fail(message));
    for (const vpc of model.vpcs.values()) {
      const req: ModelRequest = {
        op: 'getVpc',
        accountId: vpc.accountId,
        region: vpc.region,
        path: { vpcId: vpc.id },
        query: {},
      };
      comparer.compareAnswer(req, await this.send(agent, port, req), model.request(req));
    }
    const saved = this.comparer;
    this.comparer = comparer;
    const savedModel = this.model;
    this.model = model;
    try {
      for (const id of model.conns.keys()) await this.readConnection(agent, port, id);
    } finally {
      this.comparer = saved;
      this.model = savedModel;
    }
    const conns = new Set(model.conns.keys());
    const vpcs = new Set(model.vpcs.keys());
    for (const account of ACCOUNTS) {
      for (const region of REGIONS) {
        const key = `${account.id} ${region}`;
        const sides = (lists.peerConns.get(key) ?? []).filter(
          (s) => conns.has(s.peerConnId as string) || String(s.description).startsWith(`w${this.index}-`),
        );
        comparer.compareBody(
          `listPeerConns of writer ${this.index} as ${account.name}@${region}`,
          sides,
          model.listSides(account.id, region),
        );
        const ownVpcs = (lists.vpcs.get(key) ?? []).filter(
          (v) => vpcs.has(v.vpcId as string) || String(v.name).startsWith(`w${this.index}-`),
        );
        comparer.compareBody(
          `listVpcs of writer ${this.index} as ${account.name}@${region}`,
          ownVpcs,
          model.listVpcs(account.id, region),
        );
      }
    }
    for (const id of conns) {
      const got = timeline.get(id) ?? [];
      const want = model.timeline.get(id) ?? [];
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        this.fail(`timeline of ${id}:\n  server ${JSON.stringify(got)}\n  model  ${JSON.stringify(want)}`);
      }
    }
    this.stats.verified += 1;
  }

  /**
   * After a restart: the candidates are the model without the request in flight and with it. A create in flight
   * is looked for by the tag its name or description carries.
   */
  candidates(lists: Lists): Model[] {
    const before = this.model.clone();
    const req = this.inFlight;
    if (!req) return [before];
    const after = this.model.clone();
    const fresh: FreshIds = {};
    const tag = (req.body as Record<string, unknown> | undefined)?.[
      req.op === 'createVpc' ? 'name' : 'description'
    ];
    if (req.op === 'createVpc' || req.op === 'createPeerConn') {
      const key = `${req.accountId} ${req.region}`;
      if (req.op === 'createVpc') {
        const found = (lists.vpcs.get(key) ?? []).find(
          (v) => v.name === tag && !this.model.vpcs.has(v.vpcId as string),
        );
        if (found) fresh.vpcId = found.vpcId as string;
      } else {
        const found = (lists.peerConns.get(key) ?? []).find(
          (s) =>
            s.role === 'initiator' && s.description === tag && !this.model.conns.has(s.peerConnId as string),
        );
        if (found) fresh.peerConnId = found.peerConnId as string;
      }
      // Not found: the create was not applied, or was refused; the model decides which it would have been.
      if (!fresh.vpcId && !fresh.peerConnId) return [before];
    }
    after.request(req, fresh);
    return [before, after];
  }

  /** Replays every acknowledged request that carried a token: each answers as before and changes nothing. */
  async replayTokens(agent: Agent, port: number): Promise<void> {
    for (const req of this.acked) {
      if (!req.clientToken) continue;
      const answer = await this.send(agent, port, req);
      const outcome = this.model.request(req);
      this.comparer.compareAnswer(req, answer, outcome);
      this.stats.replayed += 1;
    }
  }

  /** Sends the request the crash swallowed again: applied once in all, whichever way the crash went. */
  async resend(agent: Agent, port: number): Promise<void> {
    const req = this.inFlight;
    this.inFlight = undefined;
    if (!req) return;
    this.check(req, await this.send(agent, port, req));
  }
}

/** Every list of every account and region, read once after a restart and shared by the writers' checks. */
export interface Lists {
  peerConns: Map<string, Array<Record<string, unknown>>>;
  vpcs: Map<string, Array<Record<string, unknown>>>;
}
