/**
 * A ByteLink over a real serial port (USB CDC, a USB-UART bridge, a pseudo-terminal) opened with
 * `serialport`: exclusive lock, raw 8N1 at the given baud rate. The port is opened before the
 * board is reset, so the link captures from the first byte after the reset. Extras for the board
 * target: drop stale input, drive DTR/RTS (reset pulses).
 *
 * `serialport` reports errors as messages only (no errno code); openSerialPort() turns the usual
 * ones into a one-line HarnessError naming the port, with what to do about it.
 */
import type { Readable } from 'node:stream';

import { SerialPort } from 'serialport';

import { HarnessError } from '../core/errors.ts';
import { endWritable, sinkErrors, type ByteLink } from './byte-link.ts';
import { directFdIo, readCoalesceMs } from './direct-fd-io.ts';

export interface SerialLink extends ByteLink {
  readonly path: string;
  readonly baudRate: number;
  /** Set the modem control lines; rejects when the port has none (e.g. a pseudo-terminal). */
  setLines(lines: { readonly dtr?: boolean; readonly rts?: boolean }): Promise<void>;
  /** Discard bytes received but not read yet (and unsent output). */
  discardInput(): Promise<void>;
  /**
   * Read and drop input until the line has been quiet for `quietMs` (at most `maxMs`): the tail
   * of whatever the device was sending before it is reset, which would otherwise run into the
   * first line after the reset. Resolves with the bytes dropped.
   */
  drainStale(quietMs: number, maxMs: number): Promise<number>;
  /** Resolves when the port closes, e.g. the USB device went away. */
  readonly closed: Promise<void>;
}

export interface SerialOpenOptions {
  readonly baudRate: number;
  /** For messages; default `serial <path> @<baud>`. */
  readonly description?: string;
}

/** Why opening a port failed, in a person's words, and whether trying again may help. */
export function classifyOpenError(message: string): { readonly why: string; readonly transient: boolean } {
  if (/No such file or directory|ENOENT/i.test(message)) return { why: 'it does not exist', transient: true };
  if (/Permission denied|EACCES/i.test(message)) {
    return { why: 'permission denied (add yourself to the port\'s group, usually dialout: sudo usermod -aG dialout $USER, then log in again)', transient: true };
  }
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY|busy/i.test(message)) {
    return { why: 'it is in use by another process (close the terminal program or the other hil run)', transient: false };
  }
  if (/Inappropriate ioctl|not a typewriter|ENOTTY/i.test(message)) return { why: 'it is not a serial port (not a tty)', transient: false };
  if (/Input\/output error|EIO|ENXIO|No such device/i.test(message)) return { why: `the device is not ready (${message})`, transient: true };
  return { why: message, transient: true };
}

/**
 * Read and drop input of `stream` until it has been quiet for `quietMs` (at most `maxMs`); resolves
 * with the bytes dropped. Paused mode ('readable' + read()): once the listener is gone the stream
 * is back in its initial state, so a later 'data' listener starts it flowing from the next byte.
 */
export function drainReadable(stream: Readable, quietMs: number, maxMs: number): Promise<number> {
  return new Promise<number>((resolve) => {
    let dropped = 0;
    let quiet: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(quiet);
      clearTimeout(cap);
      stream.off('readable', onReadable);
      resolve(dropped);
    };
    const onReadable = (): void => {
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) {
        dropped += chunk.length;
        clearTimeout(quiet);
        quiet = setTimeout(finish, quietMs);
      }
    };
    const cap = setTimeout(finish, maxMs);
    quiet = setTimeout(finish, quietMs);
    stream.on('readable', onReadable);
  });
}

/** Open a port; rejects with a TARGET HarnessError (context `port`, `transient`). */
export async function openSerialPort(path: string, o: SerialOpenOptions): Promise<SerialLink> {
  const description = o.description ?? `serial ${path} @${o.baudRate}`;
  const port = new SerialPort({ path, baudRate: o.baudRate, autoOpen: false, lock: true });
  try {
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const { why, transient } = classifyOpenError(message);
    throw new HarnessError('TARGET', `cannot open serial port ${path} at ${o.baudRate} baud: ${why}`, { port: path, transient, target: description }, { cause: e });
  }
  sinkErrors(port);
  const fdIo = directFdIo(port, readCoalesceMs(o.baudRate));
  const closed = new Promise<void>((resolve) => port.once('close', () => resolve()));
  let closing: Promise<void> | undefined;
  const call = (what: string, f: (cb: (e: Error | null) => void) => void): Promise<void> =>
    new Promise<void>((resolve, reject) =>
      f((e) => (e ? reject(new HarnessError('TARGET', `serial port ${path}: cannot ${what}: ${e.message}`, { port: path, target: description }, { cause: e })) : resolve())),
    );
  return {
    description,
    path,
    baudRate: o.baudRate,
    input: port,
    output: port,
    closed,
    setLines: (lines) => call(`set ${Object.keys(lines).join('/').toUpperCase()}`, (cb) => port.set(lines, cb)),
    discardInput: () => call('flush', (cb) => port.flush(cb)),
    drainStale: (quietMs, maxMs) => drainReadable(port, quietMs, maxMs),
    ...(fdIo ? { readBatching: fdIo.readBatching } : {}),
    close: () =>
      (closing ??= (async () => {
        await endWritable(port);
        if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
      })()),
  };
}
