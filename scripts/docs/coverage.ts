// docs/coverage.md: each method of the official SDKs' clients (scripts/docs/sdk-methods.json) with the operation
// of the operation table that serves its request — matched by HTTP method, path and selecting flag, so rows added
// to the table show up here at the next `npm run docs` — and the test suites that name that operation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATIONS, type OperationSpec } from '../../packages/sdk/src/operations.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

type MethodEntry =
  | [name: string, method: string, path: string]
  | [name: string, method: string, path: string, flag: string | readonly string[] | null, note?: string];

interface SdkMethods {
  sdks: Array<{
    sdk: string;
    package: string;
    clients: Array<{ client: string; module: string; methods: MethodEntry[] }>;
  }>;
  /** The methods called through the SDKs themselves against a running server, by SDK. */
  runByHand: {
    when: string;
    versions: Record<string, string>;
    answered: Record<string, string[]>;
    refused: Record<string, string[]>;
  };
}

/** How each method fared when run by hand: `answered`, `refused`, or absent when it was not run. */
function runByHand(data: SdkMethods): Map<string, 'answered' | 'refused'> {
  const known = new Set(
    data.sdks.flatMap((sdk) => sdk.clients.flatMap((c) => c.methods.map(([name]) => `${sdk.sdk} ${name}`))),
  );
  const outcome = new Map<string, 'answered' | 'refused'>();
  for (const kind of ['answered', 'refused'] as const) {
    for (const [sdk, names] of Object.entries(data.runByHand[kind])) {
      for (const name of names) {
        const key = `${sdk} ${name}`;
        if (!known.has(key))
          throw new Error(`sdk-methods.json runByHand.${kind}: ${key} is no method listed`);
        if (outcome.has(key)) throw new Error(`sdk-methods.json runByHand: ${key} is listed twice`);
        outcome.set(key, kind);
      }
    }
  }
  return outcome;
}

const requestKey = (method: string, path: string, flag: string | undefined) =>
  `${method} ${path.replace(/\{[^}]+\}/g, '{}')} ${flag ?? ''}`;

function operationsByRequest(): Map<string, OperationSpec> {
  const rows: readonly OperationSpec[] = Object.values(OPERATIONS);
  return new Map(rows.map((row) => [requestKey(row.method, row.path, row.flag), row]));
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Test suites by where they live: `sdk`, `server`, `cli`, or `repository` (the top-level test/). */
function suites(): Array<{ group: string; name: string; text: string }> {
  const places: Array<[group: string, dir: string]> = [
    ['sdk', 'packages/sdk/test'],
    ['server', 'packages/server/test'],
    ['cli', 'packages/cli/test'],
    ['repository', 'test'],
  ];
  return places.flatMap(([group, dir]) =>
    testFiles(join(root, dir))
      .sort()
      .map((file) => ({
        group,
        name: relative(join(root, dir), file).replace(/\.test\.ts$/, ''),
        text: readFileSync(file, 'utf8'),
      })),
  );
}

function testsNaming(operation: string, all: ReturnType<typeof suites>): string {
  const word = new RegExp(`\\b${operation}\\b`);
  const byGroup = new Map<string, string[]>();
  for (const suite of all) {
    if (!word.test(suite.text)) continue;
    byGroup.set(suite.group, [...(byGroup.get(suite.group) ?? []), suite.name]);
  }
  return [...byGroup].map(([group, names]) => `${group}: ${names.join(', ')}`).join(' · ');
}

function request(method: string, path: string, flag: string | undefined): string {
  return `\`${method} ${path}${flag ? `?${flag}` : ''}\``;
}

export function coverageMarkdown(): string {
  const data = JSON.parse(readFileSync(join(root, 'scripts/docs/sdk-methods.json'), 'utf8')) as SdkMethods;
  const byRequest = operationsByRequest();
  const byHand = runByHand(data);
  const all = suites();
  const summary: string[] = [];
  const sections: string[] = [];
  let notes = 0;
  const noteLines: string[] = [];
  for (const sdk of data.sdks) {
    sections.push(`## ${sdk.sdk} (\`${sdk.package}\`)`, '');
    for (const client of sdk.clients) {
      let served = 0;
      const rows: string[] = [];
      for (const [name, method, path, flagOrFlags, note] of client.methods) {
        const flags = flagOrFlags === undefined || flagOrFlags === null ? [undefined] : [flagOrFlags].flat();
        const found = flags.map((flag) => ({ flag, row: byRequest.get(requestKey(method, path, flag)) }));
        if (found.some((f) => f.row)) served += 1;
        let mark = '';
        if (note) {
          notes += 1;
          mark = `[^${notes}]`;
          noteLines.push(`[^${notes}]: \`${name}\` (${sdk.sdk}): ${note}.`);
        }
        rows.push(
          `| \`${name}\`${mark} | ${found.map((f) => request(method, path, f.flag)).join('<br>')} | ${found
            .map((f) => (f.row ? `\`${f.row.name}\`` : 'not implemented'))
            .join('<br>')} | ${byHand.get(`${sdk.sdk} ${name}`) ?? ''} | ${found
            .map((f) => (f.row ? testsNaming(f.row.name, all) : ''))
            .join('<br>')} |`,
        );
      }
      summary.push(
        `| ${sdk.sdk} | ${client.client} | ${client.methods.length} | ${served} | ${client.methods.length - served} |`,
      );
      sections.push(
        `### ${client.client} (\`${client.module}\`)`,
        '',
        '| Method | Request | Served by | Run by hand | Tests that name it |',
        '|---|---|---|---|---|',
        ...rows,
        '',
      );
    }
  }
  return `${[
    '# What of the official SDKs the emulator serves',
    '',
    '<!-- Generated by `npm run docs` from the operation table (packages/sdk/src/operations.ts) and the SDK methods',
    '     in scripts/docs/sdk-methods.json; test/generated-docs.test.ts fails when this page is stale. -->',
    '',
    "Every method of the official Python and Go SDKs' VPC, subnet, route, ACL, security group, ENI and peering",
    'clients, with the request it sends and the operation of this server that answers it. A method is served when',
    'its HTTP method, path and selecting query flag are those of an operation in the table; "not implemented" means',
    'the server has no such operation. "Tests that name it" lists the suites that mention the operation by name,',
    'by package (`repository` is the top-level `test/`).',
    '',
    '"Run by hand" says how a method fared when it was called through the official SDK itself, in programs run',
    "against the server through a full network lifecycle: two accounts' VPCs and subnets, a cross-account peering",
    'with its routes, ACL rules, security groups with rules, network interfaces, the route switch, and the deletes',
    'in order. "answered": every call gave the answer expected, decoded into the SDK\'s types with the values',
    'expected (refusals of bad input included, as BCE errors the SDK parsed); "refused": a clear 4xx saying why,',
    "for a method the server has no operation for, or for the flagless request Go's `SwitchRoute` sends (see its",
    'note). Blank: not run. What the SDKs send for ACLs, security groups, interfaces and the route switch is held',
    "by raw signed requests in the server's tests (`http-network-wire`, `e2e-sdk-eni`), which run without them.",
    `Run on ${data.runByHand.when} with ${Object.values(data.runByHand.versions).join(' and ')}.`,
    '',
    '| SDK | Client | Methods | Served | Not implemented |',
    '|---|---|---:|---:|---:|',
    ...summary,
    '',
    ...sections,
    ...(noteLines.length > 0 ? [...noteLines, ''] : []),
  ].join('\n')}`;
}
