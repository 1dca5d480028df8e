// The three packages as a user outside this workspace gets them: `npm pack` of the built packages, installed as
// tarballs into an empty project whose other dependencies come from the registry. The project lies outside the
// repository, in the system's temporary directory: inside it, Node and tsc would look up past the project into
// the workspace's node_modules and find tsx, TypeScript and the development dependencies there, so a package that
// needed one of them at run time would still pass. One install serves every suite of a run (and later runs while
// the tarballs are the same): it is kept by the tarballs' content hash in a directory of this checkout's own, and
// a lock lets one process install while the others wait for it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './readme-support.ts';
import { runChild } from './run-child.ts';

export type PackageName = 'sdk' | 'server' | 'cli';
export const PACKAGES: readonly PackageName[] = ['sdk', 'server', 'cli'];

/**
 * Where this checkout's installed projects live: under the temporary directory, named after the checkout, so that
 * two checkouts on one machine never remove each other's projects (removeOtherInstalls).
 */
const INSTALLS = join(
  tmpdir(),
  `peerconn-packed-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`,
);

export interface Installed {
  /** The consumer project: package.json, node_modules with the three packages and their dependencies. */
  dir: string;
  /** Paths inside each tarball, as npm pack listed them. */
  files: Record<PackageName, string[]>;
  /** How long packing and installing took when this process installed (undefined when an earlier install was reused). */
  installSeconds?: number;
}

/** Plain Node: no `source` condition and no tsx, as for any user. */
export function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('BCE_') || key.startsWith('PEERCONN_') || key === 'DATABASE_URL') delete env[key];
  }
  // Set by the test runner for the processes it runs; a test runner started by a test must not see it.
  delete env.NODE_TEST_CONTEXT;
  return { ...env, ...extra };
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const time = entry.isDirectory() ? newest(full) : statSync(full).mtimeMs;
    if (time > latest) latest = time;
  }
  return latest;
}

/** What is packed is what `npm run build` wrote; packing never builds, so it cannot race a suite that runs it. */
function assertBuilt(): void {
  const builds: Array<[output: string, sources: string[]]> = [
    ['packages/sdk/dist/index.js', ['packages/sdk/src']],
    ['packages/server/dist/index.js', ['packages/server/src']],
    ['packages/server/dist/web/console.js', ['packages/server/web/src']],
    ['packages/cli/dist/index.mjs', ['packages/cli/src', 'packages/sdk/src']],
  ];
  for (const [output, sources] of builds) {
    const file = join(root, output);
    assert.ok(existsSync(file), `${output} is missing: run npm run build`);
    for (const source of sources) {
      assert.ok(
        newest(join(root, source)) <= statSync(file).mtimeMs,
        `${output} is older than ${source}: run npm run build`,
      );
    }
  }
}

async function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = plainEnv()): Promise<string> {
  const result = await runChild('npm', args, { cwd, env });
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function pack(into: string): Promise<Array<{ name: PackageName; file: string; files: string[] }>> {
  const out = await npm(
    [
      'pack',
      '--json',
      '--ignore-scripts',
      '--pack-destination',
      into,
      ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`]),
    ],
    root,
  );
  const infos = JSON.parse(out.slice(out.indexOf('['))) as Array<{
    name: string;
    filename: string;
    files: { path: string }[];
  }>;
  return infos.map((info) => ({
    name: info.name.replace('@peerconn/', '') as PackageName,
    file: join(into, info.filename),
    files: info.files.map((f) => f.path),
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the lock (a directory: created atomically), or waits while another process holds it. */
async function lock(path: string): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(path);
      return () => rmSync(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run is taken over once it is clearly older than any install.
      if (Date.now() - statSync(path).mtimeMs > 15 * 60_000) rmSync(path, { recursive: true, force: true });
      await sleep(500);
    }
  }
}

/**
 * better-sqlite3's install script downloads a prebuilt addon for the user's Node, or compiles one (over a minute
 * on two cores) when it cannot, as here, where no download host is reachable. So the install runs without
 * scripts and the addon comes from where a download would: this checkout's own build of the same version for
 * this Node. Only another version is compiled, by the package's own script.
 */
async function provideSqliteAddon(dir: string): Promise<void> {
  const version = (where: string) =>
    (
      JSON.parse(readFileSync(join(where, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  const built = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (existsSync(built) && version(root) === version(dir)) {
    const release = join(dir, 'node_modules/better-sqlite3/build/Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(built, join(release, 'better_sqlite3.node'));
    return;
  }
  // JOBS: node-gyp compiles on every core.
  await npm(
    ['rebuild', 'better-sqlite3', '--no-audit', '--no-fund', '--loglevel=error'],
    dir,
    plainEnv({ JOBS: 'max' }),
  );
}

/**
 * The consumer's own @types/node, for its type check (test/packages.test.ts), copied from this workspace's
 * install rather than fetched: the test then downloads nothing beyond the tarballs' own dependencies, and the
 * version is the one the workspace is checked against. It is a package of declarations alone, without install
 * scripts, so the copy is what npm would have written; its dependencies (undici-types) are copied the same way,
 * unless the install brought them already.
 */
function provideNodeTypes(dir: string): void {
  const copy = (name: string, from: string) => {
    const to = join(dir, 'node_modules', name);
    if (existsSync(to)) return;
    cpSync(from, to, { recursive: true, dereference: true });
    const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      const nested = join(from, 'node_modules', dependency);
      copy(dependency, existsSync(nested) ? nested : join(root, 'node_modules', dependency));
    }
  };
  copy('@types/node', join(root, 'node_modules/@types/node'));
}

/** `installed-plain-`, `installed-vitest@^4.1-`: projects with other extras are other projects of the same run. */
function installPrefix(extra: readonly string[]): string {
  return `installed-${extra.length === 0 ? 'plain' : extra.join('+').replace(/[^\w@.^+-]/g, '_')}-`;
}

/** This kind of project made from earlier tarballs (every process of a run packs the same ones), unless in use. */
function removeOtherInstalls(current: string, prefix: string): void {
  const names = readdirSync(INSTALLS);
  for (const name of names) {
    const dir = join(INSTALLS, name);
    if (!name.startsWith(prefix) || name.endsWith('.lock') || dir === current) continue;
    if (names.includes(`${name}.lock`)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

const installing = new Map<string, Promise<Installed>>();

/**
 * Packs and installs the three packages once (see the file's head); every caller gets the same project. `extra`
 * names registry packages a project also needs (`vitest@^4.1`): such a project is another one, so the plain one
 * holds only what the three packages bring.
 */
export function installedPackages(extra: readonly string[] = []): Promise<Installed> {
  const key = extra.join(' ');
  let found = installing.get(key);
  if (!found) {
    found = install(extra);
    installing.set(key, found);
  }
  return found;
}

async function install(extra: readonly string[]): Promise<Installed> {
  assertBuilt();
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'peerconn-pack-'));
  try {
    const packed = await pack(scratch);
    const hash = createHash('sha256');
    for (const p of packed) hash.update(readFileSync(p.file));
    hash.update(extra.join('\n'));
    const dir = join(INSTALLS, `${installPrefix(extra)}${hash.digest('hex').slice(0, 16)}`);
    const files = Object.fromEntries(packed.map((p) => [p.name, p.files])) as Record<PackageName, string[]>;
    mkdirSync(INSTALLS, { recursive: true });
    const release = await lock(`${dir}.lock`);
    try {
      if (existsSync(join(dir, '.installed'))) return { dir, files };
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const dependencies: Record<string, string> = {};
      for (const spec of extra) {
        const at = spec.lastIndexOf('@');
        dependencies[at > 0 ? spec.slice(0, at) : spec] = at > 0 ? spec.slice(at + 1) : '*';
      }
      for (const p of packed) {
        copyFileSync(p.file, join(dir, `${p.name}.tgz`));
        dependencies[`@peerconn/${p.name}`] = `file:./${p.name}.tgz`;
      }
      writeFileSync(
        join(dir, 'package.json'),
        `${JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies, allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`,
      );
      await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], dir);
      await provideSqliteAddon(dir);
      provideNodeTypes(dir);
      const installSeconds = (performance.now() - started) / 1000;
      writeFileSync(join(dir, '.installed'), `${installSeconds.toFixed(1)} s\n`);
      removeOtherInstalls(dir, installPrefix(extra));
      return { dir, files, installSeconds };
    } finally {
      release();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
