/** Options of `hil run` (and the runs `hil golden` shares). */
import type { Argv } from 'yargs';

import { HarnessError } from '../core/errors.ts';
import type { FramingChoice } from '../session/session-options.ts';
import { BUILTIN_TARGETS } from '../config/builtin-profiles.ts';
import { FAULT_KINDS } from '../transport/faulty-link.ts';
import type { FaultArgs } from './fault-options.ts';

export interface RunArgs extends FaultArgs {
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
  framing?: FramingChoice;
  quality?: boolean;
  param?: string[];
  'params-file'?: string;
  baseline?: string;
  'baseline-threshold'?: number;
  profile?: boolean;
  diagnose?: boolean;
  reference?: string;
  clock?: number;
  cpi?: number;
  'required-margin'?: number;
  link?: 'semihost' | 'uart';
  port?: string;
  baud?: number;
}

export function withRunOptions<T>(y: Argv<T>): Argv<T & RunArgs> {
  return y
    .option('target', { alias: 't', type: 'string', describe: `target profile from hil.config.json, or a built-in one: ${BUILTIN_TARGETS.join(', ')} (default: the config's, else qemu)` })
    .option('config', { alias: 'c', type: 'string', describe: 'project config file (default: ./hil.config.json if present)' })
    .option('firmware', { alias: 'f', type: 'string', describe: 'firmware image (sim executable or ELF); overrides the profile' })
    .option('model', { type: 'string', describe: 'reference model whose default image to use (default model-s)' })
    .option('suite', { alias: 's', type: 'array', string: true, describe: 'vector suite(s) to run (default: the config\'s, else smoke speech heldout edge)' })
    .option('tag', { type: 'array', string: true, describe: 'only cases with one of these tags' })
    .option('grep', { alias: 'g', type: 'string', describe: 'only cases whose suite/name matches (glob like "speech/*-0db" or a regex)' })
    .option('shard', { type: 'string', describe: 'run slice i of n of the selection, e.g. 2/4 (deterministic; combine with hil merge)' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'parallel target instances (sim and qemu)' })
    .option('retries', { type: 'number', describe: 're-runs after an infrastructure error (never after a mismatch); default 1' })
    .option('window', { type: 'number', describe: 'frames in flight (default 8)' })
    .option('framing', { choices: ['v1', 'v2', 'auto'] as const, default: 'auto' as const, describe: 'link framing (PROTOCOL.md 8): v2 binary frames (COBS, 2.7 % overhead), v1 base64 lines (30 %), auto: v2 when the firmware speaks it' })
    .option('quality', { type: 'boolean', default: true, describe: 'after each case, measure its quality figures: enhancement against the clean reference (SI-SDR, STOI) and model S\'s float-model SNR (--no-quality: skip, a few % of a core per audio second)' })
    .option('param', { alias: 'p', type: 'array', string: true, describe: 'model parameter name=value for every case (cases may override)' })
    .option('params-file', { type: 'string', describe: 'parameter file (params.json written by hil tune) applied to every case; --param and case params override it' })
    .option('baseline', { type: 'string', describe: 'earlier report.json to compare per-case cycles with' })
    .option('baseline-threshold', { type: 'number', describe: 'relative cycle increase flagged as a regression (default 0.05)' })
    .option('profile', { type: 'boolean', describe: 'per-stage counts of every frame, for models that declare stages: median, p99, max and share per stage in the reports (adds the probe\'s own instructions to each frame)' })
    .option('diagnose', { type: 'boolean', default: true, describe: 'on an output mismatch, stream the case again on the target and on the reference (host simulator) with stage taps and name the first stage that differs, with frame, element and both values (--no-diagnose: skip)' })
    .option('reference', { type: 'string', describe: 'reference image for --diagnose (a host-sim executable; default: firmware/build/host/hil-sim-<model of the device>)' })
    .option('clock', { type: 'number', describe: 'core clock in Hz for the real-time budget (overrides the profile)' })
    .option('cpi', { type: 'number', describe: 'cycles per instruction for emulator estimates (overrides the profile)' })
    .option('required-margin', { type: 'number', describe: 'required real-time margin as a fraction, e.g. 0.1' })
    .option('link', { choices: ['semihost', 'uart'] as const, describe: 'qemu link: semihosting over stdio (fast) or UART on a pty' })
    .option('port', { type: 'string', describe: 'board serial port path (overrides the profile)' })
    .option('baud', { type: 'number', describe: 'board baud rate' })
    .option('fault-rate', { type: 'number', describe: 'soak run: inject seeded link faults with this per-byte probability in both directions, e.g. 1e-3' })
    .option('fault-seed', { type: 'number', describe: 'seed of --fault-rate (default 1; the same seed injects the same faults)' })
    .option('fault-kinds', { type: 'string', describe: `faults to draw from, comma-separated (default all: ${FAULT_KINDS.join(',')})` }) as Argv<T & RunArgs>;
}

/** Numeric run options, checked like the same keys of hil.config.json (hil-config.schema.json). */
const NUMERIC: ReadonlyArray<{ key: keyof RunArgs; integer: boolean; min: number; max: number; exclusiveMin?: boolean; expected: string }> = [
  { key: 'jobs', integer: true, min: 1, max: 64, expected: 'an integer from 1 to 64' },
  { key: 'retries', integer: true, min: 0, max: 10, expected: 'an integer from 0 to 10' },
  { key: 'clock', integer: false, min: 0, max: Number.MAX_VALUE, expected: 'a clock in Hz >= 0, e.g. 100e6' },
  { key: 'cpi', integer: false, min: 0, max: Number.MAX_VALUE, exclusiveMin: true, expected: 'a number > 0, e.g. 1.25' },
  { key: 'required-margin', integer: false, min: 0, max: 1, expected: 'a fraction from 0 to 1, e.g. 0.1' },
  { key: 'baseline-threshold', integer: false, min: 0, max: Number.MAX_VALUE, expected: 'a fraction >= 0, e.g. 0.05' },
  { key: 'baud', integer: true, min: 300, max: 12_000_000, expected: 'an integer from 300 to 12000000' },
];

/** Refuse out-of-range or non-numeric run options with one line naming the option and value. */
export function checkRunNumbers(a: RunArgs): void {
  for (const n of NUMERIC) {
    const v = a[n.key];
    if (v === undefined) continue;
    const ok = typeof v === 'number' && Number.isFinite(v) && (!n.integer || Number.isInteger(v)) && (n.exclusiveMin ? v > n.min : v >= n.min) && v <= n.max;
    const shown = typeof v === 'number' && Number.isNaN(v) ? ': not a number;' : ` ${String(v)}:`;
    if (!ok) throw new HarnessError('USAGE', `--${n.key}${shown} expected ${n.expected}`, { key: n.key });
  }
}
