// Every code block in docs/*.md is executed, so no example a reader copies can drift from what the software
// does. Per document:
//   ts            all blocks in order form one program (imports merged), type-checked, then run against a
//                 started server with the demo accounts' keys in A_AK, A_SK, B_AK, B_SK, B_ACCOUNT_ID;
//   bash, sh      all blocks in order form one script, run by bash (set -euo pipefail) against another started
//                 server, from a copy of the repository root whose data/ is private; curl fails on HTTP errors;
//                 a line that starts a server (npm start, peerconn serve) starts it, waits for its banner and
//                 stops it; ports in such lines become free ones;
//   json          parsed; `json file=<name>` is also saved under that name for the script, as a reader would;
//   bce-*         the signing vectors, checked by test/docs-wire.test.ts (this test checks it reads them);
//   text          output, grammar and synopses: not run;
//   <lang> norun  code this machine cannot run (another language's SDK): not run.
// Anything else fails: a block is either run or explicitly marked as not runnable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '@peerconn/server';
import { startDocServer } from './doc-server.ts';
import { type ChildResult, runChild } from './run-child.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docsDir = join(root, 'docs');

interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  attrs: Map<string, string>;
  code: string;
}

function blocksOf(doc: string): Block[] {
  const lines = readFileSync(join(docsDir, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const [lang = '', ...rest] = (open[1] as string).trim().split(/\s+/);
    const attrs = new Map(
      rest.map((word) => {
        const eq = word.indexOf('=');
        return eq === -1 ? [word, ''] : [word.slice(0, eq), word.slice(eq + 1)];
      }),
    );
    const end = lines.findIndex((l, j) => j > i && l === '```');
    assert.notEqual(end, -1, `${doc}:${i + 1}: unterminated code block`);
    blocks.push({ doc, line: i + 1, lang, attrs, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}

/** Documents whose every block a test of their own runs or checks (docs/testing.md's recipes need installed packages). */
const WHOLLY_OWN_TESTS: Record<string, string> = { 'testing.md': 'test/docs-testing.test.ts' };

const docs = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md') && !(name in WHOLLY_OWN_TESTS))
  .sort();
const allBlocks = docs.flatMap(blocksOf);
const where = (b: Block) => `docs/${b.doc}:${b.line}`;

const RUN_LANGS = new Set(['ts', 'bash', 'sh', 'json']);
const isNorun = (b: Block) => b.attrs.has('norun');

/** The demo accounts every fresh server has (docs print these values). */
const DEMO = {
  a: { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ak: 'demo-a-ak', sk: 'demo-a-sk' },
  b: { id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', ak: 'demo-b-ak', sk: 'demo-b-sk' },
};

/** `<demo-b id from the banner>`, `<demo-a accessKeyId>`: placeholders for the demo accounts' values. */
function fillPlaceholders(code: string, url: string): string {
  return code
    .replace(
      /<demo-([ab]) (id|ak|sk|accessKeyId|secretAccessKey)\b[^>]*>/g,
      (_m, who: 'a' | 'b', what: string) => {
        const account = DEMO[who];
        return what === 'id' ? account.id : what === 'ak' || what === 'accessKeyId' ? account.ak : account.sk;
      },
    )
    .replaceAll('http://127.0.0.1:8080', url);
}

/** In shell, `<id>` would be a redirection: a placeholder left in a block is named instead. */
function assertFilled(code: string, block: string): void {
  const left = /<[a-z][a-z0-9 -]*>/i.exec(code);
  assert.equal(left, null, `${block}: placeholder ${left?.[0]} is not one this test can fill`);
}

const scratch = mkdtempSync(join(tmpdir(), 'peerconn-docs-'));
const servers: RunningServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(scratch, { recursive: true, force: true });
});

async function docServer(): Promise<RunningServer> {
  const server = await startDocServer(join(mkdtempSync(join(scratch, 'db-')), 'peerconn.db'));
  servers.push(server);
  return server;
}

function childEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('BCE_') || key.startsWith('PEERCONN_') || key === 'DATABASE_URL') delete env[key];
  }
  return { ...env, ...extra };
}

describe('every code block in docs/ is run or marked', () => {
  test('no block is left unmarked', () => {
    assert.ok(allBlocks.length > 20, 'the docs have code blocks');
    const unmarked = allBlocks.filter(
      (b) => !(RUN_LANGS.has(b.lang) || b.lang === 'text' || b.lang.startsWith('bce-') || isNorun(b)),
    );
    assert.deepEqual(
      unmarked.map((b) => `${where(b)} \`\`\`${b.lang}`),
      [],
      'mark output and grammar ```text, code this test cannot run ```<lang> norun, or make it runnable',
    );
    const pointless = allBlocks.filter((b) => isNorun(b) && RUN_LANGS.has(b.lang));
    assert.deepEqual(
      pointless.map(where),
      [],
      'ts, bash, sh and json blocks are always run: write them so they run',
    );
  });

  test('json blocks parse', () => {
    const json = allBlocks.filter((b) => b.lang === 'json');
    assert.ok(json.length > 0);
    for (const block of json) {
      assert.doesNotThrow(() => JSON.parse(block.code), `${where(block)} is not valid JSON`);
    }
  });

  test('bce-* blocks are the ones test/docs-wire.test.ts checks', () => {
    const wireTest = readFileSync(join(root, 'test', 'docs-wire.test.ts'), 'utf8');
    for (const block of allBlocks.filter((b) => b.lang.startsWith('bce-'))) {
      assert.equal(block.doc, 'wire.md', `${where(block)}: bce-* blocks belong to docs/wire.md`);
      assert.ok(
        wireTest.includes(`fencedBlocks('${block.lang}')`),
        `${where(block)}: nobody reads ${block.lang}`,
      );
    }
  });
});

// ---- TypeScript ----

/** Merges the named imports of every block (so blocks can each import what they show) and joins the bodies. */
function tsProgram(blocks: Block[], url: string): string {
  const imports = new Map<string, Set<string>>();
  const bodies: string[] = [];
  for (const block of blocks) {
    const body = fillPlaceholders(block.code, url).replace(
      /^import\s+\{([^}]*)\}\s+from\s+'([^']+)';?[ \t]*\n/gm,
      (_m, names: string, from: string) => {
        const set = imports.get(from) ?? new Set<string>();
        for (const name of names.split(',').map((n) => n.trim())) if (name) set.add(name);
        imports.set(from, set);
        return '';
      },
    );
    bodies.push(`// ${where(block)}\n${body}`);
  }
  const head = [...imports].map(
    ([from, names]) => `import { ${[...names].sort().join(', ')} } from '${from}';`,
  );
  return `${head.join('\n')}\n\n${bodies.join('\n')}\nexport {};\n`;
}

const tsDocs = docs.filter((doc) => allBlocks.some((b) => b.doc === doc && b.lang === 'ts'));

describe('ts blocks: type-checked, then run against a server', () => {
  const programs = new Map<string, { file: string; server: RunningServer }>();
  const dir = join(root, '.tmp', `docs-blocks-${process.pid}`);
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('they type-check', async () => {
    mkdirSync(dir, { recursive: true });
    for (const doc of tsDocs) {
      const server = await docServer();
      const file = join(dir, `${doc.replace(/\.md$/, '')}.ts`);
      writeFileSync(
        file,
        tsProgram(
          allBlocks.filter((b) => b.doc === doc && b.lang === 'ts'),
          server.url,
        ),
      );
      programs.set(doc, { file, server });
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.base.json', include: ['*.ts'] }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await runChild(process.execPath, [tsc, '-p', dir], { cwd: root, env: process.env });
    assert.equal(
      result.status,
      0,
      `the docs' TypeScript does not compile:\n${result.stdout}${result.stderr}`,
    );
  });

  for (const doc of tsDocs) {
    test(`docs/${doc} runs`, async () => {
      const program = programs.get(doc);
      assert.ok(program, 'compiled first');
      const home = mkdtempSync(join(scratch, 'home-'));
      const result = await runChild(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', program.file],
        {
          cwd: root,
          timeout: 600_000,
          env: childEnv(home, {
            BCE_ENDPOINT: program.server.url,
            A_AK: DEMO.a.ak,
            A_SK: DEMO.a.sk,
            B_AK: DEMO.b.ak,
            B_SK: DEMO.b.sk,
            B_ACCOUNT_ID: DEMO.b.id,
          }),
        },
      );
      assert.equal(result.status, 0, `${program.file} failed:\n${result.stderr}\n${result.stdout}`);
    });
  }
});

// ---- shell ----

const SERVER_START = /^(\s*)(npm start|npx peerconn serve|peerconn serve)\b(.*)$/;
/** Ends in `&` (not `&&`), perhaps before a comment: the doc starts it in the background and stops it itself. */
const BACKGROUND = /(^|[^&])&\s*(#.*)?$/;

function portsOf(text: string): number[] {
  const ports = [
    ...[...text.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]),
    ...[...text.matchAll(/--(?:port|admin-port)[ =](\d+)/g)].map((m) => m[1]),
    ...[...text.matchAll(/--listen[ =](\S+)/g)].flatMap((m) =>
      [...(m[1] as string).matchAll(/=(\d+)/g)].map((p) => p[1]),
    ),
  ];
  return [...new Set(ports.map(Number))];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Ports in the docs stand for free ones, the same one wherever a port number recurs, except that a client
 * talking to 127.0.0.1:8080 talks to the test's server. A line that starts a server in the foreground runs
 * through __docs_serve (start, wait for the banner, stop); one started in the background runs as written.
 */
function shellLine(line: string, ports: Map<number, number>, sessionPort: number): string {
  const mapped = (port: string) => String(ports.get(Number(port)) ?? port);
  const start = SERVER_START.exec(line);
  if (!start) {
    return line.replace(/127\.0\.0\.1:(\d+)/g, (_m, port: string) =>
      port === '8080' ? `127.0.0.1:${sessionPort}` : `127.0.0.1:${mapped(port)}`,
    );
  }
  const args = (start[3] as string)
    .replace(
      /--(port|admin-port)([ =])(\d+)/g,
      (_m, flag: string, sep: string, port: string) => `--${flag}${sep}${mapped(port)}`,
    )
    .replace(
      /--listen([ =])(\S+)/,
      (_m, sep: string, list: string) =>
        `--listen${sep}${list.replace(/=(\d+)/g, (_p, port: string) => `=${mapped(port)}`)}`,
    );
  return BACKGROUND.test(line)
    ? `${start[1]}${start[2]}${args}`
    : `${start[1]}__docs_serve ${start[2]}${args}`;
}

/** Runs a server command until its banner, then stops its whole process group; fails if it never starts. */
const PRELUDE = `
curl() { command curl --fail-with-body -sS "$@"; }
__docs_serve() {
  local log pid tries=0
  log=$(mktemp)
  setsid "$@" >"$log" 2>&1 </dev/null &
  pid=$!
  until grep -q '^listening ' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -gt 1200 ]; then
      echo "docs: the server did not start: $*" >&2; cat "$log" >&2; kill -9 -- "-$pid" 2>/dev/null; return 1
    fi
    tries=$((tries + 1)); sleep 0.05
  done
  kill -TERM -- "-$pid"; wait "$pid" || true
  grep -v '^{' "$log" || true
}
`;

/** A directory that looks like the repository root (everything linked) but keeps its own data/. */
function repositoryCopy(): string {
  const dir = mkdtempSync(join(scratch, 'repo-'));
  for (const name of readdirSync(root)) {
    if (name === 'data' || name === '.tmp' || name === '.git') continue;
    symlinkSync(join(root, name), join(dir, name));
  }
  return dir;
}

/** Runs bash as the leader of its own process group, and kills whatever the script left running. */
async function runScript(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const child = spawn('bash', ['-c', script], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  // A guard against a wedged process, not a measure of time (docs/contributing.md, Adding a test suite): every
  // wait in the docs has a deadline of its own, and a loaded machine runs a document several times slower.
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 600_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // nothing left behind
  }
  return { status, stdout, stderr };
}

/**
 * Documents whose shell examples need more than a started server, run as written by a test of their own
 * (docs/postgres.md needs PostgreSQL and nginx).
 */
const OWN_TESTS: Record<string, string> = { 'postgres.md': 'test/docs-postgres.test.ts' };

test('documents with a test of their own have it', () => {
  for (const [doc, file] of Object.entries({ ...OWN_TESTS, ...WHOLLY_OWN_TESTS })) {
    assert.match(
      readFileSync(join(root, file), 'utf8'),
      new RegExp(`docs', '${doc.replace('.', '\\.')}`),
      doc,
    );
  }
});

const shellDocs = docs.filter(
  (doc) =>
    !(doc in OWN_TESTS) && allBlocks.some((b) => b.doc === doc && (b.lang === 'bash' || b.lang === 'sh')),
);

describe('bash and sh blocks: run in one shell per document', () => {
  for (const doc of shellDocs) {
    test(`docs/${doc} runs`, async () => {
      const server = await docServer();
      const sessionPort = Number(new URL(server.url).port);
      const cwd = repositoryCopy();
      const home = mkdtempSync(join(scratch, 'home-'));
      const blocks = allBlocks.filter((b) => b.doc === doc);
      for (const block of blocks.filter((b) => b.lang === 'json' && b.attrs.get('file'))) {
        writeFileSync(join(cwd, block.attrs.get('file') as string), block.code);
      }
      const shell = blocks.filter((b) => b.lang === 'bash' || b.lang === 'sh');
      const ports = new Map<number, number>();
      for (const port of portsOf(shell.map((b) => b.code).join('\n'))) ports.set(port, await freePort());
      const parts = shell.map((block) => {
        const code = fillPlaceholders(block.code, 'http://127.0.0.1:8080');
        assertFilled(code, where(block));
        const lines = code.split('\n').map((line) => shellLine(line, ports, sessionPort));
        return `echo '>>> ${where(block)}' >&2\n${lines.join('\n')}`;
      });
      // The docs' shell examples use curl and jq; say so rather than fail somewhere in the middle.
      const tools =
        'for tool in curl jq setsid; do command -v "$tool" >/dev/null || { echo "docs: $tool is not installed" >&2; exit 1; }; done';
      const script = `set -euo pipefail\n${tools}\n${PRELUDE}\n${parts.join('\n')}`;
      const result = await runScript(
        script,
        cwd,
        childEnv(home, {
          PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`,
          // A server a line starts without naming a port takes a free one.
          PEERCONN_PORT: '0',
          npm_config_update_notifier: 'false',
        }),
      );
      const lastBlock = [...result.stderr.matchAll(/^>>> (.*)$/gm)].at(-1)?.[1];
      assert.equal(
        result.status,
        0,
        `docs/${doc} failed in the block at ${lastBlock}:\n${result.stderr}\n--- stdout ---\n${result.stdout}`,
      );
    });
  }
});
