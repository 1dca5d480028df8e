// Compiles one workspace package's TypeScript (its tsconfig.build.json) to ESM JavaScript with type declarations
// in its dist/, which is what the package exports to everyone outside this workspace. Used by build-sdk.mjs and
// build-server.mjs.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * Removes what an earlier compile wrote to `dist` (except the entries in `keep`), then compiles afresh; `outDir`
 * compiles elsewhere instead (tests, so they never rewrite the dist others read).
 */
export function compilePackage(dir, { keep = [], outDir } = {}) {
  const dist = outDir ?? join(dir, 'dist');
  for (const name of safeList(dist)) {
    if (!keep.includes(name)) rmSync(join(dist, name), { recursive: true, force: true });
  }
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', join(dir, 'tsconfig.build.json'), '--outDir', dist],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  rewriteDeclarationImports(dist, keep);
}

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// tsc rewrites `./x.ts` to `./x.js` in JavaScript but keeps it in declarations; consumers resolve `.js`.
function rewriteDeclarationImports(dir, keep) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (keep.includes(entry.name)) continue;
    const file = join(dir, entry.name);
    if (entry.isDirectory()) {
      rewriteDeclarationImports(file, []);
      continue;
    }
    if (!entry.name.endsWith('.d.ts')) continue;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
  }
}
