// Parts of README.md and docs/ that are generated: each sits between a start and an end marker, and
// `npm run docs` rewrites it from its source; test/generated-docs.test.ts fails when one is stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedRegion {
  /** Relative to the repository root. */
  file: string;
  /** The name in the markers: `<!-- generated: NAME (npm run docs) -->` … `<!-- end generated: NAME -->`. */
  name: string;
  render: () => string;
}

export const startMarker = (name: string) => `<!-- generated: ${name} (npm run docs) -->`;
export const endMarker = (name: string) => `<!-- end generated: ${name} -->`;

/** The file's text with the region replaced by `content`; throws when the markers are missing. */
export function withRegion(text: string, name: string, content: string): string {
  const start = text.indexOf(startMarker(name));
  const end = text.indexOf(endMarker(name));
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`the markers of the generated region "${name}" are missing`);
  }
  return `${text.slice(0, start + startMarker(name).length)}\n${content}${text.slice(end)}`;
}

/** The file as it is (or as given) and as it should be with the region rendered afresh. */
export function currentRegion(
  root: string,
  region: GeneratedRegion,
  text = readFileSync(join(root, region.file), 'utf8'),
): { text: string; expected: string } {
  return { text, expected: withRegion(text, region.name, region.render()) };
}

/** A document generated whole. */
export interface GeneratedFile {
  file: string;
  render: () => string;
}
