/**
 * `qemu` target: a qemu-mps2-an386 firmware image run by launchQemu() behind the Target seam.
 * The link kind follows the image name (`...-uart.elf` or `...-uart-fault-*.elf` -> uart,
 * otherwise semihost) unless given. Counter source: `icount` (exact guest instructions).
 */
import path from 'node:path';

import type { TargetProfile } from '../../config/config-types.ts';
import type { ByteLink } from '../../transport/byte-link.ts';
import type { Target, TargetExit, TargetStartOptions } from '../target.ts';
import { launchQemu, type QemuLinkKind, type QemuOptions, type QemuProcess } from './qemu-process.ts';

export type QemuTargetOptions = Partial<Omit<QemuOptions, 'firmware' | 'signal'>>;

/** Link kind implied by an image name of the qemu-mps2-an386 board. */
export function linkFromImageName(firmware: string): QemuLinkKind {
  return /-uart(\.elf$|-fault-)/.test(path.basename(firmware)) ? 'uart' : 'semihost';
}

export class QemuTarget implements Target {
  readonly kind = 'qemu' as const;
  readonly description: string;
  exited: Promise<TargetExit> | undefined;
  private proc: QemuProcess | undefined;

  constructor(
    readonly firmware: string,
    private readonly options: QemuTargetOptions = {},
  ) {
    this.description = options.description ?? `qemu:${firmware}`;
  }

  /** The target of a resolved `qemu` profile (machine, binary, icount shift, link, extra args). */
  static fromProfile(p: TargetProfile): QemuTarget {
    return new QemuTarget(p.firmware, {
      link: p.link,
      icountShift: p.qemu.icountShift,
      qemuBinary: p.qemu.binary,
      machine: p.qemu.machine,
      extraArgs: p.qemu.extraArgs,
      description: `qemu:${p.qemu.machine}:${p.link}:${p.firmware}`,
    });
  }

  /** The running QEMU (QMP, pid, pty), once started. */
  get process(): QemuProcess | undefined {
    return this.proc;
  }

  async start(options: TargetStartOptions = {}): Promise<ByteLink> {
    await this.stop();
    const proc = await launchQemu({
      ...this.options,
      firmware: this.firmware,
      link: this.options.link ?? linkFromImageName(this.firmware),
      description: this.description,
      signal: options.signal,
    });
    this.proc = proc;
    this.exited = proc.exited;
    return proc.link;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc) await proc.stop().catch(() => undefined); // stop() never throws (Target)
  }
}
