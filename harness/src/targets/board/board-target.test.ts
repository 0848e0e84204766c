/**
 * The board target on the virtual bench board: real QEMU gdbstub (GDB RSP), real pty opened with
 * serialport, real firmware (firmware/build/qemu/hil-qemu-gain-uart.elf).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { builtinProfile, builtinQemuImage } from '../../config/builtin-profiles.ts';
import type { TargetProfile, TargetProfileFile } from '../../config/config-types.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import { isHarnessError, type HarnessError } from '../../core/errors.ts';
import { Session } from '../../session/session.ts';
import { checkBoardProfile, checkCounter } from './board-profile.ts';
import { BoardTarget } from './board-target.ts';
import { startVirtualBoard, virtualBoardProfile, type VirtualBoard } from './virtual-board.ts';

const GAIN = builtinQemuImage('gain', 'uart');

function profileFor(vb: VirtualBoard, over: Partial<TargetProfileFile> = {}): TargetProfile {
  const file = { targets: { bench: { ...virtualBoardProfile(vb, GAIN), ...over } } };
  return resolveConfig(file, path.join(tmpdir(), 'hil.config.json'), { target: 'bench' }).profile;
}

async function rejection(p: Promise<unknown>): Promise<HarnessError> {
  try {
    await p;
  } catch (e) {
    if (isHarnessError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('board target profile checks', () => {
  const board = (o: Partial<TargetProfile>): TargetProfile => ({ ...builtinProfile('board', 'bench'), ...o });

  it('needs a port, and a flasher that can reset for reset "flasher"', () => {
    expect(() => checkBoardProfile(board({}))).to.throw(/target bench: no serial port configured: set targets\.bench\.port\.path/);
    expect(() => checkBoardProfile(board({ port: { path: '/dev/ttyACM0' }, reset: 'flasher' }))).to.throw(/targets\.bench\.reset: "flasher" needs a flasher that can reset/);
    expect(() => checkBoardProfile(board({ port: { path: '/dev/ttyACM0' }, reset: 'flasher', flasher: { type: 'command', argv: ['st-flash'] } }))).to.throw(/without resetArgv/);
    expect(() => checkBoardProfile(board({ port: { vendorId: '0483' }, reset: 'flasher', flasher: { type: 'gdb', server: 'localhost:3333' } }))).not.to.throw();
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
    expect(appeared, 'start() waited for the port').to.equal(true);
    try {
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
    for (let round = 0; round < 2; round++) {
      const link = await t.start();
      const s = await Session.open(link, { target: t.description, handshakeTimeoutMs: 5000 });
      expect(s.boot, `round ${round}: BOOT after the reset`).not.to.equal(undefined);
      await s.close();
      await t.stop();
      flashes.push(t.flash);
    }
    expect(flashes[0]).to.not.equal(null);
    expect(flashes[1], 'the same flash record: not flashed again').to.equal(flashes[0]);
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
