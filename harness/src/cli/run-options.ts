/** Options of `hil run` (and the runs `hil golden` shares). */
import type { Argv } from 'yargs';

import { TARGET_KINDS } from '../targets/target.ts';

export interface RunArgs {
  target?: string;
  config?: string;
  firmware?: string;
  model?: string;
  suite?: string[];
  tag?: string[];
  grep?: string;
  shard?: string;
  jobs?: number;
  retries?: number;
  window?: number;
  param?: string[];
  'params-file'?: string;
  baseline?: string;
  'baseline-threshold'?: number;
  clock?: number;
  cpi?: number;
  'required-margin'?: number;
  link?: 'semihost' | 'uart';
  port?: string;
  baud?: number;
}

export function withRunOptions<T>(y: Argv<T>): Argv<T & RunArgs> {
  return y
    .option('target', { alias: 't', type: 'string', describe: `target profile from hil.config.json, or a kind: ${TARGET_KINDS.join(', ')} (default: the config's, else qemu)` })
    .option('config', { alias: 'c', type: 'string', describe: 'project config file (default: ./hil.config.json if present)' })
    .option('firmware', { alias: 'f', type: 'string', describe: 'firmware image (sim executable or ELF); overrides the profile' })
    .option('model', { type: 'string', describe: 'reference model whose default image to use (default model-s)' })
    .option('suite', { alias: 's', type: 'array', string: true, describe: 'vector suite(s) to run (default: the config\'s, else smoke speech edge)' })
    .option('tag', { type: 'array', string: true, describe: 'only cases with one of these tags' })
    .option('grep', { alias: 'g', type: 'string', describe: 'only cases whose suite/name matches (glob like "speech/*-0db" or a regex)' })
    .option('shard', { type: 'string', describe: 'run slice i of n of the selection, e.g. 2/4 (deterministic; combine with hil merge)' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'parallel target instances (sim and qemu)' })
    .option('retries', { type: 'number', describe: 're-runs after an infrastructure error (never after a mismatch); default 1' })
    .option('window', { type: 'number', describe: 'frames in flight (default 8)' })
    .option('param', { alias: 'p', type: 'array', string: true, describe: 'model parameter name=value for every case (cases may override)' })
    .option('params-file', { type: 'string', describe: 'parameter file (params.json written by hil tune) applied to every case; --param and case params override it' })
    .option('baseline', { type: 'string', describe: 'earlier report.json to compare per-case cycles with' })
    .option('baseline-threshold', { type: 'number', describe: 'relative cycle increase flagged as a regression (default 0.05)' })
    .option('clock', { type: 'number', describe: 'core clock in Hz for the real-time budget (overrides the profile)' })
    .option('cpi', { type: 'number', describe: 'cycles per instruction for emulator estimates (overrides the profile)' })
    .option('required-margin', { type: 'number', describe: 'required real-time margin as a fraction, e.g. 0.1' })
    .option('link', { choices: ['semihost', 'uart'] as const, describe: 'qemu link: semihosting over stdio (fast) or UART on a pty' })
    .option('port', { type: 'string', describe: 'board serial port path (overrides the profile)' })
    .option('baud', { type: 'number', describe: 'board baud rate' }) as Argv<T & RunArgs>;
}
