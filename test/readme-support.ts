// The README's code blocks as the tests that run them extract them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The code of the first `language` block after `marker` in README.md, with its final newline. */
export function readmeBlockAfter(marker: string, language: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(marker);
  assert.notEqual(start, -1, `README lost "${marker}"`);
  const fence = `\`\`\`${language}\n`;
  const open = readme.indexOf(fence, start);
  const close = readme.indexOf('\n```', open + fence.length);
  assert.ok(open !== -1 && close !== -1, `no ${language} block after "${marker}"`);
  return readme.slice(open + fence.length, close + 1);
}
