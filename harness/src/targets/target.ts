/**
 * The Target seam: something that runs a firmware image and hands back a byte link to its
 * protocol agent. Three kinds sit behind it (ARCHITECTURE.md): `sim` (host-native build spoken to
 * over stdio), `qemu` (emulated Cortex-M4) and `board` (a real board on a serial port).
 */
import type { ByteLink } from '../transport/byte-link.ts';

export type TargetKind = 'sim' | 'qemu' | 'board';
export const TARGET_KINDS: readonly TargetKind[] = ['sim', 'qemu', 'board'];

/** Where the per-frame counter of a target comes from, and how to read it. */
export type CounterSource = 'dwt' | 'icount' | 'timer' | 'none';

export interface TargetStartOptions {
  readonly signal?: AbortSignal;
  /** Extra environment for simulator processes (test knobs such as HIL_SIM_LOG_EVERY). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Target {
  readonly kind: TargetKind;
  /** Human-readable identity for messages and reports, e.g. `sim:firmware/build/host/hil-sim-gain`. */
  readonly description: string;
  /** Path of the firmware image this target runs. */
  readonly firmware: string;
  /** Boot the firmware and return the link, capturing output from the first byte. */
  start(options?: TargetStartOptions): Promise<ByteLink>;
  /** Stop everything this target started. Idempotent; never throws. */
  stop(): Promise<void>;
  /** Resolves when the firmware process/emulator exits on its own (never rejects). */
  readonly exited: Promise<TargetExit> | undefined;
  /** Which board this is, for each case's report (bench boards; absent for sim and qemu). */
  identity?(): CaseBoard | null;
}

/** The board that ran a case: its profile name, port and serial number. */
export interface CaseBoard {
  readonly name: string;
  readonly port: string | null;
  readonly serialNumber: string | null;
}

export interface TargetExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Last lines the process wrote to stderr, for error messages. */
  readonly stderrTail: string;
}
