/**
 * Shared wording and numbers for every renderer: counter units (estimated cycles labelled as
 * such), margins ("not applicable" is never a pass), output verdicts, cycle summaries, and
 * number formats that survive a report read back from JSON (where Infinity became null). Pure.
 */
import type { CpiCalibration } from '../perf/calibrate-cpi.ts';
import { divergenceLine } from '../assertions/stage-divergence.ts';
import { frameBudgetCycles } from '../assertions/margin-verdict.ts';
import { summarize } from '../core/percentiles.ts';
import type { CaseResult, CaseStatus, RunReport, RunStatus, TargetRecord } from '../core/results.ts';

/** A finite number (values from report.json may be null where the run had ±Infinity or NaN). */
export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtInt(x: unknown): string {
  return isNum(x) ? INT.format(Math.round(x)) : '–';
}

export function fmtPct(x: unknown, digits = 1): string {
  return isNum(x) ? `${(x * 100).toFixed(digits)} %` : '–';
}

export function fmtSignedPct(x: unknown, digits = 1): string {
  if (!isNum(x)) return '–';
  const v = (x * 100).toFixed(digits);
  return `${x >= 0 ? '+' : ''}${v} %`;
}

export function fmtDb(x: unknown, unit = 'dBFS'): string {
  if (x === Number.NEGATIVE_INFINITY || x === null) return `−∞ ${unit}`;
  return isNum(x) ? `${x.toFixed(1)} ${unit}` : '–';
}

export function fmtSeconds(s: unknown): string {
  if (!isNum(s)) return '–';
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

export function fmtHz(hz: unknown): string {
  if (!isNum(hz) || hz <= 0) return 'not configured';
  return hz >= 1e6 ? `${hz / 1e6} MHz` : hz >= 1e3 ? `${hz / 1e3} kHz` : `${hz} Hz`;
}

/** Audio seconds per wall-clock second of the whole run. */
export function realTimeFactor(r: RunReport): number | null {
  return isNum(r.summary.wallSeconds) && r.summary.wallSeconds > 0 ? r.summary.audioSeconds / r.summary.wallSeconds : null;
}

/** Provenance of a calibrated CPI, one line: which board run it was fitted on, and when. */
export function calibrationText(c: CpiCalibration): string {
  const stages = c.stages ? `; per stage ${Object.entries(c.stages).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
  return `CPI ${c.cpi} fitted ${c.fittedAt.slice(0, 10)} on board run ${c.board.runId} (${c.board.target}, ${c.board.startedAt.slice(0, 10)}) against emulator run ${c.emulator.runId}: ${c.cases} cases, ${c.frames} frames, per-case CPI ${c.spread.min}-${c.spread.max}${stages}`;
}

/** Multiplier from the counter's unit to cycles: CPI for icount, 1 for dwt and timer. */
export function cycleScale(t: Pick<TargetRecord, 'counter' | 'cpi'>): number {
  return t.counter === 'icount' ? (isNum(t.cpi) && t.cpi > 0 ? t.cpi : 1) : 1;
}

/** What the cycle figures are, e.g. `estimated cycles (instructions × CPI 1.25)`; null without a counter. */
export function cycleUnit(t: Pick<TargetRecord, 'counter' | 'cpi'>): string | null {
  switch (t.counter) {
    case 'dwt':
      return 'cycles';
    case 'icount':
      return `estimated cycles (instructions × CPI ${cycleScale(t)})`;
    case 'timer':
      return 'timer ticks';
    case 'none':
      return null;
  }
}

/** The unit of raw per-frame counts (and of baseline figures): what the counter counts. */
export function counterUnit(t: Pick<TargetRecord, 'counter'>): string | null {
  return t.counter === 'dwt' ? 'cycles' : t.counter === 'icount' ? 'instructions' : t.counter === 'timer' ? 'timer ticks' : null;
}

/** Short form for table headers: `cycles`, `est. cycles`, `ticks`. */
export function cycleUnitShort(t: Pick<TargetRecord, 'counter'>): string {
  return t.counter === 'icount' ? 'est. cycles' : t.counter === 'timer' ? 'ticks' : 'cycles';
}

export function counterDescription(t: TargetRecord): string {
  switch (t.counter) {
    case 'dwt':
      return 'dwt (DWT cycle counter, measured cycles)';
    case 'icount':
      return `icount (instruction count on an emulator; cycles estimated as instructions × CPI ${cycleScale(t)})`;
    case 'timer':
      return 'timer (hardware timer ticks)';
    case 'none':
      return 'none (host time is not target time; no per-frame counts)';
  }
}

export interface CycleFigures {
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

/** Per-frame counts of a case converted to cycles (empty without a counter). */
export function caseCycleSeries(c: CaseResult, t: TargetRecord): number[] {
  if (t.counter === 'none') return [];
  const k = cycleScale(t);
  return c.counts.map((v) => v * k);
}

/** Median / p95 / max cycles per frame: from the margin verdict when present, else the counts. */
export function caseCycles(c: CaseResult, t: TargetRecord): CycleFigures | null {
  if (c.margin?.cycles) return c.margin.cycles;
  const s = caseCycleSeries(c, t);
  if (s.length === 0) return null;
  const sum = summarize(s);
  return { median: sum.median, p95: sum.p95, max: sum.max };
}

/** Cycle budget per frame: from the case's margin verdict, else clock × hop / rate. */
export function caseBudget(c: CaseResult, r: RunReport): number | null {
  if (c.margin && isNum(c.margin.budgetCycles) && c.margin.budgetCycles > 0) return c.margin.budgetCycles;
  const d = r.device;
  if (d && isNum(r.target.clockHz) && r.target.clockHz > 0 && d.rate > 0) return frameBudgetCycles(r.target.clockHz, d.hop, d.rate);
  return null;
}

export type Tone = 'pass' | 'fail' | 'error' | 'muted' | 'warn';

/** Margin cell: the margin against the requirement, or "not applicable" — never "passed". */
export function marginSummary(c: CaseResult): { text: string; tone: Tone } {
  const m = c.margin;
  if (!m || m.status === 'not-applicable' || !isNum(m.margin)) return { text: 'not applicable', tone: 'muted' };
  const text = `${fmtPct(m.margin)} (required ≥ ${fmtPct(m.requiredMargin)})`;
  return { text, tone: m.status === 'pass' ? 'pass' : 'fail' };
}

/** Output cell: `bit-exact`, `mismatch at sample 5925 (frame 37)`, `SNR ≥ 40 dB holds`, … */
export function outputSummary(c: CaseResult): { text: string; tone: Tone } {
  const o = c.output;
  if (!o) return { text: c.status === 'skipped' ? 'not run' : c.error ? 'not checked' : '–', tone: 'muted' };
  if (o.status === 'not-applicable') return { text: 'not applicable', tone: 'muted' };
  const rule = o.tolerance.mode === 'bit-exact' ? 'bit-exact' : o.tolerance.mode === 'max-lsb' ? `≤ ${o.tolerance.maxLsb} LSB` : `SNR ≥ ${o.tolerance.minSnrDb} dB`;
  if (o.status === 'pass') return { text: o.tolerance.mode === 'bit-exact' || o.mismatches === 0 ? 'bit-exact' : `${rule} holds`, tone: 'pass' };
  const fm = o.firstMismatch;
  const where = fm ? ` at sample ${fmtInt(fm.sample)} (frame ${fm.frame})` : '';
  return { text: `${o.tolerance.mode === 'bit-exact' ? 'mismatch' : `${rule} violated`}${where}`, tone: 'fail' };
}

export function baselineSummary(c: CaseResult): { text: string; tone: Tone } {
  const b = c.baseline;
  if (!b) return { text: '–', tone: 'muted' };
  const stages = b.stageRegressions?.length ? `; stage${b.stageRegressions.length > 1 ? 's' : ''} ${b.stageRegressions.join(', ')}` : '';
  return { text: `median ${fmtSignedPct(b.medianChange)}, max ${fmtSignedPct(b.maxChange)}${stages}`, tone: b.regression ? 'fail' : 'pass' };
}

export const CASE_STATUS_LABEL: Record<CaseStatus, string> = { passed: 'passed', failed: 'failed', error: 'error', skipped: 'skipped' };
export const RUN_STATUS_LABEL: Record<RunStatus, string> = { passed: 'PASSED', failed: 'FAILED', error: 'ERROR', incomplete: 'INCOMPLETE' };

export function caseTone(s: CaseStatus): Tone {
  return s === 'passed' ? 'pass' : s === 'failed' ? 'fail' : s === 'error' ? 'error' : 'muted';
}

/** Why a case did not pass, one message per failed check (verdict messages, error, regression).
 *  Baseline figures are raw counts; `t` names their unit. */
export function failureReasons(c: CaseResult, t?: Pick<TargetRecord, 'counter'>): string[] {
  const out: string[] = [];
  if (c.error) out.push(`${c.error.code}: ${c.error.message}`);
  if (c.output?.status === 'fail') out.push(c.output.message);
  if (c.output?.status === 'fail' && c.firstDivergence) out.push(divergenceLine(c.firstDivergence));
  if (c.margin?.status === 'fail') out.push(c.margin.message);
  if (c.baseline?.regression) {
    const unit = t ? counterUnit(t) : null;
    out.push(
      `cycle regression against the baseline${unit ? ` (${unit} per frame)` : ''}: median ${fmtInt(c.baseline.medianBefore)} → ${fmtInt(c.baseline.medianAfter)} (${fmtSignedPct(c.baseline.medianChange)}), ` +
        `max ${fmtInt(c.baseline.maxBefore)} → ${fmtInt(c.baseline.maxAfter)} (${fmtSignedPct(c.baseline.maxChange)})` +
        (c.baseline.stageRegressions?.length ? `; regressed stage${c.baseline.stageRegressions.length > 1 ? 's' : ''}: ${c.baseline.stageRegressions.join(', ')}` : ''),
    );
  }
  return out;
}

/** One sentence for the whole run, e.g. `5 cases: 3 passed, 1 failed, 1 error, 0 skipped, 1 retried`. */
export function countsSentence(r: RunReport): string {
  const s = r.summary;
  const retried = r.cases.filter((c) => (c.earlierAttempts?.length ?? 0) > 0).length;
  return `${s.total} case${s.total === 1 ? '' : 's'}: ${s.passed} passed, ${s.failed} failed, ${s.error} error${s.error === 1 ? '' : 's'}, ${s.skipped} skipped${retried ? `, ${retried} retried` : ''}`;
}

/** `after 1 retry: <the first attempt's error>` for a case that was retried; null otherwise. */
export function retryNote(c: CaseResult): string | null {
  const n = c.earlierAttempts?.length ?? 0;
  if (n === 0) return null;
  const first = c.earlierAttempts![0]!;
  const why = first.message.length > 160 ? `${first.message.slice(0, 159)}…` : first.message;
  return `after ${n} retr${n === 1 ? 'y' : 'ies'}: ${why}`;
}

/** Smallest margin over the cases that have one (null when none applies). */
export function worstMargin(r: RunReport): { margin: number; caseId: string } | null {
  let best: { margin: number; caseId: string } | null = null;
  for (const c of r.cases) {
    const m = c.margin?.margin;
    if (c.margin?.status !== 'not-applicable' && isNum(m) && (!best || m < best.margin)) best = { margin: m, caseId: c.id };
  }
  return best;
}
