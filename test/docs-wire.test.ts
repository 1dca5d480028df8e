// docs/wire.md held to the code: its operation table against the SDK's table, its error codes and status values
// against the SDK's lists, its signature vectors recomputed with sign(), and its body, query and response tables
// against what a running server accepts and answers. The tables it reads are the ones after `<!-- check: … -->`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DNS_STATUSES, PEER_CONN_STATUSES } from '@peerconn/sdk';
import {
  authStringPrefix,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  ERROR_CODES,
  formatBceTimestamp,
  regionEndpoint,
  sign,
  signingKey,
} from '@peerconn/sdk/internal';
import { OPERATION_LIST, type OperationSpec } from '@peerconn/sdk/operations';
import { type RunningServer, startServer } from '@peerconn/server';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(join(root, 'docs', 'wire.md'), 'utf8');
const vectorTests = readFileSync(join(root, 'packages', 'sdk', 'test', 'signer-vectors.test.ts'), 'utf8');

// ---- reading the document ----

const MARKER = /^<!-- check: ([^>]+?) -->$/gm;

interface CheckedTable {
  rows: string[][];
  /** Offset just past the table, where an example may follow. */
  end: number;
}

function checkedTable(name: string): CheckedTable {
  const marker = `<!-- check: ${name} -->`;
  const at = doc.indexOf(marker);
  assert.notEqual(at, -1, `docs/wire.md has no table marked "${marker}"`);
  assert.equal(doc.indexOf(marker, at + 1), -1, `"${marker}" appears twice in docs/wire.md`);
  const lines = doc.slice(at + marker.length).split('\n');
  let offset = at + marker.length;
  const tableLines: string[] = [];
  let started = false;
  for (const line of lines) {
    offset += line.length + 1;
    if (line.startsWith('|')) {
      started = true;
      tableLines.push(line);
    } else if (started || line.trim() !== '') {
      break;
    }
  }
  assert.ok(tableLines.length >= 3, `the table after "${marker}" has no rows`);
  const rows = tableLines.slice(2).map((line) =>
    line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split('|')
      .map((cell) => cell.trim()),
  );
  return { rows, end: offset };
}

/** The backticked names in a cell, in order. */
function ticked(cell: string | undefined): string[] {
  return [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

/** The single backticked name that opens a row. */
function key(row: string[]): string {
  const names = ticked(row[0]);
  assert.equal(names.length, 1, `first cell of row "${row.join(' | ')}" must be one \`name\``);
  return names[0] as string;
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/** Fenced blocks of one info string (```name … ```). */
function fencedBlocks(info: string): string[] {
  const blocks: string[] = [];
  const open = `\`\`\`${info}\n`;
  let from = 0;
  for (;;) {
    const start = doc.indexOf(open, from);
    if (start === -1) return blocks;
    const close = doc.indexOf('\n```', start + open.length);
    assert.notEqual(close, -1, `unterminated ${info} block in docs/wire.md`);
    blocks.push(doc.slice(start + open.length, close));
    from = close + 4;
  }
}

const RESPONSE_TABLE_OF: Record<string, string> = {
  createPeerConn: 'createPeerConn',
  listPeerConns: 'listPeerConns',
  getPeerConn: 'PeerConn',
  createVpc: 'createVpc',
  listVpcs: 'listVpcs',
  getVpc: 'getVpc',
  createSubnet: 'createSubnet',
  listSubnets: 'listSubnets',
  getSubnet: 'getSubnet',
  getRouteTable: 'RouteTable',
  createRouteRule: 'createRouteRule',
  listRouteRules: 'listRouteRules',
  listAclEntrys: 'listAclEntrys',
  listAclRules: 'listAclRules',
  createSecurityGroup: 'createSecurityGroup',
  listSecurityGroups: 'listSecurityGroups',
  getSecurityGroup: 'SecurityGroup',
  createEni: 'createEni',
  listEnis: 'listEnis',
  getEniQuota: 'getEniQuota',
  getEni: 'Eni',
  getEniStatus: 'getEniStatus',
  addEniPrivateIp: 'addEniPrivateIp',
  batchAddEniPrivateIps: 'batchAddEniPrivateIps',
};
const ITEM_TABLES = [
  'PeerConn',
  'Vpc',
  'VpcDetail',
  'Subnet',
  'RouteRule',
  'AclEntry',
  'AclRule',
  'SecurityGroup',
  'SecurityGroupRule',
  'Eni',
  'EniPrivateIp',
];

describe('docs/wire.md against the code', () => {
  test('every checked table is one this test reads', () => {
    const known = new Set([
      'operations',
      'query',
      'errors',
      'statuses',
      'dns-statuses',
      'regions',
      ...OPERATION_LIST.filter((op) => op.body.length > 0).map((op) => `body ${op.name}`),
      ...[...Object.values(RESPONSE_TABLE_OF), ...ITEM_TABLES].map((name) => `response ${name}`),
    ]);
    const found = [...doc.matchAll(MARKER)].map((m) => m[1] as string);
    for (const name of found) assert.ok(known.has(name), `docs/wire.md marks an unknown table "${name}"`);
    for (const name of known) assert.ok(found.includes(name), `docs/wire.md lacks the table "${name}"`);
    for (const op of OPERATION_LIST) {
      if (op.returnsData)
        assert.ok(RESPONSE_TABLE_OF[op.name], `${op.name} returns data: map it to a table here`);
    }
  });

  test('the operation table is the SDK table, row by row', () => {
    const rows = new Map(checkedTable('operations').rows.map((row) => [key(row), row]));
    assert.deepEqual(sorted(rows.keys()), sorted(OPERATION_LIST.map((op) => op.name)));
    for (const op of OPERATION_LIST) {
      const [, method, path, flag, query, body, token, response] = rows.get(op.name) as string[];
      assert.equal(method, op.method, `${op.name}: method`);
      assert.deepEqual(ticked(path), [op.path], `${op.name}: path`);
      if (op.flag) assert.deepEqual(ticked(flag), [op.flag], `${op.name}: flag`);
      else assert.equal(flag, '—', `${op.name}: has no flag`);
      assert.deepEqual(sorted(ticked(query)), sorted(op.query), `${op.name}: query parameters`);
      assert.deepEqual(sorted(ticked(body)), sorted(op.body), `${op.name}: body fields`);
      assert.equal(token, op.mutating ? 'yes' : 'no', `${op.name}: clientToken`);
      assert.equal(response === '—', !op.returnsData, `${op.name}: response "${response}"`);
    }
  });

  test('the query table lists every query parameter of the table', () => {
    const documented = checkedTable('query').rows.map((row) => `${key(row)} ${ticked(row[1]).join()}`);
    const expected = OPERATION_LIST.flatMap((op) => op.query.map((param) => `${op.name} ${param}`));
    assert.deepEqual(sorted(documented), sorted(expected));
  });

  test('every body table lists exactly the body fields of its operation', () => {
    for (const op of OPERATION_LIST.filter((o) => o.body.length > 0)) {
      const fields = checkedTable(`body ${op.name}`).rows.map(key);
      assert.deepEqual(sorted(fields), sorted(op.body), `${op.name}: body table`);
    }
  });

  test('every error code appears with its HTTP status, and no other', () => {
    const documented: Record<string, number> = {};
    for (const row of checkedTable('errors').rows) {
      const code = key(row);
      assert.ok(!(code in documented), `${code} is listed twice`);
      assert.match(row[1] ?? '', /^\d{3}$/, `${code}: status "${row[1]}"`);
      documented[code] = Number(row[1]);
    }
    assert.deepEqual(documented, { ...ERROR_CODES });
  });

  test('status and dnsStatus values are the models', () => {
    assert.deepEqual(sorted(checkedTable('statuses').rows.map(key)), sorted(PEER_CONN_STATUSES));
    assert.deepEqual(sorted(checkedTable('dns-statuses').rows.map(key)), sorted(DNS_STATUSES));
  });

  test('region hosts are the ones the SDK derives from the region id', () => {
    for (const row of checkedTable('regions').rows) {
      assert.deepEqual(ticked(row[2]), [regionEndpoint(key(row))], `region ${key(row)}`);
    }
  });
});

// ---- signature vectors ----

interface Vector {
  fields: Map<string, string>;
  headers: Record<string, string>;
  canonical?: string;
}

function parseVector(block: string): Vector {
  const fields = new Map<string, string>();
  const headers: Record<string, string> = {};
  let canonical: string[] | undefined;
  for (const line of block.split('\n')) {
    if (canonical && line.startsWith('  ')) {
      canonical.push(line.slice(2));
      continue;
    }
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `vector line without a key: "${line}"`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (name === 'canonicalRequest') {
      canonical = [];
    } else if (name === 'header') {
      const sep = value.indexOf(':');
      headers[value.slice(0, sep)] = value.slice(sep + 1).trim();
    } else {
      assert.ok(!fields.has(name), `vector repeats "${name}"`);
      fields.set(name, value);
    }
  }
  return { fields, headers, ...(canonical ? { canonical: canonical.join('\n') } : {}) };
}

function field(vector: Vector, name: string): string {
  const value = vector.fields.get(name);
  assert.ok(value !== undefined, `vector ${vector.fields.get('name') ?? '?'} has no "${name}"`);
  return value;
}

/** `?a&b=1` as the SDK hands it to sign(): a bare key has an undefined value. */
function queryOf(target: string): Array<[string, string | undefined]> {
  const q = target.indexOf('?');
  if (q === -1) return [];
  return target
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1
        ? [decodeURIComponent(part), undefined]
        : [decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))];
    });
}

describe('docs/wire.md signature vectors', () => {
  const vectors = fencedBlocks('bce-auth-vector').map(parseVector);

  test('there are worked vectors in both signing modes', () => {
    assert.ok(vectors.length >= 2, 'docs/wire.md must keep at least two bce-auth-vector blocks');
    const modes = new Set(vectors.map((v) => field(v, 'signedHeaders') === 'default'));
    assert.equal(modes.size, 2, 'vectors must cover default and explicit signedHeaders');
  });

  for (const vector of vectors) {
    const name = field(vector, 'name');
    test(`vector ${name} recomputes with sign()`, () => {
      const [method, target] = field(vector, 'request').split(' ') as [string, string];
      const path = decodeURIComponent(target.split('?')[0] as string);
      const query = queryOf(target);
      const listed = field(vector, 'signedHeaders');
      const signedHeaders = listed === 'default' ? ('default' as const) : listed.split(';');
      const accessKeyId = field(vector, 'accessKeyId');
      const secretAccessKey = field(vector, 'secretAccessKey');
      const timestamp = field(vector, 'timestamp');
      const expirationSeconds = Number(field(vector, 'expirationSeconds'));
      const authorization = field(vector, 'authorization');

      assert.equal(
        sign({
          method,
          path,
          query,
          headers: vector.headers,
          accessKeyId,
          secretAccessKey,
          timestamp,
          expirationSeconds,
          signedHeaders,
        }),
        authorization,
      );
      const key = vector.fields.get('signingKey');
      if (key !== undefined) {
        assert.equal(
          signingKey(secretAccessKey, authStringPrefix(accessKeyId, timestamp, expirationSeconds)),
          key,
        );
      }
      if (vector.canonical !== undefined) {
        assert.equal(
          canonicalRequest(
            method,
            path,
            query,
            vector.headers,
            signedHeaders === 'default' ? undefined : signedHeaders,
          ),
          vector.canonical,
        );
      }
      // The document says the SDK's vector tests check these same signatures.
      const signature = authorization.slice(authorization.lastIndexOf('/') + 1);
      assert.ok(vectorTests.includes(signature), `signer-vectors.test.ts does not check vector ${name}`);
    });
  }

  test('canonical query and URI examples', () => {
    const queries = fencedBlocks('bce-canonical-query');
    const uris = fencedBlocks('bce-canonical-uri');
    assert.ok(queries.length > 0 && uris.length > 0, 'the canonicalisation examples are missing');
    for (const block of [...queries, ...uris]) {
      const lines = block.split('\n').map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
      });
      const inputs = lines.filter(([k]) => k === 'input').map(([, v]) => v);
      const output = lines.find(([k]) => k === 'output')?.[1];
      assert.ok(output !== undefined, 'an example without output');
      if (queries.includes(block)) {
        const pairs = inputs.map((pair): [string, string] => {
          const eq = pair.indexOf('=');
          return [pair.slice(0, eq), pair.slice(eq + 1)];
        });
        assert.equal(canonicalQueryString(pairs), output);
      } else {
        assert.equal(canonicalUri(inputs[0] ?? ''), output);
      }
    }
  });
});

// ---- a running server against the body, query and response tables ----

interface Answer {
  status: number;
  code?: string;
  message?: string;
  json: unknown;
}

describe('docs/wire.md against a running server', () => {
  let server: RunningServer;
  let credentials: { accessKeyId: string; secretAccessKey: string };

  before(async () => {
    const immediate = { mode: 'immediate' } as const;
    server = await startServer({
      port: 0,
      dataPath: ':memory:',
      logLevel: 'silent',
      timing: {
        create: immediate,
        accept: immediate,
        update: immediate,
        delete: immediate,
        dnsOpen: immediate,
        dnsClose: immediate,
      },
    });
    const credential = server.accounts[0]?.credentials[0];
    assert.ok(credential, 'the server has a demo account');
    credentials = credential;
  });
  after(async () => {
    await server?.close();
  });

  async function send(
    method: string,
    path: string,
    query: Array<[string, string | undefined]>,
    body?: unknown,
  ): Promise<Answer> {
    const url = new URL(path, server.url);
    const rendered = query.map(([k, v]) => (v === undefined ? k : `${k}=${encodeURIComponent(v)}`)).join('&');
    if (rendered !== '') url.search = `?${rendered}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      host: url.host,
      'content-type': 'application/json;charset=utf-8',
      'x-bce-date': formatBceTimestamp(new Date()),
    };
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    const authorization = sign({ method, path, query, headers, ...credentials });
    const { host: _signedOnly, ...wire } = headers;
    const response = await fetch(url, {
      method,
      headers: { ...wire, authorization },
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await response.text();
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    const error = response.ok ? undefined : (json as { code?: string; message?: string } | undefined);
    return {
      status: response.status,
      json,
      ...(error?.code !== undefined ? { code: error.code } : {}),
      ...(error?.message !== undefined ? { message: error.message } : {}),
    };
  }

  /** An operation's request against ids that do not exist: shape checks run first, then NoSuchObject. */
  function target(op: OperationSpec): { path: string; query: Array<[string, string | undefined]> } {
    const path = op.path
      .replace('{peerConnId}', 'peerconn-nonexistent0')
      .replace('{vpcId}', 'vpc-nonexistent0')
      .replace('{subnetId}', 'sbn-nonexistent0')
      .replace('{routeRuleId}', 'rr-nonexistent0')
      .replace('{aclRuleId}', 'ar-nonexistent0')
      .replace('{securityGroupId}', 'g-nonexistent0')
      .replace('{securityGroupRuleId}', 'r-nonexistent0')
      .replace('{eniId}', 'eni-nonexistent0')
      .replace('{privateIpAddress}', '10.0.0.9');
    return { path, query: op.flag ? [[op.flag, undefined]] : [] };
  }

  /** The JSON examples between a table and the next heading. */
  function examplesAfter(table: CheckedTable, name: string): Array<Record<string, unknown>> {
    const nextHeading = doc.indexOf('\n#', table.end);
    const section = doc.slice(table.end, nextHeading === -1 ? undefined : nextHeading);
    const examples = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map(
      (m) => JSON.parse(m[1] as string) as Record<string, unknown>,
    );
    assert.ok(examples.length > 0, `no JSON example after the ${name} table`);
    return examples;
  }

  function hasType(value: unknown, type: string): boolean {
    if (type === 'string') return typeof value === 'string';
    if (type === 'integer') return Number.isInteger(value);
    if (type === 'boolean') return typeof value === 'boolean';
    if (type.startsWith('list of ')) return Array.isArray(value);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  const WRONG_TYPE: Record<string, unknown[]> = {
    string: [12345],
    integer: ['10', 10.5],
    boolean: ['yes'],
    Billing: ['x'],
    'list of TagModel': ['x'],
    'list of NextHop': ['x'],
    'list of AclRuleRequest': ['x'],
    'list of SecurityGroupRuleInput': ['x'],
    SecurityGroupRuleInput: ['x'],
    'list of string': ['x'],
    'list of EniPrivateIp': ['x'],
  };

  for (const op of OPERATION_LIST.filter((o) => o.body.length > 0)) {
    test(`body of ${op.name}: the examples pass, required fields and types are enforced as documented`, async () => {
      const table = checkedTable(`body ${op.name}`);
      const examples = examplesAfter(table, op.name);
      const { path, query } = target(op);
      const refused = (answer: Answer) =>
        ['InappropriateJSON', 'MalformedJSON', 'InvalidHTTPRequest'].includes(answer.code ?? '');

      for (const example of examples) {
        const baseline = await send(op.method, path, query, example);
        assert.ok(!refused(baseline), `${op.name}: a documented example is refused: ${baseline.message}`);

        for (const row of table.rows) {
          const name = key(row);
          const [, type, required] = row as [string, string, string];
          assert.ok(required === 'yes' || required === 'no', `${op.name}.${name}: Required is "${required}"`);
          const wrongValues = WRONG_TYPE[type];
          assert.ok(wrongValues, `${op.name}.${name}: type "${type}" is not one this test knows`);
          const { [name]: _removed, ...without } = example;
          if (required === 'yes') {
            assert.ok(name in example, `${op.name}: an example lacks required ${name}`);
            const answer = await send(op.method, path, query, without);
            assert.equal(answer.code, 'InappropriateJSON', `${op.name}: leaving out ${name}`);
            assert.ok(answer.message?.includes(`"${name}"`), `${op.name}: message names ${name}`);
          } else if (name in example) {
            const answer = await send(op.method, path, query, without);
            assert.equal(
              answer.status,
              baseline.status,
              `${op.name}: ${name} is optional (${answer.message})`,
            );
            assert.equal(answer.code, baseline.code, `${op.name}: ${name} is optional`);
          }
          if (!(name in example)) continue;
          // The example was accepted, so its value shows the type the server wants.
          assert.ok(hasType(example[name], type), `${op.name}.${name}: the example is not a ${type}`);
          for (const wrong of wrongValues) {
            const answer = await send(op.method, path, query, { ...example, [name]: wrong });
            assert.equal(answer.code, 'InappropriateJSON', `${op.name}.${name} = ${JSON.stringify(wrong)}`);
            assert.ok(answer.message?.includes(`"${name}"`), `${op.name}: message names ${name}`);
          }
        }
      }
      for (const row of table.rows) {
        const name = key(row);
        assert.ok(
          examples.some((example) => name in example),
          `${op.name}: no example shows ${name}, so its type goes unchecked`,
        );
      }
    });
  }

  test('query parameters: required ones and enumerated or integer values are enforced as documented', async () => {
    const specs = new Map(OPERATION_LIST.map((op) => [op.name, op]));
    for (const row of checkedTable('query').rows) {
      const op = specs.get(key(row)) as OperationSpec;
      const [param] = ticked(row[1]);
      const [, , type, required] = row as [string, string, string, string];
      const { path, query: flagOnly } = target(op);
      // "one of" parameters (the route table by id or by VPC): the others are tried with one of them given;
      // the other parameters of an operation with a required one are tried with it given.
      const partner = checkedTable('query').rows.find(
        (other) => key(other) === op.name && other[3] === 'one of' && ticked(other[1])[0] !== param,
      );
      const needed = checkedTable('query').rows.filter(
        (other) => key(other) === op.name && other[3] === 'yes' && ticked(other[1])[0] !== param,
      );
      const query: Array<[string, string | undefined]> = [
        ...(required === 'one of' || !partner
          ? flagOnly
          : [...flagOnly, [ticked(partner[1])[0] as string, 'vpc-nonexistent0'] as [string, string]]),
        ...needed.map((other): [string, string] => [ticked(other[1])[0] as string, 'nonexistent0']),
      ];
      const without = await send(op.method, path, query);
      if (required === 'yes' || required === 'one of') {
        assert.equal(without.code, 'InvalidParameter', `${op.name}: leaving out ${param}`);
        assert.ok(without.message?.includes(`"${param}"`), `${op.name}: message names ${param}`);
        if (required === 'one of') {
          const alone = await send(op.method, path, [...query, [param as string, 'nonexistent0']]);
          assert.notEqual(alone.code, 'InvalidParameter', `${op.name}: ${param} alone names the table`);
        }
      } else {
        assert.equal(required, 'no', `${op.name}.${param}: Required is "${required}"`);
        assert.notEqual(without.code, 'InvalidParameter', `${op.name}: ${param} is optional`);
      }
      if (type === 'integer' || ticked(type).length > 0) {
        const bad = await send(op.method, path, [...query, [param as string, 'bogus']]);
        assert.equal(bad.code, 'InvalidParameter', `${op.name}: ${param}=bogus`);
      }
    }
  });

  function fieldsOf(tableName: string): Map<string, string> {
    return new Map(checkedTable(`response ${tableName}`).rows.map((row) => [key(row), row[1] ?? '']));
  }

  function assertShape(tableName: string, value: unknown, { all = true } = {}): void {
    assert.ok(
      value !== null && typeof value === 'object' && !Array.isArray(value),
      `${tableName}: an object`,
    );
    const fields = fieldsOf(tableName);
    const record = value as Record<string, unknown>;
    if (all) assert.deepEqual(sorted(Object.keys(record)), sorted(fields.keys()), `${tableName}: fields`);
    for (const [name, got] of Object.entries(record)) {
      const type = fields.get(name);
      assert.ok(type !== undefined, `${tableName}: the server sends "${name}", the table does not list it`);
      const ok =
        type === 'string'
          ? typeof got === 'string'
          : type === 'integer'
            ? Number.isInteger(got)
            : type === 'boolean'
              ? typeof got === 'boolean'
              : type.startsWith('list of ')
                ? Array.isArray(got)
                : ITEM_TABLES.includes(type);
      assert.ok(ok, `${tableName}.${name}: documented as ${type}, got ${JSON.stringify(got)}`);
      if (ITEM_TABLES.includes(type)) assertShape(type, got);
      const itemType = type.replace(/^list of /, '');
      if (type.startsWith('list of ') && ITEM_TABLES.includes(itemType)) {
        for (const item of got as unknown[]) assertShape(itemType, item);
      }
    }
  }

  test('responses have exactly the documented fields and types', async () => {
    const vpcIds: string[] = [];
    for (const [name, cidr] of [
      ['a', '10.1.0.0/16'],
      ['b', '10.2.0.0/16'],
      ['c', '10.3.0.0/16'],
    ]) {
      const created = await send('POST', '/v1/vpc', [], { name, cidr });
      assert.equal(created.status, 200, created.message);
      assertShape(RESPONSE_TABLE_OF.createVpc as string, created.json);
      vpcIds.push((created.json as { vpcId: string }).vpcId);
    }
    const [a, b, c] = vpcIds as [string, string, string];
    let peerConnId = '';
    for (const peer of [b, c]) {
      const created = await send('POST', '/v1/peerconn', [], {
        bandwidthInMbps: 10,
        localVpcId: a,
        peerVpcId: peer,
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      });
      assert.equal(created.status, 200, created.message);
      assertShape(RESPONSE_TABLE_OF.createPeerConn as string, created.json);
      peerConnId = (created.json as { peerConnId: string }).peerConnId;
    }

    const got = await send('GET', `/v1/peerconn/${peerConnId}`, [['role', 'initiator']]);
    assert.equal(got.status, 200, got.message);
    assertShape(RESPONSE_TABLE_OF.getPeerConn as string, got.json);

    const getVpc = await send('GET', `/v1/vpc/${a}`, []);
    assert.equal(getVpc.status, 200, getVpc.message);
    assertShape(RESPONSE_TABLE_OF.getVpc as string, getVpc.json);

    for (const [operation, path] of [
      ['listPeerConns', '/v1/peerconn'],
      ['listVpcs', '/v1/vpc'],
    ] as const) {
      const tableName = RESPONSE_TABLE_OF[operation] as string;
      const first = await send('GET', path, [['maxKeys', '1']]);
      assert.equal(first.status, 200, first.message);
      assert.equal((first.json as { isTruncated: boolean }).isTruncated, true, `${operation} has more pages`);
      assertShape(tableName, first.json);
      let page = first.json as { isTruncated: boolean; nextMarker?: string };
      while (page.isTruncated) {
        const next = await send('GET', path, [
          ['maxKeys', '1'],
          ['marker', page.nextMarker],
        ]);
        assert.equal(next.status, 200, next.message);
        assertShape(tableName, next.json, { all: false });
        page = next.json as typeof page;
      }
      assert.equal(page.nextMarker, undefined, `${operation}: the last page has no nextMarker`);
    }
  });

  test('subnet and route responses have exactly the documented fields and types', async () => {
    const vpc = await send('POST', '/v1/vpc', [], { name: 'routed', cidr: '10.20.0.0/16' });
    assert.equal(vpc.status, 200, vpc.message);
    const vpcId = (vpc.json as { vpcId: string }).vpcId;
    const subnetIds: string[] = [];
    for (const cidr of ['10.20.1.0/24', '10.20.2.0/24']) {
      const created = await send('POST', '/v1/subnet', [], { name: 's', zoneName: 'cn-bj-a', cidr, vpcId });
      assert.equal(created.status, 200, created.message);
      assertShape(RESPONSE_TABLE_OF.createSubnet as string, created.json);
      subnetIds.push((created.json as { subnetId: string }).subnetId);
    }
    const subnet = await send('GET', `/v1/subnet/${subnetIds[0]}`, []);
    assert.equal(subnet.status, 200, subnet.message);
    assertShape(RESPONSE_TABLE_OF.getSubnet as string, subnet.json);
    const detail = await send('GET', `/v1/vpc/${vpcId}`, []);
    assertShape(RESPONSE_TABLE_OF.getVpc as string, detail.json);
    assert.equal((detail.json as { vpc: { subnets: unknown[] } }).vpc.subnets.length, 2);

    const table = await send('GET', '/v1/route', [['vpcId', vpcId]]);
    assert.equal(table.status, 200, table.message);
    const routeTableId = (table.json as { routeTableId: string }).routeTableId;
    for (const destination of ['172.16.0.0/16', '172.17.0.0/16']) {
      const created = await send('POST', '/v1/route/rule', [], {
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: destination,
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      });
      assert.equal(created.status, 200, created.message);
      // routeRuleIds comes only with a primary/standby rule (below).
      assertShape(RESPONSE_TABLE_OF.createRouteRule as string, created.json, { all: false });
      assert.deepEqual(Object.keys(created.json as object), ['routeRuleId']);
    }
    const pair = await send('POST', '/v1/route/rule', [], {
      routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '172.18.0.0/16',
      nextHopList: [
        { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
        { nexthopId: 'dcgw-2', nexthopType: 'dcGateway', pathType: 'ha:standby' },
      ],
    });
    assert.equal(pair.status, 200, pair.message);
    assertShape(RESPONSE_TABLE_OF.createRouteRule as string, pair.json);
    await send('DELETE', `/v1/route/rule/${(pair.json as { routeRuleId: string }).routeRuleId}`, []);
    const full = await send('GET', '/v1/route', [['routeTableId', routeTableId]]);
    assertShape(RESPONSE_TABLE_OF.getRouteTable as string, full.json);
    assert.equal(
      (full.json as { routeRules: unknown[] }).routeRules.length,
      4,
      'two rules, two system routes',
    );

    for (const [operation, path, filter] of [
      ['listSubnets', '/v1/subnet', ['vpcId', vpcId]],
      ['listRouteRules', '/v1/route/rule', ['routeTableId', routeTableId]],
    ] as const) {
      const tableName = RESPONSE_TABLE_OF[operation] as string;
      let page = { isTruncated: true } as { isTruncated: boolean; nextMarker?: string };
      let pages = 0;
      while (page.isTruncated) {
        const next = await send('GET', path, [
          [filter[0], filter[1]],
          ['maxKeys', '1'],
          ...(page.nextMarker ? [['marker', page.nextMarker] as [string, string]] : []),
        ]);
        assert.equal(next.status, 200, next.message);
        assertShape(tableName, next.json, { all: pages === 0 });
        page = next.json as typeof page;
        pages += 1;
      }
      assert.equal(pages, 2, `${operation}: two items, one per page`);
    }
  });
  test('ACL and security group responses have exactly the documented fields and types', async () => {
    const vpc = await send('POST', '/v1/vpc', [], { name: 'guarded', cidr: '10.30.0.0/16' });
    assert.equal(vpc.status, 200, vpc.message);
    const vpcId = (vpc.json as { vpcId: string }).vpcId;
    const subnet = await send('POST', '/v1/subnet', [], {
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.30.1.0/24',
      vpcId,
    });
    const subnetId = (subnet.json as { subnetId: string }).subnetId;
    const rule = {
      subnetId,
      protocol: 'tcp',
      sourceIpAddress: 'all',
      destinationIpAddress: 'all',
      sourcePort: 'all',
      destinationPort: '22',
      direction: 'ingress',
      action: 'allow',
    };
    const made = await send('POST', '/v1/acl/rule', [], {
      aclRules: [
        { ...rule, position: 1 },
        { ...rule, position: 2 },
      ],
    });
    assert.equal(made.status, 200, made.message);
    const entries = await send('GET', '/v1/acl', [['vpcId', vpcId]]);
    assert.equal(entries.status, 200, entries.message);
    assertShape(RESPONSE_TABLE_OF.listAclEntrys as string, entries.json);
    let page = { isTruncated: true } as { isTruncated: boolean; nextMarker?: string };
    let pages = 0;
    while (page.isTruncated) {
      const next = await send('GET', '/v1/acl/rule', [
        ['subnetId', subnetId],
        ['maxKeys', '3'],
        ...(page.nextMarker ? [['marker', page.nextMarker] as [string, string]] : []),
      ]);
      assert.equal(next.status, 200, next.message);
      assertShape(RESPONSE_TABLE_OF.listAclRules as string, next.json, { all: pages === 0 });
      page = next.json as typeof page;
      pages += 1;
    }
    assert.equal(pages, 2, 'two rules and the two default ones, three per page');

    const group = await send('POST', '/v2/securityGroup', [], {
      name: 'db',
      vpcId,
      rules: [{ direction: 'ingress', protocol: 'tcp', portRange: '3306', sourceIp: '10.1.0.0/16' }],
    });
    assert.equal(group.status, 200, group.message);
    assertShape(RESPONSE_TABLE_OF.createSecurityGroup as string, group.json);
    const securityGroupId = (group.json as { securityGroupId: string }).securityGroupId;
    const detail = await send('GET', `/v2/securityGroup/${securityGroupId}`, []);
    assert.equal(detail.status, 200, detail.message);
    assertShape(RESPONSE_TABLE_OF.getSecurityGroup as string, detail.json);
    const first = await send('GET', '/v2/securityGroup', [
      ['vpcId', vpcId],
      ['maxKeys', '1'],
    ]);
    assert.equal(first.status, 200, first.message);
    assert.equal(
      (first.json as { isTruncated: boolean }).isTruncated,
      true,
      'the default group, then this one',
    );
    assertShape(RESPONSE_TABLE_OF.listSecurityGroups as string, first.json);
  });

  test('network interface responses have exactly the documented fields and types', async () => {
    const vpc = await send('POST', '/v1/vpc', [], { name: 'interfaces', cidr: '10.30.0.0/16' });
    assert.equal(vpc.status, 200, vpc.message);
    const vpcId = (vpc.json as { vpcId: string }).vpcId;
    const subnet = await send('POST', '/v1/subnet', [], {
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.30.1.0/24',
      vpcId,
    });
    assert.equal(subnet.status, 200, subnet.message);
    const subnetId = (subnet.json as { subnetId: string }).subnetId;
    const eniIds: string[] = [];
    for (const name of ['e1', 'e2']) {
      const created = await send('POST', '/v1/eni', [], {
        name,
        subnetId,
        privateIpSet: [{ primary: true, privateIpAddress: '' }],
      });
      assert.equal(created.status, 200, created.message);
      assertShape(RESPONSE_TABLE_OF.createEni as string, created.json);
      eniIds.push((created.json as { eniId: string }).eniId);
    }
    const [first] = eniIds as [string];
    const added = await send('POST', `/v1/eni/${first}/privateIp`, [], { privateIpAddress: '' });
    assert.equal(added.status, 200, added.message);
    assertShape(RESPONSE_TABLE_OF.addEniPrivateIp as string, added.json);
    const batch = await send('POST', `/v1/eni/${first}/privateIp/batchAdd`, [], { privateIpAddressCount: 2 });
    assert.equal(batch.status, 200, batch.message);
    assertShape(RESPONSE_TABLE_OF.batchAddEniPrivateIps as string, batch.json);
    const detail = await send('GET', `/v1/eni/${first}`, []);
    assert.equal(detail.status, 200, detail.message);
    assertShape(RESPONSE_TABLE_OF.getEni as string, detail.json);
    assert.equal((detail.json as { privateIpSet: unknown[] }).privateIpSet.length, 4);
    const status = await send('GET', `/v1/eni/${first}/status`, []);
    assertShape(RESPONSE_TABLE_OF.getEniStatus as string, status.json);
    for (const query of [[['eniId', first]], [['instanceId', 'i-nothing']]] as Array<
      Array<[string, string]>
    >) {
      const quota = await send('GET', '/v1/eni/quota', query);
      assert.equal(quota.status, 200, quota.message);
      assertShape(RESPONSE_TABLE_OF.getEniQuota as string, quota.json);
    }
    const tableName = RESPONSE_TABLE_OF.listEnis as string;
    let page = { isTruncated: true } as { isTruncated: boolean; nextMarker?: string };
    let pages = 0;
    while (page.isTruncated) {
      const next = await send('GET', '/v1/eni', [
        ['vpcId', vpcId],
        ['maxKeys', '1'],
        ...(page.nextMarker ? [['marker', page.nextMarker] as [string, string]] : []),
      ]);
      assert.equal(next.status, 200, next.message);
      assertShape(tableName, next.json, { all: pages === 0 });
      page = next.json as typeof page;
      pages += 1;
    }
    assert.equal(pages, 2, 'listEnis: two interfaces, one per page');
  });
});
