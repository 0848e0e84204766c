/**
 * The link rate and target speed of a profile, for the stall timeout (session/stall-timeout.ts).
 * Pure. The figures are conservative floors of what was measured on this project's machines
 * (firmware/boards/qemu-mps2-an386/README.md, ARCHITECTURE.md):
 * - `sim`: stdio pipes, transfer time negligible; the host build runs far faster than real time;
 * - `qemu` semihost: QEMU's stdio, 1.5-5 MB/s measured: 1 MB/s assumed;
 * - `qemu` uart: the emulated CMSDK UART on a pty, 6-24 kB/s measured: 6 kB/s assumed;
 * - `board`: the serial port at its baud rate, 10 bit times per byte (8N1).
 * QEMU runs the reference models 20-30x faster than real time, a board in real time: slowdown 1.
 */
import type { TargetProfile } from '../config/config-types.ts';
import type { LinkRate } from '../session/stall-timeout.ts';

export function profileLinkRate(p: TargetProfile): LinkRate {
  switch (p.kind) {
    case 'sim':
      return { bytesPerSecond: Number.POSITIVE_INFINITY, slowdown: 1, source: 'sim: stdio pipes' };
    case 'qemu':
      return p.link === 'uart'
        ? { bytesPerSecond: 6000, slowdown: 1, source: 'qemu uart on a pty: 6 kB/s (measured floor)' }
        : { bytesPerSecond: 1_000_000, slowdown: 1, source: 'qemu semihosting over stdio: 1 MB/s (measured floor)' };
    case 'board':
      return { bytesPerSecond: p.baudRate / 10, slowdown: 1, source: `serial port at ${p.baudRate} baud (8N1)` };
  }
}
