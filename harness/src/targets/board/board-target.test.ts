/**
 * The board target on the virtual bench board: real QEMU gdbstub (GDB RSP), real pty opened with
 * serialport, real firmware (firmware/build/qemu/hil-qemu-gain-uart.elf).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { builtinProfile, builtinQemuImage } from '../../config/builtin-profiles.ts';
import type { TargetProfile, TargetProfileFile } from '../../config/config-types.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import { validateConfig } from '../../config/validate-config.ts';
import { describeBoardRecord } from '../../core/board-record.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import { encodeFrame } from '../../protocol/frame-codec.ts';
import { MsgType } from '../../protocol/messages.ts';
import { Session } from '../../session/session.ts';
import { openSerialPort } from '../../transport/serial-port-link.ts';
import { checkBoardProfile, checkCounter } from './board-profile.ts';
import { BoardTarget } from './board-target.ts';
import { startVirtualBoard, virtualBoardProfile, type VirtualBoard } from './virtual-board.ts';
import { rejection } from '../../../test/helpers/rejection.ts';

const GAIN = builtinQemuImage('gain', 'uart');

function profileFor(vb: VirtualBoard, over: Partial<TargetProfileFile> = {}): TargetProfile {
  const file = { targets: { bench: { ...virtualBoardProfile(vb, GAIN), ...over } } };
  return resolveConfig(file, path.join(tmpdir(), 'hil.config.json'), { target: 'bench' }).profile;
}

describe('board target profile checks', () => {
  const board = (o: Partial<TargetProfile>): TargetProfile => ({ ...builtinProfile('board', 'bench'), ...o });

  it('needs a port, and a flasher that can reset for reset "flasher"', () => {
    expect(() => checkBoardProfile(board({}))).to.throw(/target bench: no serial port configured: set targets\.bench\.port\.path/);
    expect(() => checkBoardProfile(board({ port: { path: '/dev/ttyACM0' }, reset: 'flasher' }))).to.throw(/targets\.bench\.reset: "flasher" needs a flasher that can reset/);
    expect(() => checkBoardProfile(board({ port: { path: '/dev/ttyACM0' }, reset: 'flasher', flasher: { type: 'command', argv: ['st-flash'] } }))).to.throw(/without resetArgv/);
    expect(() => checkBoardProfile(board({ port: { vendorId: '0483' }, reset: 'flasher', flasher: { type: 'gdb', server: 'localhost:3333' } }))).not.to.throw();
  });

  it('the example profiles of the template README are valid and usable', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'firmware/boards/stm32f4-template/README.md'), 'utf8');
    const json = /## A hil.config.json board profile[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!;
    const file = validateConfig(JSON.parse(json), 'README.md');
    const names = Object.keys(file.targets ?? {});
    expect(names).to.have.length.greaterThan(1);
    for (const name of names) {
      const p = resolveConfig(file, path.join(REPO_ROOT, 'hil.config.json'), { target: name }).profile;
      expect(() => checkBoardProfile(p), name).not.to.throw();
      expect(p.firmware, name).to.match(/firmware\/build\/stm32f4\/hil-stm32f4-(gain|model-s)\.elf$/);
    }
  });

  it('describes the board record for the reports', () => {
    const port = { path: '/dev/ttyACM0', matchedBy: 'usb' as const, vendorId: '0483', productId: '374b', serialNumber: 'X1', manufacturer: 'STMicroelectronics', byId: null, listing: 'serialport' as const };
    const flash = { type: 'command' as const, tool: 'st-flash', argv: ['st-flash'], server: null, image: 'a.elf', verified: null, loadedBytes: null, elapsedMs: 2345, output: [] };
    expect(describeBoardRecord({ port, baudRate: 115200, reset: 'flasher', flash, flasher: 'command' })).to.equal(
      '/dev/ttyACM0 (USB 0483:374b, serial X1, STMicroelectronics), found by USB identity, 115200 baud, reset flasher; flashed with st-flash: not verified by hil, 2.3 s',
    );
    expect(describeBoardRecord({ port: { ...port, matchedBy: 'path', vendorId: null, productId: null, serialNumber: null, manufacturer: null }, baudRate: 9600, reset: 'protocol', flash: null, flasher: 'none' })).to.equal(
      '/dev/ttyACM0, 9600 baud, reset protocol; not flashed (flasher none)',
    );
  });

  it('refuses firmware whose counter is not the one the profile names', () => {
    expect(() => checkCounter(board({ counter: 'dwt' }), 'icount')).to.throw(/reports counter "icount", the profile expects "dwt" \(targets\.bench\.counter\)/);
    expect(() => checkCounter(board({ counter: null }), 'none')).not.to.throw();
  });
});

describe('board target on the virtual bench board', function () {
  this.timeout(60_000);
  let vb: VirtualBoard;
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-board-'));
  before(async () => {
    vb = await startVirtualBoard();
  });
  after(async () => {
    await vb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flashes, waits for a port that appears later, resets with the port open: the boot output is captured', async () => {
    // like /dev/serial/by-id/... during USB re-enumeration: the name is missing, then comes back
    const link = path.join(dir, 'tty-by-id');
    const t = new BoardTarget(profileFor(vb, { port: { path: link }, enumerationTimeoutMs: 20_000 }));
    let appeared = false;
    const starting = t.start();
    setTimeout(() => {
      symlinkSync(vb.ptyPath, link);
      appeared = true;
    }, 500);
    const byteLink = await starting;
    try {
      expect(appeared, 'start() waited for the port').to.equal(true);
      const s = await Session.open(byteLink, { target: t.description, handshakeTimeoutMs: 5000 });
      expect(s.info.model).to.equal('gain');
      expect(s.boot?.fw).to.equal('hil-qemu-gain-uart'); // the BOOT message right after the reset
      expect(s.deviceLog.map((l) => l.text)).to.include('qemu-mps2-an386: link=uart icount_shift=6');
      await s.close();
    } finally {
      await t.stop();
    }
    expect(t.flash).to.include({ type: 'gdb', verified: true, server: vb.gdbServer });
    expect(t.record()).to.deep.include({ baudRate: 115200, reset: 'flasher', flasher: 'gdb' });
    expect(t.record()!.port).to.include({ path: link, matchedBy: 'path' });
    expect(t.description).to.contain(link).and.contain('@115200');
  });

  it('starts again after stop() without flashing again, and resets again', async () => {
    const t = new BoardTarget(profileFor(vb));
    const flashes = [];
    for (let round = 0; round < 3; round++) {
      try {
        const link = await t.start();
        const s = await Session.open(link, { target: t.description, handshakeTimeoutMs: 5000 });
        expect(s.boot, `round ${round}: BOOT after the reset`).not.to.equal(undefined);
        await s.close();
      } finally {
        await t.stop();
      }
      flashes.push(t.flash);
    }
    expect(flashes[0]).to.not.equal(null);
    expect(flashes[2], 'the same flash record: not flashed again').to.equal(flashes[0]);
  });

  it('before a reset, output still in flight is drained; what follows waits for the session', async () => {
    const t = new BoardTarget(profileFor(vb, { reset: 'none' }));
    await t.start();
    await t.stop();
    const link = await openSerialPort(vb.ptyPath, { baudRate: 115200 });
    try {
      const hello = (tx: number): void => void link.output.write(`${encodeFrame({ type: MsgType.HELLO, seq: 0, tx })}\n`);
      hello(1); // the INFO answering it is the "stale" output of an earlier session
      const dropped = await link.drainStale(300, 10_000);
      expect(dropped, 'bytes of the INFO line dropped').to.be.greaterThan(100);
      hello(2);
      await new Promise((r) => setTimeout(r, 500)); // the answer arrives while nobody reads
      const got = await new Promise<string>((resolve) => {
        let text = '';
        link.input.on('data', (d: Buffer) => {
          text += d.toString('latin1');
          if (text.includes('\n')) resolve(text);
        });
      });
      expect(got.startsWith('@:'), 'kept whole, from its first byte').to.equal(true);
    } finally {
      await link.close();
    }
  });

  it('a second harness on the same port is refused at once: in use', async () => {
    const quiet = { flasher: { type: 'none' as const }, reset: 'none' as const, enumerationTimeoutMs: 20_000 };
    const a = new BoardTarget(profileFor(vb, quiet));
    const b = new BoardTarget(profileFor(vb, quiet));
    await a.start();
    try {
      const e = await rejection(b.start());
      expect(e.code).to.equal('TARGET');
      expect(e.message).to.contain(vb.ptyPath).and.contain('in use by another process');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('a DTR reset on a port without modem lines says so', async () => {
    const t = new BoardTarget(profileFor(vb, { flasher: { type: 'none' }, reset: 'dtr' }));
    const e = await rejection(t.start());
    expect(e.message).to.contain('DTR reset pulse failed').and.contain('no modem control lines');
    await t.stop();
  });
});
