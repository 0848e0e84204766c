/** Read a baseline report.json, with errors naming the file. */
import { readFile } from 'node:fs/promises';

import { parseJsonFile } from '../config/load-config.ts';
import { HarnessError } from '../core/errors.ts';
import { REPORT_SCHEMA, type RunReport } from '../core/results.ts';

export async function readReportFile(file: string): Promise<RunReport> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new HarnessError('INPUT', `${file}: cannot read report (${e.code === 'ENOENT' ? 'no such file' : e.message})`, { file });
  });
  const data = parseJsonFile(text, file) as Partial<RunReport>;
  if (data === null || typeof data !== 'object' || data.schema !== REPORT_SCHEMA || !Array.isArray(data.cases)) {
    throw new HarnessError('INPUT', `${file}: not a hil report (schema ${JSON.stringify(data?.schema)}, expected ${REPORT_SCHEMA})`, { file });
  }
  return data as RunReport;
}

export async function loadBaseline(file: string, threshold: number): Promise<{ report: RunReport; path: string; threshold: number }> {
  if (!(threshold >= 0)) throw new HarnessError('USAGE', `--baseline-threshold ${threshold}: expected a fraction >= 0, e.g. 0.05`);
  return { report: await readReportFile(file), path: file, threshold };
}
