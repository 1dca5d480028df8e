// The entry of the single executable (scripts/build-binary.mjs): the same command as `peerconn-server`, with the
// two things a package would find on disk carried inside the file as assets. The SQLite addon is written to a
// private temporary file, loaded, and removed at once (Linux keeps a loaded library mapped); the console's files
// are served straight from the assets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { runServerCli } from '@peerconn/server';

/** Asset names, as scripts/build-binary.mjs stores them. */
const ADDON_ASSET = 'better_sqlite3.node';
const CONSOLE_ASSET_PREFIX = 'web/';

function loadAddon(): object {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-sqlite-'));
  try {
    const file = join(dir, ADDON_ASSET);
    writeFileSync(file, new Uint8Array(getAsset(ADDON_ASSET)));
    const module = { exports: {} };
    process.dlopen(module, file);
    return module.exports;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function consoleFile(name: string): Promise<Buffer | undefined> {
  try {
    return Buffer.from(getAsset(`${CONSOLE_ASSET_PREFIX}${name}`));
  } catch {
    return undefined;
  }
}

// No top-level await: a single executable runs its script as CommonJS.
if (isSea()) {
  runServerCli(process.argv.slice(2), {
    options: { sqliteAddon: loadAddon(), consoleFiles: consoleFile },
  }).catch((error: unknown) => {
    process.stderr.write(`peerconn-server: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
} else {
  process.stderr.write(
    'peerconn-server: this bundle runs inside the single executable only (npm run build:binary)\n',
  );
  process.exitCode = 1;
}
