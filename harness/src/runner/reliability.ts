/**
 * The run's reliability record (report.json `reliability`): device faults by kind, retries that
 * passed, link recovery totals, the stall timeout and the fault injection of a soak run. Pure.
 */
import { DEVICE_FAULT_KINDS, type DeviceFaultKind, type FaultInjectionRecord, type ReliabilityRecord } from '../core/reliability-record.ts';
import type { CaseResult, RunReport } from '../core/results.ts';

export interface ReliabilityInputs {
  readonly cases: readonly CaseResult[];
  readonly faultInjection: FaultInjectionRecord | null;
  readonly stall: { readonly ms: number; readonly formula: string } | null;
  readonly targetStarts: number;
}

export function reliabilityRecord(i: ReliabilityInputs): ReliabilityRecord {
  const deviceFaults = Object.fromEntries(DEVICE_FAULT_KINDS.map((k) => [k, 0])) as Record<DeviceFaultKind, number>;
  // every attempt's fault counts: a case retried after a device stopped answering had that fault
  for (const c of i.cases) {
    if (c.error?.fault) deviceFaults[c.error.fault.kind]++;
    for (const a of c.earlierAttempts ?? []) if (a.fault) deviceFaults[a.fault.kind]++;
  }
  const sum = (k: keyof CaseResult['link']) => i.cases.reduce((a, c) => a + c.link[k], 0);
  return {
    faultInjection: i.faultInjection,
    stallTimeoutMs: i.stall?.ms ?? null,
    stallFormula: i.stall?.formula ?? null,
    targetStarts: i.targetStarts,
    link: { resentLines: sum('resentLines'), corruptLines: sum('corruptLines'), naks: sum('naks'), timeouts: sum('timeouts') },
    deviceFaults,
    passedAfterRetry: i.cases.filter((c) => c.status === 'passed' && (c.earlierAttempts?.length ?? 0) > 0).length,
  };
}

/** The reliability record of merged shard reports: recounted over the merged cases, target starts
 *  and injected faults summed; undefined when no shard has one. */
export function mergeReliability(reports: readonly RunReport[], cases: readonly CaseResult[]): ReliabilityRecord | undefined {
  const withRecord = reports.map((r) => r.reliability).filter((x): x is ReliabilityRecord => x !== undefined);
  const first = withRecord[0];
  if (!first) return undefined;
  let faultInjection: FaultInjectionRecord | null = null;
  const injections = withRecord.map((x) => x.faultInjection).filter((x): x is FaultInjectionRecord => x !== null);
  if (injections.length > 0) {
    const sum = (dir: 'rx' | 'tx'): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const i of injections) for (const [k, n] of Object.entries(i.injected[dir])) out[k] = (out[k] ?? 0) + n;
      return out;
    };
    faultInjection = { ...injections[0]!, injected: { rx: sum('rx'), tx: sum('tx') } };
  }
  return reliabilityRecord({
    cases,
    faultInjection,
    stall: first.stallTimeoutMs === null ? null : { ms: first.stallTimeoutMs, formula: first.stallFormula ?? `${first.stallTimeoutMs} ms` },
    targetStarts: withRecord.reduce((a, x) => a + x.targetStarts, 0),
  });
}
