// Runs the real `peerconn` binary as a child process, with a throwaway HOME and no BCE_* variables from the
// machine, against a server started in this test process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, type ServerOptions, startServer } from '@peerconn/server';

export const BIN = fileURLToPath(new URL('../bin/peerconn.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  home: string;
  env?: Record<string, string>;
  stdin?: string;
}

export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('BCE_') && key !== 'NODE_TEST_CONTEXT') env[key] = value;
  }
  return { ...env, HOME: home, NO_COLOR: '1', ...extra };
}

/** Asynchronous on purpose: the server answering the child lives in this process's event loop. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; stdin?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * A command line as the words a shell passes on: the literal text split at white space, each `${value}` joined
 * to the text it touches (`${a},${b}` is one word) and never split itself, so a value with spaces stays one word.
 * A list stands for its items, each one word (as `"${list[@]}"` in bash), and must stand apart from the text.
 */
export function argv(
  literals: TemplateStringsArray,
  ...values: ReadonlyArray<string | number | readonly string[]>
): string[] {
  const words: string[] = [];
  let word: string | undefined;
  literals.forEach((literal, i) => {
    for (const char of literal) {
      if (/\s/.test(char)) {
        if (word !== undefined) words.push(word);
        word = undefined;
      } else {
        word = (word ?? '') + char;
      }
    }
    const value = values[i];
    if (value === undefined) return;
    if (typeof value === 'object') {
      const next = literals[i + 1] ?? '';
      if (word !== undefined || /^\S/.test(next))
        throw new Error('argv: a list must stand apart from the text');
      words.push(...value);
    } else {
      word = (word ?? '') + String(value);
    }
  });
  if (word !== undefined) words.push(word);
  return words;
}

export function cli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const run: { env: NodeJS.ProcessEnv; stdin?: string } = { env: cleanEnv(options.home, options.env) };
  if (options.stdin !== undefined) run.stdin = options.stdin;
  return runProcess(process.execPath, [BIN, ...args], run);
}

/** A bash function line that makes `peerconn` in a script run this checkout's binary. */
export const PEERCONN_FUNCTION = `peerconn() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }`;

/** The global flags every command takes. */
export const GLOBAL_FLAGS = [
  '--profile',
  '--region',
  '--endpoint',
  '--output',
  '--query',
  '--timeout',
  '--debug',
  '--client-token',
  '--no-color',
  '--access-key-id',
  '--secret-access-key',
  '--security-token',
] as const;

export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'peerconn-cli-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** What a cross-account start leaves: a VPC of each account and a request between them. */
export interface CrossAccount {
  vpcA: string;
  vpcB: string;
  peerConnId: string;
}

export interface Fixture {
  server: RunningServer;
  home: string;
  run: (args: readonly string[], extra?: Omit<CliOptions, 'home'>) => Promise<CliResult>;
  /** Runs a command that must exit 0 (a failed assertion naming it and its stderr otherwise); answers its stdout. */
  ok: (args: readonly string[], extra?: Omit<CliOptions, 'home'>) => Promise<string>;
  /** Configures profiles `a` and `b` from the server's two demo accounts; returns their account ids. */
  configureTwoProfiles: () => Promise<{ a: string; b: string }>;
  /**
   * Through the binary, after configureTwoProfiles: a VPC of profile a, one of profile b, and a peering request
   * from a's to b's, answered by b when `answer` says so.
   */
  crossAccount: (options?: {
    cidrA?: string;
    cidrB?: string;
    answer?: 'accept' | 'reject';
  }) => Promise<CrossAccount>;
  /** Through the binary: a subnet of the VPC in zone cn-bj-a, made by `profile` (default a); answers its id. */
  createSubnet: (vpcId: string, name: string, cidr: string, profile?: string) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * The store the fixture's server keeps its state in: a SQLite file, or, when PEERCONN_TEST_POSTGRES names a
 * database (the PostgreSQL pass of scripts/run-tests.mjs), a schema of its own there, dropped on close.
 */
function fixtureStore(home: string): { options: ServerOptions; drop: () => Promise<void> } {
  const url = process.env.PEERCONN_TEST_POSTGRES || undefined;
  if (!url) return { options: { dataPath: join(home, 'peerconn.db') }, drop: async () => {} };
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    options: { store: url, storeSchema: schema },
    drop: async () => {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function startFixture(timing: Exclude<ServerOptions['timing'], string> = {}): Promise<Fixture> {
  const { home, cleanup } = tempHome();
  const store = fixtureStore(home);
  const server = await startServer({
    port: 0,
    ...store.options,
    logLevel: 'silent',
    timing: {
      create: { mode: 'immediate' },
      accept: { mode: 'immediate' },
      update: { mode: 'immediate' },
      delete: { mode: 'immediate' },
      dnsOpen: { mode: 'immediate' },
      dnsClose: { mode: 'immediate' },
      ...timing,
    },
  });
  const run = (args: readonly string[], extra: Omit<CliOptions, 'home'> = {}) =>
    cli(args, { home, ...extra });
  const ok = async (args: readonly string[], extra: Omit<CliOptions, 'home'> = {}) => {
    const result = await run(args, extra);
    assert.equal(result.code, 0, `peerconn ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const text = (args: readonly string[]) => ok(args).then((stdout) => stdout.trim());
  return {
    server,
    home,
    run,
    ok,
    async configureTwoProfiles() {
      const [first, second] = server.accounts;
      if (!first?.credentials[0] || !second?.credentials[0])
        throw new Error('expected two demo accounts with keys');
      for (const [name, account] of [
        ['a', first],
        ['b', second],
      ] as const) {
        const key = account.credentials[0]!;
        const result = await run([
          'configure',
          '--profile',
          name,
          '--access-key-id',
          key.accessKeyId,
          '--secret-access-key',
          key.secretAccessKey,
          '--region',
          'bj',
          '--endpoint',
          server.url,
        ]);
        if (result.code !== 0) throw new Error(`configure ${name} failed: ${result.stderr}`);
      }
      return { a: first.id, b: second.id };
    },
    async crossAccount({ cidrA = '10.1.0.0/16', cidrB = '10.2.0.0/16', answer } = {}) {
      const query = argv`--output text --query`;
      const vpcA = await text(argv`vpc create --profile a --name app --cidr ${cidrA} ${query} vpcId`);
      const vpcB = await text(argv`vpc create --profile b --name db --cidr ${cidrB} ${query} vpcId`);
      const peerAccountId = server.accounts[1]?.id ?? '';
      const peerConnId = await text([
        ...argv`create --profile a --local-vpc-id ${vpcA} --peer-vpc-id ${vpcB} --peer-region bj`,
        ...argv`--peer-account-id ${peerAccountId} --bandwidth 10 ${query} peerConnId`,
      ]);
      if (answer) {
        await ok(argv`wait consulting ${peerConnId} --profile b --timeout 30`);
        await ok(argv`${answer} ${peerConnId} --profile b`);
      }
      return { vpcA, vpcB, peerConnId };
    },
    createSubnet: (vpcId, name, cidr, profile = 'a') =>
      text(
        argv`subnet create --profile ${profile} --vpc-id ${vpcId} --name ${name} --cidr ${cidr} --zone-name cn-bj-a --output text --query subnetId`,
      ),
    async close() {
      await server.close();
      await store.drop();
      cleanup();
    },
  };
}

export function json(result: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(
      `expected JSON on stdout (exit ${result.code}), got ${JSON.stringify(result.stdout)}; stderr: ${result.stderr}`,
    );
  }
}
