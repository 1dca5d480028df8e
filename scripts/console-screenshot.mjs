#!/usr/bin/env node
// Remakes docs/console.png and docs/topology.png: runs the console's browser suites, whose scenes are saved where
// PEERCONN_CONSOLE_SCREENSHOT and PEERCONN_TOPOLOGY_SCREENSHOT point. The pictures are what the test runs saw,
// not hand-made mock-ups.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = [
  ['console-browser.test.ts', 'PEERCONN_CONSOLE_SCREENSHOT', join(root, 'docs/console.png')],
  ['console-network.test.ts', 'PEERCONN_TOPOLOGY_SCREENSHOT', join(root, 'docs/topology.png')],
];
for (const [suite, variable, target] of shots) {
  const before = existsSync(target) ? statSync(target).mtimeMs : 0;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', join(root, 'packages/server/test', suite)],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_OPTIONS: [process.env.NODE_OPTIONS, '--conditions=source'].filter(Boolean).join(' '),
        [variable]: target,
      },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  if (!existsSync(target) || statSync(target).mtimeMs === before) {
    console.error(`console-screenshot: ${suite} passed but wrote no screenshot (was Chromium missing?)`);
    process.exit(1);
  }
  console.log(`console-screenshot: wrote ${target}`);
}
