/**
 * Serial-port I/O on the event loop's thread. serialport's unix binding (bindings-cpp) reads and
 * writes its non-blocking file descriptor through libuv's thread pool (fs.read / fs.write):
 * every chunk costs a round trip to a pool thread and back, and another for the EAGAIN that
 * ends it. At audio rates (a 460800-baud stream arrives as ~930 chunks of ~49 bytes a second,
 * and a saturated down-link accepts a line in several partial writes) that is most of the
 * harness's CPU. directFdIo() replaces the binding's read() and write() with readSync() /
 * writeSync() on the same non-blocking fd, waiting for the binding's own poller when the fd is
 * empty or full, with the binding's error semantics (`canceled` once closed, `disconnect` for a
 * vanished device). Measured in `harness/bench/host-cost.ts` (the pty floor and rows).
 */
import { constants, readFileSync, readSync, writeSync } from 'node:fs';
import type { SerialPort } from 'serialport';

/**
 * While the session streams (read batching on), a read that emptied the fd waits this long before
 * the next one, so that the chunks a USB-serial adapter delivers about every millisecond are read
 * several at a time: on these machines every wake-up of a Node process costs about 0.1 ms of CPU
 * however little it does (harness/bench/host-cost.ts), so at real-time rate the number of
 * wake-ups, not the bytes, sets the harness's CPU. The default suits links that are not paced by
 * a baud rate (QEMU's emulated UART); readCoalesceMs() gives the figure for a paced serial line.
 */
export const DEFAULT_READ_COALESCE_MS = 8;

/**
 * Bytes a batched read waits for on a paced line: about six framing-v2 RESULT frames (337 bytes
 * each for 160 samples), four and a half v1 RESULT lines, of the device's usual window of 8, so the
 * device keeps working through the wait and the host refills the window in the same wake-up.
 * `npx tsx harness/bench/host-cost.ts --link pty` measures the result: 0.88-0.94 % of a core per
 * audio second at 460800 baud (8 ms waits, before: 1.63 %).
 */
export const READ_COALESCE_BYTES = 2100;
/** Upper bound of the wait, ms. */
export const READ_COALESCE_MAX_MS = 50;

/**
 * The read wait for a serial line of `baudRate` (8N1: 10 bits a byte): the time READ_COALESCE_BYTES
 * take on the wire, between DEFAULT_READ_COALESCE_MS and READ_COALESCE_MAX_MS: 46 ms at 460800
 * baud, 23 ms at 921600 (the same number of wake-ups per second of audio at any rate), 50 ms at
 * 115200 and below. Nothing is lost by waiting: at most READ_COALESCE_BYTES arrive meanwhile
 * (2.4 KB at 3 Mbaud, where the lower bound holds), well inside the kernel's 4 KiB tty buffer.
 */
export function readCoalesceMs(baudRate: number): number {
  const ms = (READ_COALESCE_BYTES * 10 * 1000) / baudRate;
  return Math.round(Math.min(READ_COALESCE_MAX_MS, Math.max(DEFAULT_READ_COALESCE_MS, ms)));
}

/** What directFdIo() gives its caller. */
export interface DirectFdIo {
  /**
   * Batch reads (on, the default: a read that emptied the fd waits `coalesceMs` before the next)
   * or read every byte as soon as it arrives (off: the session waits for the answer to a control
   * request, stop-and-wait, and a batched read would add up to `coalesceMs` to each). Turning
   * batching off ends a wait in progress.
   */
  readBatching(on: boolean): void;
}

/** What directFdIo() needs of serialport's Linux/macOS binding port (bindings-cpp 13). */
interface UnixBindingPort {
  fd: number | null;
  readonly isOpen: boolean;
  readonly poller: { once(event: 'readable' | 'writable', cb: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }>;
  write(buffer: Buffer): Promise<void>;
  /** The write in progress; the binding's drain() awaits it. */
  writeOperation: Promise<void> | null;
}

function isUnixBindingPort(p: unknown): p is UnixBindingPort {
  const b = p as Partial<UnixBindingPort> | null | undefined;
  return typeof b?.fd === 'number' && typeof b.read === 'function' && typeof b.write === 'function' && typeof b.poller?.once === 'function';
}

/** Is `fd` known to be blocking (Linux /proc/self/fdinfo)? readSync() on it could stall the loop. */
function blockingFd(fd: number): boolean {
  if (process.platform !== 'linux') return false; // bindings-cpp opens ports O_NONBLOCK everywhere
  try {
    const m = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    return m ? (parseInt(m[1]!, 8) & constants.O_NONBLOCK) === 0 : true;
  } catch {
    return true;
  }
}

const isRetry = (e: NodeJS.ErrnoException): boolean => e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK' || e.code === 'EINTR';

/** bindings-cpp's marking of an error that means the device went away. */
function markDisconnect(e: NodeJS.ErrnoException & { disconnect?: boolean }): Error {
  if (e.code === 'EBADF' || e.code === 'ENXIO' || e.code === 'UNKNOWN' || e.errno === -1) e.disconnect = true;
  return e;
}

const notOpen = (): Error => Object.assign(new Error('Port is not open'), { canceled: true });

/**
 * Switch an open port to direct fd reads and writes, reading at most every `coalesceMs` while
 * bytes keep coming and batching is on. Returns null (nothing changed) for a binding without a
 * unix fd (Windows, mocks) or with a blocking one.
 */
export function directFdIo(port: SerialPort, coalesceMs = DEFAULT_READ_COALESCE_MS): DirectFdIo | null {
  const bp: unknown = port.port;
  if (!isUnixBindingPort(bp) || bp.fd === null || blockingFd(bp.fd)) return null;
  const ready = (what: 'readable' | 'writable'): Promise<void> =>
    new Promise<void>((resolve, reject) => void bp.poller.once(what, (err) => (err ? reject(err) : resolve())));

  let batching = true;
  let drained = false;
  let endPause: (() => void) | undefined;
  const pause = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        endPause = undefined;
        resolve();
      }, coalesceMs);
      endPause = () => {
        clearTimeout(timer);
        endPause = undefined;
        resolve();
      };
    });

  bp.read = async (buffer, offset, length) => {
    for (;;) {
      if (drained && batching) {
        // let a few device chunks gather before the next read: one wake-up per several chunks
        await pause();
      }
      drained = false;
      if (!bp.isOpen || bp.fd === null) throw notOpen();
      let n: number;
      try {
        n = readSync(bp.fd, buffer, offset, length, null);
      } catch (e) {
        if (isRetry(e as NodeJS.ErrnoException)) {
          await ready('readable'); // nothing came during the pause: no timer spinning on a quiet line
          continue;
        }
        throw markDisconnect(e as NodeJS.ErrnoException);
      }
      drained = n < length;
      if (n > 0) return { bytesRead: n, buffer };
      await ready('readable'); // 0 bytes: nothing to read now; never spin
    }
  };

  bp.write = (buffer) => {
    const op = (async () => {
      let off = 0;
      while (off < buffer.length) {
        if (!bp.isOpen || bp.fd === null) throw new Error('Port is not open');
        try {
          off += writeSync(bp.fd, buffer, off, buffer.length - off);
        } catch (e) {
          if (!isRetry(e as NodeJS.ErrnoException)) throw markDisconnect(e as NodeJS.ErrnoException);
          await ready('writable');
          continue;
        }
        if (off < buffer.length) await ready('writable'); // the device's buffer is full
      }
    })();
    bp.writeOperation = op;
    void op.then(
      () => {
        if (bp.writeOperation === op) bp.writeOperation = null;
      },
      () => undefined,
    );
    return op;
  };
  return {
    readBatching: (on) => {
      batching = on;
      if (!on) endPause?.();
    },
  };
}
