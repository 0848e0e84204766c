/**
 * The "where the cycles go" section of every report of a profiled run (`hil run --profile`):
 * per stage over all profiled cases, the median of the case medians, the largest frame, and
 * the pooled share (the stage's total over the frame totals of every profiled case). Pure; the
 * HTML, Markdown and console renderers format these rows.
 */
import type { CaseResult, RunReport } from '../core/results.ts';
import type { StageProfile } from '../perf/stage-profile.ts';

export interface RunStageRow {
  readonly name: string;
  /** median over the cases of each case's median, in the counter's unit */
  readonly median: number;
  readonly max: number;
  /** 0 .. 1 of all profiled frames */
  readonly share: number;
  /** median in cycles or estimated cycles, null without a cycle counter */
  readonly cycles: number | null;
}

export interface RunStageSummary {
  readonly cases: number;
  readonly frames: number;
  readonly unit: StageProfile['unit'];
  readonly label: string;
  readonly estimated: boolean;
  readonly rows: readonly RunStageRow[];
  /** cases whose stage names differ from the first profiled case (left out of the rows) */
  readonly mismatched: number;
}

export function profiledCases(r: Pick<RunReport, 'cases'>): Array<CaseResult & { profile: StageProfile }> {
  return r.cases.filter((c): c is CaseResult & { profile: StageProfile } => c.profile !== undefined && c.profile.frames > 0);
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)]!;
}

export function runStageSummary(r: Pick<RunReport, 'cases'>): RunStageSummary | null {
  const all = profiledCases(r);
  if (all.length === 0) return null;
  const first = all[0]!.profile;
  const names = first.stages.map((s) => s.name);
  const same = all.filter((c) => c.profile.stages.length === names.length && c.profile.stages.every((s, k) => s.name === names[k]));
  let total = 0;
  const stageTotals = new Float64Array(names.length);
  for (const c of same) {
    const frameTotal = c.counts.reduce((a, x) => a + x, 0);
    total += frameTotal;
    c.profile.stages.forEach((s, k) => {
      stageTotals[k]! += s.share * frameTotal;
    });
  }
  const scale = first.counter === 'icount' ? first.cpi! : first.counter === 'dwt' ? 1 : null;
  const rows = names.map((name, k): RunStageRow => {
    const median = medianOf(same.map((c) => c.profile.stages[k]!.median));
    return {
      name,
      median,
      max: Math.max(...same.map((c) => c.profile.stages[k]!.max)),
      share: total > 0 ? stageTotals[k]! / total : 0,
      cycles: scale === null ? null : median * scale,
    };
  });
  return {
    cases: same.length,
    frames: same.reduce((a, c) => a + c.profile.frames, 0),
    unit: first.unit,
    label: first.label,
    estimated: first.estimated,
    rows,
    mismatched: all.length - same.length,
  };
}

/** "ifft 23.8 %, gru2 19.4 %, fft 18.0 %": the largest shares first. */
export function topShares(rows: readonly Pick<RunStageRow, 'name' | 'share'>[], top = 4): string {
  return [...rows]
    .sort((a, b) => b.share - a.share)
    .slice(0, top)
    .map((s) => `${s.name} ${(s.share * 100).toFixed(1)} %`)
    .join(', ');
}

/** A distinct colour per stage index for stacked bars and swatches (16 stages at most). */
const STAGE_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#8c564b', '#17becf', '#bcbd22', '#7f7f7f', '#d62728'];

export function stageColour(index: number): string {
  return STAGE_COLOURS[index % STAGE_COLOURS.length]!;
}
