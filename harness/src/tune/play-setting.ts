/**
 * Play audio through the live device with one parameter setting: put every parameter to its
 * value (the setting, else the base, else the device default, so nothing leaks from the last
 * setting), reset the model state, stream, measure. No reflash: parameters go over the protocol.
 */
import { measureLevels, measureSnr, type LevelMetrics, type SnrMetrics } from '../dsp/level-metrics.ts';
import type { Session } from '../session/session.ts';
import type { Setting } from './sweep-spec.ts';

export interface Played {
  /** Every device parameter as now in force (device-quantised real values). */
  readonly applied: Record<string, number>;
  readonly output: Int16Array;
  readonly levels: LevelMetrics;
  /** Against the clean reference, when there is one. */
  readonly snr: SnrMetrics | null;
  readonly wallMs: number;
}

export interface PlayInput {
  readonly samples: Int16Array;
  readonly referenceSamples: Int16Array | null;
}

/** Every device parameter's value for `setting` over `base` over the device defaults. */
export function fullSetting(session: Session, base: Setting, setting: Setting): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of session.info.params) out[p.name] = setting[p.name] ?? base[p.name] ?? p.def / 2 ** p.fracBits;
  return out;
}

export async function applySetting(session: Session, base: Setting, setting: Setting): Promise<Record<string, number>> {
  const applied: Record<string, number> = {};
  for (const [name, value] of Object.entries(fullSetting(session, base, setting))) applied[name] = await session.setParam(name, value);
  return applied;
}

export async function playSetting(session: Session, audio: PlayInput, base: Setting, setting: Setting): Promise<Played> {
  const applied = await applySetting(session, base, setting);
  await session.reset();
  const t0 = performance.now();
  const { output } = await session.stream(audio.samples);
  const wallMs = performance.now() - t0;
  const rate = session.info.rate;
  return {
    applied,
    output,
    levels: measureLevels(output, rate),
    snr: audio.referenceSamples ? measureSnr(audio.referenceSamples, audio.samples, output, session.info.latency, rate) : null,
    wallMs,
  };
}
