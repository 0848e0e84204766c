/**
 * Splits a device's byte stream into units when framing v2 may be in use (PROTOCOL.md 8.2).
 * Until it is armed (the host asked for v2) it is exactly a LineSplitter: v1 lines and log lines.
 * Armed, a 0x00 starts framing v2: from there, units end at 0x00 (v2 frames, COBS bytes), except
 * a unit that starts with the v1 marker "@:", which is a v1 line; after a v1 line the stream is
 * text again until the next 0x00. Bounded: a frame unit over `frameLimit` bytes is reported once
 * and discarded up to its delimiter. Pure: the caller pushes chunks, the sink gets units; a unit
 * that arrives whole is handed over as a view of the chunk.
 */
import { LineSplitter, type LineSink } from './line-splitter.ts';

export interface UnitSink extends LineSink {
  /** One v2 frame unit (its COBS bytes, without the delimiter); valid during the call. */
  frame(bytes: Buffer): void;
  /** A frame unit over the limit was cut; `head` is its first `frameLimit` bytes. */
  overlongFrame(head: Buffer): void;
}

const AT = 0x40;
const COLON = 0x3a;
const AT_BYTE = Buffer.from([AT]);

type Unit = 'none' | 'at' | 'frame';

export class UnitSplitter {
  readonly frameStats = { frames: 0, overlong: 0, discardedBytes: 0 };
  private readonly lines: LineSplitter;
  private armed = false;
  private inFrames = false;
  private unit: Unit = 'none';
  private readonly buf: Buffer;
  private len = 0;
  private discarding = false;

  constructor(
    lineLimit: number,
    readonly frameLimit: number,
    private readonly sink: UnitSink,
  ) {
    this.lines = new LineSplitter(lineLimit, sink);
    this.buf = Buffer.allocUnsafe(frameLimit);
  }

  get stats() {
    return this.lines.stats;
  }

  /** Expect framing v2 delimiters (true) or plain lines only (false, the default). */
  arm(on: boolean): void {
    this.armed = on;
    if (!on) {
      this.inFrames = false;
      this.unit = 'none';
      this.len = 0;
      this.discarding = false;
    }
  }


  push(chunk: Buffer): void {
    if (!this.armed) {
      this.lines.push(chunk);
      return;
    }
    const size = chunk.length;
    let i = 0;
    while (i < size) {
      if (!this.inFrames) {
        const z = chunk.indexOf(0, i);
        if (z < 0) {
          this.lines.push(i === 0 ? chunk : chunk.subarray(i));
          return;
        }
        if (z > i) this.lines.push(chunk.subarray(i, z));
        if (this.lines.pendingBytes > 0) this.lines.flush(); // text cut by a delimiter ends there
        this.inFrames = true;
        this.unit = 'none';
        i = z + 1;
        continue;
      }
      if (this.unit === 'none') {
        const b = chunk[i]!;
        if (b === 0) {
          i++; // an empty unit
          continue;
        }
        if (b === AT) {
          this.unit = 'at';
          i++;
          continue;
        }
        this.unit = 'frame';
      } else if (this.unit === 'at') {
        if (chunk[i] === COLON) {
          // a v1 line: text again from its '@' on
          this.inFrames = false;
          this.unit = 'none';
          this.lines.push(AT_BYTE);
          continue;
        }
        this.unit = 'frame';
        this.buf[0] = AT;
        this.len = 1;
      }
      i = this.frameBytes(chunk, i);
    }
  }

  /** The stream ended: deliver a partial last line (a partial frame is dropped). */
  flush(): void {
    this.lines.flush();
    this.len = 0;
    this.unit = 'none';
  }

  /** Collect frame bytes from chunk[i]; returns where to go on. */
  private frameBytes(chunk: Buffer, i: number): number {
    const z = chunk.indexOf(0, i);
    const end = z < 0 ? chunk.length : z;
    const n = end - i;
    if (this.discarding) {
      this.frameStats.discardedBytes += n;
    } else if (this.len + n > this.frameLimit) {
      const take = this.frameLimit - this.len;
      chunk.copy(this.buf, this.len, i, i + take);
      this.frameStats.overlong++;
      this.frameStats.discardedBytes += n - take;
      this.discarding = true;
      this.sink.overlongFrame(this.buf.subarray(0, this.frameLimit));
      this.len = 0;
    } else if (z >= 0 && this.len === 0) {
      this.emit(chunk.subarray(i, end)); // whole in this chunk: a view, no copy
    } else {
      chunk.copy(this.buf, this.len, i, end);
      this.len += n;
      if (z >= 0) this.emit(this.buf.subarray(0, this.len));
    }
    if (z < 0) return chunk.length;
    this.discarding = false;
    this.len = 0;
    this.unit = 'none';
    return z + 1;
  }

  private emit(bytes: Buffer): void {
    this.frameStats.frames++;
    this.sink.frame(bytes);
  }
}
