/** Build the Flasher a target profile names (`flasher.type`), checking the keys it needs. */
import type { FlasherConfig } from '../config/config-types.ts';
import { HarnessError } from '../core/errors.ts';
import type { FlashRecord } from '../core/board-record.ts';
import { createCommandFlasher } from './command-flasher.ts';
import type { Flasher } from './flasher.ts';
import { createGdbFlasher } from './gdb-flasher.ts';

export interface FlasherSpec {
  readonly firmware: string;
  readonly flasher: FlasherConfig;
  /** Config key of the flasher for messages, e.g. `targets.bench.flasher`. */
  readonly where: string;
}

/** The `none` flasher: the board runs whatever it was flashed with. */
const noneFlasher: Flasher = {
  type: 'none',
  description: 'none (the board is flashed already)',
  flash: async (): Promise<FlashRecord> => {
    throw new HarnessError('USAGE', 'flasher "none" does not flash');
  },
  reset: null,
};

export function createFlasher(s: FlasherSpec): Flasher {
  const f = s.flasher;
  switch (f.type) {
    case 'none':
      return noneFlasher;
    case 'gdb':
      if (!f.server) {
        throw new HarnessError('CONFIG', `${s.where}.server: a gdb flasher needs the GDB server address, e.g. "localhost:3333" (OpenOCD, pyOCD) or "localhost:2331" (J-Link)`, { key: `${s.where}.server` });
      }
      return createGdbFlasher({
        firmware: s.firmware,
        server: f.server,
        gdb: f.gdb,
        extendedRemote: f.extendedRemote,
        beforeLoad: f.beforeLoad,
        resetCommands: f.resetCommands,
        verify: f.verify,
        timeoutMs: f.timeoutMs,
        where: s.where,
      });
    case 'command':
      return createCommandFlasher({ firmware: s.firmware, argv: f.argv ?? [], resetArgv: f.resetArgv, timeoutMs: f.timeoutMs, where: s.where });
  }
}
