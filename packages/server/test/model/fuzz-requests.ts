// Hostile requests as raw bytes: what a fuzz case is, the seeded state it aims at, and how a request is written
// and signed byte for byte (so nothing on the client side tidies it up). The generators are fuzz.ts (the HTTP
// layer and the peering and VPC operations) and fuzz-network.ts (subnets, ACLs, groups, interfaces, routes).
import { formatBceTimestamp, sign } from '@peerconn/sdk/internal';
import type { TestAccount } from './accounts.ts';
import { ACCOUNTS } from './accounts.ts';

export const [ALICE, BOB, CAROL] = ACCOUNTS as [TestAccount, TestAccount, TestAccount];

/** What the seeded state holds, so that refusals by the rules can aim at real objects. */
export interface Seeded {
  port: number;
  /** Alice's two VPCs and Bob's one. */
  vpcA1: string;
  vpcA2: string;
  vpcB1: string;
  /** Alice → Bob (cross-account) and Alice → Alice. */
  cross: string;
  own: string;
  /** In Alice's first VPC: a subnet (10.1.1.0/24) with an ACL rule (ingress, position 10). */
  subnetA1: string;
  aclRuleA1: string;
  /** A group of hers with one ingress rule (tcp 22 from 10.0.0.0/8), used by her interface. */
  groupA1: string;
  groupRuleA1: string;
  defaultGroupA1: string;
  /** Bob's VPC's default group. */
  defaultGroupB1: string;
  /** A custom route rule in her VPC's table (0.0.0.0/0 → 192.168.0.0/16). */
  routeRuleA1: string;
  /** Her interface in the subnet: 10.1.1.10 (primary) and 10.1.1.11, in groupA1. */
  eniA1: string;
}

/** One piece of a request on the wire: bytes, or a pause before the next bytes. */
export type Piece = Buffer | { pauseMs: number };

export interface FuzzCase {
  kind: string;
  /** What was sent, for a failure report (bytes shortened). */
  label: string;
  pieces: Piece[];
  /** How many answers the pieces ask for (pipelined requests ask for several). */
  answers: number;
  /** Codes an answer may carry; undefined: any BCE error below 500. */
  codes?: readonly string[];
  /** The client stops sending: the answer is the server's 408 after its request timeout. */
  stalls?: boolean;
  /** Whether the request would change state if it were accepted (for the refusal count). */
  mutating: boolean;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// ---------------------------------------------------------------- request building

export interface Draft {
  method: string;
  /** Raw path and query as they go on the request line. */
  target: string;
  /** Decoded path and query pairs, for the signature (absent when they cannot be decoded). */
  signPath?: string;
  signQuery?: Array<[string, string]>;
  body?: Buffer;
  credential?: TestAccount;
  /** Extra or replacing header lines, sent as given. */
  extraHeaders?: Array<[string, string]>;
  /** Content-Length as sent; default: the body's length when there is a body. */
  contentLength?: string | null;
  /** What to do to the Authorization header. */
  auth?: 'good' | 'none' | 'garbage' | 'badSignature' | 'unknownKey' | 'expired';
}

function pairsOf(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery.split('&').map((part) => {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    return [decodeURIComponent(k), decodeURIComponent(v)];
  });
}

/** The head (request line and headers) of a draft, signed as the SDK signs unless the draft says otherwise. */
export function head(draft: Draft, port: number, chunked = false): Buffer {
  const headers: Array<[string, string]> = [
    ['host', `bcc.bj.baidubce.com:${port}`],
    ['content-type', 'application/json;charset=utf-8'],
  ];
  const now = new Date();
  if (draft.auth !== 'expired') headers.push(['x-bce-date', formatBceTimestamp(now)]);
  const length =
    draft.contentLength !== undefined
      ? draft.contentLength
      : draft.body !== undefined && !chunked
        ? String(draft.body.length)
        : null;
  if (length !== null) headers.push(['content-length', length]);
  if (chunked) headers.push(['transfer-encoding', 'chunked']);
  const auth = draft.auth ?? 'good';
  const credential = draft.credential ?? ALICE;
  if (auth !== 'none') {
    let value: string;
    if (auth === 'garbage') {
      value = 'bce-auth-v1/nonsense';
    } else {
      let path = draft.signPath;
      let query = draft.signQuery;
      if (path === undefined || query === undefined) {
        const [p, q = ''] = draft.target.split('?', 2) as [string, string?];
        path = p;
        try {
          query = pairsOf(q);
        } catch {
          query = [];
        }
      }
      const signedHeaders: Record<string, string> = Object.fromEntries(
        headers.filter(([name]) => name === 'host' || name.startsWith('x-bce-') || name === 'content-type'),
      );
      if (length !== null) signedHeaders['content-length'] = length;
      value = sign({
        method: draft.method,
        path,
        query,
        headers: signedHeaders,
        accessKeyId: auth === 'unknownKey' ? 'nobody-ak' : credential.accessKeyId,
        secretAccessKey: credential.secretAccessKey,
        timestamp: auth === 'expired' ? new Date(now.getTime() - 86_400_000) : now,
      });
      if (auth === 'badSignature') value = value.slice(0, -1) + (value.endsWith('0') ? '1' : '0');
    }
    headers.push(['authorization', value]);
  }
  for (const [name, value] of draft.extraHeaders ?? []) headers.push([name, value]);
  const lines = headers.map(([n, v]) => `${n}: ${v}\r\n`).join('');
  return Buffer.from(`${draft.method} ${draft.target} HTTP/1.1\r\n${lines}\r\n`, 'latin1');
}

export function whole(draft: Draft, port: number): Buffer {
  return Buffer.concat([head(draft, port), draft.body ?? Buffer.alloc(0)]);
}

/** The operations that take a body, with a valid body on the seeded state and its fields' JSON types. */
export interface BodyOp {
  method: string;
  target: (s: Seeded) => string;
  valid: (s: Seeded) => Record<string, unknown>;
  types: Record<string, 'number' | 'string' | 'object' | 'boolean' | 'array'>;
}

export function show(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return text.length > 300 ? `${text.slice(0, 300)}…(${bytes.length} bytes)` : text;
}

export function one(
  kind: string,
  bytes: Buffer,
  codes: readonly string[] | undefined,
  mutating: boolean,
): FuzzCase {
  return {
    kind,
    label: show(bytes),
    pieces: [bytes],
    answers: 1,
    ...(codes ? { codes } : {}),
    mutating,
  };
}
