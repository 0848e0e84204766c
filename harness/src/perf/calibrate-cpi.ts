/**
 * Calibration of emulator estimates (`hil calibrate`): from a bench board's report (true cycles,
 * DWT) and an emulator's report (exact instructions, icount) of the same cases, the cycles per
 * instruction that turn the emulator's counts into the board's cycles: overall, and per stage
 * where both runs were profiled with the same stages. Pure; reading and writing files is the
 * command's.
 *
 * Overall CPI = total board cycles / total emulator instructions over the frames of the cases
 * both reports measured (frame counts must agree). Per stage: the same ratio of the stage's
 * totals (median x frames of each case). The per-case spread says how much one CPI fits all.
 */
import { HarnessError } from '../core/errors.ts';
import type { CaseResult, RunReport } from '../core/results.ts';

/** Where a calibrated CPI came from: stored in the target profile and copied into every report. */
export interface CpiCalibration {
  readonly cpi: number;
  /** ISO time the fit was made */
  readonly fittedAt: string;
  readonly board: CalibrationSource;
  readonly emulator: CalibrationSource;
  readonly cases: number;
  readonly frames: number;
  /** lowest and highest per-case CPI */
  readonly spread: { readonly min: number; readonly max: number };
  /** per-stage CPI, when both runs were profiled with the same stages */
  readonly stages?: Readonly<Record<string, number>>;
}

export interface CalibrationSource {
  /** the report.json it was read from, as given */
  readonly report: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly target: string;
  readonly firmwareSha256: string;
  readonly build: string | null;
}

export interface CaseCpi {
  readonly id: string;
  readonly frames: number;
  readonly cycles: number;
  readonly instructions: number;
  readonly cpi: number;
}

export interface StageCpi {
  readonly name: string;
  readonly cycles: number;
  readonly instructions: number;
  readonly cpi: number;
}

export interface CpiFit {
  readonly calibration: CpiCalibration;
  readonly perCase: readonly CaseCpi[];
  readonly perStage: readonly StageCpi[];
  /** cases of one report that the other lacks or measured differently, with the reason */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly why: string }>;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

function source(r: RunReport, file: string): CalibrationSource {
  return { report: file, runId: r.runId, startedAt: r.startedAt, target: r.target.description, firmwareSha256: r.target.firmwareSha256, build: r.device?.build ?? null };
}

function bad(file: string, what: string): HarnessError {
  return new HarnessError('INPUT', `${file}: ${what}`, { file });
}

/** Fit the CPI. Refuses (INPUT, naming the file) reports that cannot be compared. */
export function fitCpi(board: { report: RunReport; file: string }, emu: { report: RunReport; file: string }, now = new Date()): CpiFit {
  const b = board.report;
  const e = emu.report;
  if (b.target.counter !== 'dwt') throw bad(board.file, `counter is ${b.target.counter}, expected dwt (true cycles from a board's DWT CYCCNT)`);
  if (e.target.counter !== 'icount') throw bad(emu.file, `counter is ${e.target.counter}, expected icount (instructions from an emulator run)`);
  if (!b.device || !e.device) throw bad(!b.device ? board.file : emu.file, 'has no device record (no case reached the handshake)');
  if (b.device.model !== e.device.model || b.device.weights !== e.device.weights) {
    throw bad(emu.file, `ran model ${e.device.model} (weights ${e.device.weights}), the board report model ${b.device.model} (weights ${b.device.weights}): calibrate with runs of the same model`);
  }
  const emuById = new Map(e.cases.map((c) => [c.id, c]));
  const perCase: CaseCpi[] = [];
  const skipped: Array<{ id: string; why: string }> = [];
  const stageTotals = new Map<string, { cycles: number; instructions: number }>();
  let stageNames: string | null | undefined;
  for (const bc of b.cases) {
    const ec = emuById.get(bc.id);
    if (!ec) {
      skipped.push({ id: bc.id, why: 'not in the emulator report' });
      continue;
    }
    if (bc.counts.length === 0 || ec.counts.length === 0) {
      skipped.push({ id: bc.id, why: 'no per-frame counts in one of the reports' });
      continue;
    }
    if (bc.counts.length !== ec.counts.length) {
      skipped.push({ id: bc.id, why: `${bc.counts.length} frames on the board, ${ec.counts.length} on the emulator` });
      continue;
    }
    const cycles = sum(bc.counts);
    const instructions = sum(ec.counts);
    perCase.push({ id: bc.id, frames: bc.counts.length, cycles, instructions, cpi: cycles / instructions });
    stageNames = addStages(stageTotals, stageNames, bc, ec);
  }
  for (const ec of e.cases) if (!b.cases.some((bc) => bc.id === ec.id)) skipped.push({ id: ec.id, why: 'not in the board report' });
  if (perCase.length === 0) throw bad(board.file, `no case was measured in both reports (${skipped.length} skipped: ${skipped.slice(0, 3).map((s) => `${s.id} ${s.why}`).join('; ')})`);
  const cycles = sum(perCase.map((c) => c.cycles));
  const instructions = sum(perCase.map((c) => c.instructions));
  const cpi = cycles / instructions;
  const perStage: StageCpi[] = stageNames ? [...stageTotals].map(([name, t]) => ({ name, ...t, cpi: t.cycles / t.instructions })) : [];
  const calibration: CpiCalibration = {
    cpi: round(cpi),
    fittedAt: now.toISOString(),
    board: source(b, board.file),
    emulator: source(e, emu.file),
    cases: perCase.length,
    frames: sum(perCase.map((c) => c.frames)),
    spread: { min: round(Math.min(...perCase.map((c) => c.cpi))), max: round(Math.max(...perCase.map((c) => c.cpi))) },
    ...(perStage.length ? { stages: Object.fromEntries(perStage.map((s) => [s.name, round(s.cpi)])) } : {}),
  };
  return { calibration, perCase, perStage, skipped };
}

/** Add a case's per-stage totals when both runs profiled it with the same stages; returns the
 *  stage list seen so far, or null once the runs disagree (no per-stage fit then). */
function addStages(totals: Map<string, { cycles: number; instructions: number }>, seen: string | null | undefined, bc: CaseResult, ec: CaseResult): string | null {
  if (seen === null || !bc.profile || !ec.profile) return null;
  const names = bc.profile.stages.map((s) => s.name).join(',');
  if (names !== ec.profile.stages.map((s) => s.name).join(',') || (seen !== undefined && seen !== names)) return null;
  bc.profile.stages.forEach((s, k) => {
    const t = totals.get(s.name) ?? { cycles: 0, instructions: 0 };
    t.cycles += s.median * bc.profile!.frames;
    t.instructions += ec.profile!.stages[k]!.median * ec.profile!.frames;
    totals.set(s.name, t);
  });
  return names;
}

/** Four significant decimals: a CPI is a ratio of large counts, more digits mean nothing. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
