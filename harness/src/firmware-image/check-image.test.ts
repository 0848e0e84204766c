import { chmodSync, copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { builtinProfile, builtinRv32Image } from '../config/builtin-profiles.ts';
import { checkFirmwareImage } from './check-image.ts';

describe('firmware-image/check-image', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-check-image-'));
  const file = (name: string, data: string | Buffer, mode = 0o644): string => {
    const p = path.join(dir, name);
    writeFileSync(p, data);
    chmodSync(p, mode);
    return p;
  };
  const refused = (kind: 'sim' | 'qemu', p: string) => {
    try {
      checkFirmwareImage(kind, p);
    } catch (e) {
      return (e as Error).message;
    }
    return null;
  };

  it('accepts the reference images and #! scripts for sim', function () {
    const qemu = builtinProfile('qemu').firmware;
    const sim = builtinProfile('sim').firmware;
    if (!existsSync(qemu) || !existsSync(sim)) this.skip();
    expect(refused('qemu', qemu)).to.equal(null);
    expect(refused('sim', sim)).to.equal(null);
    expect(refused('sim', file('fake.mjs', '#!/usr/bin/env node\n', 0o755))).to.equal(null);
  });

  it('names the file and the problem', function () {
    const sim = builtinProfile('sim').firmware;
    expect(refused('qemu', path.join(dir, 'nope.elf'))).to.match(/nope\.elf: does not exist/);
    expect(refused('qemu', file('empty.elf', ''))).to.match(/empty\.elf: is empty/);
    expect(refused('qemu', file('text.elf', 'hello'))).to.match(/text\.elf: is not an ELF file \(starts with "hell"\)/);
    expect(refused('sim', file('text', 'echo hi\n', 0o755))).to.match(/is neither an ELF executable nor a #! script/);
    expect(refused('sim', file('noexec', '#!/bin/sh\n'))).to.match(/noexec: is not executable/);
    expect(refused('sim', dir)).to.match(/is not a regular file/);
    if (existsSync(sim)) {
      const host = path.join(dir, 'host-elf');
      copyFileSync(sim, host);
      if (process.arch !== 'arm') expect(refused('qemu', host)).to.match(/is an ELF for \S+, expected ARM/);
    }
  });

  it("checks a qemu image against the profile's emulator: ARM for qemu-system-arm, RISC-V for qemu-system-riscv32", function () {
    const arm = builtinProfile('qemu').firmware;
    const rv = builtinRv32Image();
    if (!existsSync(arm) || !existsSync(rv)) this.skip();
    const check = (f: string, bin: string) => {
      try {
        checkFirmwareImage('qemu', f, bin);
      } catch (e) {
        return (e as Error).message;
      }
      return null;
    };
    expect(check(rv, '/usr/bin/qemu-system-riscv32')).to.equal(null);
    expect(check(arm, 'qemu-system-arm')).to.equal(null);
    expect(check(rv, 'qemu-system-arm')).to.match(/is an ELF for RISC-V, expected ARM .* for qemu-system-arm/);
    expect(check(arm, 'qemu-system-riscv32')).to.match(/is an ELF for ARM, expected RISC-V .* for qemu-system-riscv32/);
    expect(check(arm, '/opt/vendor/bin/my-qemu')).to.equal(null); // an emulator hil does not know: any ELF
  });

  it('leaves board images to the flasher', () => {
    expect(() => checkFirmwareImage('board', path.join(dir, 'not-there.elf'))).not.to.throw();
  });
});
