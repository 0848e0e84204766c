/**
 * The run's reliability record (report.json `reliability`): device faults by kind, retries that
 * passed, link recovery totals, the stall timeout and the fault injection of a soak run. Pure.
 */
import { DEVICE_FAULT_KINDS, type DeviceFaultKind, type FaultInjectionRecord, type ReliabilityRecord } from '../core/reliability-record.ts';
import type { CaseResult } from '../core/results.ts';

export interface ReliabilityInputs {
  readonly cases: readonly CaseResult[];
  readonly faultInjection: FaultInjectionRecord | null;
  readonly stall: { readonly ms: number; readonly formula: string } | null;
  readonly targetStarts: number;
}

export function reliabilityRecord(i: ReliabilityInputs): ReliabilityRecord {
  const deviceFaults = Object.fromEntries(DEVICE_FAULT_KINDS.map((k) => [k, 0])) as Record<DeviceFaultKind, number>;
  for (const c of i.cases) if (c.error?.fault) deviceFaults[c.error.fault.kind]++;
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
