/**
 * The firmware images of the bad-input corpus (issue 8.4): files that look like build outputs
 * (an .elf that is text, an ELF for the wrong machine, a "simulator" that is not a program).
 * They are not committed; reliability-bad-input.test.ts writes them into its temp folder.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A 64-byte ELF header for x86-64 (valid header, wrong machine for the Cortex-M4 target). */
function x86Header(): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(b, 0);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(62, 18); // EM_X86_64
  b.writeUInt32LE(1, 20);
  return b;
}

const FIXTURES: ReadonlyArray<readonly [string, string | Buffer, number?]> = [
  ['not-elf.elf', 'not an ELF image: a text file with an .elf name\n'],
  ['not-elf-sim', 'not a program: a text file with the execute bit set\n', 0o755],
  ['x86-64.elf', x86Header()],
];

/** Write the fixtures into `dir`; returns how many. */
export function writeFirmwareFixtures(dir: string): number {
  mkdirSync(dir, { recursive: true });
  for (const [name, data, mode] of FIXTURES) {
    const file = path.join(dir, name);
    writeFileSync(file, data);
    if (mode !== undefined) chmodSync(file, mode);
  }
  return FIXTURES.length;
}
