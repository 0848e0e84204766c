/**
 * Where a fault-injection image's `udf` (permanently undefined) instruction sits, read from the
 * image's own disassembly (`arm-none-eabi-objdump -d`): the PC a hard-fault report must name.
 */
import { execFileSync } from 'node:child_process';

export function udfAddress(elf: string): string {
  const asm = execFileSync('arm-none-eabi-objdump', ['-d', elf], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const hits = [...asm.matchAll(/^\s*([0-9a-f]+):\s+[0-9a-f ]+\s+udf\b/gm)].map((m) => m[1]!);
  if (hits.length !== 1) throw new Error(`${elf}: expected exactly one udf instruction, found ${hits.length}`);
  return `0x${hits[0]!.padStart(8, '0')}`;
}
