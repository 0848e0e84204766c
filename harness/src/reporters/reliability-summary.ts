/**
 * The reliability figures of a run in words, for every renderer: link fault injection, link
 * recovery, device faults by kind with the stall timeout, target restarts and retries. Plain
 * strings (renderers escape them). Pure.
 */
import type { RunReport } from '../core/results.ts';
import { describeFault } from '../core/reliability-record.ts';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Lines describing the run's reliability record, or [] when the report has none. */
export function reliabilityLines(r: RunReport): string[] {
  const x = r.reliability;
  if (!x) return [];
  const out: string[] = [];
  const fi = x.faultInjection;
  if (fi) {
    const sum = (o: Readonly<Record<string, number>>) => Object.values(o).reduce((a, b) => a + b, 0);
    out.push(
      `Link fault injection (soak): per-byte rate ${fi.rate} in each direction, seed ${fi.seed}, kinds ${fi.kinds.join(', ')}: ` +
        `${sum(fi.injected.tx)} faults injected on the way to the device, ${sum(fi.injected.rx)} on the way back`,
    );
  }
  const l = x.link;
  out.push(
    `Link recovery: ${plural(l.resentLines, 'line')} re-sent, ${plural(l.corruptLines, 'corrupt line')} received (CRC or framing), ` +
      `${plural(l.naks, 'NAK')} from the device, ${plural(l.timeouts, 'retransmission timeout')}`,
  );
  const faults = Object.entries(x.deviceFaults).filter(([, n]) => n > 0);
  const stall = x.stallTimeoutMs === null ? '' : `; a device is declared unresponsive after ${x.stallFormula ?? `${x.stallTimeoutMs} ms`}`;
  out.push(`Device faults: ${faults.length ? faults.map(([k, n]) => `${n} ${k}`).join(', ') : 'none'}${stall}`);
  for (const c of r.cases) if (c.error?.fault) out.push(`${c.id}: ${describeFault(c.error.fault)}${c.error.fault.reproduced ? ` (reproduced on all ${c.attempts} attempts)` : ''}`);
  const restarts = x.targetStarts - Math.min(r.selection.jobs, r.cases.length);
  out.push(`Target starts: ${x.targetStarts}${restarts > 0 ? ` (${plural(restarts, 'restart')} after failures)` : ''}; ${plural(x.passedAfterRetry, 'case')} passed only after a retry`);
  for (const c of r.cases) {
    for (const a of c.earlierAttempts ?? []) out.push(`${c.id} attempt ${a.attempt}: ${a.code}: ${a.message}`);
  }
  return out;
}
