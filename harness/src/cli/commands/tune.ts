/**
 * `hil tune`: level fine-tuning on a running device. Sweeps parameters over the protocol (no
 * reflash; model state reset between settings), measures each output (P.56 active level, RMS,
 * peak, clipping, noise floor, SNR against the clean reference), ranks the settings against a
 * level goal and writes reports/tune-<id>/ (index.html, tune.json, params.json, params.h).
 * `--interactive` opens a prompt on the device instead.
 * Exit code 0 the goal is met, 1 no setting meets it, 2 infrastructure or usage error.
 */
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';

import type { HilConfigFile } from '../../config/config-types.ts';
import { loadConfig } from '../../config/load-config.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import { HarnessError } from '../../core/errors.ts';
import { displayPath } from '../../core/paths.ts';
import { withSession } from '../../runner/open-session.ts';
import { profileLinkRate } from '../../runner/link-rate.ts';
import { newRunId } from '../../runner/run-id.ts';
import { onInterrupt } from '../../targets/child-registry.ts';
import { createProfileTarget } from '../../targets/create-target.ts';
import { LEVEL_METRICS, levelOf, levelUnit, resolveGoal, type LevelMetric, type TuneGoalInput } from '../../tune/goal.ts';
import { snrText } from '../../tune/format-levels.ts';
import { readParamsFile } from '../../tune/params-file.ts';
import { runRepl } from '../../tune/repl.ts';
import { runSweep } from '../../tune/run-sweep.ts';
import { checkAxes, describeSetting, parseSweepArgs, planSweep } from '../../tune/sweep-spec.ts';
import { fileCase, findVectorCase, loadTuneCase, type TuneCaseSource } from '../../tune/tune-case.ts';
import { buildTuneReport } from '../../tune/tune-report.ts';
import { writeTuneOutputs } from '../../tune/write-tune-outputs.ts';
import { checkWindow, parseParams, withTargetOptions, type TargetArgs } from '../common-options.ts';
import { EXIT, runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface TuneArgs extends TargetArgs {
  case?: string;
  input?: string;
  reference?: string;
  param?: string[];
  set?: string[];
  'params-file'?: string;
  'target-level'?: string;
  'level-tolerance'?: number;
  'level-metric'?: LevelMetric;
  'max-peak'?: string;
  'max-clipped'?: string;
  'min-snr-gain'?: string;
  interactive: boolean;
}

/** A number, or "off" for no constraint. */
function numberOrOff(flag: string, v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === 'off' || v === 'none') return null;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new HarnessError('USAGE', `--${flag} ${JSON.stringify(v)}: expected a number or "off"`, { key: flag });
  return n;
}

function goalFromArgs(a: TuneArgs): TuneGoalInput {
  return {
    metric: a['level-metric'],
    level: numberOrOff('target-level', a['target-level']),
    tolerance: a['level-tolerance'],
    maxPeak: numberOrOff('max-peak', a['max-peak']),
    maxClipped: numberOrOff('max-clipped', a['max-clipped']),
    minSnrGain: numberOrOff('min-snr-gain', a['min-snr-gain']),
  };
}

function goalFromConfig(t: HilConfigFile['tune']): TuneGoalInput | undefined {
  return t && { metric: t.levelMetric, level: t.targetLevel, tolerance: t.levelTolerance, maxPeak: t.maxPeak, maxClipped: t.maxClipped, minSnrGain: t.minSnrGain };
}

export const tuneCommand: CommandModule<object, TuneArgs> = {
  command: COMMANDS.tune.command,
  describe: COMMANDS.tune.describe,
  builder: (y: Argv) =>
    withTargetOptions(y)
      .option('case', { type: 'string', describe: 'vector case to play, suite/name (e.g. speech/en-us-m-white-10db); its manifest reference enables SNR' })
      .option('input', { type: 'string', describe: 'or any 16-bit mono WAV at the device rate to play' })
      .option('reference', { type: 'string', describe: 'clean version of --input, for SNR (optional)' })
      .option('param', {
        alias: 'p',
        type: 'array',
        string: true,
        describe: 'parameter to sweep: NAME=START:STOP:STEP, NAME=A,B,C or NAME=VALUE; repeat for a grid',
      })
      .option('set', { type: 'array', string: true, describe: 'parameter held for every setting, NAME=VALUE (overrides the case and --params-file)' })
      .option('params-file', { type: 'string', describe: 'parameter file (params.json from an earlier hil tune) held for every setting' })
      .option('target-level', { type: 'string', describe: 'goal: output level in dB, or "off" (default -26, or the config\'s tune.targetLevel)' })
      .option('level-tolerance', { type: 'number', describe: 'goal: +/- dB around --target-level (default 1)' })
      .option('level-metric', { choices: LEVEL_METRICS, describe: 'goal level: active = ITU-T P.56 active speech level in dBov (default), rms = RMS in dBFS' })
      .option('max-peak', { type: 'string', describe: 'goal: highest sample peak in dBFS, or "off" (default -1)' })
      .option('max-clipped', { type: 'string', describe: 'goal: most clipped samples (int16 rails or flat tops), or "off" (default 0)' })
      .option('min-snr-gain', { type: 'string', describe: 'goal: least noise reduction in dB (output SNR - input SNR, scale-invariant, against the clean reference; needs a case with a reference), or "off" (default off)' })
      .option('interactive', { alias: 'i', type: 'boolean', default: false, describe: 'open a prompt on the device: set/get parameters, play a case, A/B two settings' })
      .example('$0 tune -t qemu --case speech/clean-en-us-m --param input_gain_db=-12:12:3 --param output_gain_db=-6:6:2', 'grid sweep towards -26 dBov active level')
      .example('$0 tune -t sim --input quiet.wav --param input_gain_db=0:24:1 --target-level -23 --max-peak -3', 'find the gain that brings a recording to -23 dBov')
      .example('$0 tune -t qemu --case heldout/flite-slt-white-5db --param max_atten_db=0:20:5 --param output_gain_db=0:6:1 --min-snr-gain 6', 'suppression and make-up gain that reduce noise by 6 dB at -26 dBov')
      .example('$0 run --params-file reports/tune-<id>/params.json', 'run the regression with the tuned settings')
      .example('$0 tune -t qemu --interactive', 'prompt: set input_gain_db 6, play speech/clean-en-us-m, ab CASE input_gain_db=0 input_gain_db=6') as unknown as Argv<TuneArgs>,
  handler: runHandler<TuneArgs>(async (args) => {
    const cfgFile = loadConfig(args.config);
    const cfg = resolveConfig(cfgFile.file, cfgFile.path, { target: args.target, firmware: args.firmware, model: args.model, link: args.link, port: args.port, baudRate: args.baud });
    const profile = args['handshake-timeout'] ? { ...cfg.profile, handshakeTimeoutMs: args['handshake-timeout'] } : cfg.profile;
    const goal = resolveGoal(goalFromConfig(cfgFile.file?.tune), goalFromArgs(args));
    const axes = parseSweepArgs(args.param ?? []);
    const settings = planSweep(axes);
    const held = parseParams(args.set);
    const fromFile = args['params-file'] ? (await readParamsFile(args['params-file'])).params : {};
    if (args.case && args.input) throw new HarnessError('USAGE', '--case and --input both given; play one of them', { key: 'case' });
    if (args.reference && !args.input) throw new HarnessError('USAGE', '--reference goes with --input (a --case takes its reference from its manifest)', { key: 'reference' });
    const window = checkWindow(args.window);
    const resolveSpec = async (spec: string): Promise<TuneCaseSource> =>
      /\.wav$/i.test(spec) || existsSync(spec) ? fileCase(spec, undefined) : findVectorCase(cfg.defaults.vectorsDir, spec, 'case');

    const target = createProfileTarget(profile);
    const controller = new AbortController();
    if (args.interactive) {
      if (args.param?.length) throw new HarnessError('USAGE', '--param sweeps are not run in --interactive mode; use set and ab at the prompt', { key: 'param' });
      return withSession(target, { window, framing: args.framing, handshakeTimeoutMs: profile.handshakeTimeoutMs, linkRate: profileLinkRate(profile) }, async (s) => {
        for (const [k, v] of Object.entries({ ...profile.params, ...fromFile, ...held })) await s.setParam(k, v);
        await runRepl({ input: process.stdin, output: process.stdout, session: s, loadCase: async (spec) => loadTuneCase(await resolveSpec(spec), s.info.rate) });
        return EXIT.OK;
      });
    }

    let src: TuneCaseSource;
    if (args.case) src = await findVectorCase(cfg.defaults.vectorsDir, args.case);
    else if (args.input) src = fileCase(args.input, args.reference);
    else throw new HarnessError('USAGE', 'name the audio to play: --case suite/name or --input FILE.wav (or use --interactive)', { key: 'case' });
    const base = { ...profile.params, ...src.params, ...fromFile, ...held };
    const id = `tune-${newRunId()}`;
    let interrupted = false;
    const off = onInterrupt((sig) => {
      if (interrupted) process.exit(EXIT.INTERRUPTED); // second signal: give up at once
      interrupted = true;
      process.stderr.write(`\nhil: ${sig}: stopping after this setting; the report keeps the settings measured so far\n`);
      controller.abort();
    });
    try {
      const { report, written } = await withSession(target, { window, framing: args.framing, handshakeTimeoutMs: profile.handshakeTimeoutMs, linkRate: profileLinkRate(profile) }, async (s) => {
        checkAxes(axes, s.info.params, s.info.model);
        checkAxes(Object.entries(base).map(([name, v]) => ({ name, values: [v] })), s.info.params, s.info.model);
        const tc = await loadTuneCase(src, s.info.rate);
        const unit = levelUnit(goal.metric);
        process.stderr.write(`hil tune: ${tc.id} on ${s.target}: ${settings.length} setting(s)\n`);
        const sweep = await runSweep(s, {
          audio: tc,
          base,
          settings,
          goal,
          signal: controller.signal,
          onPoint: (p, done, total) => {
            const lvl = levelOf(p.levels, goal.metric);
            process.stderr.write(
              `  [${done}/${total}] ${describeSetting(p.setting)}: ${lvl === null ? 'silence' : `${lvl.toFixed(2)} ${unit}`}, peak ${p.levels.peakDbfs?.toFixed(2) ?? '-'} dBFS, clipped ${p.levels.clipped}${snrText(p.snr)}${p.verdict.pass ? '  ok' : ''}\n`,
            );
          },
        });
        const report = buildTuneReport({
          id,
          createdAt: new Date(),
          command: ['hil', ...process.argv.slice(2)],
          target: { profile: profile.name, kind: profile.kind, description: s.target },
          info: s.info,
          case: { id: tc.id, input: displayPath(tc.input), reference: tc.reference ? displayPath(tc.reference) : null, samples: tc.samples.length },
          goal,
          axes,
          base,
          sweep,
        });
        return { report, written: await writeTuneOutputs(report, cfg.defaults.reportsDir, sweep.bestOutput) };
      });
      const b = report.best;
      if (b) {
        const m = b.verdict.margins;
        const lvl = levelOf(b.levels, goal.metric);
        process.stderr.write(
          `best: ${describeSetting(b.setting)} -> ${lvl?.toFixed(2) ?? 'silence'} ${levelUnit(goal.metric)}, peak ${b.levels.peakDbfs?.toFixed(2) ?? '-'} dBFS, clipped ${b.levels.clipped}${snrText(b.snr)}` +
            ` (margins: level ${m.level?.toFixed(2) ?? '-'} dB, peak ${m.peak?.toFixed(2) ?? '-'} dB, clipped ${m.clipped ?? '-'}` +
            `${m.snrGain !== undefined ? `, noise reduction ${m.snrGain?.toFixed(2) ?? '-'} dB` : ''})\n`,
        );
        process.stderr.write(report.met ? 'goal met\n' : `goal not met: ${b.verdict.violations.join('; ')}\n`);
        if (report.reproducible === false) process.stderr.write('hil: warning: replaying the best setting measured different levels; the device does not reset its state cleanly\n');
      }
      if (written.paramsJson) process.stderr.write(`parameter file: ${displayPath(written.paramsJson)} (C header: ${displayPath(written.paramsHeader!)})\n`);
      process.stdout.write(`${displayPath(written.html)}\n`);
      if (report.interrupted) return EXIT.INTERRUPTED;
      return report.met ? EXIT.OK : EXIT.TEST_FAILED;
    } finally {
      off();
    }
  }),
};
