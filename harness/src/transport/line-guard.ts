/**
 * A bounded guard in front of a newline splitter (PROTOCOL.md 1): it passes bytes through
 * unchanged while a line stays within `limit` bytes (newline excluded; a '\r' just before the
 * '\n' is allowed beyond it). A longer line is cut: the first `limit` bytes are passed followed
 * by a '\n', the rest is discarded up to and including the next newline, and the cut line's
 * ordinal (0-based count of non-empty lines passed) is queued in `cuts` so the reader can tell the cut
 * line apart. The splitter behind it therefore never buffers more than `limit + 1` bytes,
 * whatever the device sends.
 */
import { Transform, type TransformCallback } from 'node:stream';

const NL = Buffer.from('\n');
const CRLF = Buffer.from('\r\n');

export interface LineGuardStats {
  /** Lines cut because they exceeded the limit. */
  cuts: number;
  /** Bytes dropped from cut lines. */
  discardedBytes: number;
  /** Largest number of bytes of one line ever passed on (bounds the splitter's buffer). */
  maxPending: number;
}

export class LineGuard extends Transform {
  readonly stats: LineGuardStats = { cuts: 0, discardedBytes: 0, maxPending: 0 };
  /** Ordinals of cut lines not yet claimed by the reader, ascending. */
  readonly cuts: number[] = [];
  private lineLen = 0;
  private ordinal = 0;
  private discarding = false;
  private pendingCR = false;

  constructor(
    readonly limit: number,
    private readonly onBytes?: (bytes: Buffer) => void,
  ) {
    super();
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`LineGuard: bad limit ${limit}`);
  }

  /** Bytes of the current, unterminated line passed on so far. */
  get pending(): number {
    return this.lineLen;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.onBytes?.(chunk);
    const out: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.discarding) {
        const nl = chunk.indexOf(0x0a, i);
        if (nl < 0) {
          this.stats.discardedBytes += chunk.length - i;
          break;
        }
        this.stats.discardedBytes += nl - i; // the newline itself was already emitted at the cut
        this.discarding = false;
        i = nl + 1;
        continue;
      }
      if (this.pendingCR) {
        this.pendingCR = false;
        if (chunk[i] === 0x0a) {
          out.push(CRLF);
          this.endLine(true);
          i++;
        } else {
          this.cut(out, 1);
          this.discarding = true;
        }
        continue;
      }
      const nl = chunk.indexOf(0x0a, i);
      const end = nl < 0 ? chunk.length : nl;
      const n = end - i;
      const room = this.limit - this.lineLen;
      if (n <= room) {
        if (nl < 0) {
          out.push(chunk.subarray(i, end));
          this.lineLen += n;
          this.track();
          i = end;
        } else {
          out.push(chunk.subarray(i, end + 1));
          this.lineLen += n;
          this.track();
          this.endLine(this.lineLen > 0);
          i = end + 1;
        }
        continue;
      }
      if (n === room + 1 && chunk[end - 1] === 0x0d) {
        // Exactly at the limit followed by '\r': allowed if a '\n' comes next.
        out.push(chunk.subarray(i, end - 1));
        this.lineLen += n - 1;
        this.track();
        if (nl >= 0) {
          out.push(CRLF);
          this.endLine(true);
          i = end + 1;
        } else {
          this.pendingCR = true;
          i = end;
        }
        continue;
      }
      out.push(chunk.subarray(i, i + room));
      this.lineLen += room;
      this.track();
      this.cut(out, n - room);
      if (nl >= 0) i = nl + 1;
      else {
        this.discarding = true;
        i = chunk.length;
      }
    }
    for (const b of out) if (b.length > 0) this.push(b);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.pendingCR = false;
    cb();
  }

  private track(): void {
    if (this.lineLen > this.stats.maxPending) this.stats.maxPending = this.lineLen;
  }

  /** The splitter emits no event for an empty line, so only non-empty lines get an ordinal. */
  private endLine(nonEmpty: boolean): void {
    this.lineLen = 0;
    if (nonEmpty) this.ordinal++;
  }

  private cut(out: Buffer[], dropped: number): void {
    out.push(NL);
    this.cuts.push(this.ordinal);
    this.stats.cuts++;
    this.stats.discardedBytes += dropped;
    this.endLine(true);
  }
}
