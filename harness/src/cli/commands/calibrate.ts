/**
 * `hil calibrate BOARD_REPORT EMULATOR_REPORT`: fit the cycles per instruction that turn the
 * emulator's instruction counts into the board's cycles (perf/calibrate-cpi.ts), print it per case
 * and per stage, and write it with its provenance into a target profile of hil.config.json, so
 * that later emulator runs carry the calibrated CPI and say where it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

import { CONFIG_NAME, parseJsonFile } from '../../config/load-config.ts';
import { validateConfig } from '../../config/validate-config.ts';
import { HarnessError } from '../../core/errors.ts';
import { displayPath } from '../../core/paths.ts';
import { fitCpi, type CpiFit } from '../../perf/calibrate-cpi.ts';
import { writeFileAtomic } from '../../reporters/atomic-files.ts';
import { readReportFile } from '../../runner/load-baseline.ts';
import { runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface CalibrateArgs {
  board: string;
  emulator: string;
  profile?: string;
  config?: string;
  'dry-run': boolean;
  json: boolean;
}

function table(fit: CpiFit): string {
  const lines = [`${'case'.padEnd(36)} ${'frames'.padStart(7)} ${'board cycles'.padStart(14)} ${'emu instr'.padStart(14)} ${'CPI'.padStart(7)}`];
  for (const c of fit.perCase) lines.push(`${c.id.padEnd(36)} ${String(c.frames).padStart(7)} ${String(c.cycles).padStart(14)} ${String(c.instructions).padStart(14)} ${c.cpi.toFixed(4).padStart(7)}`);
  if (fit.perStage.length) {
    lines.push('', `${'stage'.padEnd(14)} ${'board cycles'.padStart(14)} ${'emu instr'.padStart(14)} ${'CPI'.padStart(7)}`);
    for (const s of fit.perStage) lines.push(`${s.name.padEnd(14)} ${String(Math.round(s.cycles)).padStart(14)} ${String(Math.round(s.instructions)).padStart(14)} ${s.cpi.toFixed(4).padStart(7)}`);
  }
  const c = fit.calibration;
  lines.push('', `CPI ${c.cpi} over ${c.cases} cases, ${c.frames} frames (per case ${c.spread.min} .. ${c.spread.max})`);
  for (const s of fit.skipped) lines.push(`skipped ${s.id}: ${s.why}`);
  return lines.join('\n');
}

/** The config file with `profile` carrying the calibrated CPI; other keys are kept as they are. */
function withCalibration(file: string, profile: string, fit: CpiFit, kind: string): string {
  const raw = existsSync(file) ? (parseJsonFile(readFileSync(file, 'utf8'), displayPath(file)) as Record<string, unknown>) : {};
  validateConfig(raw, displayPath(file));
  const targets = { ...((raw.targets as Record<string, Record<string, unknown>> | undefined) ?? {}) };
  const before = targets[profile] ?? { kind };
  if (before.kind !== kind) {
    throw new HarnessError('CONFIG', `${displayPath(file)}: targets.${profile} is a ${String(before.kind)} profile; the emulator report ran a ${kind} target (name another with --profile)`, { file, key: `targets.${profile}.kind` });
  }
  targets[profile] = { ...before, cpi: fit.calibration.cpi, cpiCalibration: fit.calibration };
  const next = { ...raw, targets };
  validateConfig(next, displayPath(file));
  return `${JSON.stringify(next, null, 2)}\n`;
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: COMMANDS.calibrate.command,
  describe: COMMANDS.calibrate.describe,
  builder: (y: Argv) =>
    y
      .positional('board', { type: 'string', demandOption: true, describe: 'report.json of a bench-board run (counter dwt: true cycles)' })
      .positional('emulator', { type: 'string', demandOption: true, describe: 'report.json of an emulator run of the same cases (counter icount); run both with --profile for per-stage CPIs' })
      .option('profile', { type: 'string', describe: "target profile to write the CPI into (default: the emulator report's profile)" })
      .option('config', { alias: 'c', type: 'string', describe: `project config file to update (default ./${CONFIG_NAME}; created if missing)` })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the fit, write nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'print the fit as JSON on stdout' })
      .example('$0 calibrate reports/board-run/report.json reports/qemu-run/report.json', 'store the fitted CPI in the qemu profile of hil.config.json')
      .example('$0 calibrate b.json q.json --profile m4-nightly --dry-run', 'only print the fit') as unknown as Argv<CalibrateArgs>,
  handler: runHandler<CalibrateArgs>(async (args) => {
    const board = { report: await readReportFile(args.board), file: args.board };
    const emu = { report: await readReportFile(args.emulator), file: args.emulator };
    const fit = fitCpi(board, emu);
    const profile = args.profile ?? emu.report.target.profile;
    const configFile = path.resolve(args.config ?? CONFIG_NAME);
    if (args.config && !existsSync(configFile)) throw new HarnessError('CONFIG', `--config ${args.config}: file not found`, { file: configFile, key: 'config' });
    process.stderr.write(`${table(fit)}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify(fit, null, 2)}\n`);
    if (args['dry-run']) {
      process.stderr.write('dry run: nothing written\n');
      return 0;
    }
    const text = withCalibration(configFile, profile, fit, emu.report.target.kind);
    await writeFileAtomic(configFile, text);
    process.stderr.write(`wrote targets.${profile}.cpi = ${fit.calibration.cpi} (with its provenance, cpiCalibration) to ${displayPath(configFile)}\n`);
    return 0;
  }),
};
