#!/usr/bin/env node
// Remakes docs/console.png: runs the console's browser suite, whose last scene is saved where
// PEERCONN_CONSOLE_SCREENSHOT points. The picture is what the test run saw, not a hand-made mock-up.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs/console.png');
const before = existsSync(target) ? statSync(target).mtimeMs : 0;
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', join(root, 'packages/server/test/console-browser.test.ts')],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--conditions=source'].filter(Boolean).join(' '),
      PEERCONN_CONSOLE_SCREENSHOT: target,
    },
  },
);
if (result.status !== 0) process.exit(result.status ?? 1);
if (!existsSync(target) || statSync(target).mtimeMs === before) {
  console.error('console-screenshot: the suite passed but wrote no screenshot (was Chromium missing?)');
  process.exit(1);
}
console.log(`console-screenshot: wrote ${target}`);
