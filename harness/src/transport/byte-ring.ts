/** A fixed-size ring of the last bytes seen on a link, for error messages (describeBytes). */

export const DEFAULT_RING_SIZE = 256;

export class ByteRing {
  private readonly buf: Uint8Array;
  private next = 0;
  private filled = false;
  /** Total bytes ever pushed. */
  total = 0;

  constructor(readonly size = DEFAULT_RING_SIZE) {
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`ByteRing: bad size ${size}`);
    this.buf = new Uint8Array(size);
  }

  push(bytes: Uint8Array): void {
    this.total += bytes.length;
    if (bytes.length < this.size - this.next) {
      // The common case (a read smaller than the room left): one copy, no views.
      this.buf.set(bytes, this.next);
      this.next += bytes.length;
      return;
    }
    const src = bytes.length > this.size ? bytes.subarray(bytes.length - this.size) : bytes;
    if (bytes.length >= this.size) this.filled = true;
    let i = 0;
    while (i < src.length) {
      const n = Math.min(src.length - i, this.size - this.next);
      this.buf.set(src.subarray(i, i + n), this.next);
      i += n;
      this.next += n;
      if (this.next === this.size) {
        this.next = 0;
        this.filled = true;
      }
    }
  }

  /** The retained bytes, oldest first (a copy). */
  snapshot(): Uint8Array {
    if (!this.filled) return this.buf.slice(0, this.next);
    const out = new Uint8Array(this.size);
    out.set(this.buf.subarray(this.next), 0);
    out.set(this.buf.subarray(0, this.next), this.size - this.next);
    return out;
  }
}
