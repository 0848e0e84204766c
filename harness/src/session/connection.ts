/**
 * The line level of a session: reads and classifies lines from a ByteLink, keeps the device log
 * and link counters, sends protocol lines with fresh transmission tags, and turns everything that
 * ends a link (EOF, stream errors, abort) into one sticky HarnessError. Frames go to the current
 * FrameSink (the handshake, then the request pipe).
 */
import { describeBytes, HarnessError } from '../core/errors.ts';
import { decodeLineBytes, encodeFrame, type Frame, type FrameHeader, type LineKind } from '../protocol/frame-codec.ts';
import { decodeFrameV2, encodeFrameV2, nextTxV2, V2_TX_MODULUS } from '../protocol/frame-codec-v2.ts';
import { HOST_LINE_LIMIT, LINE_MARKER, MsgType } from '../protocol/messages.ts';
import type { ByteLink } from '../transport/byte-link.ts';
import { LineReader } from '../transport/line-reader.ts';
import { createLinkStats, type LinkStats } from './link-stats.ts';
import { olderTx } from './request-pipe.ts';

export interface DeviceLogLine {
  /** Milliseconds since the session started. */
  readonly t: number;
  readonly text: string;
}

export interface FrameSink {
  frame(f: Frame): void;
  /** The connection failed: reject whatever is pending. */
  fail(err: HarnessError): void;
}

/** How long a failed write waits for the device's output to end before it fails the connection:
 *  a device that died has usually written answers the host has not read yet (EPIPE is reported
 *  before them), and those tell which frame it died on. */
export const WRITE_FAILURE_GRACE_MS = 250;

/** Device log lines kept in memory; later ones are counted but dropped. */
export const DEVICE_LOG_CAP = 100_000;
/** Characters of device log kept in memory (a device flooding long log lines stays bounded). */
export const DEVICE_LOG_CHARS = 4 * 1024 * 1024;

export class Connection {
  readonly stats: LinkStats = createLinkStats();
  readonly deviceLog: DeviceLogLine[] = [];
  /** When the last well-formed protocol line arrived (ms since start; -Infinity: none yet). */
  lastFrameAt = Number.NEGATIVE_INFINITY;
  private readonly reader: LineReader;
  private readonly t0 = performance.now();
  private tx = 0;
  /** The framing requests are sent in (PROTOCOL.md 8): 1 until the handshake switches to 2. */
  private sendFraming: 1 | 2 = 1;
  /** The newest sequence number sent: the reference of the 8-bit sequence numbers of v2. */
  private lastSeq = 0;
  private sink: FrameSink | undefined;
  private failure: HarnessError | undefined;
  private writeFailure: NodeJS.Timeout | undefined;
  private corked = false;
  /** Whether the link batches its reads (ByteLink.readBatching): it does until told otherwise. */
  private batching = true;
  private readonly uncork = (): void => {
    this.corked = false;
    this.link.output.uncork();
  };
  private readonly onOutputError = (e: Error): void => {
    if (this.failure || this.writeFailure) return;
    this.writeFailure = setTimeout(() => this.fail(this.linkError(`write to the device failed: ${e.message}`, { cause: e })), WRITE_FAILURE_GRACE_MS);
  };
  private readonly onAbort = (): void =>
    this.fail(new HarnessError('INTERRUPTED', `${this.target}: interrupted`, { target: this.target }));

  constructor(
    readonly link: ByteLink,
    readonly target: string,
    private readonly signal?: AbortSignal,
  ) {
    this.reader = new LineReader(link.input, {
      line: (bytes) => this.onLine(bytes),
      overlong: (head) => this.onOverlong(head),
      frame: (bytes) => this.onFrameUnit(bytes),
      overlongFrame: () => {
        this.stats.overlongLines++;
        this.stats.hostCrcErrors++;
      },
      end: () => this.fail(this.linkError('the link was closed by the device (end of stream)')),
      error: (e) => this.fail(this.linkError(`reading from the device failed: ${e.message}`, { cause: e })),
    });
    link.output.on('error', this.onOutputError);
    if (signal) {
      if (signal.aborted) queueMicrotask(this.onAbort);
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** A copy of the counters, with the byte counts brought up to date. */
  snapshotStats(): LinkStats {
    const r = this.reader.stats;
    return { ...this.stats, naks: { ...this.stats.naks }, rxBytes: r.bytes, discardedBytes: r.discardedBytes };
  }

  /** The sticky failure, if the connection has failed or was closed. */
  get failed(): HarnessError | undefined {
    return this.failure;
  }

  setSink(sink: FrameSink | undefined): void {
    this.sink = sink;
  }

  /** Milliseconds since the session started. */
  elapsed(): number {
    return performance.now() - this.t0;
  }

  /** The last bytes received, rendered for an error message. */
  lastBytes(): string {
    return describeBytes(this.reader.lastBytes());
  }

  /** The framing requests go out in. */
  get framing(): 1 | 2 {
    return this.sendFraming;
  }

  /**
   * Expect framing v2 from the device (arm) and, once the device has agreed, send in it
   * (use). The handshake arms before the HELLO that asks for v2 and uses v2 when the INFO says
   * framing=2; `setFraming(1)` goes back to lines only.
   */
  setFraming(framing: 1 | 2, phase: 'arm' | 'use' = 'use'): void {
    this.reader.arm(framing === 2);
    if (phase !== 'use') return;
    // v2 tags: 7 bits, never the one audio frames skip (the v1 HELLOs may have used any)
    if (framing === 2 && this.sendFraming !== 2) this.tx = nextTxV2(this.tx & 0x7f);
    this.sendFraming = framing;
  }

  /** Allocate the next transmission tag: 16 bits in v1, 7 bits in v2 (PROTOCOL.md 8.3). */
  nextTx(): number {
    const t = this.tx;
    this.tx = this.txAfter(t);
    return t;
  }

  /** The tag sent after `tx`. */
  txAfter(tx: number): number {
    return this.sendFraming === 2 ? nextTxV2(tx) : (tx + 1) & 0xffff;
  }

  /** Is tag `a` older than tag `b` (serial arithmetic in the framing's tag space)? */
  olderTx(a: number, b: number): boolean {
    return olderTx(a, b, this.sendFraming === 2 ? V2_TX_MODULUS : 0x10000);
  }

  /** Send one request in the framing in use. A failed connection sends nothing. */
  sendFrame(h: FrameHeader, payload?: Uint8Array): void {
    this.lastSeq = h.seq;
    this.readBatching(h.type === MsgType.PROCESS);
    if (this.sendFraming === 2) {
      if (this.failure) return;
      const bytes = encodeFrameV2(h, payload);
      this.stats.txLines++;
      this.stats.txBytes += bytes.length;
      this.corkTurn();
      this.link.output.write(bytes);
    } else {
      this.writeLine(encodeFrame(h, payload));
    }
  }

  /**
   * Let the link batch its reads while audio frames stream (several answers a wake-up), and read
   * each byte at once while a control request waits for its answer (stop-and-wait).
   */
  private readBatching(on: boolean): void {
    if (on === this.batching) return;
    this.batching = on;
    this.link.readBatching?.(on);
  }

  /** Send one control line (without its newline), e.g. a HELLO, whatever the framing. A failed
   *  connection sends nothing. */
  send(line: string): void {
    this.readBatching(false);
    this.writeLine(line);
  }

  private writeLine(line: string): void {
    if (this.failure) return;
    this.stats.txLines++;
    this.stats.txBytes += line.length + 1;
    this.corkTurn();
    // protocol lines are ASCII (marker + base64): latin1 is a plain byte copy, cheaper than utf8
    this.link.output.write(line + '\n', 'latin1');
  }

  /**
   * Hold the output until the end of this event-loop turn, so that the requests one wake-up sends
   * (the window refilled after a batch of responses) leave in one write (the stream's _writev):
   * one system call and one wake-up of the device side instead of one per frame. Only on links
   * that batch their reads (serial ports): a pipe or socket delivers each chunk as it comes, so a
   * turn rarely sends more than one frame there and holding it back only costs a loop turn.
   */
  private corkTurn(): void {
    if (this.corked || !this.link.readBatching) return;
    this.corked = true;
    this.link.output.cork();
    setImmediate(this.uncork);
  }

  /** A LINK error naming the target and the last bytes received. */
  linkError(what: string, opts: { cause?: unknown; context?: Record<string, unknown> } = {}): HarnessError {
    const last = this.lastBytes();
    return new HarnessError(
      'LINK',
      `${this.target}: ${what}; last bytes received: ${last}`,
      { target: this.target, lastBytes: last, ...opts.context },
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
  }

  /** Fail the connection once: the sink rejects what is pending; later failures are ignored. */
  fail(err: HarnessError): void {
    if (this.failure) return;
    this.failure = err;
    clearTimeout(this.writeFailure);
    this.sink?.fail(err);
  }

  /** Stop reading and release listeners, leaving the link open. Idempotent. */
  detach(reason: HarnessError): void {
    this.fail(reason);
    this.reader.detach();
    this.link.output.off('error', this.onOutputError);
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private onLine(bytes: Buffer): void {
    const d = decodeLineBytes(bytes);
    if (d.kind === 'frame' && d.frame.type === MsgType.BOOT && this.sendFraming === 2) {
      // the device was reset: it speaks v1 again until asked (PROTOCOL.md 8.1)
      this.setFraming(1);
    }
    this.onUnit(d);
  }

  /** A framing v2 unit: decoded against the newest sequence number sent. */
  private onFrameUnit(bytes: Buffer): void {
    const d = decodeFrameV2(bytes, MsgType.RESULT, this.lastSeq);
    if (d.kind === 'frame' && d.frame.type === MsgType.LOG) {
      this.stats.logLines++;
      this.log(Buffer.from(d.frame.payload).toString('utf8'));
      return;
    }
    this.onUnit(d);
  }

  private onUnit(d: LineKind): void {
    if (d.kind === 'log') {
      this.stats.logLines++;
      this.log(d.text);
    } else if (d.kind === 'corrupt') {
      this.stats.hostCrcErrors++;
    } else {
      this.stats.rxLines++;
      this.lastFrameAt = this.elapsed();
      if (!this.failure) this.sink?.frame(d.frame);
    }
  }

  private onOverlong(head: Buffer): void {
    this.stats.overlongLines++;
    const text = head.toString('utf8');
    if (text.startsWith(LINE_MARKER)) this.stats.hostCrcErrors++;
    else {
      this.stats.logLines++;
      this.log(`${text} [line over ${HOST_LINE_LIMIT} bytes: rest discarded]`);
    }
  }

  private logChars = 0;
  private logFull = false;

  private log(text: string): void {
    if (this.logFull) return;
    if (this.deviceLog.length < DEVICE_LOG_CAP && this.logChars + text.length <= DEVICE_LOG_CHARS) {
      this.deviceLog.push({ t: this.elapsed(), text });
      this.logChars += text.length;
    } else {
      this.logFull = true;
      this.deviceLog.push({ t: this.elapsed(), text: `[hil: device log truncated after ${this.deviceLog.length} lines (${this.logChars} characters); later lines are counted, not kept]` });
    }
  }
}
