/**
 * The first divergent stage (PROTOCOL.md 4.5): where a target's model first computes something
 * other than the reference's, from per-stage tap digests of both, then from the values of that
 * stage's tap. Pure functions; the streaming that collects digests and taps is in
 * runner/diagnose-divergence.ts.
 */

/**
 * stage: a stage's output differs (frame, stage, element and both values are known);
 * after-model: every tapped stage agrees up to the first mismatching output frame, so the output
 * changes after the model (agent, link or board output path);
 * not-reproduced: streamed again, the target's output agreed with the reference's;
 * unavailable: it could not be determined (no taps, no reference, an error); `message` says why.
 */
export type DivergenceStatus = 'stage' | 'after-model' | 'not-reproduced' | 'unavailable';

export interface StageDivergence {
  readonly status: DivergenceStatus;
  /** One line for people, e.g. "first divergence: frame 57, stage gru1, element 12: target 1234, reference 1236; earlier stages identical". */
  readonly message: string;
  /** The reference the target was compared with (host simulator image and build id). */
  readonly reference: string | null;
  /** First mismatching output frame of the run's verdict (where the search ended). */
  readonly outputFrame: number;
  /** Frames streamed with digests on, on each side. */
  readonly framesCompared: number;
  readonly frame?: number;
  readonly stage?: string;
  readonly stageIndex?: number;
  readonly element?: number;
  /** Values of that element; a 64-bit value beyond 2^53 is a decimal string. */
  readonly targetValue?: number | string;
  readonly referenceValue?: number | string;
  /** Elements of the stage's tap that differ, of `elements`. */
  readonly differing?: number;
  readonly elements?: number;
  /** Earlier stages of that frame whose taps agree (stages without a tap are not listed). */
  readonly identicalBefore?: readonly string[];
  /** Earlier stages of that frame without a tap: not compared. */
  readonly untappedBefore?: readonly string[];
}

/** The first (frame, stage) whose digests differ, stages in order within each frame; only
 *  stages with a tap on both sides count. Digests are frame-major, `nStages` per frame. */
export function firstDivergentDigest(
  target: Uint32Array,
  reference: Uint32Array,
  nStages: number,
  tapped: readonly boolean[],
): { frame: number; stage: number } | null {
  const frames = Math.min(target.length, reference.length) / nStages;
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < nStages; k++) {
      if (tapped[k] && target[f * nStages + k] !== reference[f * nStages + k]) return { frame: f, stage: k };
    }
  }
  return null;
}

export interface TapDifference {
  readonly element: number;
  readonly target: number | bigint;
  readonly reference: number | bigint;
  readonly differing: number;
  readonly elements: number;
}

/** The first differing element of two taps of the same stage and how many differ; null if equal. */
export function compareTaps(target: ReadonlyArray<number | bigint>, reference: ReadonlyArray<number | bigint>): TapDifference | null {
  const n = Math.max(target.length, reference.length);
  let first = -1;
  let differing = 0;
  for (let i = 0; i < n; i++) {
    if (target[i] !== reference[i]) {
      differing++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return null;
  return { element: first, target: target[first] ?? 0, reference: reference[first] ?? 0, differing, elements: n };
}

/** The report line of a first-divergence record, whatever its status. */
export function divergenceLine(d: Pick<StageDivergence, 'status' | 'message'>): string {
  switch (d.status) {
    case 'stage':
      return d.message;
    case 'after-model':
      return `first divergence: in no stage of the model; ${d.message}`;
    case 'not-reproduced':
      return `first divergence: not reproduced; ${d.message}`;
    case 'unavailable':
      return `first divergence: not searched; ${d.message}`;
  }
}

/** A tap value for JSON: a number, or a decimal string beyond 2^53. */
export function jsonValue(v: number | bigint): number | string {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** The one-line message of a stage divergence. */
export function stageDivergenceMessage(d: {
  frame: number;
  stage: string;
  element: number;
  targetValue: number | string;
  referenceValue: number | string;
  differing: number;
  elements: number;
  identicalBefore: readonly string[];
  untappedBefore: readonly string[];
  outputFrame: number;
}): string {
  const earlier =
    d.identicalBefore.length === 0 && d.untappedBefore.length === 0
      ? 'it is the first stage'
      : `earlier stages identical${d.untappedBefore.length ? ` (not compared, no tap: ${d.untappedBefore.join(', ')})` : ''}`;
  const frames = d.frame === 0 ? '' : d.frame === 1 ? ', as is every stage of frame 0' : `, as is every stage of frames 0-${d.frame - 1}`;
  const output = d.frame < d.outputFrame ? `; the output diverges from frame ${d.outputFrame}` : '';
  return (
    `first divergence: frame ${d.frame}, stage ${d.stage}, element ${d.element}: target ${d.targetValue}, reference ${d.referenceValue}` +
    ` (${d.differing} of ${d.elements} elements differ); ${earlier}${frames}${output}`
  );
}
