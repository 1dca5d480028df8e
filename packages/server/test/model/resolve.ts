// Turns a step (positions, not ids) into a concrete request against the current state of a model: which
// connection, which VPC, which account at which endpoint, which body.

import { ACCOUNTS, type TestAccount } from './accounts.ts';
import type { Conn, Model, ModelRequest, Role } from './model.ts';
import { isMutating } from './model.ts';
import { NetworkResolver } from './network-resolve.ts';
import { CIDRS, REGIONS, type Step, type Token } from './steps.ts';

export const BOGUS_CONN = 'peerconn-000000000000';
export const BOGUS_VPC = 'vpc-000000000000';
const BOGUS_IF = 'qpif-000000000000';

export function other<T>(list: readonly T[], value: T): T {
  return list[(list.indexOf(value) + 1) % list.length] as T;
}

export class Resolver {
  /** Numbers the `new` tokens; the caller sets it to the step's position. */
  stepNo = 0;

  private readonly network: NetworkResolver;

  constructor(
    private readonly model: Model,
    /** Keeps the tokens of concurrent writers apart. */
    private readonly tokenPrefix = '',
  ) {
    this.network = new NetworkResolver(model, (op, accountId, region, path, query, body, token) =>
      this.req(op, accountId, region, path, query, body, token),
    );
  }

  conns(): Conn[] {
    return [...this.model.conns.values()];
  }

  /** Mostly a connection that still exists; one index in five picks among every connection ever made. */
  connAt(index: number): Conn | undefined {
    const all = this.conns();
    const live = all.filter((c) => !c.gone);
    const pool = index % 5 === 4 || live.length === 0 ? all : live;
    return pool.length === 0 ? undefined : pool[Math.floor(index / 5) % pool.length];
  }

  private vpcsEver() {
    return [...this.model.vpcs.values()];
  }

  private token(token: Token | undefined): string | undefined {
    if (token === undefined) return undefined;
    return token === 'new' ? `${this.tokenPrefix}step-${this.stepNo}` : `${this.tokenPrefix}tok-${token}`;
  }

  private account(i: number): TestAccount {
    return ACCOUNTS[i % ACCOUNTS.length] as TestAccount;
  }

  request(step: Step): ModelRequest | undefined {
    switch (step.t) {
      case 'createVpc': {
        const body: Record<string, unknown> = {
          name: step.name,
          cidr: typeof step.cidr === 'number' ? CIDRS[step.cidr % CIDRS.length] : step.cidr,
        };
        if (step.description !== undefined) body.description = step.description;
        if (step.tags !== undefined) body.tags = tags(step.tags);
        return this.req(
          'createVpc',
          this.account(step.who).id,
          REGIONS[step.region % 2] as string,
          {},
          {},
          body,
          step.token,
        );
      }
      case 'vpcOp': {
        const all = this.vpcsEver();
        const vpc = all.length === 0 ? undefined : all[step.vpc % all.length];
        const owner = vpc?.accountId ?? (ACCOUNTS[0] as TestAccount).id;
        const caller = step.asOwner
          ? owner
          : other(
              ACCOUNTS.map((a) => a.id),
              owner,
            );
        const path = { vpcId: vpc?.id ?? BOGUS_VPC };
        let body: Record<string, unknown> | undefined;
        if (step.op === 'updateVpc') {
          body = {};
          if (step.name !== undefined) body.name = step.name;
          if (step.description !== undefined) body.description = step.description;
        }
        return this.req(step.op, caller, vpc?.region ?? 'bj', path, {}, body, step.token);
      }
      case 'createPeerConn':
        return this.createPeerConn(step);
      case 'peerOp':
        return this.peerOp(step);
      case 'createSubnet':
      case 'subnetOp':
      case 'createAcl':
      case 'aclOp':
      case 'createSg':
      case 'sgOp':
      case 'createEni':
      case 'eniOp':
        return this.network.request(step);
      default:
        return undefined;
    }
  }

  private req(
    op: string,
    accountId: string,
    region: string,
    path: Record<string, string>,
    query: Record<string, string>,
    body: unknown,
    token?: Token,
  ): ModelRequest {
    const req: ModelRequest = { op, accountId, region, path, query };
    if (body !== undefined) req.body = body;
    const clientToken = isMutating(op) ? this.token(token) : undefined;
    if (clientToken !== undefined) req.clientToken = clientToken;
    return req;
  }

  private createPeerConn(step: Extract<Step, { t: 'createPeerConn' }>): ModelRequest {
    const live = this.vpcsEver().filter((v) => !v.deleted);
    // The caller is the chosen account or, when it owns no VPC, the next one that does.
    const owners = ACCOUNTS.map((_, i) => this.account(step.who + i).id);
    const caller = owners.find((id) => live.some((v) => v.accountId === id)) ?? (owners[0] as string);
    const mine = live.filter((v) => v.accountId === caller);
    const others = this.vpcsEver().filter((v) => v.accountId !== caller || v.deleted);
    const localPool = step.localMine ? mine : others;
    const local = localPool.length === 0 ? undefined : localPool[step.local % localPool.length];
    const peers = live.filter((v) => v !== local);
    const peer = peers.length === 0 ? undefined : peers[step.peer % peers.length];
    const region = local?.region ?? 'bj';
    const peerOwner = peer?.accountId ?? caller;
    const body: Record<string, unknown> = {
      bandwidthInMbps: step.bandwidth,
      localVpcId: local?.id ?? BOGUS_VPC,
      peerVpcId: peer?.id ?? BOGUS_VPC,
      peerRegion:
        step.peerRegion === 'auto' ? (peer?.region ?? 'bj') : other(REGIONS, (peer?.region ?? 'bj') as 'bj'),
      billing:
        step.prepaid === 0
          ? { paymentTiming: 'Postpaid' }
          : {
              paymentTiming: 'Prepaid',
              reservation: { reservationLength: step.prepaid, reservationTimeUnit: 'month' },
            },
    };
    switch (step.peerAccount) {
      case 'auto':
        if (peerOwner !== caller) body.peerAccountId = peerOwner;
        break;
      case 'explicitSelf':
        body.peerAccountId = peerOwner;
        break;
      case 'omit':
        break;
      case 'wrong':
        body.peerAccountId = other(
          ACCOUNTS.map((a) => a.id),
          peerOwner,
        );
        break;
      case 'malformed':
        body.peerAccountId = 'NOT-AN-ACCOUNT';
        break;
    }
    if (step.deleteProtect !== undefined) body.deleteProtect = step.deleteProtect;
    if (step.description !== undefined) body.description = step.description;
    if (step.localIfName !== undefined) body.localIfName = step.localIfName;
    if (step.peerIfName !== undefined) body.peerIfName = step.peerIfName;
    if (step.tags !== undefined) body.tags = tags(step.tags);
    if (step.broken === 'noBilling') delete body.billing;
    if (step.broken === 'bandwidthString') body.bandwidthInMbps = String(step.bandwidth);
    if (step.broken === 'noPeerVpc') delete body.peerVpcId;
    return this.req('createPeerConn', caller, region, {}, {}, body, step.token);
  }

  private peerOp(step: Extract<Step, { t: 'peerOp' }>): ModelRequest {
    const conn = this.connAt(step.conn);
    const acceptor = conn ? (conn.acceptor ?? this.removedAcceptor(conn)) : undefined;
    const ids = ACCOUNTS.map((a) => a.id);
    let caller: string;
    let region: string;
    if (!conn || !acceptor) {
      caller = (ACCOUNTS[0] as TestAccount).id;
      region = 'bj';
    } else if (step.as === 'owner') {
      caller = conn.initiator.accountId;
      region = conn.initiator.region;
    } else if (step.as === 'peer') {
      caller = acceptor.accountId;
      region = acceptor.region;
    } else {
      caller = ids.find((id) => id !== conn.initiator.accountId && id !== acceptor.accountId) as string;
      region = conn.initiator.region;
    }
    if (!step.ownEndpoint) region = other(REGIONS, region as 'bj');
    const path = { peerConnId: conn?.id ?? BOGUS_CONN };
    const arg = step.arg ?? 0;
    switch (step.op) {
      case 'accept':
        return this.req('acceptPeerConn', caller, region, path, {}, undefined, step.token);
      case 'reject':
        return this.req('rejectPeerConn', caller, region, path, {}, undefined, step.token);
      case 'delete':
        return this.req('deletePeerConn', caller, region, path, {}, undefined, step.token);
      case 'refund':
        return this.req('refundPeerConn', caller, region, path, {}, undefined, step.token);
      case 'resize': {
        const current = conn?.bandwidth ?? 10;
        const choices = [current + 10, current * 2, Math.max(1, current - 1), current, 10001, 0];
        const wanted = Math.min(
          choices[arg % choices.length] as number,
          arg % choices.length === 4 ? 10001 : 10000,
        );
        return this.req(
          'resizePeerConn',
          caller,
          region,
          path,
          {},
          { newBandwidthInMbps: wanted },
          step.token,
        );
      }
      case 'renew': {
        const months = [1, 2, 3, 6, 12, 24, 36, 10][arg % 8] as number;
        return this.req(
          'renewPeerConn',
          caller,
          region,
          path,
          {},
          { billing: { reservation: { reservationLength: months, reservationTimeUnit: 'month' } } },
          step.token,
        );
      }
      case 'deleteProtect':
        return this.req(
          'updatePeerConnDeleteProtect',
          caller,
          region,
          path,
          {},
          { deleteProtect: arg % 2 === 1 },
          step.token,
        );
      case 'dnsOpen':
      case 'dnsClose':
        return this.req(
          step.op === 'dnsOpen' ? 'openPeerConnDnsSync' : 'closePeerConnDnsSync',
          caller,
          region,
          path,
          { role: step.role ?? 'initiator' },
          undefined,
          step.token,
        );
      case 'update': {
        const sides: Array<[Role, string | undefined]> = conn
          ? [
              [
                'initiator',
                conn.initiator.accountId === caller && conn.initiator.region === region
                  ? conn.initiator.ifId
                  : undefined,
              ],
              [
                'acceptor',
                conn.acceptor && conn.acceptor.accountId === caller && conn.acceptor.region === region
                  ? conn.acceptor.ifId
                  : undefined,
              ],
            ]
          : [];
        const mine = sides.find(([, id]) => id !== undefined)?.[1];
        const theirs = conn
          ? sides[0]?.[1] === undefined
            ? conn.initiator.ifId
            : conn.acceptor?.ifId
          : undefined;
        const pick = [mine, theirs, BOGUS_IF, mine][arg % 4] ?? BOGUS_IF;
        const body: Record<string, unknown> = { localIfId: pick };
        if (step.text !== undefined) body[arg % 2 === 0 ? 'description' : 'localIfName'] = step.text;
        return this.req('updatePeerConn', caller, region, path, {}, body, step.token);
      }
      case 'get':
        return this.req('getPeerConn', caller, region, path, step.role ? { role: step.role } : {}, undefined);
    }
  }

  /** The acceptor side the initiator's record still names after reject or timeout. */
  removedAcceptor(conn: Conn) {
    const view = this.model.render(conn, 'initiator');
    return {
      accountId: view.peerAccountId as string,
      region: view.peerRegion as string,
      vpcId: view.peerVpcId as string,
    };
  }
}

function tags(n: number): Array<{ tagKey: string; tagValue: string }> {
  return Array.from({ length: n }, (_, i) => ({ tagKey: `k${i}`, tagValue: `v${i}` }));
}
