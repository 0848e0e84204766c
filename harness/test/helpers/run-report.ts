/** Run `hil run ...` as a child process and load the report.json it wrote (path from stdout). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../../src/core/paths.ts';
import type { RunReport } from '../../src/core/results.ts';
import { runCli, type CliResult } from './run-cli.ts';

export interface RunWithReport extends CliResult {
  /** The run folder (reports/<run-id>/). */
  readonly dir: string;
  readonly report: RunReport;
  readonly html: string;
}

/** The run folder named by the report.html path `hil run` prints last on stdout. */
export function reportDirOf(stdout: string): string {
  const last = stdout.trim().split('\n').pop() ?? '';
  if (!last.endsWith('report.html')) throw new Error(`hil run printed no report path; stdout: ${JSON.stringify(stdout.slice(-300))}`);
  return path.dirname(path.resolve(REPO_ROOT, last));
}

export async function runWithReport(args: readonly string[], env: Record<string, string> = {}): Promise<RunWithReport> {
  const r = await runCli(['run', ...args], env);
  let dir: string;
  try {
    dir = reportDirOf(r.stdout);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nexit ${r.code}, stderr: ${r.stderr.slice(-2000)}`);
  }
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
  return { ...r, dir, report, html: readFileSync(path.join(dir, 'report.html'), 'utf8') };
}
