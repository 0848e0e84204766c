/**
 * Reset a bench board by its profile's method, with the serial port already open so that the
 * link captures the firmware's output from the first byte after the reset:
 *
 * - `flasher`: the flasher's reset (gdb: connect, reset commands, detach; command: `resetArgv`).
 * - `dtr` / `rts`: assert that modem control line for `pulseMs`, then release it (boards and
 *   USB-UART adapters that wire it to NRST, directly or through a capacitor).
 * - `power`: power-cycle the board (a labgrid place's power resource: `labgrid-client power cycle`).
 * - `protocol`: no hardware reset; the session's HELLO re-synchronises the agent and its RESET
 *   clears the model state (the firmware keeps running; its boot output is not seen).
 * - `none`: the harness leaves the board alone.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { ResetMethod } from '../../core/board-record.ts';
import { HarnessError } from '../../core/errors.ts';
import type { Flasher } from '../../flash/flasher.ts';
import type { SerialLink } from '../../transport/serial-port-link.ts';

export interface ResetOptions {
  readonly link: SerialLink;
  readonly flasher: Flasher;
  readonly pulseMs: number;
  readonly signal?: AbortSignal;
  /** For messages. */
  readonly target: string;
  /** `power`: cycle the board's power (null: no power control for this board). */
  readonly power?: (() => Promise<{ readonly output: readonly string[] }>) | null;
}

export interface ResetResult {
  readonly method: ResetMethod;
  /** The flasher's output of a `flasher` reset. */
  readonly output: readonly string[];
}

export async function resetBoard(method: ResetMethod, o: ResetOptions): Promise<ResetResult> {
  switch (method) {
    case 'protocol':
    case 'none':
      return { method, output: [] };
    case 'dtr':
    case 'rts': {
      const line = method;
      try {
        await o.link.setLines({ [line]: true });
        await sleep(o.pulseMs, undefined, { signal: o.signal });
        await o.link.setLines({ [line]: false });
      } catch (e) {
        if (e instanceof HarnessError && e.code === 'TARGET') {
          const hint = /ioctl/i.test(e.message) ? ' (the port has no modem control lines, e.g. a pseudo-terminal): use reset "flasher" or "protocol"' : '';
          throw new HarnessError('TARGET', `${o.target}: ${method.toUpperCase()} reset pulse failed: ${e.message}${hint}`, { ...e.context, target: o.target }, { cause: e });
        }
        throw e;
      }
      return { method, output: [] };
    }
    case 'power': {
      if (!o.power) {
        throw new HarnessError('CONFIG', `${o.target}: reset "power" needs a power control: a labgrid place with a power resource (NetworkPowerPort, PDUDaemonPort, ...)`, { key: 'reset' });
      }
      return { method, output: (await o.power()).output };
    }
    case 'flasher': {
      if (!o.flasher.reset) {
        throw new HarnessError('CONFIG', `${o.target}: reset "flasher" needs a flasher that can reset (gdb, or command with resetArgv); flasher ${o.flasher.type} cannot`, { key: 'reset' });
      }
      const r = await o.flasher.reset({ signal: o.signal, port: o.link.path, baudRate: o.link.baudRate });
      return { method, output: r.output };
    }
  }
}
