// Holds a server's answer to the model's outcome: status, code and the BCE error shape, or the exact body;
// interface ids the model has not seen yet are learnt from the server (checked well-formed and unused).
import { isDeepStrictEqual } from 'node:util';
import type { RawResponse } from '../http-support.ts';
import { ACCOUNTS } from './accounts.ts';
import { CODE_STATUS, type Conn, type Model, type ModelRequest, type Outcome, type Role } from './model.ts';
import { specOf } from './wire.ts';

export const ID_FORMAT: Record<string, RegExp> = {
  peerConnId: /^peerconn-[a-z0-9]{12}$/,
  vpcId: /^vpc-[a-z0-9]{12}$/,
  localIfId: /^qpif-[a-z0-9]{12}$/,
};

export class Comparer {
  constructor(
    private readonly model: Model,
    private readonly fail: (message: string) => never,
  ) {}

  describe(req: ModelRequest): string {
    const who = ACCOUNTS.find((a) => a.id === req.accountId)?.name;
    return `${req.op} as ${who}@${req.region} ${JSON.stringify({ path: req.path, query: req.query, body: req.body, token: req.clientToken })}`;
  }

  compareAnswer(req: ModelRequest, answer: RawResponse, outcome: Outcome): void {
    const what = this.describe(req);
    const requestId = answer.headers['x-bce-request-id'];
    if (typeof requestId !== 'string' || !/^[0-9a-f-]{36}$/.test(requestId))
      this.fail(`${what}: no request id header`);
    if (!outcome.ok) {
      const codes = outcome.anyOf ?? [outcome.code];
      const serverCode = (answer.json as { code?: unknown } | undefined)?.code;
      const code = typeof serverCode === 'string' && codes.includes(serverCode) ? serverCode : outcome.code;
      const status = outcome.anyOf ? (CODE_STATUS[code] ?? outcome.status) : outcome.status;
      if (answer.status !== status) {
        this.fail(`${what}: server ${answer.status} ${answer.text}, model ${status} ${codes.join(' or ')}`);
      }
      if (outcome.emptyBody) {
        if (answer.text !== '') this.fail(`${what}: expected an empty body, got ${answer.text}`);
        return;
      }
      const body = answer.json as Record<string, unknown> | undefined;
      if (
        !body ||
        Object.keys(body).sort().join() !== 'code,message,requestId' ||
        body.code !== code ||
        body.requestId !== requestId ||
        typeof body.message !== 'string' ||
        body.message === ''
      ) {
        this.fail(`${what}: server ${answer.status} ${answer.text}, model ${codes.join(' or ')}`);
      }
      return;
    }
    if (answer.status !== 200)
      this.fail(`${what}: server ${answer.status} ${answer.text}, model 200 ${JSON.stringify(outcome.body)}`);
    const spec = specOf(req.op);
    if (!spec.returnsData) {
      if (answer.text !== '') this.fail(`${what}: expected an empty 200, got ${answer.text}`);
      return;
    }
    this.compareBody(what, answer.json, outcome.body);
  }

  /** Deep equality, learning interface ids the model does not know yet. */
  compareBody(what: string, actual: unknown, expected: unknown): void {
    const bound = this.bindInterfaces(actual, expected);
    if (!isDeepStrictEqual(actual, bound)) {
      this.fail(`${what}:\n  server ${JSON.stringify(actual)}\n  model  ${JSON.stringify(bound)}`);
    }
  }

  /** Where the model's view has no localIfId yet, take the server's (checked well-formed and unused). */
  private bindInterfaces(actual: unknown, expected: unknown): unknown {
    const views = (value: unknown): Array<Record<string, unknown>> =>
      Array.isArray(value)
        ? (value as Array<Record<string, unknown>>)
        : value && typeof value === 'object'
          ? [value as Record<string, unknown>]
          : [];
    const actualViews = views(actual);
    const expectedViews = views(expected);
    let changed = false;
    expectedViews.forEach((view, i) => {
      if (!('localIfId' in view) || view.localIfId !== undefined) return;
      const seen = actualViews[i];
      if (!seen || seen.peerConnId !== view.peerConnId || seen.role !== view.role) return;
      const id = seen.localIfId;
      if (typeof id !== 'string' || !ID_FORMAT.localIfId?.test(id))
        this.fail(`malformed localIfId ${String(id)}`);
      const conn = this.model.conns.get(view.peerConnId as string) as Conn;
      const side = conn[view.role as Role];
      if (!side) return;
      const used = this.model.allSides().some((s) => s.side.ifId === id);
      if (used) this.fail(`interface id ${id} given to two sides`);
      side.ifId = id;
      changed = true;
    });
    if (!changed) return expected;
    if (Array.isArray(expected)) {
      return expectedViews.map((view) => {
        const conn = this.model.conns.get(view.peerConnId as string) as Conn;
        return this.model.render(conn, view.role as Role);
      });
    }
    const view = expected as Record<string, unknown>;
    return this.model.render(this.model.conns.get(view.peerConnId as string) as Conn, view.role as Role);
  }
}
