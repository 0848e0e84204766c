/**
 * The reporter contract: optional hooks called as a run proceeds. Reporters observe; they never
 * decide a verdict and never stop a run (see ReporterSet, which isolates their failures).
 */
import type { CaseResult, RunReport } from '../core/results.ts';

export interface RunStartInfo {
  readonly runId: string;
  /** Target profile name, e.g. `qemu`. */
  readonly target: string;
  readonly totalCases: number;
}

export interface CaseStartInfo {
  readonly id: string;
  /** 0-based position in the run's case order. */
  readonly index: number;
  readonly total: number;
}

export interface ProgressInfo {
  readonly id: string;
  readonly framesDone: number;
  readonly framesTotal: number;
  /** Audio seconds per frame (hop / sample rate from the handshake), when the caller knows it. */
  readonly secondsPerFrame?: number;
}

export interface Reporter {
  readonly name: string;
  onRunStart?(info: RunStartInfo): void | Promise<void>;
  onCaseStart?(c: CaseStartInfo): void;
  onProgress?(p: ProgressInfo): void;
  onCaseEnd?(c: CaseResult): void | Promise<void>;
  /** `dir` is the report folder (reports/<run-id>/) the run's files were written to. */
  onRunEnd?(r: RunReport, dir: string): void | Promise<void>;
}

export type ReporterHook = 'onRunStart' | 'onCaseStart' | 'onProgress' | 'onCaseEnd' | 'onRunEnd';
