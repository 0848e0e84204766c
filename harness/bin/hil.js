#!/usr/bin/env node
// Launcher for the `hil` CLI: runs the TypeScript sources through tsx so a clone works right
// after `npm ci`, with no separate compile step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
