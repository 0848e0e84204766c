/**
 * Flash and RAM use of a firmware ELF, computed like `size` (Berkeley format): text = allocated
 * read-only sections, data = allocated writable PROGBITS, bss = allocated NOBITS.
 * Flash = text + data (initial values of .data live in flash), RAM = data + bss. Pure.
 *
 * `stacks` is the part of bss that is a stack reservation (allocated NOBITS sections named
 * `.stack`, `.stacks` or `.heap_stack`, as the linker scripts of firmware/boards/ name them): a
 * RAM figure that adds a measured stack high-water mark must leave the reservation out.
 */
import { HarnessError } from '../core/errors.ts';

const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHT_NOBITS = 8;
const STACK_SECTIONS = new Set(['.stack', '.stacks', '.heap_stack']);

export interface ElfSizes {
  readonly text: number;
  readonly data: number;
  readonly bss: number;
  readonly flash: number;
  readonly ram: number;
  /** Bytes of bss that are stack reservations (see the file comment); 0 if none. */
  readonly stacks: number;
  readonly machine: number;
}

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function elfSizes(bytes: Uint8Array, file: string): ElfSizes {
  if (!isElf(bytes)) throw new HarnessError('INPUT', `${file}: not an ELF file (no \\x7fELF magic)`, { file });
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  if (!le) throw new HarnessError('INPUT', `${file}: big-endian ELF is not supported`, { file });
  const u16 = (o: number) => b.readUInt16LE(o);
  const u32 = (o: number) => b.readUInt32LE(o);
  const uN = (o: number) => (is64 ? Number(b.readBigUInt64LE(o)) : u32(o));
  const need = is64 ? 64 : 52;
  if (b.length < need) throw new HarnessError('INPUT', `${file}: truncated ELF header`, { file });
  const machine = u16(18);
  const shoff = uN(is64 ? 40 : 32);
  const shentsize = u16(is64 ? 58 : 46);
  const shnum = u16(is64 ? 60 : 48);
  if (shoff === 0 || shnum === 0 || shoff + shentsize * shnum > b.length) {
    throw new HarnessError('INPUT', `${file}: ELF section headers missing or truncated`, { file });
  }
  let text = 0;
  let data = 0;
  let bss = 0;
  let stacks = 0;
  const shstrndx = u16(is64 ? 62 : 50);
  const strtab = shstrndx < shnum ? uN(shoff + shstrndx * shentsize + (is64 ? 24 : 16)) : 0;
  const name = (off: number): string => {
    const start = strtab + off;
    if (strtab === 0 || start >= b.length) return '';
    const end = b.indexOf(0, start);
    return b.toString('latin1', start, end < 0 ? b.length : end);
  };
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    const type = u32(o + 4);
    const flags = uN(o + 8);
    const size = uN(is64 ? o + 32 : o + 20);
    if (!(flags & SHF_ALLOC)) continue;
    if (type === SHT_NOBITS) {
      bss += size;
      if (STACK_SECTIONS.has(name(u32(o)))) stacks += size;
    } else if (flags & SHF_WRITE) data += size;
    else text += size;
  }
  return { text, data, bss, flash: text + data, ram: data + bss, stacks, machine };
}
