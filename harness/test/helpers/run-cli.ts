/** Run the real `hil` CLI as a child process and capture its output and exit code. */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { REPO_ROOT } from '../../src/core/paths.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const HIL_BIN = path.join(REPO_ROOT, 'harness', 'bin', 'hil.js');

/** `bin`: another hil launcher (an installed package's); `cwd`: default this repository. */
export function runCli(args: readonly string[], env: Record<string, string> = {}, o: { cwd?: string; bin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [o.bin ?? HIL_BIN, ...args], {
      cwd: o.cwd ?? REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
