import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

import { HarnessError } from '../core/errors.ts';
import { elfSizes } from './elf-sizes.ts';

describe('ELF sizes', () => {
  it('agrees with binutils size (Berkeley) on a real ELF', function () {
    // The host simulator binary is an ELF on Linux; the Cortex-M4 images too when built.
    const candidates = ['firmware/build/host/hil-sim-gain', '/bin/true'];
    const file = candidates.find((f) => existsSync(f));
    if (!file) this.skip();
    const out = execFileSync('size', ['-B', file!], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/);
    const s = elfSizes(readFileSync(file!), file!);
    expect([s.text, s.data, s.bss]).to.deep.equal([Number(out[0]), Number(out[1]), Number(out[2])]);
    expect(s.flash).to.equal(s.text + s.data);
  });

  it('separates the stack reservation of a Cortex-M4 image (.stacks) from the rest of bss', function () {
    const file = 'firmware/build/qemu/hil-qemu-model-s-semihost.elf';
    if (!existsSync(file)) this.skip();
    let out: string;
    try {
      out = execFileSync('arm-none-eabi-size', ['-A', file], { encoding: 'utf8' });
    } catch {
      this.skip();
    }
    const section = (n: string) => Number(new RegExp(`^\\${n}\\s+(\\d+)`, 'm').exec(out)![1]);
    const s = elfSizes(readFileSync(file), file);
    expect(s.machine).to.equal(40); // EM_ARM
    expect(s.stacks).to.equal(section('.stacks')).and.be.above(0);
    expect(s.bss).to.be.above(s.stacks);
  });

  it('rejects a non-ELF file naming it', () => {
    expect(() => elfSizes(Buffer.from('#!/bin/sh\necho hi\n'), 'fw.elf')).to.throw(HarnessError, 'fw.elf: not an ELF file');
    expect(() => elfSizes(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1]), 'short.elf')).to.throw(/short\.elf: truncated ELF header/);
  });
});
