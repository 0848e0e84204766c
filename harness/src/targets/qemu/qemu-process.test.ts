/**
 * QEMU launcher against the real qemu-mps2-an386 images (firmware/build/qemu/, `npm run build:fw`).
 * Skipped when qemu-system-arm or the images are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { FIRMWARE_BUILD } from '../../core/paths.ts';
import { decodeLine, encodeFrame, type Frame } from '../../protocol/frame-codec.ts';
import { MsgType } from '../../protocol/messages.ts';
import { packSamples, unpackResult } from '../../protocol/payloads.ts';
import type { ByteLink } from '../../transport/byte-link.ts';
import { udfAddress } from '../../../test/helpers/udf-address.ts';
import { QEMU_EXIT, launchQemu, qemuArgs, type QemuProcess } from './qemu-process.ts';

const IMAGES = path.join(FIRMWARE_BUILD, 'qemu');
const image = (name: string): string => path.join(IMAGES, `${name}.elf`);
const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;

/** Collects decoded frames and log lines from a link. */
class Collector {
  readonly frames: Frame[] = [];
  readonly logs: string[] = [];
  private pending = '';
  private waiters: Array<() => void> = [];

  constructor(link: ByteLink) {
    link.input.on('data', (d: Buffer) => {
      this.pending += d.toString('latin1');
      let nl: number;
      while ((nl = this.pending.indexOf('\n')) >= 0) {
        const line = this.pending.slice(0, nl);
        this.pending = this.pending.slice(nl + 1);
        const k = decodeLine(line);
        if (k.kind === 'frame') this.frames.push(k.frame);
        else if (k.kind === 'log') this.logs.push(k.text);
      }
      for (const w of this.waiters) w();
    });
  }

  /** Wait until `pred` holds over the frames received so far. */
  async until(pred: (frames: Frame[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (pred(this.frames)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}; got types ${this.frames.map((f) => f.type.toString(16)).join(',')}`));
      }, timeoutMs);
      const check = (): void => {
        if (pred(this.frames)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve();
        }
      };
      this.waiters.push(check);
    });
  }
}

const text = (f: Frame): string => Buffer.from(f.payload).toString('utf8');
const ofType = (frames: Frame[], t: number): Frame[] => frames.filter((f) => f.type === t);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** HELLO, RESET, then n PROCESS frames of a deterministic 160-sample signal. */
function session(n: number): string {
  let out = `${encodeFrame({ type: MsgType.HELLO, seq: 0, tx: 0 })}\n`;
  out += `${encodeFrame({ type: MsgType.RESET, seq: 1, tx: 1 })}\n`;
  for (let f = 0; f < n; f++) {
    const s = new Int16Array(160);
    for (let i = 0; i < s.length; i++) s[i] = Math.round(8000 * Math.sin((2 * Math.PI * (f * 160 + i)) / 37));
    out += `${encodeFrame({ type: MsgType.PROCESS, seq: 2 + f, tx: 2 + f }, packSamples(s))}\n`;
  }
  return out;
}

async function helloInfo(q: QemuProcess): Promise<Collector> {
  const c = new Collector(q.link);
  q.link.output.write(`${encodeFrame({ type: MsgType.HELLO, seq: 0, tx: 0 })}\n`);
  await c.until((fs) => ofType(fs, MsgType.INFO).length > 0, 'INFO');
  return c;
}

describe('targets/qemu/qemu-process', function () {
  this.timeout(30_000);
  const started: QemuProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((q) => q.stop()));
  });

  it('builds a paused, deterministic command line without a shell', () => {
    const a = qemuArgs({ firmware: 'x.elf', link: 'semihost' }, '/tmp/q.sock');
    expect(a).to.include.members(['-S', '-semihosting', '-nographic']);
    expect(a[a.indexOf('-icount') + 1]).to.equal('shift=6,align=off,sleep=off');
    expect(a[a.indexOf('-serial') + 1]).to.equal('none');
    const u = qemuArgs({ firmware: 'x.elf', link: 'uart', icountShift: 7, noReboot: true }, '/tmp/q.sock');
    expect(u[u.indexOf('-serial') + 1]).to.equal('pty');
    expect(u).to.include('-no-reboot').and.not.include('-semihosting');
  });

  it('reports a missing image as a TARGET error', async () => {
    const err = await launchQemu({ firmware: '/nonexistent.elf', link: 'semihost' }).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'TARGET');
  });

  describe('with qemu-system-arm and the images', function () {
    before(function () {
      if (!HAVE_QEMU || !existsSync(image('hil-qemu-gain-semihost'))) this.skip();
    });

    it('semihost: boots, answers HELLO with INFO, stops without leaving QEMU behind', async () => {
      const q = await launchQemu({ firmware: image('hil-qemu-gain-semihost'), link: 'semihost' });
      started.push(q);
      const c = await helloInfo(q);
      const boot = ofType(c.frames, MsgType.BOOT);
      expect(boot).to.have.length(1);
      expect(text(boot[0]!)).to.contain('reason=power-on');
      const info = text(ofType(c.frames, MsgType.INFO)[0]!);
      expect(info).to.contain('board=qemu-mps2-an386').and.contain('counter=icount').and.contain('model=gain');
      expect(c.frames.indexOf(boot[0]!)).to.be.below(c.frames.indexOf(ofType(c.frames, MsgType.INFO)[0]!));
      expect(await q.qmp.queryStatus(300).catch(() => undefined)).to.satisfy(
        // QMP may be blocked while the guest sits in a semihosting read; either answer is fine
        (s: unknown) => s === undefined || (s as { running: boolean }).running,
      );
      await q.stop();
      expect(pidAlive(q.pid)).to.equal(false);
      expect((await q.exited).code).to.equal(QEMU_EXIT.EOF);
    });

    it('uart: the same over the emulated UART on a pty', async function () {
      if (!existsSync(image('hil-qemu-gain-uart'))) this.skip();
      const q = await launchQemu({ firmware: image('hil-qemu-gain-uart'), link: 'uart' });
      started.push(q);
      expect(q.ptyPath).to.match(/^\/dev\/pts\//);
      const c = await helloInfo(q);
      expect(ofType(c.frames, MsgType.BOOT)).to.have.length(1);
      expect(text(ofType(c.frames, MsgType.INFO)[0]!)).to.contain('fw=hil-qemu-gain-uart');
      expect((await q.qmp.queryStatus()).running).to.equal(true);
      await q.stop();
      expect(pidAlive(q.pid)).to.equal(false);
    });

    it('counts exact, repeatable instructions per frame', async () => {
      const runs: number[][] = [];
      for (let r = 0; r < 2; r++) {
        const q = await launchQemu({ firmware: image('hil-qemu-gain-semihost'), link: 'semihost' });
        started.push(q);
        const c = new Collector(q.link);
        q.link.output.write(session(5));
        await c.until((fs) => ofType(fs, MsgType.RESULT).length === 5, '5 RESULTs');
        runs.push(ofType(c.frames, MsgType.RESULT).map((f) => unpackResult(f.payload).cycles));
        await q.stop();
      }
      expect(runs[0]![0]).to.be.above(100);
      expect(runs[0]).to.deep.equal(runs[1]);
      // the gain model is data-independent: every frame costs the same
      expect(new Set(runs[0]).size).to.equal(1);
    });

    it('a fault-injection image reports a FAULT with pc and frame, then QEMU exits', async function () {
      const fw = image('hil-qemu-gain-semihost-fault-hardfault');
      if (!existsSync(fw)) this.skip();
      const q = await launchQemu({ firmware: fw, link: 'semihost' });
      started.push(q);
      const c = new Collector(q.link);
      q.link.output.write(session(6));
      await c.until((fs) => ofType(fs, MsgType.FAULT).length > 0, 'FAULT');
      expect(ofType(c.frames, MsgType.RESULT)).to.have.length(3); // frames 0..2, fault at 3
      const fault = text(ofType(c.frames, MsgType.FAULT)[0]!);
      expect(fault).to.contain('kind=hardfault').and.contain('frame=3');
      expect(fault, 'the PC of the udf instruction that faulted').to.contain(`pc=${udfAddress(fw)}`);
      expect(fault).to.match(/hfsr=0x4/); // FORCED
      const exit = await q.exited;
      expect(exit.code).to.equal(QEMU_EXIT.FAULT);
      await q.stop();
      expect(pidAlive(q.pid)).to.equal(false);
    });

    it('stops a hung guest (spinning inside a frame) within the grace periods', async function () {
      const fw = image('hil-qemu-gain-semihost-fault-hang');
      if (!existsSync(fw)) this.skip();
      const q = await launchQemu({ firmware: fw, link: 'semihost', stopGraceMs: 500 });
      started.push(q);
      const c = new Collector(q.link);
      q.link.output.write(session(6));
      await c.until((fs) => ofType(fs, MsgType.RESULT).length === 3, '3 RESULTs');
      const t0 = Date.now();
      await q.stop();
      expect(Date.now() - t0).to.be.below(3000);
      expect(pidAlive(q.pid)).to.equal(false);
    });
  });
});
