#!/usr/bin/env node
// `npm run soak`: the reliability suites with long histories and many seeds (PEERCONN_SOAK=1), on SQLite and, when
// PostgreSQL is there, on PostgreSQL too (scripts/run-tests.mjs decides), then the figures every suite reported:
// printed, and written to docs/soak.md, which the README quotes.
//
//   npm run soak                      the full soak
//   npm run soak -- --scale 0.25      histories and seeds scaled (the fuzz always sends 10,000 requests)
//   npm run soak -- --sqlite-only     skip the PostgreSQL pass
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const SUITES = [
  'packages/server/test/model-http.test.ts',
  'packages/server/test/model-process.test.ts',
  'packages/server/test/model-regressions.test.ts',
  'packages/server/test/reliability-crash.test.ts',
  'packages/server/test/reliability-fuzz.test.ts',
  'packages/server/test/reliability-sdk-faults.test.ts',
];

const args = process.argv.slice(2);
const scaleAt = args.indexOf('--scale');
const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : Number(process.env.PEERCONN_SOAK_SCALE ?? '1');
if (!(scale > 0)) {
  console.error('soak: --scale takes a positive number');
  process.exit(2);
}
const sqliteOnly = args.includes('--sqlite-only');

const dir = mkdtempSync(join(tmpdir(), 'peerconn-soak-'));
const reportFile = join(dir, 'figures.jsonl');
writeFileSync(reportFile, '');
const started = Date.now();
const run = spawnSync(
  process.execPath,
  ['scripts/run-tests.mjs', ...(sqliteOnly ? ['--sqlite-only'] : []), ...SUITES],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      PEERCONN_SOAK: '1',
      PEERCONN_SOAK_SCALE: String(scale),
      PEERCONN_SOAK_REPORT: reportFile,
    },
  },
);
const minutes = (Date.now() - started) / 60_000;
const rows = readFileSync(reportFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
rmSync(dir, { recursive: true, force: true });

const COLUMNS = [
  ['histories', 'histories'],
  ['steps', 'steps'],
  ['crashes', 'crashes survived'],
  ['writesVerified', 'writes verified'],
  ['malformedRequests', 'malformed requests'],
  ['mutationsRefused', 'mutations refused'],
  ['faultsInjected', 'faults met by the SDK'],
];
const total = Object.fromEntries(COLUMNS.map(([key]) => [key, rows.reduce((n, r) => n + (r[key] ?? 0), 0)]));
const cell = (n) => (n === undefined ? '' : n.toLocaleString('en-US'));
const table = [
  `| suite | ${COLUMNS.map(([, label]) => label).join(' | ')} |`,
  `|---|${COLUMNS.map(() => '---:').join('|')}|`,
  ...rows.map((r) => `| ${r.suite} | ${COLUMNS.map(([key]) => cell(r[key])).join(' | ')} |`),
  `| **total** | ${COLUMNS.map(([key]) => `**${cell(total[key])}**`).join(' | ')} |`,
].join('\n');

const outcome = run.status === 0 ? 'every suite passed' : `FAILED (exit ${run.status})`;
const when = new Date().toISOString().slice(0, 10);
const machine = `${cpus().length} CPU${cpus().length === 1 ? '' : 's'}, node ${process.version}`;
const text = `# Soak run

The figures of the last \`npm run soak\` (written by scripts/soak.mjs; see the README's Reliability section for
what each suite checks). ${when}, scale ${scale}${sqliteOnly ? ', SQLite only' : ''}, ${minutes.toFixed(1)} minutes on ${machine}:
${outcome}.

${table}
`;
console.log(`\n${table}\n\nsoak: ${outcome} in ${minutes.toFixed(1)} minutes`);
if (rows.length > 0) {
  writeFileSync('docs/soak.md', text);
  console.log('soak: figures written to docs/soak.md');
}
process.exit(run.status ?? 1);
