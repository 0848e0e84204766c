/**
 * Real-time margin: budget = clock x hop / rate cycles per frame; margin = 1 - worst / budget;
 * pass when margin >= required. On emulators (counter `icount`) cycles are estimated as
 * instructions x CPI and labelled so; without a counter (or with one that reads 0 on every frame)
 * the check is not applicable — never a pass.
 * Pure.
 */
import { summarize } from '../core/percentiles.ts';
import type { MarginVerdict } from './verdict.ts';

export interface MarginInput {
  readonly counter: 'dwt' | 'icount' | 'timer' | 'none';
  /** Per-frame counts in the counter's unit. */
  readonly counts: ArrayLike<number>;
  readonly clockHz: number;
  /** Cycles per instruction for `icount`; ignored otherwise. */
  readonly cpi: number;
  readonly hop: number;
  readonly rate: number;
  /** Required margin as a fraction, e.g. 0.1 for 10 %. */
  readonly requiredMargin: number;
}

/** The real-time budget of one frame in cycles: clock x hop / rate. */
export function frameBudgetCycles(clockHz: number, hop: number, rate: number): number {
  return (clockHz * hop) / rate;
}

export function checkMargin(m: MarginInput): MarginVerdict {
  const budget = frameBudgetCycles(m.clockHz, m.hop, m.rate);
  const base = {
    kind: 'real-time' as const,
    counter: m.counter,
    estimated: m.counter === 'icount',
    clockHz: m.clockHz,
    cpi: m.counter === 'icount' ? m.cpi : null,
    budgetCycles: budget,
    requiredMargin: m.requiredMargin,
  };
  const allZero = m.counts.length > 0 && Array.prototype.every.call(m.counts, (c: number) => c === 0);
  if (m.counter === 'none' || m.counts.length === 0 || !(budget > 0) || allZero) {
    const why =
      m.counter === 'none'
        ? 'the target has no cycle counter (host time is not target time)'
        : m.counts.length === 0
          ? 'no frames were processed'
          : allZero
            ? `the ${m.counter} counter read 0 on every frame (is it running? QEMU does not emulate DWT)`
            : 'no clock frequency is configured for this target';
    return { ...base, status: 'not-applicable', cycles: null, worstFrame: null, margin: null, message: `real-time margin not applicable: ${why}` };
  }
  const scale = m.counter === 'icount' ? m.cpi : 1;
  const cycles = Array.from(m.counts, (c) => c * scale);
  let worstFrame = 0;
  for (let i = 1; i < cycles.length; i++) if (cycles[i]! > cycles[worstFrame]!) worstFrame = i;
  const s = summarize(cycles);
  const margin = 1 - s.max / budget;
  const pass = margin >= m.requiredMargin;
  const label = m.counter === 'icount' ? `estimated cycles (instructions x CPI ${m.cpi})` : 'cycles';
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const message =
    `${pass ? 'margin holds' : 'margin violated'}: worst frame ${worstFrame} takes ${Math.round(s.max)} ${label} ` +
    `of a ${Math.round(budget)}-cycle budget (${m.clockHz / 1e6} MHz x ${m.hop}/${m.rate} s): margin ${pct(margin)}, required ${pct(m.requiredMargin)}`;
  return {
    ...base,
    status: pass ? 'pass' : 'fail',
    cycles: { median: s.median, p95: s.p95, p99: s.p99, max: s.max },
    worstFrame,
    margin,
    message,
  };
}
