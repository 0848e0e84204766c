/**
 * Launch `qemu-system-arm -M mps2-an386` on a firmware image of the qemu-mps2-an386 board and hand
 * back its protocol link, its QMP session and a stop() that leaves no QEMU behind.
 *
 * Two links (firmware/boards/qemu-mps2-an386/README.md):
 * - `semihost`: the protocol runs over semihosting console I/O, i.e. QEMU's own stdin/stdout
 *   (`-semihosting -serial none -monitor none`; fast, ~50 MB/s). QEMU's diagnostics go to stderr.
 * - `uart`: CMSDK UART0 on a pseudo-terminal (`-serial pty`), opened with `serialport` before the
 *   guest is resumed, because QEMU drops pty output until someone opens it (slow: ~6-24 kB/s).
 *
 * QEMU always starts paused (`-S`) with a QMP socket; the guest runs once the link is attached, so
 * the host captures output from the first byte. Timing is `-icount shift=N,align=off,sleep=off`:
 * the firmware's counter then reports exact, repeatable guest instruction counts (N must match
 * the image's QB_ICOUNT_SHIFT; 6 by default).
 *
 * Library code: never prints, never exits; failures are HarnessError('TARGET').
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';

import { HarnessError } from '../../core/errors.ts';
import { duplexLink, type ByteLink } from '../../transport/byte-link.ts';
import { childProcessLink } from '../../transport/child-process-link.ts';
import { directFdIo } from '../../transport/direct-fd-io.ts';
import { registerChild } from '../child-registry.ts';
import { QmpClient } from './qmp-client.ts';

/** The Debian package of each emulator binary hil's built-in profiles use. */
const QEMU_PACKAGE: Readonly<Record<string, string>> = { 'qemu-system-arm': 'qemu-system-arm', 'qemu-system-riscv32': 'qemu-system-misc' };

export type QemuLinkKind = 'semihost' | 'uart';
export const QEMU_LINK_KINDS: readonly QemuLinkKind[] = ['semihost', 'uart'];

/** `-icount shift` the reference images are built for (firmware QB_ICOUNT_SHIFT). */
export const DEFAULT_ICOUNT_SHIFT = 6;

/** Exit status of QEMU set by the qemu-mps2-an386 firmware (semihosting SYS_EXIT_EXTENDED). */
export const QEMU_EXIT = {
  /** stdin reached EOF (the host closed the link): normal end. */
  EOF: 0,
  /** the firmware reported a FAULT and stopped. */
  FAULT: 3,
  /** the semihosting link failed. */
  LINK: 4,
} as const;

export interface QemuOptions {
  /** Firmware ELF image (e.g. firmware/build/qemu/hil-qemu-gain-semihost.elf). */
  readonly firmware: string;
  /** Link the image was built for. */
  readonly link: QemuLinkKind;
  /** `-icount shift=N` (default 6); must match the image's QB_ICOUNT_SHIFT. */
  readonly icountShift?: number;
  /** QEMU executable (default `qemu-system-arm`, looked up on PATH). */
  readonly qemuBinary?: string;
  /** Machine (default `mps2-an386`). */
  readonly machine?: string;
  /** `-no-reboot`: a guest reset makes QEMU exit instead of rebooting. */
  readonly noReboot?: boolean;
  /** Extra QEMU arguments, appended last. */
  readonly extraArgs?: readonly string[];
  /** Time allowed for QEMU to come up (pty, QMP, link, `cont`); default 10 s. */
  readonly startTimeoutMs?: number;
  /** Grace period of each stop step (EOF / QMP quit / SIGTERM) before the next; default 1 s. */
  readonly stopGraceMs?: number;
  /** Baud rate for the pty (ignored by a pty, kept for symmetry with real boards). */
  readonly baudRate?: number;
  /** Human-readable identity for messages; default `qemu:<firmware>`. */
  readonly description?: string;
  /** Abort the start. */
  readonly signal?: AbortSignal;
}

export interface QemuExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Last output QEMU wrote to stderr (and, for the uart link, stdout), for error messages. */
  readonly stderrTail: string;
}

export interface QemuProcess {
  readonly description: string;
  /** The protocol link: QEMU's stdio (semihost) or the pty (uart). */
  readonly link: ByteLink;
  readonly qmp: QmpClient;
  readonly pid: number;
  /** The full command line QEMU was started with (argv[0] is the binary). */
  readonly argv: readonly string[];
  /** The pseudo-terminal of the uart link. */
  readonly ptyPath: string | undefined;
  /** Stop QEMU: close the link (EOF), QMP quit, SIGTERM, SIGKILL, each after a grace period.
   *  Idempotent; never rejects; resolves once the process is gone. */
  stop(): Promise<void>;
  /** Resolves when QEMU exits (never rejects). */
  readonly exited: Promise<QemuExit>;
  /** Current tail of QEMU's diagnostics. */
  stderrTail(): string;
}

const TAIL_BYTES = 4096;
const PTY_RE = /char device redirected to (\S+) \(label serial0\)/;

/**
 * QEMU's arguments (without the binary) for a launch: paused, QMP on `qmpSocket`, deterministic
 * icount, and the link options. Pure, for tests and for showing the command to a person.
 */
export function qemuArgs(o: QemuOptions, qmpSocket: string): string[] {
  const shift = o.icountShift ?? DEFAULT_ICOUNT_SHIFT;
  if (!Number.isInteger(shift) || shift < 0 || shift > 10) {
    throw new HarnessError('TARGET', `icount shift ${shift} is not an integer in 0..10`, { target: o.description });
  }
  const args = [
    '-M',
    o.machine ?? 'mps2-an386',
    '-nographic',
    '-monitor',
    'none',
    '-S',
    '-icount',
    `shift=${shift},align=off,sleep=off`,
    '-qmp',
    `unix:${qmpSocket},server=on,wait=off`,
  ];
  // With the default `-nographic` mux on stdio, QEMU's own stdin reader steals bytes from
  // semihosting SYS_READ: the serial port must not be on stdio for the semihost link.
  if (o.link === 'semihost') args.push('-serial', 'none', '-semihosting');
  else args.push('-serial', 'pty');
  if (o.noReboot) args.push('-no-reboot');
  args.push('-kernel', o.firmware, ...(o.extraArgs ?? []));
  return args;
}

/** Temporary directories holding QMP sockets, removed at process exit at the latest. */
const liveTmpDirs = new Set<string>();
let exitHooked = false;
function trackTmpDir(dir: string): void {
  liveTmpDirs.add(dir);
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const d of liveTmpDirs) removeDir(d);
  });
}
function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
  liveTmpDirs.delete(dir);
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolve true when `p` settles within `ms`, false otherwise. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Start QEMU on a firmware image; resolves once the guest is running with its link attached. */
export async function launchQemu(o: QemuOptions): Promise<QemuProcess> {
  const description = o.description ?? `qemu:${o.firmware}`;
  const startTimeoutMs = o.startTimeoutMs ?? 10_000;
  const grace = o.stopGraceMs ?? 1000;
  const ctx = { target: description, file: o.firmware, link: o.link };
  try {
    accessSync(o.firmware, constants.R_OK);
  } catch {
    throw new HarnessError('TARGET', `QEMU firmware image ${o.firmware} does not exist (build it with \`npm run build:fw\`)`, ctx);
  }
  if (o.signal?.aborted) throw new HarnessError('TARGET', `starting ${description} was aborted`, ctx);

  const dir = mkdtempSync(path.join(tmpdir(), 'hil-qemu-'));
  trackTmpDir(dir);
  const qmpSocket = path.join(dir, 'qmp.sock');
  const binary = o.qemuBinary ?? 'qemu-system-arm';
  const args = qemuArgs(o, qmpSocket);
  const argv = [binary, ...args];

  const child = spawn(binary, args, {
    stdio: [o.link === 'semihost' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  registerChild(child);

  let tail = '';
  const addTail = (d: Buffer): void => {
    tail = (tail + d.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stderr?.on('data', addTail);

  let spawnError: Error | undefined;
  const exited = new Promise<QemuExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderrTail: tail }));
    child.once('error', (e) => {
      spawnError = e;
      resolve({ code: null, signal: null, stderrTail: tail });
    });
  });

  let qmp: QmpClient | undefined;
  let link: ByteLink | undefined;
  let port: SerialPort | undefined;
  let ptyPath: string | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // 1. close the link: for semihost, stdin EOF makes the firmware exit QEMU (status 0). This
      //    comes first because a guest blocked in SYS_READ holds QEMU's big lock: QMP and SIGTERM
      //    are not served until input arrives (QEMU 7.2, measured).
      if (link) await link.close().catch(() => undefined);
      if (port?.isOpen) await new Promise<void>((resolve) => port!.close(() => resolve()));
      if (isAlive(child) && o.link === 'semihost') await within(exited, grace);
      // 2. QMP quit
      if (isAlive(child) && qmp?.isOpen) {
        await qmp.quit(grace).catch(() => undefined);
        await within(exited, grace);
      }
      // 3. SIGTERM, 4. SIGKILL
      if (isAlive(child)) {
        child.kill('SIGTERM');
        if (!(await within(exited, grace)) && isAlive(child)) child.kill('SIGKILL');
      }
      await exited;
      await qmp?.close().catch(() => undefined);
      removeDir(dir);
    })());

  const failStart = async (message: string, cause?: unknown): Promise<never> => {
    await stop();
    const exit = await exited;
    const why =
      spawnError && (spawnError as NodeJS.ErrnoException).code === 'ENOENT'
        ? ` (${binary} not found: install ${QEMU_PACKAGE[path.basename(binary)] ?? 'it, or set the profile\'s qemu.binary'})`
        : exit.code !== null || exit.signal !== null
          ? ` (QEMU exited with ${exit.code ?? exit.signal})`
          : '';
    const detail = exit.stderrTail.trim() ? `: ${exit.stderrTail.trim().split('\n').slice(-3).join(' | ')}` : '';
    throw new HarnessError('TARGET', `${message}${why}${detail}`, { ...ctx, argv: argv.join(' ') }, { cause });
  };

  const started = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await started;
  } catch (e) {
    return failStart(`cannot start ${binary} for ${description}`, e);
  }

  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = setTimeout(() => abort.abort(), startTimeoutMs);
  const died = exited.then(() => {
    throw new Error('QEMU exited during start-up');
  });
  died.catch(() => undefined);
  const timedOut = aborted(abort.signal, `start-up took longer than ${startTimeoutMs} ms`);
  timedOut.catch(() => undefined);

  try {
    if (o.link === 'uart') {
      // The pty path is announced on stdout (QEMU 7.2) or stderr.
      ptyPath = await Promise.race([
        new Promise<string>((resolve) => {
          let seen = '';
          const look = (d: Buffer): void => {
            seen = (seen + d.toString('utf8')).slice(-TAIL_BYTES);
            const m = PTY_RE.exec(seen);
            if (m) {
              child.stdout?.off('data', look);
              child.stderr?.off('data', look);
              resolve(m[1]!);
            }
          };
          child.stdout?.on('data', look);
          child.stderr?.on('data', look);
        }),
        died,
        timedOut,
      ]);
      // keep capturing QEMU's stdout as diagnostics for the rest of the run
      child.stdout?.on('data', addTail);
    }

    qmp = await Promise.race([
      QmpClient.connect(qmpSocket, { timeoutMs: startTimeoutMs, target: description, signal: abort.signal }),
      died,
    ]);

    if (o.link === 'uart') {
      const p = new SerialPort({ path: ptyPath!, baudRate: o.baudRate ?? 115200, autoOpen: false });
      port = p;
      await Promise.race([
        new Promise<void>((resolve, reject) => p.open((e) => (e ? reject(e) : resolve()))),
        died,
        timedOut,
      ]);
      const fdIo = directFdIo(p); // fewer wake-ups per chunk than serialport's thread-pool reads and writes
      link = duplexLink(p, `${description} (uart ${ptyPath})`);
      if (fdIo) link = { ...link, readBatching: fdIo.readBatching };
    } else {
      link = childProcessLink(child, `${description} (semihost stdio)`);
    }

    // Resume the guest. The semihost firmware writes BOOT and then blocks in SYS_READ, holding
    // QEMU's big lock, which can hold back the reply to `cont` until the host sends input
    // (QEMU 7.2, measured).
    const contReply = qmp.execute('cont', undefined, startTimeoutMs);
    contReply.catch(() => undefined);
    // Semihost: do not wait for the reply. The guest can block in SYS_READ, holding QEMU's global
    // lock, before QEMU has answered `cont` (seen in ~30 % of starts: a 200 ms stall); a guest that
    // never ran is caught by the handshake timeout instead.
    if (o.link === 'uart') await Promise.race([contReply, died, timedOut]);
  } catch (e) {
    clearTimeout(deadline);
    o.signal?.removeEventListener('abort', onAbort);
    abort.abort(); // stop a QMP connect still retrying: it would keep the process alive until its timeout
    const reason = o.signal?.aborted ? 'was aborted' : `failed: ${e instanceof Error ? e.message : String(e)}`;
    return failStart(`starting ${description} ${reason}`, e);
  }
  clearTimeout(deadline);
  o.signal?.removeEventListener('abort', onAbort);

  return {
    description,
    link,
    qmp,
    pid: child.pid!,
    argv,
    ptyPath,
    stop,
    exited,
    stderrTail: () => tail,
  };
}

/** A promise that rejects when `signal` aborts. */
function aborted(signal: AbortSignal, message: string): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new Error(message));
    else signal.addEventListener('abort', () => reject(new Error(message)), { once: true });
  });
}

/** Human-readable meaning of a QEMU exit status for the qemu-mps2-an386 firmware. */
export function describeQemuExit(exit: QemuExit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  switch (exit.code) {
    case QEMU_EXIT.EOF:
      return 'exited normally (end of input)';
    case QEMU_EXIT.FAULT:
      return 'the firmware reported a fault and stopped';
    case QEMU_EXIT.LINK:
      return 'the firmware lost its semihosting link';
    case null:
      return 'did not start';
    default:
      return `exited with status ${exit.code}`;
  }
}
