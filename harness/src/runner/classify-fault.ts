/**
 * Recognise a device fault in a case's error, and the retry policy that follows from it. Pure.
 *
 * Retry policy (issue 8): a device that *says* it failed — a FAULT report (`crash`) or an
 * unsolicited BOOT (`reset`) — is not retried: the device itself is the evidence, a re-run could
 * only hide it. A device that stops answering (`unresponsive`), a target process that dies
 * (`exited`) and link errors may be a flaky link or host, so they are retried on a freshly started
 * target, and every earlier attempt's error stays in the case's `earlierAttempts`. When every
 * attempt meets the same kind of fault at the same frame the fault is marked `reproduced`: a
 * deterministic device fault, not a flaky link.
 */
import { isHarnessError, type HarnessError } from '../core/errors.ts';
import type { CaseFault } from '../core/reliability-record.ts';

function fields(v: unknown): Record<string, string> | null {
  if (!v || typeof v !== 'object') return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** What the session knew when it failed. */
export interface FailureContext {
  /** ms from the last answer to the failure. */
  readonly detectionMs?: number;
  /** Frame of the oldest unanswered PROCESS. */
  readonly frame?: number;
}

function frameOf(e: HarnessError, deviceFrame?: string, sessionFrame?: number): number | null {
  if (typeof e.context.frame === 'number') return e.context.frame;
  if (sessionFrame !== undefined) return sessionFrame;
  const n = deviceFrame === undefined ? Number.NaN : Number(deviceFrame);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/** The device fault an error is, or null (a link or host problem, a bad input, ...). */
export function classifyFault(err: unknown, at: FailureContext = {}): Omit<CaseFault, 'reproduced'> | null {
  if (!isHarnessError(err)) return null;
  const ctx = err.context;
  const detection = at.detectionMs === undefined ? null : Math.round(at.detectionMs);
  const fault = fields(ctx.fault);
  if (err.code === 'DEVICE' && fault) {
    const kind = fault['kind'] ?? 'unknown';
    return {
      kind: 'crash',
      detail: fault['cause'] ? `${kind}: ${fault['cause']}` : kind,
      frame: frameOf(err, fault['frame']),
      pc: fault['pc'] ?? null,
      detectionMs: detection,
    };
  }
  const boot = fields(ctx.boot);
  if (err.code === 'DEVICE' && boot) {
    return { kind: 'reset', detail: `BOOT reason=${boot['reason'] ?? 'unknown'}`, frame: frameOf(err), pc: null, detectionMs: detection };
  }
  if (err.code === 'LINK' && (ctx.unresponsive === 1 || ctx.resendLimit === 1)) {
    const how = ctx.unresponsive === 1 ? `silent for ${String(ctx.stalledMs)} ms` : 're-send limit reached without an answer';
    return { kind: 'unresponsive', detail: how, frame: frameOf(err), pc: null, detectionMs: detection };
  }
  if (err.code === 'TARGET' && typeof ctx.exitStatus === 'string') {
    return { kind: 'exited', detail: ctx.exitStatus, frame: frameOf(err, undefined, at.frame), pc: null, detectionMs: detection };
  }
  return null;
}

/** May a case that met this error be retried on a fresh target? */
export function isRetryable(err: unknown, fault: Omit<CaseFault, 'reproduced'> | null): boolean {
  if (!isHarnessError(err)) return true; // an unexpected host error: a fresh target may help
  if (fault?.kind === 'crash' || fault?.kind === 'reset') return false;
  return err.code === 'LINK' || err.code === 'TARGET' || err.code === 'HANDSHAKE' || err.code === 'PROTOCOL';
}

/** The same kind of fault at the same frame on every attempt. */
export function sameFault(a: Omit<CaseFault, 'reproduced'> | null, b: Omit<CaseFault, 'reproduced'> | null): boolean {
  return !!a && !!b && a.kind === b.kind && a.frame === b.frame;
}
