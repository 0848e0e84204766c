/**
 * Built-in target profiles, used when hil.config.json does not define the named target (and as
 * the base a file profile of the same kind is merged over).
 *
 * Clock and CPI for `qemu`: the reference profile models a 100 MHz Cortex-M4 and estimates
 * cycles as instructions x 1.25 (an M4 running DSP-heavy int16 code from zero-wait-state memory
 * retires about 0.8 instructions per cycle: loads/stores and multiply-accumulates take 1-2 cycles,
 * taken branches 2-4). The estimate is labelled as such wherever it appears; calibrate `cpi`
 * against a real board's DWT counts for your part.
 */
import path from 'node:path';

import { projectPaths } from '../core/paths.ts';
import { DEFAULT_ICOUNT_SHIFT } from '../targets/qemu/qemu-process.ts';
import { TARGET_KINDS, type TargetKind } from '../targets/target.ts';
import type { TargetProfile } from './config-types.ts';

export const DEFAULT_CPI = 1.25;
export const DEFAULT_QEMU_CLOCK_HZ = 100_000_000;
export const DEFAULT_MODEL = 'model-s';

const common = {
  budgets: { flashBytes: 100 * 1024, ramBytes: 1024 * 1024 },
  qemu: { binary: 'qemu-system-arm', machine: 'mps2-an386', icountShift: DEFAULT_ICOUNT_SHIFT, extraArgs: [] as string[] },
  port: null,
  baudRate: 921600,
  flasher: { type: 'none' as const },
  reset: 'protocol' as const,
  counter: null,
  enumerationTimeoutMs: 10_000,
  resetPulseMs: 100,
  handshakeTimeoutMs: 5000,
  params: {},
  cpiCalibration: null,
};

/** The reference QEMU image of `model` for `link` in the firmware build folder `build` (default:
 *  firmware/build in the working directory): qemu/hil-qemu-<model>-<link>.elf. */
export function builtinQemuImage(model = DEFAULT_MODEL, link: 'semihost' | 'uart' = 'semihost', build = projectPaths(process.cwd()).firmwareBuild): string {
  return path.join(build, 'qemu', `hil-qemu-${model}-${link}.elf`);
}

/** The built-in profile `kind`; its firmware is the reference image in the firmware build folder
 *  `build` (default: firmware/build in the working directory). */
export function builtinProfile(kind: TargetKind, name: string = kind, model = DEFAULT_MODEL, build = projectPaths(process.cwd()).firmwareBuild): TargetProfile {
  switch (kind) {
    case 'sim':
      return {
        ...common,
        name,
        kind,
        description: 'host-native build of the firmware over stdio (no cycle counter)',
        firmware: path.join(build, 'host', `hil-sim-${model}`),
        clockHz: 0,
        cpi: 1,
        requiredMargin: 0,
        budgets: { flashBytes: null, ramBytes: null },
        link: 'semihost',
      };
    case 'qemu':
      return {
        ...common,
        name,
        kind,
        description: 'QEMU mps2-an386 (Cortex-M4), semihosting link, instruction counts from -icount',
        firmware: builtinQemuImage(model, 'semihost', build),
        clockHz: DEFAULT_QEMU_CLOCK_HZ,
        cpi: DEFAULT_CPI,
        requiredMargin: 0.1,
        link: 'semihost',
      };
    case 'board':
      return {
        ...common,
        name,
        kind,
        description: 'a bench board on a serial port',
        firmware: builtinQemuImage(model, 'uart', build),
        clockHz: DEFAULT_QEMU_CLOCK_HZ,
        cpi: 1,
        requiredMargin: 0.1,
        link: 'uart',
      };
  }
}

/** Built-in target names: the three kinds, and `qemu-rv32` (a qemu profile for the RISC-V port). */
export const BUILTIN_TARGETS: readonly string[] = ['sim', 'qemu', 'qemu-rv32', 'board'];

/** The RISC-V reference image of `model` (firmware/boards/qemu-riscv32: semihosting link only). */
export function builtinRv32Image(model = DEFAULT_MODEL, build = projectPaths(process.cwd()).firmwareBuild): string {
  return path.join(build, 'qemu-rv32', `hil-qemu-rv32-${model}-semihost.elf`);
}

/**
 * The built-in profile named `name`, or null when there is none: a kind (sim, qemu, board) or
 * `qemu-rv32`, model S's portable C path on QEMU's RISC-V `virt` machine (RV32IMAC), with
 * the same clock and CPI as `qemu` so that both instruction sets are judged against one budget.
 */
export function builtinTarget(name: string, model = DEFAULT_MODEL, build = projectPaths(process.cwd()).firmwareBuild): TargetProfile | null {
  if (name === 'qemu-rv32') {
    return {
      ...builtinProfile('qemu', name, model, build),
      description: 'QEMU virt (RV32IMAC, portable C path), semihosting link, instruction counts from -icount (minstret)',
      firmware: builtinRv32Image(model, build),
      qemu: { binary: 'qemu-system-riscv32', machine: 'virt', icountShift: DEFAULT_ICOUNT_SHIFT, extraArgs: ['-bios', 'none'] },
    };
  }
  return (TARGET_KINDS as readonly string[]).includes(name) ? builtinProfile(name as TargetKind, name, model, build) : null;
}
