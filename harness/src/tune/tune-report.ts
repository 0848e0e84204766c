/**
 * The tuning report (tune.json; the HTML page renders the same object) and the parameter file
 * derived from its best setting. Pure.
 */
import type { LevelMetrics } from '../dsp/level-metrics.ts';
import type { DeviceInfo, ParamDesc } from '../protocol/device-info.ts';
import type { TuneGoal } from './goal.ts';
import { PARAMS_FILE_SCHEMA, type ParamsFile } from './params-file.ts';
import type { SweepResult, SweepPoint } from './run-sweep.ts';
import type { Setting, SweepAxis } from './sweep-spec.ts';

export const TUNE_REPORT_SCHEMA = 'hil-tune/1';

export interface TuneReport {
  readonly schema: typeof TUNE_REPORT_SCHEMA;
  readonly id: string;
  readonly createdAt: string;
  readonly command: readonly string[];
  readonly target: { readonly profile: string; readonly kind: string; readonly description: string };
  readonly device: {
    readonly fw: string;
    readonly fwVersion: string;
    readonly build: string;
    readonly board: string;
    readonly model: string;
    readonly modelVersion: string;
    readonly weights: string;
    readonly rate: number;
    readonly hop: number;
    readonly latency: number;
    readonly params: readonly ParamDesc[];
  };
  readonly case: { readonly id: string; readonly input: string; readonly reference: string | null; readonly seconds: number };
  readonly goal: TuneGoal;
  readonly axes: readonly SweepAxis[];
  /** Parameters held for every setting (case, config, --params-file, --set). */
  readonly base: Setting;
  readonly inputLevels: LevelMetrics;
  readonly points: readonly SweepPoint[];
  /** Point indices, best first. */
  readonly ranking: readonly number[];
  /** The best point (ranking[0]), null for an empty sweep. */
  readonly best: SweepPoint | null;
  /** True when at least one setting meets every constraint. */
  readonly met: boolean;
  /** Replaying the best setting measured the same levels (null: not replayed). */
  readonly reproducible: boolean | null;
  readonly interrupted: boolean;
}

export interface TuneReportInput {
  readonly id: string;
  readonly createdAt: Date;
  readonly command: readonly string[];
  readonly target: TuneReport['target'];
  readonly info: DeviceInfo;
  readonly case: { readonly id: string; readonly input: string; readonly reference: string | null; readonly samples: number };
  readonly goal: TuneGoal;
  readonly axes: readonly SweepAxis[];
  readonly base: Setting;
  readonly sweep: SweepResult;
}

export function buildTuneReport(i: TuneReportInput): TuneReport {
  const best = i.sweep.ranking.length > 0 ? i.sweep.points[i.sweep.ranking[0]!]! : null;
  return {
    schema: TUNE_REPORT_SCHEMA,
    id: i.id,
    createdAt: i.createdAt.toISOString(),
    command: i.command,
    target: i.target,
    device: {
      fw: i.info.fw,
      fwVersion: i.info.fwVersion,
      build: i.info.build,
      board: i.info.board,
      model: i.info.model,
      modelVersion: i.info.modelVersion,
      weights: i.info.weights,
      rate: i.info.rate,
      hop: i.info.hop,
      latency: i.info.latency,
      params: i.info.params,
    },
    case: { id: i.case.id, input: i.case.input, reference: i.case.reference, seconds: Math.round((i.case.samples / i.info.rate) * 1000) / 1000 },
    goal: i.goal,
    axes: i.axes,
    base: i.base,
    inputLevels: i.sweep.inputLevels,
    points: i.sweep.points,
    ranking: i.sweep.ranking,
    best,
    met: best?.verdict.pass ?? false,
    reproducible: i.sweep.reproducible,
    interrupted: i.sweep.interrupted,
  };
}

/** The parameter file of the best setting: every device parameter as applied. */
export function bestParamsFile(r: TuneReport): ParamsFile | null {
  if (!r.best) return null;
  return {
    schema: PARAMS_FILE_SCHEMA,
    params: r.best.applied,
    generatedBy: `hil tune (${r.id})`,
    case: r.case.id,
    firmware: { name: r.device.fw, version: r.device.fwVersion, build: r.device.build, model: r.device.model, weights: r.device.weights },
    createdAt: r.createdAt,
  };
}
