/**
 * Baseline comparison: per-case cycle counts (median, max) against an earlier report; a relative
 * increase above the threshold on either figure is a regression. When both runs carry a profile
 * of the same stages, each stage's median is compared too, and a stage that grew by more than
 * the threshold is named ("gru2 +12.0 %") and makes the case a regression. Pure.
 */
import { summarize } from '../core/percentiles.ts';
import type { BaselineComparison, CaseResult, RunReport, StageChange } from '../core/results.ts';

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function compareStages(current: CaseResult, before: CaseResult, threshold: number): { stages: StageChange[]; regressions: string[] } | null {
  const a = before.profile;
  const b = current.profile;
  if (!a || !b || a.stages.length !== b.stages.length || a.stages.some((s, k) => s.name !== b.stages[k]!.name)) return null;
  const stages = b.stages.map((s, k) => {
    const was = a.stages[k]!.median;
    return { name: s.name, medianBefore: was, medianAfter: s.median, change: was > 0 ? s.median / was - 1 : s.median > 0 ? Number.POSITIVE_INFINITY : 0 };
  });
  // a stage too small to matter (< 1 % of the frame) is compared but not flagged
  const frame = b.stages.reduce((x, s) => x + s.median, 0);
  const regressions = stages.filter((s) => s.change > threshold && s.medianAfter >= 0.01 * frame).map((s) => `${s.name} ${Number.isFinite(s.change) ? pct(s.change) : 'new'}`);
  return { stages: stages.map((s) => (Number.isFinite(s.change) ? s : { ...s, change: 1 })), regressions };
}

export function compareCase(current: CaseResult, before: CaseResult | undefined, threshold: number): BaselineComparison | null {
  if (!before || current.counts.length === 0 || before.counts.length === 0) return null;
  const a = summarize(before.counts);
  const b = summarize(current.counts);
  if (!(a.median > 0) || !(a.max > 0)) return null;
  const medianChange = b.median / a.median - 1;
  const maxChange = b.max / a.max - 1;
  const st = compareStages(current, before, threshold);
  return {
    medianBefore: a.median,
    medianAfter: b.median,
    maxBefore: a.max,
    maxAfter: b.max,
    medianChange,
    maxChange,
    regression: medianChange > threshold || maxChange > threshold || (st?.regressions.length ?? 0) > 0,
    ...(st ? { stages: st.stages, stageRegressions: st.regressions } : {}),
  };
}

/** Attach comparisons to every case whose id exists in the baseline with the same counter. */
export function applyBaseline(
  cases: readonly CaseResult[],
  baseline: RunReport,
  currentCounter: string,
  threshold: number,
): { cases: CaseResult[]; regressions: number; comparable: boolean } {
  const comparable = baseline.target.counter === currentCounter && currentCounter !== 'none';
  const byId = new Map(baseline.cases.map((c) => [c.id, c]));
  const out = cases.map((c) => ({ ...c, baseline: comparable ? compareCase(c, byId.get(c.id), threshold) : null }));
  return { cases: out, regressions: out.filter((c) => c.baseline?.regression).length, comparable };
}
