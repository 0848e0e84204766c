/**
 * The quality section of every report: per case the float-model SNR (deployment loss) and the
 * enhancement figures against the clean reference; per suite their means. Pure; the renderers
 * (HTML, Markdown, console) format these rows.
 */
import type { CaseResult, RunReport } from '../core/results.ts';
import { finite } from '../dsp/level-metrics.ts';
import { meanQuality, type SignalQuality } from '../dsp/quality.ts';

export interface QualityRow {
  readonly id: string;
  readonly suite: string;
  /** int16 output vs float checkpoint / vs dequantised weights, dB */
  readonly deploymentSnrDb: number | null;
  readonly activationSnrDb: number | null;
  readonly input: SignalQuality | null;
  readonly output: SignalQuality | null;
  readonly improvement: SignalQuality | null;
}

export interface SuiteQuality {
  readonly suite: string;
  readonly cases: number;
  /** cases with a clean reference */
  readonly withReference: number;
  readonly minDeploymentSnrDb: number | null;
  readonly input: SignalQuality | null;
  readonly output: SignalQuality | null;
  readonly improvement: SignalQuality | null;
}

export function qualityRows(cases: readonly CaseResult[]): QualityRow[] {
  return cases
    .filter((c) => c.quality && (c.quality.enhancement || c.quality.floatModel))
    .map((c) => {
      const q = c.quality!;
      const e = q.enhancement;
      return {
        id: c.id,
        suite: c.suite,
        deploymentSnrDb: q.floatModel?.deploymentSnrDb ?? null,
        activationSnrDb: q.floatModel?.activationSnrDb ?? null,
        input: e?.input ?? null,
        output: e?.output ?? null,
        improvement: e?.improvement ?? null,
      };
    });
}

export function suiteQuality(rows: readonly QualityRow[]): SuiteQuality[] {
  const suites = [...new Set(rows.map((r) => r.suite))];
  return suites.map((suite) => {
    const mine = rows.filter((r) => r.suite === suite);
    const withRef = mine.filter((r) => r.input !== null);
    const dep = mine.map((r) => r.deploymentSnrDb).filter((x): x is number => x !== null);
    // each figure over the cases where input and output both have it (a clean input's SNR is
    // infinite: that case counts in STOI and segmental SNR, not in the SNR means)
    const pick = (part: 'input' | 'output' | 'improvement'): SignalQuality | null => {
      if (!withRef.length) return null;
      const fig = (k: keyof SignalQuality): number | null => {
        const both = withRef.filter((r) => r.input![k] !== null && r.output![k] !== null);
        return meanQuality(both.map((r) => r[part]!))[k];
      };
      return { snrDb: fig('snrDb'), siSdrDb: fig('siSdrDb'), segSnrDb: fig('segSnrDb'), stoi: fig('stoi') };
    };
    return {
      suite,
      cases: mine.length,
      withReference: withRef.length,
      minDeploymentSnrDb: dep.length ? finite(Math.min(...dep)) : null,
      input: pick('input'),
      output: pick('output'),
      improvement: pick('improvement'),
    };
  });
}

export function reportQuality(r: RunReport): { rows: QualityRow[]; suites: SuiteQuality[] } {
  const rows = qualityRows(r.cases);
  return { rows, suites: suiteQuality(rows) };
}

const num = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : x.toFixed(digits));
const signed = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`);

/** "8.1 → 17.3 (+9.2)" for one figure */
export function inOut(i: SignalQuality | null, o: SignalQuality | null, d: SignalQuality | null, k: keyof SignalQuality): string {
  if (!i || !o) return '–';
  const digits = k === 'stoi' ? 3 : 1;
  return `${num(i[k], digits)} → ${num(o[k], digits)} (${signed(d?.[k] ?? null, digits)})`;
}

/** The case table's enhancement cell: SI-SDR improvement, or the float-model SNR, or a dash. */
export function enhancementCell(c: CaseResult): string {
  const q = c.quality;
  if (q?.enhancement) return `SI-SDR ${signed(q.enhancement.improvement.siSdrDb)} dB`;
  if (q?.floatModel?.deploymentSnrDb !== undefined && q.floatModel.deploymentSnrDb !== null) return `float ${num(q.floatModel.deploymentSnrDb)} dB`;
  return '–';
}

export const QUALITY_NOTE =
  'Float SNR: int16 output on the target against the float checkpoint (weights and activations quantised), ' +
  'in brackets against the dequantised weights (activation rounding alone). Enhancement: against the clean reference, ' +
  'input → output (improvement); SI-SDR and segmental SNR are scale-invariant, SNR is plain; STOI per Taal et al. 2011. PESQ is not measured.';

export { num as fmtQ, signed as fmtSignedQ };
