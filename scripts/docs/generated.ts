// What `npm run docs` generates, and from what.
import { coverageMarkdown } from './coverage.ts';
import { performanceMarkdown } from './performance.ts';
import type { GeneratedFile, GeneratedRegion } from './regions.ts';
import { serverOptionsMarkdown } from './server-options.ts';

export const GENERATED_REGIONS: readonly GeneratedRegion[] = [
  { file: 'README.md', name: 'server options', render: serverOptionsMarkdown },
  { file: 'README.md', name: 'performance table', render: performanceMarkdown },
  { file: 'docs/server.md', name: 'server options', render: serverOptionsMarkdown },
];

export const GENERATED_FILES: readonly GeneratedFile[] = [
  { file: 'docs/coverage.md', render: coverageMarkdown },
];
