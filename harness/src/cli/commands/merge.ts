/** `hil merge`: combine shard reports into one report folder, as if one run had run every case. */
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

import { displayPath, projectPaths } from '../../core/paths.ts';
import { readReportFile } from '../../runner/load-baseline.ts';
import { mergeReports } from '../../runner/merge.ts';
import { newRunId } from '../../runner/run-id.ts';
import { writeReports } from '../../reporters/write-reports.ts';
import { runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface MergeArgs {
  reports: string[];
  'reports-dir'?: string;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: COMMANDS.merge.command,
  describe: COMMANDS.merge.describe,
  builder: (y: Argv) =>
    y
      .positional('reports', { type: 'string', array: true, demandOption: true, describe: 'report.json files of the shards' })
      .option('reports-dir', { type: 'string', describe: 'where to write the merged report folder (default reports/ in the working directory)' })
      .example('$0 merge shard1/report.json shard2/report.json', 'one report for a CI matrix') as unknown as Argv<MergeArgs>,
  handler: runHandler<MergeArgs>(async (args) => {
    const reports = [];
    for (const f of args.reports) reports.push(await readReportFile(f));
    const merged = mergeReports(reports, newRunId(), args.reports);
    const written = await writeReports(merged, { reportsDir: args['reports-dir'] ? path.resolve(args['reports-dir']) : projectPaths(process.cwd()).reports, failedOutputs: new Map() });
    process.stderr.write(`merged ${reports.length} reports: ${merged.summary.total} cases, ${merged.summary.passed} passed, ${merged.summary.failed} failed, ${merged.summary.error} errors\n`);
    process.stdout.write(`${displayPath(written.html)}\n`);
    return merged.exitCode;
  }),
};
