/**
 * The ByteLink seam: a bidirectional byte stream to a device, whatever carries it (serial port,
 * a child process's stdio, a socket, an in-memory pair). The session reads `input` and writes
 * `output`; a target creates the link and the session closes it.
 */
import type { Duplex, Readable, Writable } from 'node:stream';

export interface ByteLink {
  /** Human-readable identity for error messages, e.g. `sim:firmware/build/host/hil-sim-gain`. */
  readonly description: string;
  /** Bytes from the device. */
  readonly input: Readable;
  /** Bytes to the device. */
  readonly output: Writable;
  /** Stop using the link. Idempotent; never rejects. */
  close(): Promise<void>;
  /**
   * Optional: batch reads while audio frames stream (on, the default) or read every answer at
   * once (off, a control request waits for its answer). Links that read each chunk as it comes
   * (pipes, sockets) do not have it.
   */
  readBatching?(on: boolean): void;
}

/** How long close() waits for queued output to drain before destroying a stream. */
const CLOSE_DRAIN_MS = 200;

/** End a writable, wait briefly for it to flush, then destroy it. Never rejects, never lingers. */
export async function endWritable(w: Writable): Promise<void> {
  if (w.destroyed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, CLOSE_DRAIN_MS);
    function done(): void {
      clearTimeout(timer);
      w.off('finish', done);
      w.off('close', done);
      w.off('error', done);
      resolve();
    }
    w.once('finish', done);
    w.once('close', done);
    w.once('error', done);
    try {
      if (w.writableEnded) done();
      else w.end();
    } catch {
      done();
    }
  });
  w.destroy();
}

/** Swallow stream errors nobody else listens to (EPIPE on a dead child's stdin, ...): the
 *  session reports link failures through its own listeners, an unhandled 'error' would crash. */
export function sinkErrors(s: Readable | Writable): void {
  s.on('error', () => undefined);
}

/** A link over one Duplex (socket, serial port, in-memory pair end). */
export function duplexLink(duplex: Duplex, description: string): ByteLink {
  sinkErrors(duplex);
  let closing: Promise<void> | undefined;
  return {
    description,
    input: duplex,
    output: duplex,
    close: () => (closing ??= endWritable(duplex)),
  };
}

/**
 * Put a stream stage into each direction of `link` (fault injection, pacing): bytes from the
 * device pass through `rx`, bytes to the device through `tx`. Errors and the end of the device
 * side propagate; close() drains `tx`, drops `rx` and closes the link underneath.
 */
export function interposeLink(link: ByteLink, rx: Duplex, tx: Duplex, description = link.description): ByteLink {
  sinkErrors(rx);
  sinkErrors(tx);
  link.input.on('error', (e) => rx.destroy(e));
  link.input.on('close', () => {
    if (!link.input.readableEnded) rx.end();
  });
  link.input.pipe(rx);
  tx.pipe(link.output);
  let closing: Promise<void> | undefined;
  return {
    description,
    input: rx,
    output: tx,
    ...(link.readBatching ? { readBatching: (on: boolean) => link.readBatching!(on) } : {}),
    close: () =>
      (closing ??= (async () => {
        await endWritable(tx);
        rx.destroy();
        await link.close();
      })()),
  };
}
