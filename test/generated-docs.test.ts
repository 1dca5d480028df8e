// The generated parts of README.md and docs/ say what their sources say now: the server's option tables come from
// its options table, docs/coverage.md from the operation table. `npm run docs` regenerates them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_FILES, GENERATED_REGIONS } from '../scripts/docs/generated.ts';
import { currentRegion } from '../scripts/docs/regions.ts';
import { root } from './readme-support.ts';

for (const region of GENERATED_REGIONS) {
  test(`${region.file}: the ${region.name} are as generated`, () => {
    const { text, expected } = currentRegion(root, region);
    assert.ok(text === expected, `${region.file} (${region.name}) is stale: run npm run docs`);
  });
}

for (const generated of GENERATED_FILES) {
  test(`${generated.file} is as generated`, () => {
    const text = readFileSync(join(root, generated.file), 'utf8');
    assert.ok(text === generated.render(), `${generated.file} is stale: run npm run docs`);
  });
}
