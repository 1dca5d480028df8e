// Malformed requests at scale: a generator of hostile requests as raw bytes (so nothing on the client side tidies
// them up), a sender over plain sockets that may trickle or stall, and a reader that takes every answer apart.
// Each generated request is refused in at least one way decided before it is sent (its shape, its signature or
// a rule of the service on the seeded state), so the server's state must not move whatever it answers.
import { connect } from 'node:net';
import fc from 'fast-check';
import type { TestAccount } from './accounts.ts';
import { NETWORK_BODY_OPS, networkCaseArbs } from './fuzz-network.ts';
import {
  ALICE,
  BOB,
  type BodyOp,
  CAROL,
  type Draft,
  type FuzzCase,
  head,
  one,
  type Piece,
  type RawAnswer,
  type Seeded,
  show,
  whole,
} from './fuzz-requests.ts';

export type { FuzzCase, RawAnswer, Seeded } from './fuzz-requests.ts';

// ---------------------------------------------------------------- the generator

const BODY_OPS: Record<string, BodyOp> = {
  createPeerConn: {
    method: 'POST',
    target: () => '/v1/peerconn',
    valid: (s) => ({
      bandwidthInMbps: 10,
      localVpcId: s.vpcA2,
      peerVpcId: s.vpcB1,
      peerRegion: 'bj',
      peerAccountId: BOB.id,
      billing: { paymentTiming: 'Postpaid' },
    }),
    types: {
      bandwidthInMbps: 'number',
      localVpcId: 'string',
      peerVpcId: 'string',
      peerRegion: 'string',
      peerAccountId: 'string',
      billing: 'object',
    },
  },
  updatePeerConn: {
    method: 'PUT',
    target: (s) => `/v1/peerconn/${s.own}`,
    valid: () => ({ description: 'fuzz' }),
    types: { description: 'string', localIfName: 'string' },
  },
  resizePeerConn: {
    method: 'PUT',
    target: (s) => `/v1/peerconn/${s.own}?resize`,
    valid: () => ({ newBandwidthInMbps: 20 }),
    types: { newBandwidthInMbps: 'number' },
  },
  renewPeerConn: {
    method: 'PUT',
    target: (s) => `/v1/peerconn/${s.own}?purchaseReserved`,
    valid: () => ({ billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'month' } } }),
    types: { billing: 'object' },
  },
  updatePeerConnDeleteProtect: {
    method: 'PUT',
    target: (s) => `/v1/peerconn/${s.own}/deleteProtect`,
    valid: () => ({ deleteProtect: true }),
    types: { deleteProtect: 'boolean' },
  },
  createVpc: {
    method: 'POST',
    target: () => '/v1/vpc',
    valid: () => ({ name: 'fuzz', cidr: '10.9.0.0/16' }),
    types: { name: 'string', cidr: 'string', enableIpv6: 'boolean' },
  },
  updateVpc: {
    method: 'PUT',
    target: (s) => `/v1/vpc/${s.vpcA1}?modifyAttribute`,
    valid: () => ({ name: 'renamed' }),
    types: { name: 'string', description: 'string', enableIpv6: 'boolean' },
  },
  ...NETWORK_BODY_OPS,
};
const BODY_OP_NAMES = Object.keys(BODY_OPS);

/** A JSON value that is not of the given type (null is "absent", so never used for a required field). */
function wrongValue(type: string): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    number: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constant(1e308)),
    string: fc.oneof(fc.string({ maxLength: 6 }), fc.constant('10')),
    object: fc.constantFrom({}, { x: 1 }),
    boolean: fc.boolean(),
    array: fc.constantFrom([], [1], ['a']),
  };
  const choices = Object.entries(all)
    .filter(([name]) => name !== type)
    .map(([, arb]) => arb);
  return fc.oneof(...choices);
}

/** Strings JSON.parse refuses. */
const notJson: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.json({ maxDepth: 2 }).map((j) => (j.length > 1 ? j.slice(0, -1) : `${j}}`)),
    fc.constantFrom('{', '{"a":', "{'a':1}", '{"a":1,}', 'NaN', '{"a":01}', '\u0000', '[1,2', '{"a" 1}'),
  )
  .filter((s) => {
    if (s.trim() === '') return false;
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  });

/** Byte sequences that are not UTF-8. */
const BAD_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
];

const BAD_ESCAPES = ['%', '%Z1', '%E6', '%FF', '%C3%28', '%ED%A0%80', '%%', '%1'];

const FLAGS = ['accept', 'reject', 'resize', 'purchaseReserved', 'open', 'close', 'refund'];

/** Query parameters refused on the list operations (the DNS role on open). */
const BAD_QUERIES = [
  '/v1/peerconn?maxKeys=abc',
  '/v1/peerconn?maxKeys=0',
  '/v1/peerconn?maxKeys=1001',
  '/v1/peerconn?maxKeys=1&maxKeys=2',
  '/v1/peerconn?marker=&marker=',
  '/v1/peerconn?marker=nowhere',
  '/v1/vpc?isDefault=maybe',
  '/v1/vpc?maxKeys=-1',
  'open&role=everyone',
  'open',
];

function bodyOpArb(seeded: Seeded) {
  return fc.constantFrom(...BODY_OP_NAMES).map((name) => {
    const op = BODY_OPS[name] as BodyOp;
    return { name, op, target: op.target(seeded), valid: op.valid(seeded) };
  });
}

/** A body that is valid JSON but refused for its shape: one known field given a wrong type. */
function wrongTypeBody(seeded: Seeded) {
  return bodyOpArb(seeded).chain(({ name, op, target, valid }) =>
    fc.constantFrom(...Object.keys(op.types)).chain((field) =>
      wrongValue(op.types[field] as string).map((value) => ({
        name,
        op,
        target,
        body: { ...valid, [field]: value },
      })),
    ),
  );
}

function deepText(depth: number, shape: 'array' | 'object', closed: boolean): string {
  const open = shape === 'array' ? '['.repeat(depth) : '{"a":'.repeat(depth);
  const inner = shape === 'array' ? '' : '1';
  const close = shape === 'array' ? ']'.repeat(depth) : '}'.repeat(depth);
  return closed ? `${open}${inner}${close}` : `${open}${inner}${close.slice(0, depth >> 1)}`;
}

/** Splits bytes into a few pieces with short pauses between them (a client that trickles). */
function trickle(bytes: Buffer, cuts: number[], pauseMs: number): Piece[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))]
    .filter((c) => c > 0 && c < bytes.length)
    .sort((a, b) => a - b);
  const pieces: Piece[] = [];
  let from = 0;
  for (const cut of at) {
    pieces.push(bytes.subarray(from, cut), { pauseMs });
    from = cut;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

/** The generator: one malformed request (or a pipelined few), as raw bytes with what may come back. */
export function fuzzCaseArb(seeded: Seeded, bodyLimit: number): fc.Arbitrary<FuzzCase> {
  const port = seeded.port;
  const network = networkCaseArbs(seeded, bodyLimit);

  const badJson = fc
    .tuple(bodyOpArb(seeded), notJson)
    .map(([{ op, target }, text]) =>
      one(
        'invalid JSON',
        whole({ method: op.method, target, body: Buffer.from(text) }, port),
        ['MalformedJSON'],
        true,
      ),
    );

  const wrongType = wrongTypeBody(seeded).map(({ op, target, body }) =>
    one(
      'wrong types',
      whole({ method: op.method, target, body: Buffer.from(JSON.stringify(body)) }, port),
      ['InappropriateJSON'],
      true,
    ),
  );

  // Nesting deep enough to break a recursive parser or printer, within the body limit; the request is also
  // refused for a field of the wrong type, or for being cut off.
  const deep = fc
    .tuple(
      fc.integer({ min: 1000, max: Math.floor((bodyLimit - 200) / 6) }),
      fc.constantFrom('array' as const, 'object' as const),
      fc.boolean(),
      fc.constantFrom('tags', 'unknownField', 'name'),
    )
    .map(([depth, shape, closed, field]) => {
      const nested = deepText(depth, shape, closed);
      const text = `{"name":7,"cidr":"10.9.0.0/16","${field}":${nested}}`;
      return one(
        'deep body',
        whole({ method: 'POST', target: '/v1/vpc', body: Buffer.from(text) }, port),
        closed ? ['InappropriateJSON'] : ['MalformedJSON'],
        true,
      );
    });

  // Over the limit: declared and sent, declared and only partly sent, or streamed chunked with no length.
  const huge = fc
    .tuple(
      fc.constantFrom('declared', 'partial', 'chunked'),
      fc.integer({ min: 1, max: 16 }),
      bodyOpArb(seeded),
    )
    .map(([how, times, { op, target, valid }]) => {
      const filler = 'x'.repeat(bodyLimit * times);
      const body = Buffer.from(JSON.stringify({ ...valid, description: filler }));
      if (how === 'chunked') {
        const chunks: Buffer[] = [head({ method: op.method, target, body }, port, true)];
        for (let at = 0; at < body.length; at += 16_384) {
          const part = body.subarray(at, at + 16_384);
          chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
        }
        chunks.push(Buffer.from('0\r\n\r\n'));
        return one('huge body (chunked)', Buffer.concat(chunks), ['EntityTooLarge'], true);
      }
      const sent = how === 'partial' ? body.subarray(0, Math.min(body.length, 1024)) : body;
      const c = one(
        `huge body (${how})`,
        Buffer.concat([head({ method: op.method, target, body }, port), sent]),
        ['EntityTooLarge'],
        true,
      );
      return c;
    });

  const badUtf8 = fc
    .tuple(bodyOpArb(seeded), fc.constantFrom(...BAD_UTF8), fc.nat(10))
    .map(([{ op, target, valid }, bad, at]) => {
      const text = JSON.stringify({ ...valid, description: '' });
      // Inside the description string: the JSON is fine but for the bytes.
      const cut = text.indexOf('"description":""') + '"description":"'.length;
      const body = Buffer.concat([
        Buffer.from(text.slice(0, cut)),
        Buffer.from('é'.repeat(at)),
        Buffer.from(bad),
        Buffer.from(text.slice(cut)),
      ]);
      return one(
        'invalid UTF-8 body',
        whole({ method: op.method, target, body }, port),
        ['InvalidHTTPRequest'],
        true,
      );
    });

  const badPercent = fc
    .tuple(
      fc.constantFrom(...BAD_ESCAPES),
      fc.constantFrom('path', 'key', 'value'),
      fc.constantFrom('GET', 'PUT', 'DELETE', 'POST'),
    )
    .map(([bad, where, method]) => {
      const target =
        where === 'path'
          ? `/v1/peerconn/peerconn-${bad}x`
          : where === 'key'
            ? `/v1/peerconn/${seeded.own}?accept&${bad}=1`
            : `/v1/peerconn?maxKeys=1&marker=${bad}`;
      return one(
        'invalid percent-encoding',
        whole({ method, target, signPath: '/v1/peerconn', signQuery: [] }, port),
        ['InvalidURI'],
        method !== 'GET',
      );
    });

  const conflicting = fc
    .tuple(fc.uniqueArray(fc.constantFrom(...FLAGS), { minLength: 2, maxLength: 4 }), fc.boolean())
    .map(([flags, withBody]) => {
      const body = withBody ? Buffer.from('{"newBandwidthInMbps":20}') : undefined;
      return one(
        'conflicting flags',
        whole(
          {
            method: 'PUT',
            target: `/v1/peerconn/${seeded.cross}?${flags.join('&')}`,
            ...(body ? { body } : {}),
          },
          port,
        ),
        ['InvalidParameter'],
        true,
      );
    });

  const badQuery = fc.constantFrom(...BAD_QUERIES).map((q) => {
    const dns = q.startsWith('open');
    const target = dns ? `/v1/peerconn/${seeded.own}?${q}` : q;
    return one(
      'bad query values',
      whole({ method: dns ? 'PUT' : 'GET', target }, port),
      ['InvalidParameter'],
      dns,
    );
  });

  const badToken = fc
    .oneof(fc.string({ minLength: 65, maxLength: 80 }), fc.constantFrom('\u0001', 'tab\there', 'é'))
    .map((token) =>
      one(
        'bad clientToken',
        whole(
          {
            method: 'PUT',
            target: `/v1/peerconn/${seeded.own}?resize&clientToken=${encodeURIComponent(token)}`,
            body: Buffer.from('{"newBandwidthInMbps":20}'),
          },
          port,
        ),
        ['InvalidParameter'],
        true,
      ),
    );

  // Unsigned, so that no path here can succeed: a known route answers AccessDenied, the rest NotFound,
  // InvalidVersion or MethodNotAllowed, and a method node does not know InvalidHTTPRequest.
  const segment = fc.oneof(
    fc.constantFrom(
      'v1',
      'v2',
      'peerconn',
      'vpc',
      'openRelay',
      'deleteProtect',
      'subnet',
      'route',
      'rule',
      'acl',
      'securityGroup',
      'update',
      'eni',
      'privateIp',
      'batchDel',
      'quota',
      '..',
      '.',
      'x',
    ),
    fc.stringMatching(/^[a-zA-Z0-9-]{1,10}$/),
  );
  const unknownRoute = fc
    .tuple(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'BREW', 'get'),
      fc.constantFrom('v1', 'v2', 'v0', 'api', 'peerconn'),
      fc.array(segment, { maxLength: 4 }),
    )
    .map(([method, first, rest]) =>
      one(
        'unknown route or method',
        whole({ method, target: `/${[first, ...rest].join('/')}`, auth: 'none' }, port),
        // A known path without its action flag (PUT /v1/vpc/x) is refused at routing: InvalidParameter.
        [
          'NotFound',
          'InvalidVersion',
          'MethodNotAllowed',
          'AccessDenied',
          'InvalidHTTPRequest',
          'InvalidParameter',
        ],
        method !== 'GET',
      ),
    );

  const oversizedHeaders = fc.tuple(fc.integer({ min: 17, max: 96 }), fc.boolean()).map(([kib, many]) => {
    const extra: Array<[string, string]> = many
      ? Array.from({ length: kib * 16 }, (_, i) => [`x-fuzz-${i}`, 'v'.repeat(50)] as [string, string])
      : [['x-fuzz', 'v'.repeat(kib * 1024)]];
    return one(
      'oversized headers',
      whole(
        { method: 'POST', target: '/v1/vpc', body: Buffer.from('{"name":7}'), extraHeaders: extra },
        port,
      ),
      ['InvalidHTTPRequest'],
      true,
    );
  });

  const framing = fc
    .constantFrom<Array<[string, string]>>(
      [['content-length', '5, 7']],
      [['transfer-encoding', 'chunked']],
      [['content-length', '-1']],
      [['content-length', 'abc']],
      [['transfer-encoding', 'gzip, chunked, identity']],
    )
    .map((extra) =>
      one(
        'conflicting framing',
        whole(
          { method: 'POST', target: '/v1/vpc', body: Buffer.from('{"name":7}'), extraHeaders: extra },
          port,
        ),
        ['InvalidHTTPRequest', 'InappropriateJSON'],
        true,
      ),
    );

  // Well-formed mutations a valid key did not sign, or no key at all.
  const badAuth = fc
    .tuple(
      bodyOpArb(seeded),
      fc.constantFrom('none', 'garbage', 'badSignature', 'unknownKey', 'expired') as fc.Arbitrary<
        NonNullable<Draft['auth']>
      >,
    )
    .map(([{ op, target, valid }, auth]) =>
      one(
        `refused signature (${auth})`,
        whole({ method: op.method, target, body: Buffer.from(JSON.stringify(valid)), auth }, port),
        [
          'AccessDenied',
          'InvalidHTTPAuthHeader',
          'SignatureDoesNotMatch',
          'InvalidAccessKeyId',
          'RequestExpired',
        ],
        true,
      ),
    );

  // Well-formed, signed mutations the rules refuse on the seeded state.
  const refusedByRules = fc
    .constantFrom<[Draft, string[]]>(
      [{ method: 'DELETE', target: `/v1/peerconn/${seeded.cross}`, credential: CAROL }, ['NoSuchObject']],
      [
        { method: 'PUT', target: `/v1/peerconn/${seeded.cross}?accept`, credential: ALICE },
        ['OperationNotPermitted'],
      ],
      [
        { method: 'DELETE', target: `/v1/peerconn/${seeded.cross}`, credential: BOB },
        ['OperationNotPermitted'],
      ],
      [{ method: 'DELETE', target: `/v1/vpc/${seeded.vpcA1}`, credential: ALICE }, ['VpcInUse']],
      [{ method: 'DELETE', target: `/v1/vpc/${seeded.vpcB1}`, credential: ALICE }, ['NoSuchObject']],
      [
        { method: 'PUT', target: '/v1/peerconn/peerconn-000000000000?reject', credential: BOB },
        ['NoSuchObject'],
      ],
      [
        {
          method: 'POST',
          target: '/v1/peerconn',
          body: Buffer.from(
            JSON.stringify({ ...BODY_OPS.createPeerConn?.valid(seeded), localVpcId: seeded.vpcA1 }),
          ),
        },
        ['PeerConnAlreadyExists'],
      ],
      [
        { method: 'POST', target: '/v1/vpc', body: Buffer.from('{"name":"x","cidr":"10.0.0.1/16"}') },
        ['InvalidCidr'],
      ],
      [
        { method: 'POST', target: '/v1/vpc', body: Buffer.from('{"name":"x","cidr":"300.0.0.0/8"}') },
        ['InvalidCidr'],
      ],
      [
        {
          method: 'PUT',
          target: `/v1/peerconn/${seeded.own}?resize`,
          body: Buffer.from('{"newBandwidthInMbps":0}'),
        },
        ['InvalidBandwidth', 'InvalidPeerConnStatus'],
      ],
    )
    .map(([draft, codes]) => one('refused by the rules', whole(draft, port), codes, true));

  // Requests node itself has opinions on; each must still be answered in BCE form.
  const protocol = fc
    .tuple(
      fc.constantFrom<[string, readonly string[]]>(
        ['POST /v1/vpc HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}', ['InvalidHTTPRequest']],
        ['GET /v1/peerconn HTTP/1.1\r\nHost: x\r\nExpect: {e}\r\n\r\n', ['InvalidHTTPRequest']],
        [
          'POST /v1/vpc HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}',
          ['AccessDenied'],
        ],
        ['CONNECT {h}:443 HTTP/1.1\r\nHost: {h}:443\r\n\r\n', ['MethodNotAllowed']],
        ['GET http://{h}/v1/peerconn HTTP/1.1\r\nHost: {h}\r\n\r\n', ['InvalidURI']],
        ['OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', ['InvalidURI']],
        ['DELETE /v1/vpc/{h} HTTP/1.0\r\n\r\n', ['AccessDenied']],
        [
          'GET /v1/peerconn HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
          ['AccessDenied'],
        ],
        ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', ['InvalidHTTPRequest']],
        ['GET /v1/peerconn HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', ['AccessDenied']],
        ['GET /v1/peerconn HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', ['InvalidHTTPRequest']],
        ['GET /v1/peerconn HTTP/1.1\nHost: x\n\n', ['AccessDenied', 'InvalidHTTPRequest']],
      ),
      fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    )
    .map(([[text, codes], word]) =>
      one(
        'protocol oddities',
        Buffer.from(text.replaceAll('{e}', word).replaceAll('{h}', word), 'latin1'),
        codes,
        !text.startsWith('GET'),
      ),
    );

  const single = fc.oneof(
    { arbitrary: protocol, weight: 2 },
    { arbitrary: badJson, weight: 4 },
    { arbitrary: wrongType, weight: 4 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: huge, weight: 2 },
    { arbitrary: badUtf8, weight: 2 },
    { arbitrary: badPercent, weight: 2 },
    { arbitrary: conflicting, weight: 2 },
    { arbitrary: badQuery, weight: 1 },
    { arbitrary: badToken, weight: 1 },
    { arbitrary: unknownRoute, weight: 3 },
    { arbitrary: oversizedHeaders, weight: 1 },
    { arbitrary: framing, weight: 1 },
    { arbitrary: badAuth, weight: 3 },
    { arbitrary: refusedByRules, weight: 3 },
    { arbitrary: network.all, weight: 14 },
  );

  // Kinds after which the connection stays open, so several can share one connection back to back.
  const keepsOpen = fc.oneof(
    badJson,
    wrongType,
    badUtf8,
    conflicting,
    badQuery,
    badAuth,
    refusedByRules,
    network.keepsOpen,
  );
  const pipelined = fc.array(keepsOpen, { minLength: 2, maxLength: 4 }).map(
    (cases): FuzzCase => ({
      kind: 'pipelined',
      label: cases.map((c) => c.label).join('\n----\n'),
      pieces: [Buffer.concat(cases.map((c) => c.pieces[0] as Buffer))],
      answers: cases.length,
      codes: [...new Set(cases.flatMap((c) => c.codes ?? []))],
      mutating: cases.some((c) => c.mutating),
    }),
  );

  // The same requests trickled in a few pieces with short pauses: the answer must not change.
  const slow = fc
    .tuple(
      single,
      fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 5, max: 60 }),
    )
    .map(
      ([c, cuts, pauseMs]): FuzzCase => ({
        ...c,
        kind: `slow: ${c.kind}`,
        pieces: trickle(c.pieces[0] as Buffer, cuts, pauseMs),
      }),
    );

  // A body that never finishes: the server answers 408 once its request timeout passes, and closes.
  const stalled = fc
    .tuple(bodyOpArb(seeded), fc.double({ min: 0.1, max: 0.9, noNaN: true }))
    .map(([{ op, target, valid }, at]): FuzzCase => {
      const body = Buffer.from(JSON.stringify(valid));
      const bytes = Buffer.concat([
        head({ method: op.method, target, body }, port),
        body.subarray(0, Math.floor(body.length * at)),
      ]);
      return {
        kind: 'stalled body',
        label: show(bytes),
        pieces: [bytes],
        answers: 1,
        codes: ['RequestTimeout'],
        stalls: true,
        mutating: true,
      };
    });

  return fc
    .oneof(
      { arbitrary: single, weight: 40 },
      { arbitrary: pipelined, weight: 4 },
      { arbitrary: slow, weight: 3 },
      { arbitrary: stalled, weight: 1 },
    )
    .map((c) => Object.assign(c, { [fc.toStringMethod]: () => `${c.kind}: ${c.label}` }));
}

// ---------------------------------------------------------------- sending and reading

/** Parses as many complete responses as the bytes hold; the rest stays for later. */
function parseAnswers(buffer: Buffer, into: RawAnswer[]): Buffer {
  let rest = buffer;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return rest;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 'NaN');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (status >= 100 && status < 200) {
      // An interim answer (100 Continue) has no body; the real one follows.
      rest = rest.subarray(end + 4);
      continue;
    }
    const length = Number(headers['content-length'] ?? 'NaN');
    if (!Number.isInteger(length)) throw new Error(`an answer without Content-Length: ${lines.join(' | ')}`);
    if (rest.length < end + 4 + length) return rest;
    into.push({ status, headers, body: rest.subarray(end + 4, end + 4 + length).toString('utf8') });
    rest = rest.subarray(end + 4 + length);
  }
}

/**
 * Sends a case on a fresh connection and collects its answers. Resolves when all answers arrived (or the
 * server closed the connection, which then must have answered already); rejects when nothing comes within
 * `hangMs`, which only guards against a hung run.
 */
export function sendCase(port: number, c: FuzzCase, hangMs: number): Promise<RawAnswer[]> {
  return new Promise((resolve, reject) => {
    const answers: RawAnswer[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let done = false;
    const socket = connect(port, '127.0.0.1');
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      socket.destroy();
      if (error) reject(error);
      else resolve(answers);
    };
    const guard = setTimeout(() => finish(new Error(`no complete answer within ${hangMs} ms`)), hangMs);
    socket.on('data', (chunk: Buffer) => {
      try {
        pending = parseAnswers(Buffer.concat([pending, chunk]), answers);
      } catch (error) {
        finish(error as Error);
        return;
      }
      if (answers.length >= c.answers) finish();
    });
    socket.on('close', () => finish());
    // A reset after the server answered and closed (it does not read the rest of a refused body) is fine:
    // the answers collected so far are judged.
    socket.on('error', () => finish());
    socket.on('connect', async () => {
      for (const piece of c.pieces) {
        if (done) return;
        if (Buffer.isBuffer(piece)) {
          if (!socket.writable) return;
          socket.write(piece);
        } else {
          await new Promise((r) => setTimeout(r, piece.pauseMs));
        }
      }
    });
  });
}

/** Why an answer is not a well-formed BCE refusal, or undefined when it is one. */
export function judge(c: FuzzCase, answers: RawAnswer[]): string | undefined {
  if (answers.length !== c.answers) return `${answers.length} answers for ${c.answers} requests`;
  for (const a of answers) {
    if (a.status < 400 || a.status >= 500) return `status ${a.status}: ${a.body}`;
    const id = a.headers['x-bce-request-id'];
    if (!id || !/^[0-9a-f-]{36}$/.test(id)) return `no x-bce-request-id on ${a.status}`;
    if (!/^application\/json/i.test(a.headers['content-type'] ?? ''))
      return `content-type ${a.headers['content-type']}`;
    let body: unknown;
    try {
      body = JSON.parse(a.body);
    } catch {
      return `a body that is not JSON: ${a.body.slice(0, 200)}`;
    }
    const e = body as { code?: unknown; message?: unknown; requestId?: unknown };
    if (typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.requestId !== 'string')
      return `not a BCE error: ${a.body.slice(0, 200)}`;
    if (e.requestId !== id) return `requestId ${e.requestId} ≠ header ${id}`;
    if (e.message.trim() === '') return 'an empty message';
    // On a loaded machine a trickled or large request can outlast the short request timeout the suite sets;
    // the documented 408 is then a right answer too.
    const timedOut = a.status === 408 && e.code === 'RequestTimeout';
    if (c.codes && !c.codes.includes(e.code) && !timedOut)
      return `code ${e.code} (${a.status}: ${e.message}); expected one of ${c.codes.join(', ')}`;
  }
  return undefined;
}

/** A well-formed signed request (for seeding the state the fuzz then must not move); the answer's JSON. */
export async function signedCall(
  port: number,
  method: string,
  target: string,
  body: unknown,
  credential: TestAccount,
): Promise<{ status: number; headers: Record<string, string>; json: unknown }> {
  const draft: Draft = {
    method,
    target,
    credential,
    ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
  };
  const c: FuzzCase = {
    kind: 'seed',
    label: target,
    pieces: [whole(draft, port)],
    answers: 1,
    mutating: true,
  };
  const [answer] = await sendCase(port, c, 30_000);
  if (!answer) throw new Error(`no answer to ${method} ${target}`);
  return {
    status: answer.status,
    headers: answer.headers,
    json: answer.body === '' ? undefined : JSON.parse(answer.body),
  };
}
