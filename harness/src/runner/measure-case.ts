/**
 * Run one case on an open session: put every parameter to the case's value (or the device
 * default, so no setting leaks from the previous case), reset the model state, stream the input
 * once, and return what was measured. I/O only; verdicts are computed elsewhere.
 */
import { readWav, requireMono16 } from '../dsp/wav.ts';
import type { Session } from '../session/session.ts';
import { applyAllParams } from './apply-params.ts';
import type { RunnableCase } from './case-spec.ts';

export interface Measurement {
  readonly input: Int16Array;
  readonly output: Int16Array;
  readonly counts: Uint32Array;
  /** Profiled sessions: per-stage counts, frame-major, and the stage names (session.stream). */
  readonly stages?: { readonly names: readonly string[]; readonly counts: Uint32Array };
  readonly frames: number;
  readonly wallMs: number;
  readonly params: Record<string, number>;
  readonly link: { resentLines: number; corruptLines: number; naks: number; timeouts: number };
  readonly deviceLog: Array<{ t: number; text: string }>;
}

export interface MeasureOptions {
  readonly globalParams: Readonly<Record<string, number>>;
  readonly signal?: AbortSignal;
  readonly onFrame?: (done: number, total: number) => void;
}

function nakTotal(naks: Readonly<Record<string, number>>): number {
  return Object.values(naks).reduce((a, b) => a + b, 0);
}

export async function loadCaseInput(c: RunnableCase, rate: number): Promise<Int16Array> {
  const wav = await readWav(c.input);
  requireMono16(wav, { rate }, c.input);
  return wav.samples;
}

export async function measureCase(session: Session, c: RunnableCase, o: MeasureOptions): Promise<Measurement> {
  const input = await loadCaseInput(c, session.info.rate);
  const wanted: Record<string, number> = { ...o.globalParams, ...c.params };
  const applied = await applyAllParams(session, wanted, `case ${c.id}`);
  await session.reset();
  const before = { ...session.linkStats, naks: { ...session.linkStats.naks } };
  const logStart = session.deviceLog.length;
  const t0 = performance.now();
  const r = await session.stream(input, { onFrame: o.onFrame });
  const wallMs = performance.now() - t0;
  const after = session.linkStats;
  return {
    input,
    output: r.output,
    counts: r.cycles,
    ...(r.stages && session.info.stages ? { stages: { names: session.info.stages, counts: r.stages } } : {}),
    frames: r.frames,
    wallMs,
    params: Object.fromEntries(Object.entries(applied).filter(([k]) => k in wanted)),
    link: {
      resentLines: after.resentLines - before.resentLines,
      corruptLines: after.hostCrcErrors - before.hostCrcErrors,
      naks: nakTotal(after.naks) - nakTotal(before.naks),
      timeouts: after.timeouts - before.timeouts,
    },
    deviceLog: session.deviceLog.slice(logStart).map((l) => ({ ...l })),
  };
}
