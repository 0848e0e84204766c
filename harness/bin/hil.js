#!/usr/bin/env node
// Launcher for the `hil` CLI.
// - Installed from the package (npm i -D hil-<version>.tgz): the compiled JavaScript in ../dist.
// - In a checkout of hil's repository, where the TypeScript sources sit beside this file: the
//   sources through tsx, so `npx hil` works right after `npm ci` and an edit needs no build step.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}
