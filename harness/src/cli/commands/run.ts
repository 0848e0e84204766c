/**
 * `hil run`: the regression. Streams every selected case through the firmware on a target,
 * asserts bit-exactness and real-time margin, checks budgets and writes reports/<run-id>/.
 * Exit code 0 all passed, 1 a test failed, 2 an infrastructure error; 130 (SIGINT) or 143
 * (SIGTERM) when interrupted, after writing the report of the finished cases, marked incomplete.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

import { loadConfig } from '../../config/load-config.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import { HarnessError } from '../../core/errors.ts';
import { displayPath } from '../../core/paths.ts';
import { loadBaseline } from '../../runner/load-baseline.ts';
import { parseShard, selectCases } from '../../runner/plan.ts';
import { runRegression } from '../../runner/run.ts';
import { loadSuites } from '../../runner/suites.ts';
import { newRunId } from '../../runner/run-id.ts';
import { readParamsFile } from '../../tune/params-file.ts';
import { onInterrupt } from '../../targets/child-registry.ts';
import { createConsoleReporter } from '../../reporters/console-reporter.ts';
import { checkRunId, writeReports } from '../../reporters/write-reports.ts';
import { checkFirmwareImage } from '../../firmware-image/check-image.ts';
import { checkWindow, parseParams } from '../common-options.ts';
import { parseFaultOptions } from '../fault-options.ts';
import { runHandler, signalExit } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';
import { checkRunNumbers, withRunOptions, type RunArgs } from '../run-options.ts';

interface RunCommandArgs extends RunArgs {
  'reports-dir'?: string;
  'run-id'?: string;
}

/** The run id (given or new) and the folder it may use: a given id must not overwrite a run. */
function runFolder(args: RunCommandArgs, configured: string): { runId: string; reportsDir: string } {
  const reportsDir = args['reports-dir'] ? path.resolve(args['reports-dir']) : configured;
  const given = args['run-id'];
  if (given === undefined) return { runId: newRunId(), reportsDir };
  try {
    checkRunId(given);
  } catch (e) {
    throw new HarnessError('USAGE', `--run-id ${JSON.stringify(given)}: expected a plain folder name (letters, digits, . _ -; not "latest")`, { key: 'run-id' }, { cause: e });
  }
  const dir = path.join(reportsDir, given);
  if (existsSync(dir)) throw new HarnessError('USAGE', `--run-id ${given}: ${displayPath(dir)} already exists; choose another id`, { key: 'run-id', file: dir });
  return { runId: given, reportsDir };
}

export const runCommand: CommandModule<object, RunCommandArgs> = {
  command: COMMANDS.run.command,
  describe: COMMANDS.run.describe,
  builder: (y: Argv) =>
    withRunOptions(y)
      .option('reports-dir', { type: 'string', describe: 'parent folder of the run folders (default: the config\'s reportsDir, else reports/); <dir>/latest points at the newest run' })
      .option('run-id', { type: 'string', describe: 'name of the run folder (default: a UTC timestamp plus a random suffix); must not exist yet' })
      .example('$0 run --target qemu', 'every suite on the emulated Cortex-M4 with the reference firmware')
      .example('$0 run --target sim --suite smoke --grep "tone*"', 'a quick subset on the host simulator')
      .example('$0 run --shard 2/4 --jobs 2', 'the second quarter of the cases, two emulators in parallel')
      .example('$0 run --baseline reports/main/report.json', 'flag per-case cycle regressions against an earlier run') as unknown as Argv<RunCommandArgs>,
  handler: runHandler<RunCommandArgs>(async (args) => {
    checkRunNumbers(args);
    const cfgFile = loadConfig(args.config);
    const cfg = resolveConfig(cfgFile.file, cfgFile.path, {
      target: args.target,
      firmware: args.firmware,
      model: args.model,
      clockHz: args.clock,
      cpi: args.cpi,
      requiredMargin: args['required-margin'],
      link: args.link,
      port: args.port,
      baudRate: args.baud,
    });
    checkFirmwareImage(cfg.profile.kind, cfg.profile.firmware, cfg.profile.qemu.binary); // before any output: one line if wrong
    const suites = await loadSuites(cfg.defaults.vectorsDir, args.suite?.length ? args.suite : cfg.defaults.suites);
    const shard = args.shard ? parseShard(args.shard) : null;
    const cases = selectCases(suites.flatMap((s) => s.cases), { tags: args.tag ?? [], grep: args.grep ?? null, shard });
    if (cases.length === 0) throw new HarnessError('USAGE', 'no case matches the selection (check --suite, --tag, --grep, --shard)');
    const faults = parseFaultOptions(args);
    if (args.reference !== undefined && !existsSync(args.reference)) {
      throw new HarnessError('USAGE', `--reference ${args.reference}: no such file (expected the host-sim build of the model, e.g. firmware/build/host/hil-sim-model-s)`, { key: 'reference', file: args.reference });
    }
    // the reference for --diagnose: --reference, else the config file's own `sim` profile, else
    // the project's host-sim build of the device's model
    const simFile = cfgFile.file?.targets?.sim;
    const reference = args.reference ? path.resolve(args.reference) : simFile?.kind === 'sim' && simFile.firmware ? resolveConfig(cfgFile.file, cfgFile.path, { target: 'sim' }).profile.firmware : undefined;
    const baseline = args.baseline ? await loadBaseline(args.baseline, args['baseline-threshold'] ?? cfg.defaults.baselineThreshold) : null;
    const { runId, reportsDir } = runFolder(args, cfg.defaults.reportsDir);
    const controller = new AbortController();
    let interrupted: NodeJS.Signals | null = null;
    const off = onInterrupt((sig) => {
      if (interrupted) process.exit(signalExit(sig)); // second signal: give up at once (children die on exit)
      interrupted = sig;
      process.stderr.write(`\nhil: ${sig}: stopping; finished cases are kept and the report is marked incomplete\n`);
      controller.abort();
    });
    const jobs = args.jobs ?? cfg.defaults.jobs;
    const consoleReporter = createConsoleReporter({ stream: process.stderr });
    try {
      await consoleReporter.onRunStart?.({ runId, target: cfg.profile.name, totalCases: cases.length });
      const { report, outputs } = await runRegression({
        runId,
        profile: cfg.profile,
        cases,
        selection: { suites: suites.map((s) => s.name), tags: args.tag ?? [], grep: args.grep ?? null, shard: args.shard ?? null, jobs },
        window: checkWindow(args.window ?? cfg.defaults.window),
        framing: args.framing ?? 'auto',
        quality: args.quality !== false,
        jobs,
        retries: args.retries ?? cfg.defaults.retries,
        params: { ...cfg.profile.params, ...(args['params-file'] ? (await readParamsFile(args['params-file'])).params : {}), ...parseParams(args.param) },
        baseline,
        stageProfile: args.profile === true,
        diagnose: args.diagnose === false ? false : { ...(reference ? { firmware: reference } : {}) },
        projectRoot: cfg.root,
        firmwareBuild: cfg.defaults.firmwareBuild,
        command: ['hil', ...process.argv.slice(2)],
        signal: controller.signal,
        faults,
        onLinkFeasibility: (f) => {
          // before any case streams: a link that cannot carry the audio in real time makes the
          // run link-bound (its wall time measures the link, not the model)
          if (f.level !== 'ok') process.stderr.write(`hil: warning: ${f.message}\n`);
        },
        hooks: {
          onCaseStart: (c, index, total) => consoleReporter.onCaseStart?.({ id: c.id, index, total }),
          onProgress: (c, done, total, secondsPerFrame) => consoleReporter.onProgress?.({ id: c.id, framesDone: done, framesTotal: total, secondsPerFrame }),
          onCaseEnd: (r) => consoleReporter.onCaseEnd?.(r),
          onHandshake: (info) => {
            if (args.profile && !info.stages?.length) process.stderr.write(`hil: warning: --profile: model ${info.model} declares no stages (INFO has no "stages"); frames are profiled as a whole\n`);
          },
        },
      });
      const written = await writeReports(report, { reportsDir, failedOutputs: outputs });
      await consoleReporter.onRunEnd?.(report, written.dir);
      for (const w of written.warnings) process.stderr.write(`hil: warning: ${w}\n`);
      if (report.target.labgrid && !report.target.labgrid.released) process.stderr.write(`hil: warning: labgrid place ${report.target.labgrid.place} was not released: run labgrid-client -p ${report.target.labgrid.place} release\n`);
      process.stdout.write(`${displayPath(written.html)}\n`);
      return interrupted ? signalExit(interrupted) : report.exitCode;
    } finally {
      off();
    }
  }),
};
