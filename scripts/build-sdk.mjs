#!/usr/bin/env node
// Compiles @peerconn/sdk to plain ESM JavaScript with type declarations in packages/sdk/dist, which is what
// the package exports to everyone outside this workspace (the workspace itself runs the sources).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePackage } from './compile-package.mjs';

compilePackage(join(dirname(fileURLToPath(import.meta.url)), '../packages/sdk'));
