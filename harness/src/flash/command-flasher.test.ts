import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { builtinQemuImage } from '../config/builtin-profiles.ts';
import { liveChildCount } from '../targets/child-registry.ts';
import { createCommandFlasher, expandTemplate, placeholdersIn } from './command-flasher.ts';
import { FLASHER_PRESETS, presetJson } from './presets.ts';
import { outputTail, runTool } from './run-tool.ts';
import { rejection } from '../../test/helpers/rejection.ts';

const ELF = builtinQemuImage('gain', 'uart');
const NODE = process.execPath;

describe('command flasher templates', () => {
  it('fills {elf} {bin} {hex} {port} {baud} inside arguments and leaves other braces alone', () => {
    const t = ['openocd', '-c', 'program {elf} verify reset exit', '-c', 'set x {a b}', '{port}@{baud}'];
    expect([...placeholdersIn(t)].sort()).to.deep.equal(['baud', 'elf', 'port']);
    expect(expandTemplate(t, { elf: '/f/x.elf', port: '/dev/ttyACM0', baud: '115200' }, 'flasher.argv')).to.deep.equal([
      'openocd', '-c', 'program /f/x.elf verify reset exit', '-c', 'set x {a b}', '/dev/ttyACM0@115200',
    ]);
  });

  it('names the argument whose placeholder cannot be filled', () => {
    expect(() => expandTemplate(['bossac', '-p', '{port}'], {}, 'targets.b.flasher.argv')).to.throw(/targets\.b\.flasher\.argv\[2\]: \{port\} cannot be filled in \(the profile has no serial port\)/);
  });

  it('every preset is a valid template of a known tool with a reset', () => {
    for (const p of FLASHER_PRESETS) {
      expect(p.flasher.type, p.name).to.equal('command');
      expect(p.flasher.argv![0], p.name).to.equal(p.name);
      expect(p.flasher.resetArgv?.length, p.name).to.be.greaterThan(0);
      expect(placeholdersIn(p.flasher.argv!).size, p.name).to.be.greaterThan(0);
      expect(JSON.parse(presetJson(p)), p.name).to.deep.equal({ flasher: p.flasher, reset: 'flasher' });
    }
  });
});

describe('command flasher runs (real processes, no shell)', function () {
  this.timeout(30_000);

  it('hands the tool the image paths, making the .bin with objcopy and removing it afterwards', async () => {
    // the "flasher" reports the size of the image it was given
    const script = 'const fs=require("fs");const f=process.argv[1];console.log("bin",f,fs.statSync(f).size);console.error("done")';
    const f = createCommandFlasher({ firmware: ELF, argv: [NODE, '-e', script, '{bin}'] });
    const r = await f.flash({ port: '/dev/ttyX', baudRate: 115200 });
    const line = r.output.find((l) => l.startsWith('bin '))!;
    const [, binPath, size] = line.split(' ');
    expect(path.basename(binPath!)).to.equal('hil-qemu-gain-uart.bin');
    expect(Number(size)).to.be.greaterThan(1000).and.lessThan(statSync(ELF).size);
    expect(existsSync(binPath!), 'temporary .bin removed').to.equal(false);
    expect(r.output).to.include('done');
    expect(r).to.include({ type: 'command', tool: NODE, verified: null });
    expect(r.argv![3]).to.equal(binPath);
  });

  it('a failing tool is an error carrying the tail of its output', async () => {
    const f = createCommandFlasher({ firmware: ELF, argv: [NODE, '-e', 'console.log("Open On-Chip Debugger"); console.error("Error: open failed: no ST-LINK found"); process.exit(1)'] });
    const e = await rejection(f.flash());
    expect(e.code).to.equal('TARGET');
    expect(e.message).to.contain('exited with status 1').and.contain('Open On-Chip Debugger | Error: open failed: no ST-LINK found');
  });

  it('a tool that hangs is killed at its timeout', async () => {
    const f = createCommandFlasher({ firmware: ELF, argv: [NODE, '-e', 'console.log("waiting for target"); setInterval(() => {}, 1000)'], timeoutMs: 500 });
    const e = await rejection(f.flash());
    expect(e.message).to.contain('did not finish within 500 ms and was killed').and.contain('waiting for target');
    expect(liveChildCount()).to.equal(0);
  });

  it('a tool that is not installed is named', async () => {
    const e = await rejection(createCommandFlasher({ firmware: ELF, argv: ['st-flash-not-installed', 'write', '{bin}', '0x08000000'] }).flash());
    expect(e.message).to.contain('st-flash-not-installed').and.contain('not found on PATH');
  });

  it('resetArgv is the reset; without it the flasher cannot reset', async () => {
    const withReset = createCommandFlasher({ firmware: ELF, argv: [NODE, '-e', '0'], resetArgv: [NODE, '-e', 'console.log("reset", process.argv[1])', '{port}'] });
    const r = await withReset.reset!({ port: '/dev/ttyACM3' });
    expect(r.output).to.deep.equal(['reset /dev/ttyACM3']);
    expect(createCommandFlasher({ firmware: ELF, argv: [NODE, '-e', '0'] }).reset).to.equal(null);
  });
});

describe('runTool', () => {
  it('keeps the last lines of long output, in order, and ends lines cleanly', async () => {
    const r = await runTool({ argv: [NODE, '-e', 'for (let i = 0; i < 1000; i++) console.log("line " + i + "\\r"); process.stdout.write("no newline")'], timeoutMs: 20_000, maxLines: 50 });
    expect(r.code).to.equal(0);
    expect(r.output).to.have.length(50);
    expect(r.output.at(-2)).to.equal('line 999');
    expect(r.output.at(-1)).to.equal('no newline');
    expect(outputTail(r.output, 2)).to.equal('… line 999 | no newline');
  });

  it('stops the tool when aborted', async () => {
    const c = new AbortController();
    const p = runTool({ argv: [NODE, '-e', 'setInterval(() => {}, 1000)'], timeoutMs: 20_000, signal: c.signal });
    setTimeout(() => c.abort(), 200);
    const r = await p;
    expect(r.aborted).to.equal(true);
    expect(r.signal).to.equal('SIGTERM');
  });
});
