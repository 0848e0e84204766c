/**
 * Baseline comparison: per-case cycle counts (median, max) against an earlier report; a relative
 * increase above the threshold on either figure is a regression. Pure.
 */
import { summarize } from '../core/percentiles.ts';
import type { BaselineComparison, CaseResult, RunReport } from '../core/results.ts';

export function compareCase(current: CaseResult, before: CaseResult | undefined, threshold: number): BaselineComparison | null {
  if (!before || current.counts.length === 0 || before.counts.length === 0) return null;
  const a = summarize(before.counts);
  const b = summarize(current.counts);
  if (!(a.median > 0) || !(a.max > 0)) return null;
  const medianChange = b.median / a.median - 1;
  const maxChange = b.max / a.max - 1;
  return {
    medianBefore: a.median,
    medianAfter: b.median,
    maxBefore: a.max,
    maxAfter: b.max,
    medianChange,
    maxChange,
    regression: medianChange > threshold || maxChange > threshold,
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
