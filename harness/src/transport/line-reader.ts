/**
 * Reads lines from a device's byte stream: one 'data' listener feeding a LineSplitter (bounded
 * line length, one indexOf pass per chunk; see line-splitter.ts), plus a ring of the last bytes
 * received for error messages. No stream stages in between: each read from the device costs one
 * callback, whatever the chunk size. Lines are delivered as bytes without their '\n' (a trailing
 * '\r' is kept; decodeLineBytes ignores it); empty lines are not delivered; a line longer than
 * the limit is reported once as `overlong` with its first `limit` bytes and the rest of it is
 * discarded. The same framing as @serialport/parser-readline with delimiter '\n'.
 */
import type { Readable } from 'node:stream';

import { HOST_LINE_LIMIT } from '../protocol/messages.ts';
import { ByteRing, DEFAULT_RING_SIZE } from './byte-ring.ts';
import { cobsMaxEncodedSize } from '../protocol/cobs.ts';
import { UnitSplitter } from './unit-splitter.ts';

/** Largest framing v2 unit a host accepts: the COBS bytes of a 3-byte header, the protocol's
 *  largest payload (4096) and the CRC. */
export const HOST_FRAME_LIMIT = cobsMaxEncodedSize(3 + 4096 + 4);

export interface LineHandler {
  /** One line without its '\n'; the bytes are only valid during the call. */
  line(bytes: Buffer): void;
  /** A line over the limit was cut; `head` is its beginning (`limit` bytes, valid during the call). */
  overlong(head: Buffer): void;
  /** A framing v2 unit (its COBS bytes, without the delimiter; valid during the call). Only
   *  once armed (arm(true)). */
  frame?(bytes: Buffer): void;
  /** A framing v2 unit over HOST_FRAME_LIMIT was cut; `head` is its beginning. */
  overlongFrame?(head: Buffer): void;
  /** The stream ended (EOF or closed). Called at most once, after the last line. */
  end(): void;
  /** The stream reported an error. */
  error(err: Error): void;
}

export interface LineReaderOptions {
  /** Longest line accepted, newline excluded (default HOST_LINE_LIMIT, 8192). */
  readonly limit?: number;
  /** Bytes kept for lastBytes() (default 256). */
  readonly ringSize?: number;
}

export interface LineReaderStats {
  bytes: number;
  lines: number;
  overlong: number;
  discardedBytes: number;
  /** Largest partial line ever buffered, in bytes (never above limit + 1). */
  maxPending: number;
}

export class LineReader {
  private readonly ring: ByteRing;
  private readonly splitter: UnitSplitter;
  private finished = false;
  private detached = false;
  private readonly onData = (chunk: Buffer | string): void => {
    if (this.detached) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.ring.push(bytes);
    this.splitter.push(bytes);
  };
  private readonly onError = (e: Error): void => {
    if (!this.detached) this.handler.error(e);
  };
  private readonly onEnd = (): void => this.finish();

  constructor(
    private readonly input: Readable,
    private readonly handler: LineHandler,
    opts: LineReaderOptions = {},
  ) {
    this.ring = new ByteRing(opts.ringSize ?? DEFAULT_RING_SIZE);
    this.splitter = new UnitSplitter(opts.limit ?? HOST_LINE_LIMIT, HOST_FRAME_LIMIT, {
      line: (bytes) => {
        if (!this.detached) handler.line(bytes);
      },
      overlong: (head) => {
        if (!this.detached) handler.overlong(head);
      },
      frame: (bytes) => {
        if (!this.detached) handler.frame?.(bytes);
      },
      overlongFrame: (head) => {
        if (!this.detached) handler.overlongFrame?.(head);
      },
    });
    input.on('error', this.onError);
    input.on('end', this.onEnd);
    // A stream destroyed without 'end' (a killed process's pipe) still ends the reader.
    input.on('close', this.onEnd);
    input.on('data', this.onData);
  }

  /** Expect framing v2 (PROTOCOL.md 8.2): a 0x00 from the device starts v2 frames. */
  arm(on: boolean): void {
    this.splitter.arm(on);
  }

  /** The last bytes received (up to the ring size), oldest first. */
  lastBytes(): Uint8Array {
    return this.ring.snapshot();
  }

  get stats(): LineReaderStats {
    const s = this.splitter.stats;
    const f = this.splitter.frameStats;
    return { bytes: this.ring.total, lines: s.lines + f.frames, overlong: s.overlong + f.overlong, discardedBytes: s.discardedBytes + f.discardedBytes, maxPending: s.maxPending };
  }

  /** Stop reading and release the input stream (which stays open, paused). Idempotent. */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.input.off('data', this.onData);
    this.input.off('error', this.onError);
    this.input.off('end', this.onEnd);
    this.input.off('close', this.onEnd);
    if (!this.input.destroyed) this.input.pause();
  }

  private finish(): void {
    if (this.finished || this.detached) return;
    this.finished = true;
    this.splitter.flush();
    this.handler.end();
  }
}
