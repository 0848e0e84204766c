/**
 * The results model: the canonical record of a run (report.json). Every reporter renders from
 * this and nothing else; every number in it traces to a measurement (target, firmware build id,
 * counter source). Closed unions for every status.
 */
import type { CpiCalibration } from '../perf/calibrate-cpi.ts';
import type { StageProfile } from '../perf/stage-profile.ts';
import type { CaseBoard } from '../targets/target.ts';
import type { StageDivergence } from '../assertions/stage-divergence.ts';
import type { MarginVerdict, OutputVerdict, ResourceVerdict } from '../assertions/verdict.ts';
import type { BoardRecord, PoolMemberRecord } from './board-record.ts';
import type { DeploymentLossRecord } from '../dsp/model-s/deployment-loss.ts';
import type { EnhancementRecord } from '../dsp/quality.ts';
import type { ErrorCode } from './errors.ts';
import type { AttemptError, CaseFault, ReliabilityRecord } from './reliability-record.ts';

export const REPORT_SCHEMA = 'hil-report/1';

/** passed: every verdict passed or was not applicable; failed: a test verdict failed (mismatch,
 *  margin); error: infrastructure (link, target, timeout, crash) kept the case from finishing;
 *  skipped: not run (interrupted before it, or excluded by shard at merge time). */
export type CaseStatus = 'passed' | 'failed' | 'error' | 'skipped';

/** Overall run status; `incomplete` when interrupted before every selected case ran. */
export type RunStatus = 'passed' | 'failed' | 'error' | 'incomplete';

export interface CaseError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Fault or failure details from the device, e.g. {kind, pc, frame}. */
  readonly detail?: Readonly<Record<string, string | number>>;
  /** The device fault this error is, when it is one (crash, reset, unresponsive, exited). */
  readonly fault?: CaseFault;
}

export interface LevelFigures {
  readonly rmsDbfs: number;
  readonly peakDbfs: number;
}

export interface CaseResult {
  /** `suite/name`, unique within a run. */
  readonly id: string;
  readonly suite: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly status: CaseStatus;
  readonly input: string;
  readonly golden: string | null;
  readonly params: Readonly<Record<string, number>>;
  readonly frames: number;
  readonly audioSeconds: number;
  readonly wallMs: number;
  readonly attempts: number;
  readonly output: OutputVerdict | null;
  readonly margin: MarginVerdict | null;
  /** Per-frame counts in the unit of the run's counter source. */
  readonly counts: readonly number[];
  readonly levels: { readonly input: LevelFigures; readonly output: LevelFigures } | null;
  readonly link: { readonly resentLines: number; readonly corruptLines: number; readonly naks: number; readonly timeouts: number };
  /** Output WAV written for a failed case (relative to the report folder). */
  readonly outputWav: string | null;
  readonly error: CaseError | null;
  readonly deviceLog: ReadonlyArray<{ readonly t: number; readonly text: string }>;
  /** Waveform excerpt around the first divergence (for failed output verdicts). */
  readonly divergence: { readonly start: number; readonly output: readonly number[]; readonly golden: readonly number[] } | null;
  readonly baseline: BaselineComparison | null;
  /** Errors of earlier attempts when the case was retried (a retry never hides what happened). */
  readonly earlierAttempts?: readonly AttemptError[];
  /** Enhancement and float-model figures (measured cases only; runner/case-quality.ts). */
  readonly quality?: CaseQuality;
  /** Per-stage profile (`hil run --profile` on a model that declares stages; perf/stage-profile.ts). */
  readonly profile?: StageProfile;
  /** The bench board that ran the case (its last attempt): profile name, port, serial number. */
  readonly board?: CaseBoard;
  /** Output mismatches: the first stage whose output differs from the reference's (assertions/stage-divergence.ts). */
  readonly firstDivergence?: StageDivergence;
}

export interface CaseQuality {
  /** against the manifest's clean `reference` (null without one) */
  readonly enhancement: EnhancementRecord | null;
  /** model S only: int16 output against the float model (null for other models or builds) */
  readonly floatModel: DeploymentLossRecord | null;
  /** why a figure is missing, e.g. an unreadable reference */
  readonly note: string | null;
}

export interface BaselineComparison {
  readonly medianBefore: number;
  readonly medianAfter: number;
  readonly maxBefore: number;
  readonly maxAfter: number;
  /** Relative change of the median, e.g. 0.12 for +12 %. */
  readonly medianChange: number;
  readonly maxChange: number;
  readonly regression: boolean;
  /** Both runs profiled with the same stages: per stage median before/after and its change. */
  readonly stages?: readonly StageChange[];
  /** The stages whose median grew by more than the threshold, e.g. "gru2 +12.0 %". */
  readonly stageRegressions?: readonly string[];
}

export interface StageChange {
  readonly name: string;
  readonly medianBefore: number;
  readonly medianAfter: number;
  readonly change: number;
}

/** Real-time feasibility of a serial link (harness/src/perf/realtime-feasibility.ts). */
export interface LinkFeasibilityRecord {
  readonly baud: number;
  readonly rate: number;
  readonly hop: number;
  /** The framing the check assumed (the session's). */
  readonly framing?: 1 | 2;
  /** ok; tight: feasible with < 10 % headroom; infeasible: the run is link-bound. */
  readonly level: 'ok' | 'tight' | 'infeasible';
  /** Link capacity / need of the busier direction: the fastest real-time factor it allows. */
  readonly maxRealTimeFactor: number;
  readonly bottleneck: 'hostToDevice' | 'deviceToHost';
  readonly message: string;
}

export interface TargetRecord {
  readonly kind: 'sim' | 'qemu' | 'board';
  readonly description: string;
  readonly profile: string;
  readonly firmware: string;
  readonly firmwareSha256: string;
  readonly port: string | null;
  /** Bench board: the port found (USB identity), link settings and the flash step. */
  readonly board?: BoardRecord | null;
  /** A board in a labgrid place: the place, its coordinator and the serial port it gave. */
  readonly labgrid?: { readonly place: string; readonly coordinator: string | null; readonly port: string; readonly released: boolean };
  /** Board pool: each board, whether it was used or taken out (and why), and its cases. */
  readonly pool?: readonly PoolMemberRecord[];
  /** Bench board: can the configured baud rate carry the stream in real time (checked at the
   *  handshake, before streaming)? Absent for sim and qemu. */
  readonly linkFeasibility?: LinkFeasibilityRecord | null;
  readonly clockHz: number;
  readonly cpi: number | null;
  /** Where `cpi` came from when it is a calibrated figure (`hil calibrate`): board and emulator runs. */
  readonly cpiCalibration?: CpiCalibration | null;
  readonly requiredMargin: number;
  readonly counter: 'dwt' | 'icount' | 'timer' | 'none';
}

export interface DeviceRecord {
  readonly fw: string;
  readonly fwVersion: string;
  readonly build: string;
  readonly board: string;
  readonly model: string;
  readonly modelVersion: string;
  readonly modelDesc: string;
  readonly weights: string;
  readonly rate: number;
  readonly hop: number;
  readonly latency: number;
  readonly window: number;
  /** The protocol framing of the run (PROTOCOL.md 8): 1 base64 lines, 2 binary frames. */
  readonly framing?: 1 | 2;
}

export interface RunSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly error: number;
  readonly skipped: number;
  readonly audioSeconds: number;
  readonly wallSeconds: number;
}

export interface RunReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly complete: boolean;
  readonly status: RunStatus;
  readonly exitCode: 0 | 1 | 2;
  readonly command: readonly string[];
  readonly environment: {
    readonly hilVersion: string;
    readonly node: string;
    readonly platform: string;
    readonly host: string;
    readonly gitCommit: string | null;
  };
  readonly target: TargetRecord;
  readonly device: DeviceRecord | null;
  readonly resources: ResourceVerdict | null;
  readonly selection: { readonly suites: readonly string[]; readonly tags: readonly string[]; readonly grep: string | null; readonly shard: string | null; readonly jobs: number };
  readonly baseline: { readonly path: string; readonly threshold: number; readonly regressions: number } | null;
  readonly summary: RunSummary;
  readonly cases: readonly CaseResult[];
  /** Device faults, retries, link recovery and fault injection over the run. */
  readonly reliability?: ReliabilityRecord;
}

/** Overall status and exit code from case statuses. */
export function runOutcome(cases: readonly CaseResult[], complete: boolean): { status: RunStatus; exitCode: 0 | 1 | 2 } {
  const anyError = cases.some((c) => c.status === 'error');
  const anyFail = cases.some((c) => c.status === 'failed');
  const status: RunStatus = !complete ? 'incomplete' : anyError ? 'error' : anyFail ? 'failed' : 'passed';
  const exitCode = anyError || !complete ? 2 : anyFail ? 1 : 0;
  return { status, exitCode };
}

export function summarizeCases(cases: readonly CaseResult[], wallSeconds: number): RunSummary {
  const count = (s: CaseStatus) => cases.filter((c) => c.status === s).length;
  return {
    total: cases.length,
    passed: count('passed'),
    failed: count('failed'),
    error: count('error'),
    skipped: count('skipped'),
    audioSeconds: cases.reduce((a, c) => a + c.audioSeconds, 0),
    wallSeconds,
  };
}
