/**
 * Sequencing, flow control and recovery of requests (PROTOCOL.md 3): one sequence space for all
 * requests; control requests stop-and-wait, PROCESS requests pipelined up to the window;
 * go-back-N on NAK with the transmission-tag rule; re-send of requests whose responses were lost
 * (the device answers from its history); a retransmission timer adapted to the round trip;
 * responses delivered strictly in sequence order; duplicates ignored; a LINK error after
 * `maxRetries` re-sends without progress.
 *
 * Round trips are estimated separately for control requests and for PROCESS: their lines differ
 * in size twenty-fold, and on a slow link (115200 baud: a 447-byte PROCESS line takes 39 ms each
 * way, a RESET 2 ms) a timeout learnt from RESETs fires before every first PROCESS and costs a
 * go-back of the whole window.
 */
import { HarnessError } from '../core/errors.ts';
import { type Frame } from '../protocol/frame-codec.ts';
import { nakReasonName, typeName, type NakReasonName } from '../protocol/messages.ts';
import { unpackNak } from '../protocol/payloads.ts';
import type { Connection } from './connection.ts';
import { DeadlineTimer } from './deadline-timer.ts';
import type { RtoEstimator } from './rto.ts';

export interface RequestMeta {
  /** PROCESS requests are pipelined; everything else is stop-and-wait. */
  readonly pipelined: boolean;
  /** Index of the audio frame, for error messages. */
  readonly frame?: number;
}

export interface PipeOptions {
  readonly window: number;
  readonly maxRetries: number;
  /** The stall timeout, ms: with requests outstanding, no progress and no protocol line at all
   *  from the device (not even a NAK or a re-sent answer) for this long declares the device
   *  unresponsive. Watched by its own timer, whatever the retransmission timer does; the
   *  retransmission timeout is kept below half of it, so the host probes at least twice. */
  readonly requestTimeoutMs: number;
  /** How the stall timeout was derived, for the error message. */
  readonly stallFormula?: string;
  readonly firstSeq: number;
}

interface Entry {
  readonly type: number;
  readonly payload: Uint8Array;
  readonly meta: RequestMeta;
  readonly resolve: (f: Frame) => void;
  readonly reject: (e: HarnessError) => void;
  seq: number;
  lastTx: number;
  /** Send time of each transmission, by tag (for round-trip samples). */
  readonly sentAt: Map<number, number>;
  /** Re-sends since the last progress. */
  resends: number;
  response?: Frame;
}

/** No progress for this many stall timeouts fails the session even while the device answers. */
export const NO_PROGRESS_FACTOR = 5;

/** Is tag `a` older than tag `b`, in serial arithmetic over `modulus` tags (16 bits in framing
 *  v1, 7 bits in v2)? */
export function olderTx(a: number, b: number, modulus = 0x10000): boolean {
  const d = (((b - a) % modulus) + modulus) % modulus;
  return d !== 0 && d < modulus / 2;
}

/** One round-trip estimator per request class. */
export interface RtoPair {
  readonly control: RtoEstimator;
  readonly pipelined: RtoEstimator;
}

export class RequestPipe {
  private readonly queue: Entry[] = [];
  private readonly outstanding: Entry[] = [];
  private nextSeq: number;
  private goBackTx: number | undefined;
  /** The retransmission timer and the stall watchdog: moved on every progress, so deadline
   *  timers (no setTimeout per frame). */
  private readonly rtoTimer: DeadlineTimer;
  private lastProgress = 0;
  private readonly stallTimer: DeadlineTimer;
  private failure: HarnessError | undefined;
  /** Milliseconds from the last progress (or the first request after idling) to the failure. */
  private failureAge: number | undefined;
  private failedOn: ReturnType<RequestPipe['current']>;

  constructor(
    private readonly conn: Connection,
    private readonly rtos: RtoPair,
    private readonly opts: PipeOptions,
  ) {
    this.nextSeq = opts.firstSeq & 0xffff;
    this.lastProgress = conn.elapsed();
    const clock = (): number => conn.elapsed();
    this.rtoTimer = new DeadlineTimer(() => this.onTimeout(), clock);
    this.stallTimer = new DeadlineTimer(() => this.onStall(), clock);
  }

  /** Queue a request; resolves with its response frame (which may be an ERROR). */
  request(type: number, payload: Uint8Array, meta: RequestMeta): Promise<Frame> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Frame>((resolve, reject) => {
      this.queue.push({ type, payload, meta, resolve, reject, seq: -1, lastTx: 0, sentAt: new Map(), resends: 0 });
      this.pump();
    });
  }

  /** Time from the last progress to the failure, ms: how long detecting it took. */
  get detectionMs(): number | undefined {
    return this.failureAge;
  }

  /** The oldest unanswered request when the pipe failed (what the device was working on). */
  get failedRequest(): ReturnType<RequestPipe['current']> {
    return this.failedOn;
  }

  /** The oldest request without a response (what the device is working on), if any. */
  current(): { type: string; seq: number; frame?: number } | undefined {
    const e = this.outstanding.find((o) => !o.response);
    return e && { type: typeName(e.type), seq: e.seq, ...(e.meta.frame === undefined ? {} : { frame: e.meta.frame }) };
  }

  /** A response (type >= 0x80, not NAK, not device-initiated). */
  onResponse(f: Frame): void {
    if (this.failure) return;
    const idx = this.outstanding.findIndex((o) => o.seq === f.seq && !o.response);
    if (idx < 0) {
      this.conn.stats.duplicateResults++;
      return;
    }
    const e = this.outstanding[idx]!;
    e.response = f;
    // The response echoes the tag of the transmission it answers: an unambiguous round trip.
    const sentAt = e.sentAt.get(f.tx);
    if (sentAt !== undefined) this.rtoFor(e).sample(this.conn.elapsed() - sentAt);
    e.sentAt.clear();
    // Earlier requests still unanswered whose last transmission preceded the one answered here:
    // the link is FIFO, so their responses were lost. The device answers them from its history.
    for (let k = 0; k < idx; k++) {
      const o = this.outstanding[k]!;
      if (!o.response && this.conn.olderTx(o.lastTx, f.tx) && !this.resend(o)) return;
    }
    this.deliver();
  }

  onNak(f: Frame): void {
    if (this.failure) return;
    let reason: NakReasonName | 'other' = 'other';
    try {
      const nak = unpackNak(f.payload);
      const name = nakReasonName(nak.reason);
      if (name in this.conn.stats.naks) reason = name as NakReasonName;
    } catch {
      // A malformed NAK still means "something went wrong": recover the same way.
    }
    this.conn.stats.naks[reason]++;
    if (!this.outstanding.some((o) => !o.response)) return;
    // A NAK refusing a line whose tag could not be read carries the tag of the last well-formed
    // request: the refused line was transmitted after that one (PROTOCOL.md 3.3).
    const unreadable = reason === 'CRC' || reason === 'TOO_LONG' || reason === 'BAD_VERSION';
    const provokedBy = unreadable ? this.conn.txAfter(f.tx) : f.tx;
    if (this.goBackTx !== undefined && this.conn.olderTx(provokedBy, this.goBackTx)) {
      this.conn.stats.naksIgnored++;
      return;
    }
    this.goBack();
  }

  /** Reject everything and stop the timer. Idempotent. */
  fail(err: HarnessError): void {
    if (this.failure) return;
    this.failure = err;
    this.failureAge = this.conn.elapsed() - this.lastProgress;
    this.failedOn = this.current();
    this.rtoTimer.clear();
    this.stallTimer.clear();
    for (const e of [...this.outstanding, ...this.queue]) e.reject(err);
    this.outstanding.length = 0;
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.failure) {
      const next = this.queue[0]!;
      if (this.outstanding.length > 0) {
        const pipelinable = next.meta.pipelined && this.outstanding.every((o) => o.meta.pipelined);
        if (!pipelinable || this.outstanding.length >= this.opts.window) break;
      }
      this.queue.shift();
      if (this.outstanding.length === 0) {
        // Idle time between requests is not a stall: the clock starts with the first request.
        this.lastProgress = this.conn.elapsed();
        this.armStall();
      }
      next.seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) & 0xffff;
      this.outstanding.push(next);
      this.transmit(next);
    }
    if (this.outstanding.length > 0 && !this.rtoTimer.armed && !this.failure) this.armTimer();
  }

  private transmit(e: Entry): void {
    e.lastTx = this.conn.nextTx();
    e.sentAt.set(e.lastTx, this.conn.elapsed());
    this.conn.sendFrame({ type: e.type, seq: e.seq, tx: e.lastTx }, e.payload);
  }

  /** Re-send one request; false (and the session failed) when it has been re-sent too often. */
  private resend(e: Entry): boolean {
    e.resends++;
    const stalled = this.conn.elapsed() - this.lastProgress;
    // No progress although the device answers (NAKs, stale answers): a link too bad to carry the
    // stream. Bounded by re-sends, and by time at NO_PROGRESS_FACTOR stall timeouts.
    if (e.resends > this.opts.maxRetries || stalled > NO_PROGRESS_FACTOR * this.opts.requestTimeoutMs) {
      const what = `${typeName(e.type)} seq ${e.seq}${e.meta.frame === undefined ? '' : ` (frame ${e.meta.frame})`}`;
      const why =
        e.resends > this.opts.maxRetries
          ? `no progress after ${this.opts.maxRetries} re-sends of ${what}`
          : `no progress for ${Math.round(stalled)} ms on ${what}`;
      this.conn.fail(
        this.conn.linkError(why, {
          context: { request: typeName(e.type), seq: e.seq, frame: e.meta.frame, stalledMs: Math.round(stalled), resendLimit: 1 },
        }),
      );
      return false;
    }
    this.conn.stats.resentLines++;
    this.transmit(e);
    return true;
  }

  /** Go-back-N: re-send every unanswered outstanding request, in order. */
  private goBack(): void {
    let first = true;
    for (const e of this.outstanding) {
      if (e.response) continue;
      if (!this.resend(e)) return;
      if (first) this.goBackTx = e.lastTx;
      first = false;
    }
    this.armTimer();
  }

  private deliver(): void {
    let progressed = false;
    while (this.outstanding.length > 0 && this.outstanding[0]!.response) {
      const e = this.outstanding.shift()!;
      progressed = true;
      e.resolve(e.response!);
    }
    if (progressed) {
      this.lastProgress = this.conn.elapsed();
      for (const o of this.outstanding) o.resends = 0;
      if (this.outstanding.length > 0) this.armStall();
      else {
        this.rtoTimer.clear();
        this.stallTimer.clear();
      }
    }
    this.pump();
    // Progress restarts the retransmission timer for what is still (or now) outstanding.
    if (progressed && this.outstanding.length > 0 && !this.failure) this.armTimer();
    else this.publish();
  }

  /** (Re)start the stall watchdog: no progress for requestTimeoutMs fails the session. */
  private armStall(): void {
    this.stallTimer.set(this.opts.requestTimeoutMs);
  }

  private onStall(): void {
    const e = this.outstanding.find((o) => !o.response);
    if (this.failure || !e) return;
    const now = this.conn.elapsed();
    const stalled = now - Math.max(this.lastProgress, this.conn.lastFrameAt);
    if (stalled < this.opts.requestTimeoutMs) {
      this.stallTimer.set(this.opts.requestTimeoutMs - stalled);
      return;
    }
    const what = `${typeName(e.type)} seq ${e.seq}${e.meta.frame === undefined ? '' : ` (frame ${e.meta.frame})`}`;
    const limit = this.opts.stallFormula ? ` (stall limit ${this.opts.stallFormula})` : '';
    this.conn.fail(
      this.conn.linkError(`the device stopped answering: not a line from it for ${Math.round(stalled)} ms while ${what} waited (${e.resends} re-sends)${limit}`, {
        context: { request: typeName(e.type), seq: e.seq, frame: e.meta.frame, stalledMs: Math.round(stalled), unresponsive: 1 },
      }),
    );
  }

  private rtoFor(e: Entry): RtoEstimator {
    return e.meta.pipelined ? this.rtos.pipelined : this.rtos.control;
  }

  /** The estimator timing the oldest unanswered request (the one a timeout re-sends first). */
  private timing(): RtoEstimator {
    const e = this.outstanding.find((o) => !o.response) ?? this.outstanding[0];
    return e ? this.rtoFor(e) : this.rtos.pipelined;
  }

  private armTimer(): void {
    this.rtoTimer.set(this.timing().rtoMs);
    this.publish();
  }

  private onTimeout(): void {
    if (this.failure || !this.outstanding.some((o) => !o.response)) return;
    this.conn.stats.timeouts++;
    this.timing().backoff();
    this.goBack();
  }

  /** LinkStats show the PROCESS estimator once it has samples (what streaming runs on). */
  private publish(): void {
    const r = this.rtos.pipelined.srttMs > 0 ? this.rtos.pipelined : this.timing();
    this.conn.stats.rtoMs = r.rtoMs;
    this.conn.stats.srttMs = r.srttMs;
  }
}
