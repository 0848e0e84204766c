/** Counters of what happened on a session's link (all since the session opened). */
import { NakReason, type NakReasonName } from '../protocol/messages.ts';

export type NakCounts = Record<NakReasonName | 'other', number>;

export interface LinkStats {
  /** Protocol lines sent, re-sends included. */
  txLines: number;
  /** Well-formed protocol lines received. */
  rxLines: number;
  /** Lines sent again (go-back-N, timeouts, lost responses). */
  resentLines: number;
  /** NAKs received, by reason. */
  naks: NakCounts;
  /** NAKs ignored because they answered transmissions older than the last go-back (3.3). */
  naksIgnored: number;
  /** Corrupt protocol lines received (bad base64, size, CRC or version, or cut for length). */
  hostCrcErrors: number;
  /** Retransmission timeouts that fired. */
  timeouts: number;
  /** Responses received for requests already answered (ignored). */
  duplicateResults: number;
  /** Device log lines received (non-protocol lines). */
  logLines: number;
  /** Lines over the host line limit, cut and discarded. */
  overlongLines: number;
  /** Bytes of such lines dropped unread (never buffered). */
  discardedBytes: number;
  /** Bytes received and sent. */
  rxBytes: number;
  txBytes: number;
  /** Current retransmission timeout and smoothed round trip, in ms. */
  rtoMs: number;
  srttMs: number;
}

export function createLinkStats(): LinkStats {
  const naks = Object.fromEntries([...Object.keys(NakReason), 'other'].map((k) => [k, 0])) as NakCounts;
  return {
    txLines: 0,
    rxLines: 0,
    resentLines: 0,
    naks,
    naksIgnored: 0,
    hostCrcErrors: 0,
    timeouts: 0,
    duplicateResults: 0,
    logLines: 0,
    overlongLines: 0,
    discardedBytes: 0,
    rxBytes: 0,
    txBytes: 0,
    rtoMs: 0,
    srttMs: 0,
  };
}
