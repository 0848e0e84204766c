/** Options shared by the commands that talk to one target (info, process). */
import type { Argv } from 'yargs';

import type { TargetProfile } from '../config/config-types.ts';
import type { FramingChoice } from '../session/session-options.ts';
import { loadConfig } from '../config/load-config.ts';
import { resolveConfig, type ResolvedConfig } from '../config/resolve-config.ts';
import { HarnessError } from '../core/errors.ts';
import { checkFirmwareImage } from '../firmware-image/check-image.ts';
import { BUILTIN_TARGETS } from '../config/builtin-profiles.ts';

export interface TargetArgs {
  target?: string;
  config?: string;
  firmware?: string;
  model?: string;
  link?: 'semihost' | 'uart';
  port?: string;
  baud?: number;
  window: number;
  framing: FramingChoice;
  'handshake-timeout'?: number;
}

export function withTargetOptions<T>(y: Argv<T>): Argv<T & TargetArgs> {
  return y
    .option('target', {
      alias: 't',
      type: 'string',
      describe: `target profile from hil.config.json, or a built-in one: ${BUILTIN_TARGETS.join(', ')} (sim: host build over stdio; qemu: emulated Cortex-M4; qemu-rv32: emulated RV32; board: serial port). Default: the config's, else qemu`,
    })
    .option('config', { alias: 'c', type: 'string', describe: 'project config file (default: ./hil.config.json if present)' })
    .option('firmware', { alias: 'f', type: 'string', describe: 'firmware image: the sim executable or the ELF (default: the reference build of --model)' })
    .option('model', { type: 'string', describe: 'reference model whose default image to use: model-s (default) or gain' })
    .option('link', { choices: ['semihost', 'uart'] as const, describe: 'qemu link: semihosting over stdio (fast) or the UART on a pty' })
    .option('port', { type: 'string', describe: 'board serial port path (overrides the profile)' })
    .option('baud', { type: 'number', describe: 'board baud rate (overrides the profile)' })
    .option('window', { type: 'number', default: 8, describe: 'frames kept in flight (capped by the device window); 1 = stop-and-wait' })
    .option('framing', { choices: ['v1', 'v2', 'auto'] as const, default: 'auto' as const, describe: 'link framing (PROTOCOL.md 8): v2 binary frames (COBS, 2.7 % overhead), v1 base64 lines (30 %), auto: v2 when the firmware speaks it' })
    .option('handshake-timeout', { type: 'number', describe: 'milliseconds to wait for the device to identify itself' }) as Argv<T & TargetArgs>;
}

/** Resolve the configuration for info/process/estimate the same way `hil run` does; the
 *  profile's firmware must exist. */
export function configFromArgs(a: TargetArgs): ResolvedConfig {
  const cfg = loadConfig(a.config);
  const resolved = resolveConfig(cfg.file, cfg.path, { target: a.target, firmware: a.firmware, model: a.model, link: a.link, port: a.port, baudRate: a.baud });
  const { profile } = resolved;
  checkFirmwareImage(profile.kind, profile.firmware, profile.qemu.binary);
  return a['handshake-timeout'] ? { ...resolved, profile: { ...profile, handshakeTimeoutMs: a['handshake-timeout'] } } : resolved;
}

/** The target profile of configFromArgs(). */
export function profileFromArgs(a: TargetArgs): TargetProfile {
  return configFromArgs(a).profile;
}

/** Parse repeated `--param name=value` into real values. */
export function parseParams(raw: ReadonlyArray<string | number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of raw ?? []) {
    const s = String(item);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(s);
    const value = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(value)) {
      throw new HarnessError('USAGE', `--param ${JSON.stringify(s)}: expected name=number, e.g. --param input_gain_db=-6`, { key: 'param' });
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
