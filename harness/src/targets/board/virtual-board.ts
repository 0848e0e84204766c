/**
 * The virtual bench board: QEMU's mps2-an386 (Cortex-M4) with its gdbstub on a TCP port and
 * UART0 on a pseudo-terminal, started empty and paused. (Machine `netduinoplus2`, an STM32F405,
 * runs the real-board template firmware/boards/stm32f4-template instead, USART2 on the pty; QEMU
 * models no DWT there, so its cycle counts read 0.) To the harness it is just a board: a GDB
 * server to flash through (GDB RSP, like OpenOCD or a J-Link) and a serial port to open with
 * `serialport` — the `board` target drives it with no special case. Flashing loads the ELF over
 * RSP; `monitor system_reset` (QEMU's gdbstub passes `monitor` to its HMP) resets the core, which
 * reads SP and PC from the vector table just loaded; gdb's `detach` resumes the machine.
 *
 * No `-kernel` (the harness flashes it) and no `-no-reboot` (a guest or debugger reset must
 * reboot, not exit). `-icount` makes the reference images' instruction counter exact.
 *
 * QEMU treats a pty nobody has open as disconnected: it drops output, and after a reconnect it
 * reads input again only when a 1 s timer notices. A real UART does not care who has the port
 * open, so the board keeps the pty's slave open itself (never reading from it; the harness's
 * exclusive serialport lock is unaffected), and QEMU sees one connection for its whole life.
 * And QEMU's main loop re-arms the pty's read watch (stopped while the UART could not take input,
 * e.g. across a reset) only when it wakes up, which with the vCPU in its own thread can be a 1 s
 * timer later (measured: ~1 s from HELLO to INFO after each reset); a cheap QMP query every
 * KICK_MS keeps it awake, so input reaches the guest at once, as on a real UART.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { TargetProfileFile } from '../../config/config-types.ts';
import { HarnessError } from '../../core/errors.ts';
import { projectPaths } from '../../core/paths.ts';
import { registerChild } from '../child-registry.ts';
import { DEFAULT_ICOUNT_SHIFT, type QemuExit } from '../qemu/qemu-process.ts';
import { QmpClient } from '../qemu/qmp-client.ts';

export type VirtualMachine = 'mps2-an386' | 'netduinoplus2';
export const VIRTUAL_MACHINES: readonly VirtualMachine[] = ['mps2-an386', 'netduinoplus2'];

/** What differs per machine: which QEMU serial port the firmware's UART is, and its images. */
const MACHINE = {
  'mps2-an386': { serialIndex: 0, image: 'qemu/hil-qemu-model-s-uart.elf', counter: 'icount', clockHz: 100_000_000, cpi: 1.25, what: 'mps2-an386 (Cortex-M4), UART0' },
  netduinoplus2: { serialIndex: 1, image: 'stm32f4/hil-stm32f4-model-s.elf', counter: 'dwt', clockHz: 16_000_000, cpi: 1, what: 'netduinoplus2 (STM32F405), USART2; no DWT in QEMU: cycles read 0' },
} as const;

export interface VirtualBoardOptions {
  readonly qemuBinary?: string;
  readonly machine?: VirtualMachine;
  readonly icountShift?: number;
  /** TCP port of the gdbstub on 127.0.0.1 (default: a free one). */
  readonly gdbPort?: number;
  readonly startTimeoutMs?: number;
}

export interface VirtualBoard {
  readonly machine: VirtualMachine;
  /** The UART's pseudo-terminal, e.g. /dev/pts/3. */
  readonly ptyPath: string;
  readonly gdbPort: number;
  /** `127.0.0.1:<gdbPort>`, the flasher's `server`. */
  readonly gdbServer: string;
  readonly pid: number;
  readonly argv: readonly string[];
  readonly qmp: QmpClient;
  /** QEMU's run state (`paused`, `prelaunch`, `running`, ...). */
  status(): Promise<string>;
  /** Stop QEMU (QMP quit, SIGTERM, SIGKILL). Idempotent; never rejects. */
  stop(): Promise<void>;
  readonly exited: Promise<QemuExit>;
  stderrTail(): string;
}

const KICK_MS = 20;

const ptyRe = (index: number): RegExp => new RegExp(`char device redirected to (\\S+) \\(label serial${index}\\)`);

/** QEMU's arguments for a virtual board (without the binary). Pure. */
export function virtualBoardArgs(o: VirtualBoardOptions & { gdbPort: number }, qmpSocket: string): string[] {
  const shift = o.icountShift ?? DEFAULT_ICOUNT_SHIFT;
  const machine = o.machine ?? 'mps2-an386';
  const unused = Array.from({ length: MACHINE[machine].serialIndex }, () => ['-serial', 'null']).flat();
  return [
    '-M', machine,
    '-nographic',
    '-monitor', 'none',
    '-S',
    '-icount', `shift=${shift},align=off,sleep=off`,
    '-qmp', `unix:${qmpSocket},server=on,wait=off`,
    ...unused,
    '-serial', 'pty',
    '-gdb', `tcp:127.0.0.1:${o.gdbPort}`,
  ];
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The hil.config.json profile (kind board) that drives a virtual board. */
export function virtualBoardProfile(vb: Pick<VirtualBoard, 'ptyPath' | 'gdbServer'> & { machine?: VirtualMachine }, firmware?: string): TargetProfileFile {
  const m = MACHINE[vb.machine ?? 'mps2-an386'];
  // mps2-an386: the built-in board image (the model's hil-qemu-<model>-uart.elf) unless given
  const image = firmware ?? (vb.machine === 'netduinoplus2' ? path.join(projectPaths(process.cwd()).firmwareBuild, m.image) : undefined);
  return {
    kind: 'board',
    description: `virtual bench board: QEMU ${m.what} on ${vb.ptyPath}, gdbstub ${vb.gdbServer}`,
    ...(image ? { firmware: image } : {}),
    port: { path: vb.ptyPath },
    baudRate: 115200,
    flasher: { type: 'gdb', server: vb.gdbServer, resetCommands: ['monitor system_reset'], verify: true, timeoutMs: 30_000 },
    reset: 'flasher',
    counter: m.counter,
    clockHz: m.clockHz,
    cpi: m.cpi,
    handshakeTimeoutMs: 5000,
    enumerationTimeoutMs: 2000,
  };
}

async function launchOnce(o: VirtualBoardOptions, gdbPort: number): Promise<VirtualBoard> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-vboard-'));
  const qmpSocket = path.join(dir, 'qmp.sock');
  const binary = o.qemuBinary ?? 'qemu-system-arm';
  const args = virtualBoardArgs({ ...o, gdbPort }, qmpSocket);
  // Own process group: a Ctrl-C in the terminal reaches hil, which stops QEMU in order (QMP quit),
  // rather than QEMU directly. The child registry still kills it when hil exits.
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  registerChild(child);
  let tail = '';
  const add = (d: Buffer): void => {
    tail = (tail + d.toString('utf8')).slice(-4096);
  };
  child.stdout.on('data', add);
  child.stderr.on('data', add);
  let spawnError: NodeJS.ErrnoException | undefined;
  const exited = new Promise<QemuExit>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      if (child.pid === undefined) resolve({ code: null, signal: null, stderrTail: tail });
    });
    child.once('exit', (code, signal) => resolve({ code, signal, stderrTail: tail }));
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  let qmp: QmpClient | undefined;
  let keeper: number | undefined;
  let kicker: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const within = (ms: number): Promise<boolean> =>
    Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(r, ms, false).unref())]);
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(kicker);
      if (alive() && qmp?.isOpen) await qmp.quit(1000).catch(() => undefined);
      if (alive() && !(await within(1000))) child.kill('SIGTERM');
      if (alive() && !(await within(1000))) child.kill('SIGKILL');
      await exited;
      if (keeper !== undefined) closeSync(keeper);
      keeper = undefined;
      await qmp?.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    })());

  const timeoutMs = o.startTimeoutMs ?? 10_000;
  try {
    const ptyPath = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no pty announced within ${timeoutMs} ms`)), timeoutMs);
      const re = ptyRe(MACHINE[o.machine ?? 'mps2-an386'].serialIndex);
      const look = (): void => {
        const m = re.exec(tail);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error('QEMU exited during start-up'));
      });
    });
    keeper = openSync(ptyPath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    qmp = await QmpClient.connect(qmpSocket, { timeoutMs, target: `virtual board (${binary})` });
    const q = qmp;
    let kicking = false;
    kicker = setInterval(() => {
      if (kicking || !q.isOpen) return;
      kicking = true;
      q.queryStatus(1000)
        .catch(() => undefined)
        .finally(() => (kicking = false));
    }, KICK_MS);
    kicker.unref();
    return {
      machine: o.machine ?? 'mps2-an386',
      ptyPath,
      gdbPort,
      gdbServer: `127.0.0.1:${gdbPort}`,
      pid: child.pid!,
      argv: [binary, ...args],
      qmp: q,
      status: async () => (await q.queryStatus()).status,
      stop,
      exited,
      stderrTail: () => tail,
    };
  } catch (e) {
    await stop();
    const why = spawnError?.code === 'ENOENT' ? ` (${binary} not found: apt-get install qemu-system-arm)` : '';
    const said = tail.trim() ? `: ${tail.trim().split('\n').slice(-3).join(' | ')}` : '';
    throw new HarnessError('TARGET', `cannot start the virtual board: ${(e as Error).message}${why}${said}`, { argv: [binary, ...args].join(' ') }, { cause: e });
  }
}

/** Start a virtual board; resolves once its pty, gdbstub and QMP are up (the machine paused, empty). */
export async function startVirtualBoard(o: VirtualBoardOptions = {}): Promise<VirtualBoard> {
  for (let attempt = 1; ; attempt++) {
    const port = o.gdbPort ?? (await freeTcpPort());
    try {
      return await launchOnce(o, port);
    } catch (e) {
      // a free port picked by us can be taken before QEMU binds it: try another one
      const busy = e instanceof HarnessError && /Address already in use|Failed to bind/i.test(e.message);
      if (!busy || o.gdbPort !== undefined || attempt >= 3) throw e;
    }
  }
}
