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

export interface ReadmeBlock {
  language: string;
  /** Its code, with its final newline. */
  code: string;
}

/**
 * The code blocks of the README section that `heading` opens, in order: up to the next heading of its level or
 * above (`## ` for a `### ` heading).
 */
export function readmeSectionBlocks(heading: string): ReadmeBlock[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `README lost "${heading}"`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const next = new RegExp(`\\n#{1,${level}} `, 'g');
  next.lastIndex = start + heading.length + 1;
  const end = next.exec(readme)?.index ?? readme.length;
  const blocks: ReadmeBlock[] = [];
  for (const match of readme.slice(start, end).matchAll(/\n```(\S+)\n([\s\S]*?\n)```\n/g)) {
    blocks.push({ language: match[1] ?? '', code: match[2] ?? '' });
  }
  return blocks;
}
