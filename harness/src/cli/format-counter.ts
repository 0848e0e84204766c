/** One line describing per-frame counters, labelled by their source. */
import type { CounterSummary } from '../core/percentiles.ts';

const UNIT: Record<string, string> = { dwt: 'cycles', icount: 'instructions', timer: 'timer ticks' };

/** What one count is: cycles (dwt), instructions (icount), timer ticks, or null (no counter). */
export function counterUnit(source: string): string | null {
  return source === 'none' ? null : (UNIT[source] ?? source);
}

export function formatCounter(source: string, s: CounterSummary): string {
  if (source === 'none') return 'counter: none (host time is not target time; no per-frame counts)';
  const unit = UNIT[source] ?? source;
  return `${unit} per frame (${source}): median ${s.median}, p95 ${s.p95}, max ${s.max}`;
}
