/**
 * `hil tune --interactive`: a line prompt (node:readline) on a connected device. Works from a
 * plain terminal or a pipe. Bad input and device refusals print one line and the prompt comes
 * back; only a lost link ends the session (the error goes to the caller, the CLI prints it).
 * Streams are injected: this module writes to `output` only, never to the process's stdout.
 *
 * `play` uses the parameters now on the device (as `set` left them); `ab` applies A, then B, over
 * them for one play each and puts the previous values back afterwards.
 */
import { createInterface } from 'node:readline';

import { isHarnessError } from '../core/errors.ts';
import { measureLevels, type LevelMetrics } from '../dsp/level-metrics.ts';
import type { Session } from '../session/session.ts';
import { formatLevelTable } from './format-levels.ts';
import { applySetting, playSetting, type Played } from './play-setting.ts';
import { parseReplLine, REPL_HELP, type ReplCommand } from './repl-commands.ts';
import { describeSetting, type Setting } from './sweep-spec.ts';
import type { TuneCase } from './tune-case.ts';

export interface ReplOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & { isTTY?: boolean };
  readonly session: Session;
  /** Resolve `suite/name` or a WAV path to audio at the device's rate. */
  readonly loadCase: (spec: string) => Promise<TuneCase>;
  readonly prompt?: string;
}

/** Errors after which the session is gone. */
const FATAL = new Set(['LINK', 'PROTOCOL', 'HANDSHAKE', 'TARGET', 'INTERRUPTED']);

export async function runRepl(o: ReplOptions): Promise<void> {
  const { session } = o;
  const say = (text: string) => o.output.write(`${text}\n`);
  const rl = createInterface({ input: o.input, output: o.output, terminal: o.output.isTTY === true, prompt: o.prompt ?? 'hil> ' });
  rl.on('SIGINT', () => rl.close());
  const cases = new Map<string, TuneCase>();
  const loadCase = async (spec: string) => {
    const hit = cases.get(spec) ?? (await o.loadCase(spec));
    cases.set(spec, hit);
    return hit;
  };
  const current = async (): Promise<Setting> => {
    const out: Record<string, number> = {};
    for (const p of session.info.params) out[p.name] = await session.getParam(p.name);
    return out;
  };
  const i = session.info;
  say(`connected: ${session.target}`);
  say(`${i.fw} ${i.fwVersion} (build ${i.build}), model ${i.model} ${i.modelVersion}, ${i.rate} Hz, hop ${i.hop}, latency ${i.latency}`);
  say("type help for the commands, quit to leave");
  rl.prompt();
  let fatal: unknown;
  try {
    for await (const line of rl) {
      const parsed = parseReplLine(line);
      if (!parsed.ok) say(`error: ${parsed.error}`);
      else if (parsed.command.kind === 'quit') break;
      else {
        try {
          await execute(parsed.command);
        } catch (e) {
          if (isHarnessError(e) && FATAL.has(e.code)) {
            fatal = e;
            break;
          }
          say(`error: ${isHarnessError(e) ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`}`);
        }
      }
      rl.prompt();
    }
  } finally {
    rl.close();
  }
  if (fatal) throw fatal;

  async function execute(c: ReplCommand): Promise<void> {
    switch (c.kind) {
      case 'empty':
        return;
      case 'help':
        return void say(REPL_HELP);
      case 'info':
        return void say(Object.entries({ target: session.target, fw: `${i.fw} ${i.fwVersion}`, build: i.build, board: i.board, model: `${i.model} ${i.modelVersion}`, weights: i.weights, audio: `${i.rate} Hz, hop ${i.hop}, latency ${i.latency} samples` }).map(([k, v]) => `  ${k.padEnd(8)} ${v}`).join('\n'));
      case 'set': {
        const v = await session.setParam(c.name, c.value);
        const unit = i.params.find((p) => p.name === c.name)?.unit ?? '';
        return void say(`${c.name} = ${v}${unit ? ` ${unit}` : ''}${v !== c.value ? ` (quantised from ${c.value})` : ''}`);
      }
      case 'get': {
        const v = await session.getParam(c.name);
        const unit = i.params.find((p) => p.name === c.name)?.unit ?? '';
        return void say(`${c.name} = ${v}${unit ? ` ${unit}` : ''}`);
      }
      case 'params': {
        const now = await current();
        const w = Math.max(...i.params.map((p) => p.name.length));
        for (const p of i.params) {
          const s = 2 ** p.fracBits;
          say(`  ${p.name.padEnd(w)}  ${String(now[p.name]).padStart(8)} ${p.unit.padEnd(5)} range ${p.min / s} .. ${p.max / s}, default ${p.def / s}`);
        }
        return;
      }
      case 'reset':
        await session.reset();
        return void say('model state reset');
      case 'play': {
        const tc = await loadCase(c.caseSpec);
        const now = await current();
        const played = await playSetting(session, tc, now, {});
        say(`${tc.id}: ${(tc.samples.length / i.rate).toFixed(2)} s with ${describeSetting(played.applied)}`);
        say(formatLevelTable([{ label: 'input', levels: measureInput(tc) }, { label: 'output', levels: played.levels, snr: played.snr }]));
        return;
      }
      case 'ab': {
        const tc = await loadCase(c.caseSpec);
        const now = await current();
        let a: Played;
        let b: Played;
        try {
          a = await playSetting(session, tc, now, c.a);
          b = await playSetting(session, tc, now, c.b);
        } finally {
          await applySetting(session, now, {}).catch(() => undefined);
        }
        say(`${tc.id}: A = ${describeSetting(c.a)}, B = ${describeSetting(c.b)}`);
        say(formatLevelTable([{ label: 'A', levels: a.levels, snr: a.snr }, { label: 'B', levels: b.levels, snr: b.snr }], { diff: true }));
        return;
      }
      case 'quit':
        return;
    }
  }
}

const inputLevels = new WeakMap<Int16Array, LevelMetrics>();

/** Input levels of a case, measured once per loaded case. */
function measureInput(tc: TuneCase): LevelMetrics {
  let m = inputLevels.get(tc.samples);
  if (!m) inputLevels.set(tc.samples, (m = measureLevels(tc.samples, tc.rate)));
  return m;
}
