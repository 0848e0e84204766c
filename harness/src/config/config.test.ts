import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import { loadConfig } from './load-config.ts';
import { resolveConfig } from './resolve-config.ts';
import { validateConfig } from './validate-config.ts';

function configError(data: unknown): string {
  try {
    validateConfig(data, 'hil.config.json');
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessError);
    expect((e as HarnessError).code).to.equal('CONFIG');
    return (e as Error).message;
  }
  throw new Error('expected a CONFIG error');
}

describe('configuration', () => {
  it('names the key path, the value and what was expected', () => {
    expect(configError({ targets: { qemu: { kind: 'qemu', clockHz: -5 } } })).to.equal(
      'hil.config.json: targets.qemu.clockHz: -5 is out of range, expected a value >= 0',
    );
    expect(configError({ targets: { b: { kind: 'fpga' } } })).to.contain('targets.b.kind: "fpga" is not one of sim, qemu, board');
    expect(configError({ targets: { q: { kind: 'qemu', clok: 1 } } })).to.contain('targets.q.clok: unknown key (expected one of kind,');
    expect(configError({ defaults: { window: 'eight' } })).to.contain('defaults.window: "eight" is not an integer');
    expect(configError({ targets: { q: {} } })).to.contain('targets.q: missing required key "kind"');
    expect(configError({ targets: { q: { kind: 'qemu', cpi: 0 } } })).to.contain('targets.q.cpi: 0 is out of range, expected a value > 0');
  });

  it('reports a JSON syntax error with its line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hil-cfg-'));
    writeFileSync(path.join(dir, 'hil.config.json'), '{\n  "defaults": {\n    "jobs": 2,\n  }\n}\n');
    expect(() => loadConfig(undefined, dir)).to.throw(HarnessError, /hil\.config\.json: not valid JSON at line 4/);
  });

  it('an explicit missing --config is an error; a missing default file is not', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hil-cfg-'));
    expect(loadConfig(undefined, dir)).to.deep.equal({ file: null, path: null });
    expect(() => loadConfig('nope.json', dir)).to.throw(/--config nope\.json: file not found/);
  });

  it('applies precedence: command line > file > built-in defaults', () => {
    const file = validateConfig(
      { defaults: { target: 'lab', jobs: 2 }, targets: { lab: { kind: 'qemu', clockHz: 200e6, firmware: 'fw/x.elf' } } },
      'hil.config.json',
    );
    const r = resolveConfig(file, '/proj/hil.config.json', { cpi: 2 });
    expect(r.profile.name).to.equal('lab');
    expect(r.profile.kind).to.equal('qemu');
    expect(r.profile.clockHz).to.equal(200e6);
    expect(r.profile.cpi).to.equal(2);
    expect(r.profile.requiredMargin).to.equal(0.1);
    expect(r.profile.firmware).to.equal('/proj/fw/x.elf');
    expect(r.defaults.jobs).to.equal(2);
    expect(resolveConfig(file, '/proj/hil.config.json', { target: 'lab', clockHz: 1e6 }).profile.clockHz).to.equal(1e6);
  });

  it('qemu: --link picks the image built for that link, an image name implies its link', () => {
    const uart = resolveConfig(null, null, { target: 'qemu', link: 'uart' }).profile;
    expect(uart.link).to.equal('uart');
    expect(path.basename(uart.firmware)).to.equal('hil-qemu-model-s-uart.elf');
    expect(path.basename(resolveConfig(null, null, { target: 'qemu', model: 'gain' }).profile.firmware)).to.equal('hil-qemu-gain-semihost.elf');
    expect(resolveConfig(null, null, { target: 'qemu', firmware: '/x/hil-qemu-gain-uart.elf' }).profile.link).to.equal('uart');
    expect(resolveConfig(null, null, { target: 'qemu', firmware: '/x/my.elf' }).profile.link).to.equal('semihost');
    expect(resolveConfig(null, null, { target: 'qemu', firmware: '/x/hil-qemu-gain-uart.elf', link: 'semihost' }).profile.link).to.equal('semihost');
  });

  it('refuses an unknown target name, listing the known ones', () => {
    // the project's folders: beside the config file, never where hil is installed
    const proj = resolveConfig({ defaults: { reportsDir: 'out' } }, '/proj/sub/hil.config.json', { target: 'sim' });
    expect(proj.root).to.equal('/proj/sub');
    expect(proj.defaults).to.include({ vectorsDir: '/proj/sub/vectors', reportsDir: '/proj/sub/out', firmwareBuild: '/proj/sub/firmware/build' });
    expect(proj.profile.firmware).to.equal('/proj/sub/firmware/build/host/hil-sim-model-s');
    const moved = resolveConfig({ defaults: { firmwareBuild: '../fw' } }, '/proj/sub/hil.config.json', { target: 'qemu' });
    expect(moved.profile.firmware).to.equal('/proj/fw/qemu/hil-qemu-model-s-semihost.elf');
    const rv = resolveConfig(null, '/proj/hil.config.json', { target: 'qemu-rv32', model: 'gain' }).profile;
    expect(rv).to.deep.include({ kind: 'qemu', name: 'qemu-rv32', firmware: '/proj/firmware/build/qemu-rv32/hil-qemu-rv32-gain-semihost.elf', link: 'semihost' });
    expect(rv.qemu).to.deep.include({ binary: 'qemu-system-riscv32', machine: 'virt', extraArgs: ['-bios', 'none'] });
    expect(() => resolveConfig(null, null, { target: 'qemu-rv32', link: 'uart' })).to.throw(/--link uart: target qemu-rv32 has a semihosting link only/);
    expect(() => resolveConfig(null, null, { target: 'bench7' })).to.throw(/--target bench7: no such target profile \(known: sim, qemu, qemu-rv32, board\)/);
  });
});
