/** A case ready to run: resolved paths, parameters, tolerance. Built from a suite manifest. */
import type { ToleranceSpec } from '../assertions/verdict.ts';

export interface RunnableCase {
  readonly id: string;
  readonly suite: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly input: string;
  /** Size of the input WAV in bytes, as the suite loader found it. */
  readonly inputBytes: number;
  readonly golden: string | null;
  readonly goldenExists: boolean;
  readonly params: Readonly<Record<string, number>>;
  readonly tolerance: ToleranceSpec;
  /** Clean reference WAV (resolved path) for enhancement figures, when the manifest names one. */
  readonly reference?: string | null;
}
