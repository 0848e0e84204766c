/**
 * An in-memory Duplex pair: bytes written to one end are read from the other. Delivery is
 * asynchronous (setImmediate), like a real pipe, so a writer never re-enters its peer's handlers
 * and timers still run during long exchanges. Ending or destroying one end ends the other's input.
 * For tests and the fake device only.
 */
import { Duplex } from 'node:stream';

class PairEnd extends Duplex {
  peer: PairEnd | undefined;
  private readonly timers = new Set<NodeJS.Immediate>();

  private deliver(fn: () => void, cb?: (err?: Error | null) => void): void {
    const t = setImmediate(() => {
      this.timers.delete(t);
      fn();
      cb?.();
    });
    this.timers.add(t);
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const copy = Buffer.from(chunk);
    this.deliver(() => {
      const p = this.peer;
      if (p && !p.destroyed && !p.readableEnded) p.push(copy);
    }, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.deliver(() => this.peer?.endInput(), cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    for (const t of this.timers) clearImmediate(t);
    this.timers.clear();
    const p = this.peer;
    if (p) setImmediate(() => p.endInput());
    cb(err);
  }

  endInput(): void {
    if (!this.destroyed && !this.readableEnded) this.push(null);
  }
}

/** Two connected ends: `[a, b]`; what `a` writes, `b` reads, and vice versa. */
export function memoryDuplexPair(): [Duplex, Duplex] {
  const a = new PairEnd();
  const b = new PairEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
