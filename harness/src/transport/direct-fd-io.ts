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
 * After a read that emptied the fd, wait this long before reading again, so that the chunks a
 * USB-serial adapter delivers about every millisecond are read several at a time. 8 ms is below a
 * frame at real time (10 ms; framing v2 at 460800 baud carries one every 7.3 ms) and far below the
 * window's slack (8 frames); on a quiet line the read waits for the poller instead, so nothing
 * spins. (3 ms before framing v2: the pty floor in harness/bench/host-cost.ts fell from 1.9 % to
 * 1.2 % of a core at 8 ms.)
 */
const READ_COALESCE_MS = 8;

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
 * Switch an open port to direct fd reads and writes. Returns false (nothing changed) for a
 * binding without a unix fd (Windows, mocks) or with a blocking one.
 */
export function directFdIo(port: SerialPort): boolean {
  const bp: unknown = port.port;
  if (!isUnixBindingPort(bp) || bp.fd === null || blockingFd(bp.fd)) return false;
  const ready = (what: 'readable' | 'writable'): Promise<void> =>
    new Promise<void>((resolve, reject) => void bp.poller.once(what, (err) => (err ? reject(err) : resolve())));
  const pause = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, READ_COALESCE_MS));

  let drained = false;
  bp.read = async (buffer, offset, length) => {
    for (;;) {
      if (drained) {
        // let a few device chunks gather before the next read: one wake-up per several chunks
        await pause();
        drained = false;
      }
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
  return true;
}
