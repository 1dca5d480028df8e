// The three packages as a user outside this workspace gets them (test/packed.ts: npm pack, then installed into an
// empty project outside the repository with their dependencies from the registry), used from there with plain
// Node and no tsx: imported (ESM and require), started in-process and as commands, and type-checked as a
// TypeScript consumer with its own @types/node. That nothing of the workspace is within reach is checked too.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { OPERATION_LIST } from '@peerconn/sdk/operations';
import { type Installed, installedPackages, plainEnv } from './packed.ts';
import { root } from './readme-support.ts';
import { runChild } from './run-child.ts';

// The workspace's compiler, run by its path: tsc finds the program's modules and types from the project it checks,
// not from where it is installed, so the consumer's type check sees the consumer's node_modules only.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let installed: Installed;
/** Where this run's scripts and commands run: inside the project (so they resolve its node_modules), and new. */
let work = '';
const children: ChildProcess[] = [];

before(async () => {
  installed = await installedPackages();
  work = mkdtempSync(join(installed.dir, 'run-'));
  if (installed.installSeconds !== undefined) {
    process.stderr.write(`packages: packed and installed in ${installed.installSeconds.toFixed(1)} s\n`);
  }
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  for (const child of children) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

const node = (args: string[]) => runChild(process.execPath, args, { cwd: work, env: plainEnv() });
const manifest = (name: string) =>
  JSON.parse(readFileSync(join(installed.dir, 'node_modules/@peerconn', name, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

test('the tarballs hold compiled JavaScript, declarations and the built console, and no tests', () => {
  const { files } = installed;
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/signer.js', 'dist/operations.d.ts']) {
    assert.ok(files.sdk.includes(file), `sdk: ${file}`);
  }
  for (const file of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/main.js',
    // Started as a worker thread by its path (the SQLite checkpoints): tsc does not emit it, the build copies it.
    'dist/store/sqlite-checkpointer.mjs',
    'bin/peerconn-server.mjs',
    'dist/web/index.html',
    'dist/web/console.js',
    'dist/web/console.css',
  ]) {
    assert.ok(files.server.includes(file), `server: ${file}`);
  }
  for (const file of ['dist/index.mjs', 'dist/types/index.d.ts', 'bin/peerconn.mjs']) {
    assert.ok(files.cli.includes(file), `cli: ${file}`);
  }
  for (const [name, list] of Object.entries(files)) {
    assert.deepEqual(
      list.filter((f) => f.startsWith('test/') || f.includes('.test.')),
      [],
      `${name}: tests are not published`,
    );
  }
  // Nothing TypeScript runs: the server and the CLI ship no .ts but declarations.
  for (const name of ['server', 'cli'] as const) {
    assert.deepEqual(
      files[name].filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
      [],
      `${name}: only JavaScript runs`,
    );
  }
});

test('runtime dependencies are exactly what runs, and neither tsx nor TypeScript is installed', () => {
  assert.deepEqual(Object.keys(manifest('server').dependencies ?? {}).sort(), [
    '@peerconn/sdk',
    'better-sqlite3',
    'pg',
    'pino',
    'zod',
  ]);
  assert.deepEqual(Object.keys(manifest('cli').dependencies ?? {}).sort(), [
    '@jmespath-community/jmespath',
    '@peerconn/server',
    'commander',
  ]);
  assert.deepEqual(manifest('sdk').dependencies ?? {}, {});
  for (const name of ['tsx', 'typescript', 'esbuild']) {
    assert.ok(!existsSync(join(installed.dir, 'node_modules', name)), `${name} is not installed`);
  }
  // The CLI bundle imports only these packages (the SDK is inside it).
  const bundleImports = new Set(
    filesUnder(join(installed.dir, 'node_modules/@peerconn/cli/dist'))
      .filter((f) => f.endsWith('.mjs'))
      .flatMap((f) => [
        ...readFileSync(f, 'utf8').matchAll(
          /(?:\bfrom\s*|\bimport\(\s*)"((?:@[a-z0-9-]+\/)?[a-z0-9.-]+(?:\/[a-z0-9./-]+)?|node:[a-z/_]+)"/g,
        ),
      ])
      .map((m) => m[1] as string)
      .filter((s) => !s.startsWith('node:')),
  );
  assert.deepEqual([...bundleImports].sort(), [
    '@jmespath-community/jmespath',
    '@peerconn/server',
    'commander',
  ]);
});

test('the installed project lies outside the repository, and nothing of the workspace resolves from it', async () => {
  assert.ok(
    relative(root, realpathSync(installed.dir)).startsWith(`..${sep}`),
    `${installed.dir} is outside ${root}`,
  );
  // What the workspace has for development and no package may need at run time: each resolves here.
  const workspaceOnly = ['tsx', 'typescript', 'fast-check', '@types/pg'];
  const here = createRequire(join(root, 'package.json'));
  for (const name of workspaceOnly) assert.ok(here.resolve(name), `${name} resolves in the workspace`);
  writeFileSync(
    join(work, 'reach.mjs'),
    `import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const found = {};
    for (const name of ${JSON.stringify([...workspaceOnly, '@peerconn/server'])}) {
      const ways = [];
      try { ways.push('require ' + require.resolve(name)); } catch (error) { if (error.code !== 'MODULE_NOT_FOUND') throw error; }
      try { ways.push('import ' + import.meta.resolve(name)); } catch (error) { if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error; }
      found[name] = ways;
    }
    console.log(JSON.stringify(found));`,
  );
  const reach = await node(['reach.mjs']);
  assert.equal(reach.status, 0, reach.stderr);
  const found = JSON.parse(reach.stdout) as Record<string, string[]>;
  for (const name of workspaceOnly)
    assert.deepEqual(found[name], [], `${name} does not resolve from the project`);
  assert.equal(found['@peerconn/server']?.length, 2, 'the installed packages do (require and import)');
});

test("plain Node imports the SDK's three entries (ESM; require, with the server) and it signs vector C1 of docs/wire.md", async () => {
  writeFileSync(
    join(work, 'sdk-esm.mjs'),
    `import { PeerConnClient } from '@peerconn/sdk';
    import { sign } from '@peerconn/sdk/internal';
    import { OPERATIONS } from '@peerconn/sdk/operations';
    const auth = sign({
      method: 'PUT', path: '/v1/peerconn/peerconn-xyz', query: [['accept', undefined], ['clientToken', 'token-3']],
      headers: { Host: 'bcc.bj.baidubce.com', 'x-bce-date': '2024-01-02T03:04:05Z' },
      accessKeyId: 'ak-example', secretAccessKey: 'sk-example', timestamp: '2024-01-02T03:04:05Z',
      signedHeaders: ['host', 'x-bce-date'],
    });
    const client = new PeerConnClient({ endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    console.log(JSON.stringify({ auth, ops: Object.keys(OPERATIONS).length, method: typeof client.createPeerConn }));`,
  );
  const esm = await node(['sdk-esm.mjs']);
  assert.equal(esm.status, 0, esm.stderr);
  const out = JSON.parse(esm.stdout) as { auth: string; ops: number; method: string };
  assert.equal(
    out.auth,
    'bce-auth-v1/ak-example/2024-01-02T03:04:05Z/1800/host;x-bce-date/0918450f51e84c71ac85eecca3f468c1f87f89635d27281b9c4025003b629817',
  );
  assert.equal(out.ops, OPERATION_LIST.length, 'the installed package has every row of the source table');
  assert.equal(out.method, 'function');

  writeFileSync(
    join(work, 'sdk-cjs.cjs'),
    "const sdk = require('@peerconn/sdk'); const server = require('@peerconn/server'); console.log(typeof sdk.VpcClient, typeof server.startServer);",
  );
  const cjs = await node(['sdk-cjs.cjs']);
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout.trim(), 'function function', 'require() of the SDK and the server (Node >= 20.19)');
});

test('no file of the SDK is reachable by its own path: only the entries the package names', async () => {
  for (const path of ['@peerconn/sdk/signer', '@peerconn/sdk/client', '@peerconn/sdk/dist/signer.js']) {
    writeFileSync(join(work, 'deep.mjs'), `await import(${JSON.stringify(path)});`);
    const deep = await node(['deep.mjs']);
    assert.notEqual(deep.status, 0, `${path} should not resolve`);
    assert.match(deep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/, path);
  }
});

test("ESM import { startServer } from '@peerconn/server' serves a signed request made with @peerconn/sdk, in memory", async () => {
  writeFileSync(
    join(work, 'in-process.mjs'),
    `import { startServer, TIMING_PRESET_NAMES } from '@peerconn/server';
    import { VpcClient } from '@peerconn/sdk';
    const server = await startServer({ port: 0, logLevel: 'silent', timing: 'immediate' });
    try {
      const client = new VpcClient({ endpoint: server.url, credentials: { accessKeyId: 'demo-a-ak', secretAccessKey: 'demo-a-sk' } });
      const { vpcId } = await client.createVpc({ name: 'packed', cidr: '10.0.0.0/16' });
      const { vpc } = await client.getVpc({ vpcId });
      console.log(JSON.stringify({ vpcId, name: vpc.name, dataPath: server.dataPath, presets: TIMING_PRESET_NAMES }));
    } finally {
      await server.close();
    }`,
  );
  const result = await node(['in-process.mjs']);
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout) as {
    vpcId: string;
    name: string;
    dataPath: string;
    presets: string[];
  };
  assert.match(out.vpcId, /^vpc-/);
  assert.equal(out.name, 'packed');
  assert.equal(out.dataPath, ':memory:');
  assert.ok(out.presets.includes('immediate'));
  assert.ok(!existsSync(join(work, 'data')), 'an in-process server writes no file unless dataPath names one');
});

/** Starts a command in the project, reads its banner, and returns its endpoint (the process is ended in after()). */
async function bannerOf(command: string, args: string[]): Promise<{ url: string; lines: string[] }> {
  const child = spawn(command, args, {
    cwd: work,
    env: plainEnv(),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const lines: string[] = [];
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (line.startsWith('try:')) break;
  }
  clearTimeout(timer);
  child.stdout.resume();
  const url = lines.map((l) => /^listening bj (http:\/\/127\.0\.0\.1:\d+)$/.exec(l)?.[1]).find(Boolean);
  assert.ok(url, `${command} ${args.join(' ')} printed no listening line:\n${lines.join('\n')}\n${stderr}`);
  return { url, lines };
}

async function assertServesConsole(url: string): Promise<void> {
  const page = await fetch(`${url}/_console/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /console\.js/);
  const script = await fetch(`${url}/_console/console.js`);
  assert.equal(script.status, 200);
  assert.ok((await script.arrayBuffer()).byteLength > 10_000, 'the built console script');
}

test('npx peerconn-server --port 0 prints its banner and serves /_console/', async () => {
  const { url, lines } = await bannerOf('npx', ['peerconn-server', '--port', '0', '--log-level', 'silent']);
  assert.ok(lines.includes('data ./data/peerconn.db'), 'the command keeps its data in a file');
  assert.ok(existsSync(join(work, 'data/peerconn.db')), 'in the directory it was started from');
  await assertServesConsole(url);
});

test('npx peerconn serve --port 0 prints its banner and serves /_console/', async () => {
  const { url } = await bannerOf('npx', [
    'peerconn',
    'serve',
    '--port',
    '0',
    '--data',
    ':memory:',
    '--log-level',
    'silent',
  ]);
  await assertServesConsole(url);
});

test('peerconn --help runs from the bundle', async () => {
  assert.ok(
    !existsSync(join(installed.dir, 'node_modules/@peerconn/cli/src')),
    'the installed CLI has no sources',
  );
  const help = await runChild(join(installed.dir, 'node_modules/.bin/peerconn'), ['--help'], {
    cwd: work,
    env: plainEnv(),
  });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: peerconn /m);
  assert.match(help.stdout, /serve/);
  const serveHelp = await runChild(join(installed.dir, 'node_modules/.bin/peerconn'), ['serve', '--help'], {
    cwd: work,
    env: plainEnv(),
  });
  assert.equal(serveHelp.status, 0, serveHelp.stderr);
  assert.match(serveHelp.stdout, /--exit-on-stdin-close/);
});

test('a TypeScript file importing all three packages type-checks with --strict --module nodenext', async () => {
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        // The project's own node_modules/@types/node (test/packed.ts provides it): no typeRoots into the workspace.
        types: ['node'],
      },
      files: ['use.ts'],
    }),
  );
  const good = `
    import { PeerConnClient, BceServiceError, type PeerConnStatus, VpcClient } from '@peerconn/sdk';
    import { startServer, type RunningServer, type ServerOptions, TIMING_PRESET_NAMES, UsageError } from '@peerconn/server';
    import { main, CLI_VERSION } from '@peerconn/cli';
    const options: ServerOptions = { port: 0, timing: 'immediate', logLevel: 'silent' };
    export async function run(): Promise<PeerConnStatus | string> {
      const server: RunningServer = await startServer(options);
      try {
        const credentials = { accessKeyId: 'demo-a-ak', secretAccessKey: 'demo-a-sk' };
        const { vpcId } = await new VpcClient({ endpoint: server.url, credentials }).createVpc({ name: 'x', cidr: '10.0.0.0/16' });
        const client = new PeerConnClient({ endpoint: server.url, credentials });
        try {
          return (await client.getPeerConn({ peerConnId: vpcId })).status;
        } catch (e) {
          if (e instanceof BceServiceError && e.code === 'NoSuchObject') return 'deleted';
          if (e instanceof UsageError) return e.message;
          throw e;
        }
      } finally {
        await server.close();
      }
    }
    const cli: (argv: string[]) => Promise<void> = main;
    export const about = \`\${CLI_VERSION} \${TIMING_PRESET_NAMES.join(',')} \${typeof cli}\`;
  `;
  writeFileSync(join(work, 'use.ts'), good);
  const ok = await node([tsc, '-p', work, '--listFilesOnly']);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  // Every declaration the check read, but the compiler's own lib files, is the project's.
  const compilerLib = dirname(tsc).replace(/bin$/, 'lib');
  const project = realpathSync(installed.dir);
  const outside = ok.stdout
    .split('\n')
    .filter(Boolean)
    .filter((file) => !file.startsWith(compilerLib) && !realpathSync(file).startsWith(project));
  assert.deepEqual(outside, [], 'files the type check read from outside the project');
  assert.ok(ok.stdout.includes(join(project, 'node_modules/@types/node/')), "the project's own @types/node");
  const checked = await node([tsc, '-p', work]);
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);

  writeFileSync(join(work, 'use.ts'), good.replace("timing: 'immediate'", "timing: 'immedate'"));
  const bad = await node([tsc, '-p', work]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /use\.ts\(5,.*TS2(322|820)/);
});
