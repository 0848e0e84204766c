/**
 * Check a firmware image before anything is started with it, so that a wrong path or a wrong
 * file is one clear line naming the file and the problem rather than an emulator crash:
 * - `qemu`: an ELF file for the emulator's instruction set: ARM for qemu-system-arm (the
 *   Cortex-M4 of mps2-an386), RISC-V for qemu-system-riscv32/64 (firmware/boards/qemu-riscv32);
 *   any ELF for another emulator binary;
 * - `sim`: an executable file that is an ELF for this host's machine or a `#!` script (test
 *   fakes). A non-ELF without `#!` is refused: execvp() would hand it to /bin/sh;
 * - `board`: nothing here: a board may already run its firmware (flasher `none`), and a flasher
 *   checks the images it needs itself (flash/firmware-images.ts).
 */
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import type { TargetKind } from '../targets/target.ts';
import { isElf } from './elf-sizes.ts';

const EM_ARM = 40;
const EM_RISCV = 243;
const MACHINES: Readonly<Record<number, string>> = { 3: 'x86', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64' };
const HOST_MACHINE: Readonly<Record<string, number>> = { x64: 62, ia32: 3, arm: 40, arm64: 183, riscv64: 243 };

function head(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function printable(b: Buffer): string {
  return JSON.stringify(b.subarray(0, 4).toString('latin1').replace(/[^\x20-\x7e]/g, '.'));
}

/** The ELF machine an emulator binary runs, by its name; null when hil does not know the binary. */
function emulatedMachine(qemuBinary: string): { machine: number; what: string } | null {
  const name = path.basename(qemuBinary);
  if (/^qemu-system-arm$/.test(name)) return { machine: EM_ARM, what: 'ARM (a Cortex-M image, e.g. for mps2-an386)' };
  if (/^qemu-system-riscv(32|64)$/.test(name)) return { machine: EM_RISCV, what: 'RISC-V (e.g. an RV32 image for virt)' };
  return null;
}

/** `qemuBinary`: the profile's emulator (default qemu-system-arm), which decides the instruction set a qemu image must be for. */
export function checkFirmwareImage(kind: TargetKind, file: string, qemuBinary = 'qemu-system-arm'): void {
  if (kind === 'board') return;
  const fail = (why: string): never => {
    throw new HarnessError('INPUT', `firmware image ${file}: ${why}`, { file, key: 'firmware' });
  };
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) fail('is not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof HarnessError) throw e;
    return fail('does not exist (build the reference images with `npm run build:fw`, or check --firmware / the profile\'s firmware)');
  }
  if (size === 0) fail('is empty');
  const h = head(file, 64);
  if (kind === 'qemu') {
    if (!isElf(h)) fail(`is not an ELF file (starts with ${printable(h)}); QEMU needs the firmware's .elf`);
    if (h.length < 20) fail('is a truncated ELF file');
    const machine = h.readUInt16LE(18);
    const want = emulatedMachine(qemuBinary);
    if (want && machine !== want.machine) {
      fail(`is an ELF for ${MACHINES[machine] ?? `machine ${machine}`}, expected ${want.what} for ${path.basename(qemuBinary)}`);
    }
    return;
  }
  try {
    accessSync(file, constants.X_OK);
  } catch {
    fail('is not executable (the sim target runs the host build, e.g. firmware/build/host/hil-sim-<model>)');
  }
  if (h.subarray(0, 2).toString('latin1') === '#!') return;
  if (!isElf(h)) fail(`is neither an ELF executable nor a #! script (starts with ${printable(h)})`);
  const machine = h.length >= 20 ? h.readUInt16LE(18) : -1;
  const want = HOST_MACHINE[process.arch];
  if (want !== undefined && machine !== want) {
    fail(`is an ELF for ${MACHINES[machine] ?? `machine ${machine}`}, but this host runs ${MACHINES[want]} (the sim target needs the host build)`);
  }
}
