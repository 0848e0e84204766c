/**
 * Splits a byte stream into lines with a bounded line length (PROTOCOL.md 1). Pure: the caller
 * pushes chunks, the splitter calls its sink. One pass per chunk with Buffer.indexOf(0x0a), no
 * per-byte JS loop, no string before a line is complete, and a fixed buffer of `limit + 1` bytes
 * for the one partial line carried between chunks: a line that arrives whole in one chunk is
 * handed over as a view of that chunk, without a copy.
 *
 * Lines are delivered without their '\n' (a trailing '\r' is kept). Empty lines are not
 * delivered. A line longer than `limit` bytes (newline excluded; a '\r' just before the '\n' is
 * allowed beyond it) is reported once as `overlong` with its first `limit` bytes, and the rest of
 * it is discarded up to and including the next newline, never buffered. At the end of the stream
 * a partial last line is delivered (flush()).
 */

export interface LineSink {
  /** One line, without its '\n'. The bytes are only valid during the call (copy to keep them). */
  line(bytes: Buffer): void;
  /** A line over the limit was cut; `head` is its first `limit` bytes (valid during the call). */
  overlong(head: Buffer): void;
}

export interface LineSplitterStats {
  /** Lines delivered (overlong ones not included). */
  lines: number;
  overlong: number;
  /** Bytes dropped from overlong lines (their newlines not counted). */
  discardedBytes: number;
  /** Longest line (or line head) ever passed on, in bytes: never above `limit`. */
  maxPending: number;
}

const NL = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  readonly stats: LineSplitterStats = { lines: 0, overlong: 0, discardedBytes: 0, maxPending: 0 };
  /** The partial line carried over between chunks (at most `limit` bytes, plus a held '\r'). */
  private readonly pending: Buffer;
  private len = 0;
  private discarding = false;
  /** The pending line is exactly `limit` bytes and the previous chunk ended in a '\r'. */
  private heldCR = false;

  constructor(
    readonly limit: number,
    private readonly sink: LineSink,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`LineSplitter: bad limit ${limit}`);
    this.pending = Buffer.allocUnsafe(limit + 1);
  }

  /** Bytes of the current, unterminated line held so far. */
  get pendingBytes(): number {
    return this.len;
  }

  push(chunk: Buffer): void {
    const size = chunk.length;
    let i = 0;
    while (i < size) {
      if (this.discarding) {
        const nl = chunk.indexOf(NL, i);
        if (nl < 0) {
          this.stats.discardedBytes += size - i;
          return;
        }
        this.stats.discardedBytes += nl - i;
        this.discarding = false;
        i = nl + 1;
        continue;
      }
      if (this.heldCR) {
        this.heldCR = false;
        if (chunk[i] === NL) {
          this.pending[this.len] = CR;
          this.emit(this.pending.subarray(0, this.len + 1));
          i++;
        } else {
          this.cut(1);
          this.discarding = true;
        }
        continue;
      }
      const nl = chunk.indexOf(NL, i);
      const end = nl < 0 ? size : nl;
      const n = end - i;
      const room = this.limit - this.len;
      if (n <= room) {
        if (nl < 0) {
          chunk.copy(this.pending, this.len, i, end);
          this.len += n;
          this.track(this.len);
          return;
        }
        if (this.len === 0) {
          // The whole line is in this chunk: hand over a view, no copy.
          this.track(n);
          if (n > 0) this.emit(chunk.subarray(i, end));
        } else {
          chunk.copy(this.pending, this.len, i, end);
          this.len += n;
          this.track(this.len);
          this.emit(this.pending.subarray(0, this.len));
        }
        i = end + 1;
        continue;
      }
      if (n === room + 1 && chunk[end - 1] === CR) {
        // Exactly at the limit followed by '\r': allowed if a '\n' comes next.
        chunk.copy(this.pending, this.len, i, end - 1);
        this.len = this.limit;
        this.track(this.len);
        if (nl >= 0) {
          this.pending[this.len] = CR;
          this.emit(this.pending.subarray(0, this.len + 1));
          i = end + 1;
        } else {
          this.heldCR = true;
          return;
        }
        continue;
      }
      chunk.copy(this.pending, this.len, i, i + room);
      this.len = this.limit;
      this.track(this.len);
      this.cut(n - room);
      if (nl >= 0) i = nl + 1;
      else {
        this.discarding = true;
        return;
      }
    }
  }

  /** The stream ended: deliver the partial last line, if any (a held '\r' is dropped). */
  flush(): void {
    this.heldCR = false;
    this.discarding = false;
    if (this.len > 0) this.emit(this.pending.subarray(0, this.len));
  }

  private track(n: number): void {
    if (n > this.stats.maxPending) this.stats.maxPending = n;
  }

  private emit(line: Buffer): void {
    this.len = 0;
    this.stats.lines++;
    this.sink.line(line);
  }

  /** Report the held `limit` bytes as an overlong line; `dropped` bytes of it are discarded. */
  private cut(dropped: number): void {
    const head = this.pending.subarray(0, this.len);
    this.len = 0;
    this.stats.overlong++;
    this.stats.discardedBytes += dropped;
    this.sink.overlong(head);
  }
}
