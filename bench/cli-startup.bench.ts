// `peerconn --help` and `peerconn get` wall time (spawn to exit), each beside `node -e 0` spawned the same way
// in the same interleaved rounds. The CLI is measured as users run it: the bundled bin, not tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchEntry, BenchModule } from './entry.ts';
import { selected, settingsOf, wants, withWorkDir } from './lib/harness.ts';
import { childEnv, repoRoot, spawnServer, timeNode } from './lib/procs.ts';
import { PairSource, seedPeerings } from './lib/seed.ts';
import { alternate, boundedEntry, median } from './lib/stats.ts';

const bin = join(repoRoot, 'packages/cli/bin/peerconn.mjs');
const bundle = join(repoRoot, 'packages/cli/dist/index.mjs');
const sourceRoots = ['packages/cli/src', 'packages/sdk/src', 'packages/server/src'].map((p) =>
  join(repoRoot, p),
);

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const time = entry.isDirectory() ? newest(full) : statSync(full).mtimeMs;
    if (time > latest) latest = time;
  }
  return latest;
}

/** The bin falls back to compiling sources with tsx when the bundle is missing or older than them. */
function bundleIsFresh(): boolean {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return sourceRoots.every((dir) => !existsSync(dir) || newest(dir) <= built);
}

/** Builds the CLI bundle when the bin would otherwise run from sources; returns whether it had to. */
function ensureBundle(log: (line: string) => void): boolean {
  if (bundleIsFresh()) return false;
  log('cli: the bundle is missing or older than the sources; running the build (npm run build)');
  for (const script of ['scripts/build-sdk.mjs', 'scripts/build-cli.mjs']) {
    const result = spawnSync(process.execPath, [script], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status}); run npm run build`);
  }
  if (!bundleIsFresh()) throw new Error('the CLI bundle is still stale after the build; run npm run build');
  return true;
}

export const run: BenchModule = async (options) => {
  const settings = settingsOf(options);
  if (!wants(settings, 'cli')) return [];
  const { log, rounds, smoke } = options;
  const built = ensureBundle(log);
  return withWorkDir('cli', async (dir) => {
    const server = await spawnServer({
      dataPath: join(dir, 'cli.db'),
      logPath: join(dir, 'server.log'),
      store: settings.store,
    });
    try {
      const account = server.accounts[0]!;
      const [id] = await seedPeerings(new PairSource(server, account), server, account, 1, 1);
      // HOME points at an empty directory so no profile of the machine's user is read.
      const env: NodeJS.ProcessEnv = {
        ...childEnv(),
        HOME: dir,
        BCE_ENDPOINT: server.url,
        BCE_ACCESS_KEY_ID: account.accessKeyId,
        BCE_SECRET_ACCESS_KEY: account.secretAccessKey,
        NO_COLOR: '1',
      };
      const commands = {
        node: ['-e', '0'],
        help: [bin, '--help'],
        get: [bin, 'get', id!, '--role', 'initiator'],
      };
      const reps = smoke ? 1 : 7;
      // One untimed pass fills the page cache for all three.
      for (const args of Object.values(commands)) await timeNode(args, env);
      const samples = { node: [] as number[], help: [] as number[], get: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        const times = { node: [] as number[], help: [] as number[], get: [] as number[] };
        for (let k = 0; k < reps; k++) {
          await alternate(r * reps + k, [
            async () => times.node.push(await timeNode(commands.node, env)),
            async () => times.help.push(await timeNode(commands.help, env)),
            async () => times.get.push(await timeNode(commands.get, env)),
          ]);
        }
        samples.node.push(median(times.node));
        samples.help.push(median(times.help));
        samples.get.push(median(times.get));
      }
      const buildNote = built ? ' The bundle was built first (it was missing or stale).' : '';
      const entries: BenchEntry[] = [
        boundedEntry(
          'cli.help',
          'ms',
          samples.help,
          samples.node,
          150,
          '≤ 150 ms',
          `Wall time of \`peerconn --help\` (bundled bin), median of ${reps} runs per round; baseline: \`node -e 0\` in the same rounds.${buildNote}`,
          'wall time',
        ),
        boundedEntry(
          'cli.get',
          'ms',
          samples.get,
          samples.node,
          250,
          '≤ 250 ms',
          `Wall time of \`peerconn get <id> --role initiator\` against a running local server (one signed GET over loopback), median of ${reps} runs per round; baseline: \`node -e 0\`.${buildNote}`,
          'wall time',
        ),
      ];
      return entries.filter((e) => selected(settings, e.name));
    } finally {
      await server.stop();
    }
  });
};
