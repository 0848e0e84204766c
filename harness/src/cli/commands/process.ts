/**
 * `hil process IN.wav OUT.wav`: stream one WAV file through the model on a target and write the
 * output WAV; print the per-frame counter summary and link statistics.
 */
import { writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';

import { displayPath } from '../../core/paths.ts';
import { summarize } from '../../core/percentiles.ts';
import { readWav, requireMono16, writeWav } from '../../dsp/wav.ts';
import { withSession } from '../../runner/open-session.ts';
import { profileLinkRate } from '../../runner/link-rate.ts';
import { applyParams } from '../../runner/apply-params.ts';
import { createProfileTarget } from '../../targets/create-target.ts';
import { checkWindow, parseParams, profileFromArgs, withTargetOptions, type TargetArgs } from '../common-options.ts';
import { counterUnit, formatCounter } from '../format-counter.ts';
import { runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface ProcessArgs extends TargetArgs {
  input: string;
  output: string;
  param?: Array<string | number>;
  json: boolean;
  log?: string;
}

export const processCommand: CommandModule<object, ProcessArgs> = {
  command: COMMANDS.process.command,
  describe: COMMANDS.process.describe,
  builder: (y: Argv) =>
    withTargetOptions(y)
      .positional('input', { type: 'string', demandOption: true, describe: 'input WAV (mono, 16-bit PCM, the model\'s rate)' })
      .positional('output', { type: 'string', demandOption: true, describe: 'output WAV to write' })
      .option('param', {
        alias: 'p',
        type: 'array',
        string: true,
        describe: 'set a model parameter before streaming, name=value in its unit (repeatable)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the result summary as JSON' })
      .option('log', { type: 'string', describe: 'write the device log lines (timestamped) to this file' })
      .example('$0 process --target sim in.wav out.wav --param gain_db=-6', 'apply -6 dB on the host simulator') as unknown as Argv<ProcessArgs>,
  handler: runHandler<ProcessArgs>(async (args) => {
    const params = parseParams(args.param);
    const window = checkWindow(args.window);
    const wav = await readWav(args.input);
    requireMono16(wav, {}, args.input);
    const profile = profileFromArgs(args);
    const target = createProfileTarget(profile);
    const started = performance.now();
    const result = await withSession(target, { window, framing: args.framing, handshakeTimeoutMs: profile.handshakeTimeoutMs, linkRate: profileLinkRate(profile) }, async (s) => {
      requireMono16(wav, { rate: s.info.rate }, args.input);
      const applied = await applyParams(s, params);
      await s.reset();
      const streamed = await s.stream(wav.samples);
      return { info: s.info, applied, streamed, link: { ...s.linkStats }, log: [...s.deviceLog] };
    });
    const wallS = (performance.now() - started) / 1000;
    await writeWav(args.output, result.streamed.output, result.info.rate);
    if (args.log) await writeFile(args.log, result.log.map((l) => `${(l.t / 1000).toFixed(3)} ${l.text}\n`).join(''));
    const audioS = wav.samples.length / result.info.rate;
    const counter = summarize(result.streamed.cycles);
    // Per-frame counts (exact and repeatable on QEMU); none without a counter.
    const perFrame = result.info.counter === 'none' ? [] : Array.from(result.streamed.cycles);
    const worstFrame = perFrame.length ? perFrame.indexOf(counter.max) : null;
    const summary = {
      target: target.description,
      firmware: { name: result.info.fw, build: result.info.build, model: result.info.model, weights: result.info.weights },
      input: args.input,
      output: args.output,
      params: result.applied,
      frames: result.streamed.frames,
      audioSeconds: audioS,
      wallSeconds: wallS,
      counter: { source: result.info.counter, unit: counterUnit(result.info.counter), ...counter, worstFrame, perFrame },
      link: result.link,
      deviceLogLines: result.log.length,
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const out = [
      `${displayPath(args.input)} -> ${displayPath(args.output)} on ${target.description}`,
      `model ${result.info.model} (${result.info.fw} build ${result.info.build})` +
        (Object.keys(result.applied).length ? `, params ${Object.entries(result.applied).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''),
      `${result.streamed.frames} frames, ${audioS.toFixed(2)} s of audio in ${wallS.toFixed(2)} s (${(audioS / wallS).toFixed(1)}x real time)`,
      formatCounter(result.info.counter, counter) + (result.info.counter !== 'none' && worstFrame !== null ? ` (frame ${worstFrame}), min ${counter.min}` : ''),
      `link: ${result.link.txLines} lines sent, ${result.link.resentLines} re-sent, ${result.link.hostCrcErrors} corrupt lines received, ${result.log.length} device log lines`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }),
};
