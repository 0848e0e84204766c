/**
 * `qemu` target: the Cortex-M4 firmware in qemu-system-arm (mps2-an386) under -icount, linked
 * over semihosting stdio (fast, default) or the emulated UART on a pty (as on a board).
 * Instruction counts per frame are exact and repeat run to run.
 */
import type { TargetProfile } from '../config/config-types.ts';
import type { ByteLink } from '../transport/byte-link.ts';
import { launchQemu, type QemuProcess } from './qemu/qemu-process.ts';
import type { Target, TargetExit, TargetStartOptions } from './target.ts';

export class QemuTarget implements Target {
  readonly kind = 'qemu' as const;
  readonly description: string;
  readonly firmware: string;
  exited: Promise<TargetExit> | undefined;
  private proc: QemuProcess | undefined;

  constructor(private readonly profile: TargetProfile) {
    this.firmware = profile.firmware;
    this.description = `qemu:${profile.qemu.machine}:${profile.link}:${profile.firmware}`;
  }

  async start(options: TargetStartOptions = {}): Promise<ByteLink> {
    const p = this.profile;
    this.proc = await launchQemu({
      firmware: p.firmware,
      link: p.link,
      icountShift: p.qemu.icountShift,
      qemuBinary: p.qemu.binary,
      machine: p.qemu.machine,
      extraArgs: p.qemu.extraArgs,
      description: this.description,
      signal: options.signal,
    });
    this.exited = this.proc.exited;
    return this.proc.link;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p) await p.stop().catch(() => undefined);
  }
}
