// `npm run docs`: rewrites the generated parts of README.md and docs/ from their sources (the server's options
// table, the operation table). `--check` changes nothing and exits 1 when one is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_FILES, GENERATED_REGIONS } from './docs/generated.ts';
import { currentRegion } from './docs/regions.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const stale: string[] = [];

const texts = new Map<string, string>();
for (const region of GENERATED_REGIONS) {
  const before = texts.get(region.file) ?? readFileSync(join(root, region.file), 'utf8');
  const { expected } = currentRegion(root, region, before);
  if (expected !== before) stale.push(`${region.file} (${region.name})`);
  texts.set(region.file, expected);
}
for (const generated of GENERATED_FILES) {
  const expected = generated.render();
  let before = '';
  try {
    before = readFileSync(join(root, generated.file), 'utf8');
  } catch {
    // not written yet
  }
  if (expected !== before) stale.push(generated.file);
  texts.set(generated.file, expected);
}

if (check) {
  if (stale.length > 0) {
    process.stderr.write(`stale, run npm run docs: ${stale.join(', ')}\n`);
    process.exit(1);
  }
} else {
  for (const [file, text] of texts) writeFileSync(join(root, file), text);
  process.stdout.write(stale.length > 0 ? `updated: ${stale.join(', ')}\n` : 'up to date\n');
}
