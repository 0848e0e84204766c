/**
 * Reads lines from a device's byte stream: a LineGuard (bounded line length) in front of
 * @serialport/parser-readline's ReadlineParser (delimiter '\n'), plus a ring of the last bytes
 * received for error messages. Lines are delivered without their '\n' (a trailing '\r' is kept;
 * decodeLine ignores it). Empty lines carry nothing and are not delivered (the parser drops them). A line longer than the limit is reported once as `overlong` with its
 * first `limit` bytes; the rest of it is discarded.
 */
import type { Readable } from 'node:stream';
import { ReadlineParser } from '@serialport/parser-readline';

import { HOST_LINE_LIMIT } from '../protocol/messages.ts';
import { ByteRing, DEFAULT_RING_SIZE } from './byte-ring.ts';
import { LineGuard } from './line-guard.ts';

export interface LineHandler {
  line(text: string): void;
  /** A line over the limit was cut; `head` is its beginning (up to `limit` bytes). */
  overlong(head: string): void;
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
  private readonly guard: LineGuard;
  private readonly parser: ReadlineParser;
  private lineNo = 0;
  private lines = 0;
  private overlongs = 0;
  private finished = false;
  private detached = false;
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
    this.guard = new LineGuard(opts.limit ?? HOST_LINE_LIMIT, (b) => this.ring.push(b));
    this.parser = new ReadlineParser({ delimiter: '\n', encoding: 'utf8' });
    this.parser.on('data', (text: string) => this.onLine(text));
    this.parser.on('end', this.onEnd);
    input.on('error', this.onError);
    // A stream destroyed without 'end' (a killed process's pipe) still ends the reader.
    input.on('close', this.onEnd);
    input.pipe(this.guard).pipe(this.parser);
  }

  /** The last bytes received (up to the ring size), oldest first. */
  lastBytes(): Uint8Array {
    return this.ring.snapshot();
  }

  get stats(): LineReaderStats {
    return {
      bytes: this.ring.total,
      lines: this.lines,
      overlong: this.overlongs,
      discardedBytes: this.guard.stats.discardedBytes,
      maxPending: this.guard.stats.maxPending,
    };
  }

  /** Stop reading and release the input stream (which stays open). Idempotent. */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.input.unpipe(this.guard);
    this.input.off('error', this.onError);
    this.input.off('close', this.onEnd);
    this.guard.destroy();
    this.parser.destroy();
  }

  private onLine(text: string): void {
    if (this.detached) return;
    const ordinal = this.lineNo++;
    if (this.guard.cuts.length > 0 && this.guard.cuts[0] === ordinal) {
      this.guard.cuts.shift();
      this.overlongs++;
      this.handler.overlong(text);
      return;
    }
    this.lines++;
    this.handler.line(text);
  }

  private finish(): void {
    if (this.finished || this.detached) return;
    // 'close' may come before the parser has flushed the last partial line: let it drain first.
    if (!this.parser.readableEnded && !this.input.readableEnded && this.input.destroyed) {
      this.guard.end();
    }
    if (!this.parser.readableEnded) {
      this.parser.once('end', this.onEnd);
      return;
    }
    this.finished = true;
    this.handler.end();
  }
}
