/** Options shared by the commands that talk to a target. */
import type { Argv } from 'yargs';

import { HarnessError } from '../core/errors.ts';
import { TARGET_KINDS, type TargetKind } from '../targets/target.ts';

export interface TargetArgs {
  target: TargetKind;
  firmware?: string;
  model: string;
  window: number;
  'handshake-timeout': number;
}

export function withTargetOptions<T>(y: Argv<T>): Argv<T & TargetArgs> {
  return y
    .option('target', {
      alias: 't',
      choices: TARGET_KINDS,
      default: 'sim' as TargetKind,
      describe: 'where the firmware runs: sim (host build over stdio), qemu (emulated Cortex-M4), board (serial port)',
    })
    .option('firmware', {
      alias: 'f',
      type: 'string',
      describe: 'firmware image: the sim executable or the ELF (default: the reference build for --model)',
    })
    .option('model', {
      type: 'string',
      default: 'gain',
      describe: 'reference model whose default firmware to use when --firmware is not given',
    })
    .option('window', {
      type: 'number',
      default: 8,
      describe: 'frames kept in flight (capped by the device window); 1 = stop-and-wait',
    })
    .option('handshake-timeout', {
      type: 'number',
      default: 5000,
      describe: 'milliseconds to wait for the device to identify itself',
    }) as Argv<T & TargetArgs>;
}

/** Parse repeated `--param name=value` into real values. */
export function parseParams(raw: ReadonlyArray<string | number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of raw ?? []) {
    const s = String(item);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(s);
    const value = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(value)) {
      throw new HarnessError('USAGE', `--param ${JSON.stringify(s)}: expected name=number, e.g. --param gain_db=-6`, { key: 'param' });
    }
    out[m[1]!] = value;
  }
  return out;
}

export function checkWindow(window: number): number {
  if (!Number.isInteger(window) || window < 1 || window > 64) {
    throw new HarnessError('USAGE', `--window ${window}: expected an integer from 1 to 64`, { key: 'window' });
  }
  return window;
}
