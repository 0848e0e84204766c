/**
 * What a run records about a bench board (report.json `target.board`): the serial port actually
 * used and how it was found, the link settings, the reset method and the flash step with the
 * flasher's own output. Types, and the one-line description reports print.
 */

export type FlasherType = 'gdb' | 'command' | 'none';
export type ResetMethod = 'protocol' | 'dtr' | 'rts' | 'flasher' | 'power' | 'none';

/** The serial port a board was reached on. */
export interface PortRecord {
  /** Device path opened, e.g. /dev/ttyACM0 or /dev/pts/3. */
  readonly path: string;
  /** How the profile named it: by `path`, or by USB identity resolved from the port listing. */
  readonly matchedBy: 'path' | 'usb' | 'url';
  readonly vendorId: string | null;
  readonly productId: string | null;
  readonly serialNumber: string | null;
  readonly manufacturer: string | null;
  /** /dev/serial/by-id name, when there is one. */
  readonly byId: string | null;
  /** Where the identity came from: serialport's listing (udev), sysfs, or nowhere. */
  readonly listing: 'serialport' | 'sysfs' | 'none';
}

/** What the report says of each board of a pool. */
export interface PoolMemberRecord {
  readonly name: string;
  readonly port: string | null;
  readonly serialNumber: string | null;
  /** used: ran cases to the end of the run; out: taken out (reason says why); unused: never needed */
  readonly status: 'used' | 'out' | 'unused';
  readonly reason: string | null;
  /** cases this board finished (passed, failed or errored on its last attempt) */
  readonly cases: number;
}

/** One run of the flash step. */
export interface FlashRecord {
  readonly type: FlasherType;
  /** Executable run (gdb, or argv[0] of a command flasher); null for `none`. */
  readonly tool: string | null;
  /** Full command line as run (no shell). */
  readonly argv: readonly string[] | null;
  /** GDB server address (gdb flasher). */
  readonly server: string | null;
  /** Image handed to the flasher. */
  readonly image: string;
  /** gdb: the commands of the script it ran. */
  readonly script?: readonly string[];
  /** true: read back and compared (gdb compare-sections); null: not checked by hil. */
  readonly verified: boolean | null;
  /** Bytes loaded, as the flasher reported them. */
  readonly loadedBytes: number | null;
  readonly elapsedMs: number;
  /** The flasher's own output (stdout and stderr, last lines). */
  readonly output: readonly string[];
}

export interface BoardRecord {
  readonly port: PortRecord;
  readonly baudRate: number;
  readonly reset: ResetMethod;
  /** The flash step of this run; null when the board was not flashed (flasher `none`). */
  readonly flash: FlashRecord | null;
  readonly flasher: FlasherType;
}

/** One line for reports: `/dev/ttyACM0 (USB 0483:374b, serial X), 115200 baud, reset flasher;
 *  flashed with gdb-multiarch via localhost:3333: 73720 bytes, verified, 0.6 s`. Pure. */
export function describeBoardRecord(b: BoardRecord): string {
  const p = b.port;
  const id = [p.vendorId || p.productId ? `USB ${p.vendorId ?? '?'}:${p.productId ?? '?'}` : null, p.serialNumber ? `serial ${p.serialNumber}` : null, p.manufacturer]
    .filter((x): x is string => Boolean(x))
    .join(', ');
  const port = `${p.path}${id ? ` (${id})` : ''}${p.matchedBy === 'usb' ? ', found by USB identity' : p.matchedBy === 'url' ? ', remote' : ''}`;
  const f = b.flash;
  const flash = !f
    ? 'not flashed (flasher none)'
    : `flashed with ${f.tool ?? f.type}${f.server ? ` via ${f.server}` : ''}: ${[
        f.loadedBytes !== null ? `${f.loadedBytes} bytes` : null,
        f.verified ? 'verified' : 'not verified by hil',
        `${(f.elapsedMs / 1000).toFixed(1)} s`,
      ]
        .filter((x) => x !== null)
        .join(', ')}`;
  return `${port}, ${b.baudRate} baud, reset ${b.reset}; ${flash}`;
}
