// Start-up and resident memory of the server as users outside the workspace run it — the compiled package
// (`node packages/server/dist/main.js`, what `npx peerconn-server` runs) and the single executable — each beside
// the source run (`npm start`: TypeScript through tsx) in the same interleaved rounds. An empty in-memory store,
// so the figures are the program's own cost, not its data's (server.scale.* measures a large database).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchEntry, BenchModule } from './entry.ts';
import { selected, settingsOf, wants, withWorkDir } from './lib/harness.ts';
import { childEnv, repoRoot, rssMb, track } from './lib/procs.ts';
import { alternate, median, ratioEntry, round } from './lib/stats.ts';

const compiledMain = join(repoRoot, 'packages/server/dist/main.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const time = entry.isDirectory() ? newest(full) : statSync(full).mtimeMs;
    if (time > latest) latest = time;
  }
  return latest;
}

function runScript(script: string, args: string[] = []): void {
  const result = spawnSync(process.execPath, [join(repoRoot, script), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status}); run npm run build`);
}

interface Started {
  startupMs: number;
  rssMb: number;
}

/**
 * Spawn to the `listening` line; RSS once the banner is out and the server idles; then SIGTERM. The built forms
 * run as installed: without the workspace's `source` condition (which a test run passes on in NODE_OPTIONS).
 */
function startOnce(command: string, args: string[], built: boolean): Promise<Started> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child: ChildProcess = track(
      spawn(command, [...args, '--port', '0', '--data', ':memory:', '--log-level', 'warn'], {
        cwd: repoRoot,
        env: built ? { ...childEnv(), NODE_OPTIONS: '' } : childEnv(),
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    let startupMs = Number.NaN;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} printed no banner within 60 s`));
    }, 60_000);
    child.once('exit', (code) => {
      if (Number.isNaN(startupMs)) {
        clearTimeout(timer);
        reject(new Error(`${command} exited (${code}) before its banner`));
      }
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('listening ') && Number.isNaN(startupMs)) startupMs = performance.now() - started;
      if (!line.startsWith('try: ')) return;
      clearTimeout(timer);
      lines.close();
      child.stdout!.resume();
      const rss = rssMb(child.pid as number);
      child.once('exit', () => resolve({ startupMs, rssMb: rss }));
      child.kill('SIGTERM');
    });
  });
}

export const run: BenchModule = async (options) => {
  const settings = settingsOf(options);
  if (!wants(settings, 'packaged')) return [];
  const { log, rounds, smoke } = options;
  if (
    !existsSync(compiledMain) ||
    newest(join(repoRoot, 'packages/server/src')) > statSync(compiledMain).mtimeMs
  ) {
    log(
      'packaged: the compiled server is missing or older than its sources; compiling it (scripts/build-server.mjs)',
    );
    runScript('scripts/build-server.mjs');
  }
  return withWorkDir('packaged', async (dir) => {
    const binary = join(dir, 'peerconn-server-linux-x64');
    const buildStarted = performance.now();
    runScript('scripts/build-binary.mjs', ['--out', binary]);
    const buildMs = performance.now() - buildStarted;
    const variants = {
      source: () =>
        startOnce(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', 'packages/server/src/main.ts'],
          false,
        ),
      compiled: () => startOnce(process.execPath, [compiledMain], true),
      binary: () => startOnce(binary, [], true),
    };
    // One untimed start each fills the page cache (the executable is 100 MB).
    for (const start of Object.values(variants)) await start();
    const reps = smoke ? 1 : 5;
    const samples = {
      source: { startup: [] as number[], rss: [] as number[] },
      compiled: { startup: [] as number[], rss: [] as number[] },
      binary: { startup: [] as number[], rss: [] as number[] },
    };
    for (let r = 0; r < rounds; r++) {
      const perRound = {
        source: [] as Started[],
        compiled: [] as Started[],
        binary: [] as Started[],
      };
      for (let k = 0; k < reps; k++) {
        await alternate(
          r * reps + k,
          (['source', 'compiled', 'binary'] as const).map((name) => async () => {
            perRound[name].push(await variants[name]());
          }),
        );
      }
      for (const name of ['source', 'compiled', 'binary'] as const) {
        samples[name].startup.push(median(perRound[name].map((s) => s.startupMs)));
        samples[name].rss.push(median(perRound[name].map((s) => s.rssMb)));
      }
    }
    const size = statSync(binary).size / 2 ** 20;
    const how = `median of ${reps} starts per round, interleaved with the source run (node --import tsx packages/server/src/main.ts, as npm start), which is the baseline; --data :memory:, an empty store.`;
    const entries: BenchEntry[] = [
      ratioEntry(
        'packaged.startup.compiled',
        'ms',
        samples.compiled.startup,
        samples.source.startup,
        { kind: 'ratio-at-most', bound: 1 },
        `Spawn to the "listening" line of node packages/server/dist/main.js (the published package, no tsx), ${how}`,
        'wall time',
      ),
      ratioEntry(
        'packaged.startup.binary',
        'ms',
        samples.binary.startup,
        samples.source.startup,
        { kind: 'ratio-at-most', bound: 1 },
        `Spawn to the "listening" line of the single executable (npm run build:binary: ${round(size)} MiB, ready in ${round(buildMs / 1000)} s, reused when its inputs are unchanged), ${how}`,
        'wall time',
      ),
      ratioEntry(
        'packaged.rss.compiled',
        'MB',
        samples.compiled.rss,
        samples.source.rss,
        { kind: 'ratio-at-most', bound: 1 },
        `Resident memory right after the banner of the compiled package, ${how}`,
        'none (VmRSS)',
      ),
      ratioEntry(
        'packaged.rss.binary',
        'MB',
        samples.binary.rss,
        samples.source.rss,
        { kind: 'ratio-at-most', bound: 1 },
        `Resident memory right after the banner of the single executable, ${how}`,
        'none (VmRSS)',
      ),
    ];
    return entries.filter((e) => selected(settings, e.name));
  });
};
