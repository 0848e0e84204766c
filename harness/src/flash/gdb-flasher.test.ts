import { expect } from 'chai';

import { builtinQemuImage } from '../config/builtin-profiles.ts';
import { freeTcpPort, startVirtualBoard, type VirtualBoard } from '../targets/board/virtual-board.ts';
import { createGdbFlasher, gdbScript, parseGdbOutput } from './gdb-flasher.ts';
import { rejection } from '../../test/helpers/rejection.ts';

const ELF = builtinQemuImage('gain', 'uart');

describe('gdb flasher: script and output', () => {
  it('connects, loads, verifies, resets and detaches, in that order', () => {
    const s = gdbScript('flash', { firmware: 'x.elf', server: 'localhost:3333', beforeLoad: ['monitor reset halt'] }).split('\n');
    const at = (cmd: string): number => s.indexOf(cmd);
    expect(at('target remote localhost:3333')).to.be.greaterThan(at('set tcp auto-retry off'));
    expect(at('monitor reset halt')).to.be.greaterThan(at('target remote localhost:3333'));
    expect(at('load')).to.be.greaterThan(at('monitor reset halt'));
    expect(at('compare-sections')).to.be.greaterThan(at('load'));
    expect(at('monitor reset')).to.be.greaterThan(at('compare-sections'));
    expect(at('detach')).to.be.greaterThan(at('monitor reset'));
  });

  it('variants: extended-remote, no verify, custom reset; a reset script does not load', () => {
    const flash = gdbScript('flash', { firmware: 'x.elf', server: '/dev/ttyBmpGdb', extendedRemote: true, verify: false, resetCommands: ['monitor system_reset'] });
    expect(flash).to.contain('target extended-remote /dev/ttyBmpGdb').and.contain('monitor system_reset');
    expect(flash).not.to.contain('compare-sections');
    const reset = gdbScript('reset', { firmware: 'x.elf', server: 'h:1' });
    expect(reset).not.to.match(/^load$/m);
    expect(reset).to.match(/^monitor reset$/m).and.match(/^detach$/m);
  });

  it('reads stages, load size and compare-sections verdicts from gdb output', () => {
    const ok = parseGdbOutput([
      '[hil] connected',
      '[hil] prepared',
      'Loading section .text, size 0x30ec lma 0xc0',
      'Start address 0x000000c0, load size 73684',
      '[hil] loaded',
      'Section .isr_vector, range 0x0 -- 0xc0: matched.',
      'Section .text, range 0xc0 -- 0x31ac: matched.',
      '[hil] verified',
    ]);
    expect([...ok.stages]).to.deep.equal(['connected', 'prepared', 'loaded', 'verified']);
    expect(ok).to.include({ loadedBytes: 73684, matched: 2 });
    expect(ok.mismatched).to.deep.equal([]);
    const bad = parseGdbOutput(['Section .text, range 0xc0 -- 0x31ac: MIS-MATCHED!', 'warning: One or more sections of the target image does not match the loaded file']);
    expect(bad.mismatched).to.deep.equal(['.text']);
  });
});

describe('gdb flasher against a real GDB server (QEMU gdbstub)', function () {
  this.timeout(60_000);
  let vb: VirtualBoard;
  before(async () => {
    vb = await startVirtualBoard();
  });
  after(async () => vb?.stop());

  it('loads, verifies and resets the empty board, which then runs', async () => {
    expect(await vb.status()).to.equal('prelaunch');
    const f = createGdbFlasher({ firmware: ELF, server: vb.gdbServer, resetCommands: ['monitor system_reset'] });
    const r = await f.flash();
    expect(r).to.include({ type: 'gdb', server: vb.gdbServer, verified: true, image: ELF });
    expect(r.loadedBytes).to.be.greaterThan(1000);
    expect(r.output.join('\n')).to.match(/Section \.text, range .*: matched/);
    expect(await vb.status()).to.equal('running');
    const reset = await f.reset!();
    expect(reset.output).to.include('[hil] detached');
  });

  it('a GDB server that is not listening fails at once with the stage and gdb output', async () => {
    const port = await freeTcpPort();
    const e = await rejection(createGdbFlasher({ firmware: ELF, server: `127.0.0.1:${port}` }).flash());
    expect(e.code).to.equal('TARGET');
    expect(e.message).to.contain(`while connecting to the GDB server 127.0.0.1:${port}`).and.contain('Connection refused');
    expect(String(e.context.flasherOutput)).to.contain('Connection refused');
  });

  it('a missing gdb or image is named', async () => {
    const noGdb = await rejection(createGdbFlasher({ firmware: ELF, server: vb.gdbServer, gdb: 'no-such-gdb-hil' }).flash());
    expect(noGdb.message).to.contain('no-such-gdb-hil not found');
    const noElf = await rejection(createGdbFlasher({ firmware: '/nonexistent/x.elf', server: vb.gdbServer }).flash());
    expect(noElf.code).to.equal('INPUT');
    expect(noElf.message).to.contain('/nonexistent/x.elf');
  });
});
