/** One line describing per-frame counters, labelled by their source. */
import type { CounterSummary } from '../core/percentiles.ts';

const UNIT: Record<string, string> = { dwt: 'cycles', icount: 'instructions', timer: 'timer ticks' };

export function formatCounter(source: string, s: CounterSummary): string {
  if (source === 'none') return 'counter: none (host time is not target time; no per-frame counts)';
  const unit = UNIT[source] ?? source;
  return `${unit} per frame (${source}): median ${s.median}, p95 ${s.p95}, max ${s.max}`;
}
