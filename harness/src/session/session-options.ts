/** Session options, their defaults and validation. */
import { HarnessError } from '../core/errors.ts';
import type { LinkRate } from './stall-timeout.ts';

export interface SessionOptions {
  /** Target description, for error messages. */
  readonly target: string;
  /** Host cap on requests in flight (default 8; the device's window also caps it). */
  readonly window?: number;
  /** Initial retransmission timeout, ms (default 200); adapted to the measured round trip. */
  readonly rtoMs?: number;
  /** Floor of the adapted retransmission timeout, ms (default 20). */
  readonly minRtoMs?: number;
  /** Re-sends of one request without progress before the session fails (default 30). */
  readonly maxRetries?: number;
  /** Fail when no response makes progress for this long, ms (default: derived from `linkRate`
   *  and the device's frame size, see stall-timeout.ts; 30000 without a link rate). */
  readonly requestTimeoutMs?: number;
  /** The link's rate and the target's speed, from which the stall timeout is derived. */
  readonly linkRate?: LinkRate;
  /** Total time to wait for INFO, ms (default 5000). */
  readonly handshakeTimeoutMs?: number;
  /** Interval between HELLO attempts, ms (default 300). */
  readonly helloRetryMs?: number;
  /** Sequence number of the HELLO (default 0); requests follow from it, wrapping at 16 bits. */
  readonly initialSeq?: number;
  /** Framing (PROTOCOL.md 8): `auto` (default) uses v2 when the device speaks it, else v1;
   *  `v2` fails the handshake with a device that does not; `v1` never asks. */
  readonly framing?: FramingChoice;
  /** Aborting stops the session promptly with an INTERRUPTED error. */
  readonly signal?: AbortSignal;
}

export type FramingChoice = 'v1' | 'v2' | 'auto';
export const FRAMING_CHOICES: readonly FramingChoice[] = ['v1', 'v2', 'auto'];

export type ResolvedSessionOptions = Required<Omit<SessionOptions, 'signal' | 'linkRate' | 'requestTimeoutMs'>> & {
  /** null: derive from the link rate once the device's frame size is known. */
  readonly requestTimeoutMs: number | null;
};

export const SESSION_DEFAULTS = {
  window: 8,
  rtoMs: 200,
  minRtoMs: 20,
  maxRetries: 30,
  requestTimeoutMs: 30_000,
  handshakeTimeoutMs: 5000,
  helloRetryMs: 300,
  initialSeq: 0,
  framing: 'auto',
} as const;

export function checkSessionOptions(o: SessionOptions): ResolvedSessionOptions {
  const r: ResolvedSessionOptions = {
    target: o.target,
    window: o.window ?? SESSION_DEFAULTS.window,
    rtoMs: o.rtoMs ?? SESSION_DEFAULTS.rtoMs,
    minRtoMs: o.minRtoMs ?? Math.min(SESSION_DEFAULTS.minRtoMs, o.rtoMs ?? SESSION_DEFAULTS.minRtoMs),
    maxRetries: o.maxRetries ?? SESSION_DEFAULTS.maxRetries,
    requestTimeoutMs: o.requestTimeoutMs ?? (o.linkRate ? null : SESSION_DEFAULTS.requestTimeoutMs),
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? SESSION_DEFAULTS.handshakeTimeoutMs,
    helloRetryMs: o.helloRetryMs ?? SESSION_DEFAULTS.helloRetryMs,
    initialSeq: o.initialSeq ?? SESSION_DEFAULTS.initialSeq,
    framing: o.framing ?? SESSION_DEFAULTS.framing,
  };
  const check = (key: keyof ResolvedSessionOptions, ok: boolean, what: string): void => {
    if (!ok) throw new HarnessError('CONFIG', `session option ${key}=${String(r[key])} must be ${what}`, { key, target: r.target });
  };
  const int = (v: number, lo: number, hi = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  check('window', int(r.window, 1, 0x7fff), 'an integer >= 1');
  check('rtoMs', r.rtoMs > 0 && Number.isFinite(r.rtoMs), 'a positive number of ms');
  check('minRtoMs', r.minRtoMs > 0 && r.minRtoMs <= r.rtoMs, 'positive and at most rtoMs');
  check('maxRetries', int(r.maxRetries, 0), 'an integer >= 0');
  check('requestTimeoutMs', r.requestTimeoutMs === null || r.requestTimeoutMs > 0, 'a positive number of ms');
  check('handshakeTimeoutMs', r.handshakeTimeoutMs > 0 && Number.isFinite(r.handshakeTimeoutMs), 'a positive number of ms');
  check('helloRetryMs', r.helloRetryMs > 0 && Number.isFinite(r.helloRetryMs), 'a positive number of ms');
  check('initialSeq', int(r.initialSeq, 0, 0xffff), 'an integer in 0 .. 65535');
  check('framing', FRAMING_CHOICES.includes(r.framing), `one of ${FRAMING_CHOICES.join(', ')}`);
  return r;
}
