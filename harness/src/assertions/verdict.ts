/** Verdict vocabulary shared by every assertion. Closed unions only. */

/** `not-applicable`: the check could not be made meaningfully (e.g. no cycle counter); it is
 *  never counted as a pass. */
export type VerdictStatus = 'pass' | 'fail' | 'not-applicable';

export type ToleranceSpec =
  | { readonly mode: 'bit-exact' }
  | { readonly mode: 'max-lsb'; readonly maxLsb: number }
  | { readonly mode: 'snr'; readonly minSnrDb: number };

export interface FirstMismatch {
  readonly sample: number;
  readonly frame: number;
  readonly timeS: number;
  readonly got: number;
  readonly want: number;
}

export interface OutputVerdict {
  readonly kind: 'output';
  readonly tolerance: ToleranceSpec;
  readonly status: VerdictStatus;
  readonly samples: number;
  readonly goldenSamples: number;
  readonly mismatches: number;
  readonly firstMismatch: FirstMismatch | null;
  readonly maxAbsDiffLsb: number;
  /** SNR of output against golden in dB (Infinity when identical). */
  readonly snrDb: number;
  readonly outputHash: string;
  readonly goldenHash: string;
  readonly message: string;
}

export interface MarginVerdict {
  readonly kind: 'real-time';
  readonly status: VerdictStatus;
  readonly counter: 'dwt' | 'icount' | 'timer' | 'none';
  /** True when cycles are estimated (instructions x CPI on an emulator). */
  readonly estimated: boolean;
  readonly clockHz: number;
  readonly cpi: number | null;
  readonly budgetCycles: number;
  readonly cycles: { readonly median: number; readonly p95: number; readonly p99: number; readonly max: number } | null;
  readonly worstFrame: number | null;
  readonly margin: number | null;
  readonly requiredMargin: number;
  readonly message: string;
}

export interface ResourceVerdict {
  readonly kind: 'resources';
  readonly status: VerdictStatus;
  readonly flashBytes: number | null;
  readonly ramBytes: number | null;
  readonly stackHwmBytes: number | null;
  readonly flashBudget: number | null;
  readonly ramBudget: number | null;
  readonly message: string;
}

export type Verdict = OutputVerdict | MarginVerdict | ResourceVerdict;

/** Combine verdicts: any fail fails; otherwise pass if any passed. */
export function combine(statuses: readonly VerdictStatus[]): VerdictStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('pass')) return 'pass';
  return 'not-applicable';
}
