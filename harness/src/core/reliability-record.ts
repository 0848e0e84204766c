/**
 * The reliability part of the results model (report.json): how a device fault was detected, what
 * earlier attempts of a retried case met, link fault injection of a soak run and the link's
 * recovery counters over the run. Types, and the one-line description of a fault.
 */
import type { ErrorCode } from './errors.ts';

/**
 * A device fault as the harness detected it:
 * - `crash`: the device reported a FAULT (hard fault, bus fault, ...) and stopped;
 * - `reset`: the device booted again mid-session (unsolicited BOOT): its state is lost;
 * - `unresponsive`: no answer within the stall timeout (a hang, or a device that stopped
 *   answering: from the host the two look the same);
 * - `exited`: the target process (simulator, QEMU) died.
 */
export type DeviceFaultKind = 'crash' | 'reset' | 'unresponsive' | 'exited';
export const DEVICE_FAULT_KINDS: readonly DeviceFaultKind[] = ['crash', 'reset', 'unresponsive', 'exited'];

export interface CaseFault {
  readonly kind: DeviceFaultKind;
  /** The device's own account: FAULT kind and cause, BOOT reason, exit status; null if none. */
  readonly detail: string | null;
  /** Frame of the case (0-based) the device was working on, or null outside streaming. */
  readonly frame: number | null;
  /** Program counter from a FAULT report, e.g. `0x00000212`. */
  readonly pc: string | null;
  /** Milliseconds from the last answer received to the harness declaring the fault. */
  readonly detectionMs: number | null;
  /** Every attempt met the same kind of fault at the same frame (a deterministic device fault). */
  readonly reproduced: boolean;
}

/** What one earlier attempt of a case met (kept when a retry followed). */
export interface AttemptError {
  readonly attempt: number;
  readonly code: ErrorCode;
  readonly message: string;
  readonly fault: CaseFault | null;
}

export interface LinkTotals {
  readonly resentLines: number;
  readonly corruptLines: number;
  readonly naks: number;
  readonly timeouts: number;
}

export interface FaultInjectionRecord {
  /** Per-byte fault probability, each direction. */
  readonly rate: number;
  readonly seed: number;
  readonly kinds: readonly string[];
  /** Faults injected, per direction (rx: from the device, tx: to the device) and kind. */
  readonly injected: { readonly rx: Readonly<Record<string, number>>; readonly tx: Readonly<Record<string, number>> };
}

export interface ReliabilityRecord {
  /** Seeded link fault injection (`hil run --fault-rate`), or null. */
  readonly faultInjection: FaultInjectionRecord | null;
  /** No-progress limit declaring a device unresponsive, ms, and how it was derived. */
  readonly stallTimeoutMs: number | null;
  readonly stallFormula: string | null;
  /** Target instances started (1 per job, plus one per restart after a failure). */
  readonly targetStarts: number;
  /** Link recovery over every measured case. */
  readonly link: LinkTotals;
  /** Cases that ended in a device fault, by kind. */
  readonly deviceFaults: Readonly<Record<DeviceFaultKind, number>>;
  /** Cases that passed only after a retry. */
  readonly passedAfterRetry: number;
}

/** One line for messages: `crash (hardfault: undefined instruction) at frame 3, pc 0x00000212`. */
export function describeFault(f: Omit<CaseFault, 'reproduced'>): string {
  const at = f.frame === null ? '' : ` at frame ${f.frame}`;
  const pc = f.pc ? `, pc ${f.pc}` : '';
  const det = f.detectionMs === null ? '' : `, detected after ${f.detectionMs} ms`;
  return `${f.kind}${f.detail ? ` (${f.detail})` : ''}${at}${pc}${det}`;
}
