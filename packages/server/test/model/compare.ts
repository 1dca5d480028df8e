// Holds a server's answer to the model's outcome: status, code and the BCE error shape, or the exact body;
// ids the model has not seen yet (interfaces, rules, default groups) are learnt from the server (checked
// well-formed and unused).
import { isDeepStrictEqual } from 'node:util';
import type { RawResponse } from '../http-support.ts';
import { ACCOUNTS } from './accounts.ts';
import { LearnedId } from './checks.ts';
import { CODE_STATUS, type Model, type ModelRequest, type Outcome } from './model.ts';
import { specOf } from './wire.ts';

export const ID_FORMAT: Record<string, RegExp> = {
  peerConnId: /^peerconn-[a-z0-9]{12}$/,
  vpcId: /^vpc-[a-z0-9]{12}$/,
  localIfId: /^qpif-[a-z0-9]{12}$/,
  subnetId: /^sbn-[a-z0-9]{12}$/,
  securityGroupId: /^g-[a-z0-9]{12}$/,
  securityGroupRuleId: /^r-[a-z0-9]{12}$/,
  aclRuleId: /^ar-[a-z0-9]{12}$/,
  eniId: /^eni-[a-z0-9]{12}$/,
  /** Locally administered, fixed at create (docs/wire.md, Network interfaces); not promised unique. */
  macAddress: /^fa:16:3e(:[0-9a-f]{2}){3}$/,
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

  /** Deep equality, learning the ids the model does not know yet where its view has them. */
  compareBody(what: string, actual: unknown, expected: unknown): void {
    this.learn(actual, expected);
    const resolved = resolveIds(expected);
    if (!isDeepStrictEqual(actual, resolved)) {
      this.fail(`${what}:\n  server ${JSON.stringify(actual)}\n  model  ${JSON.stringify(resolved)}`);
    }
  }

  /**
   * Walks the model's view beside the server's answer; where the view holds an id the model has not learnt, the
   * server's value at that place becomes it (well-formed and never given to anything else before, or the
   * comparison fails). A wrong pairing (the answer out of order) shows up in the comparison that follows.
   */
  private learn(actual: unknown, expected: unknown): void {
    if (expected instanceof LearnedId) {
      if (expected.get() !== undefined || typeof actual !== 'string') return;
      if (!ID_FORMAT[expected.kind]?.test(actual)) this.fail(`malformed ${expected.kind} ${actual}`);
      if (this.model.idTaken(expected.kind, actual)) this.fail(`${expected.kind} ${actual} given twice`);
      expected.set(actual);
      return;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return;
      expected.forEach((item, i) => {
        this.learn(actual[i], item);
      });
      return;
    }
    if (expected !== null && typeof expected === 'object') {
      if (actual === null || typeof actual !== 'object') return;
      for (const [key, value] of Object.entries(expected)) {
        this.learn((actual as Record<string, unknown>)[key], value);
      }
    }
  }
}

/** The view with every learnt id in place (an id still unknown stays undefined, and so differs). */
export function resolveIds(view: unknown): unknown {
  if (view instanceof LearnedId) return view.get();
  if (Array.isArray(view)) return view.map(resolveIds);
  if (view !== null && typeof view === 'object') {
    return Object.fromEntries(Object.entries(view).map(([key, value]) => [key, resolveIds(value)]));
  }
  return view;
}
