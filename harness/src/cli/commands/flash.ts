/**
 * `hil flash`: only the flash step of a board profile — the profile's flasher (gdb through a GDB
 * server, a command, or none) puts the firmware on the board; no port is opened, no test runs.
 * `--presets` prints ready-made command flasher templates.
 */
import type { Argv, CommandModule } from 'yargs';

import { loadConfig } from '../../config/load-config.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import type { FlashRecord } from '../../core/board-record.ts';
import { HarnessError } from '../../core/errors.ts';
import { displayPath } from '../../core/paths.ts';
import { createFlasher } from '../../flash/create-flasher.ts';
import { FLASHER_PRESETS, presetJson } from '../../flash/presets.ts';
import { onInterrupt } from '../../targets/child-registry.ts';
import { profileKey } from '../../targets/board/board-profile.ts';
import { EXIT, runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface FlashArgs {
  target?: string;
  config?: string;
  firmware?: string;
  model?: string;
  port?: string;
  verbose: boolean;
  json: boolean;
  presets: boolean;
}

export function formatFlash(r: FlashRecord): string {
  const bits = [
    `flashed ${displayPath(r.image)} with ${r.type === 'gdb' ? `${r.tool} through the GDB server ${r.server}` : r.tool}`,
    r.loadedBytes !== null ? `${r.loadedBytes} bytes loaded` : null,
    r.verified === true ? 'verified' : 'not verified by hil',
    `${(r.elapsedMs / 1000).toFixed(1)} s`,
  ];
  return bits.filter((b) => b !== null).join(', ');
}

export const flashCommand: CommandModule<object, FlashArgs> = {
  command: COMMANDS.flash.command,
  describe: COMMANDS.flash.describe,
  builder: (y: Argv) =>
    y
      .option('target', { alias: 't', type: 'string', describe: 'board profile from hil.config.json (default: the config\'s default target)' })
      .option('config', { alias: 'c', type: 'string', describe: 'project config file (default: ./hil.config.json if present)' })
      .option('firmware', { alias: 'f', type: 'string', describe: 'ELF (or .bin/.hex for command flashers) to flash instead of the profile\'s' })
      .option('model', { type: 'string', describe: 'reference model whose default image to flash (default model-s)' })
      .option('port', { type: 'string', describe: 'serial port for {port} in a command flasher template (overrides the profile)' })
      .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: "print the flasher's own output" })
      .option('json', { type: 'boolean', default: false, describe: 'print the flash record as JSON' })
      .option('presets', { type: 'boolean', default: false, describe: 'print command flasher presets (OpenOCD, pyOCD, probe-rs, st-flash) and exit' })
      .example('$0 flash --target bench', 'flash the bench profile\'s firmware with its flasher')
      .example('$0 flash --presets', 'templates to paste into a profile') as unknown as Argv<FlashArgs>,
  handler: runHandler<FlashArgs>(async (args) => {
    if (args.presets) {
      for (const p of FLASHER_PRESETS) {
        process.stdout.write(`# ${p.name} (${p.install}); ${p.notes}\n${presetJson(p)}\n\n`);
      }
      return EXIT.OK;
    }
    const cfg = loadConfig(args.config);
    const { profile } = resolveConfig(cfg.file, cfg.path, { target: args.target, firmware: args.firmware, model: args.model, port: args.port });
    if (profile.kind !== 'board') {
      throw new HarnessError('USAGE', `hil flash: target ${profile.name} is a ${profile.kind} target; flashing is for board profiles (kind "board")`, { key: 'target' });
    }
    const flasher = createFlasher({ firmware: profile.firmware, flasher: profile.flasher, where: `${profileKey(profile)}.flasher` });
    if (flasher.type === 'none') {
      process.stdout.write(`target ${profile.name}: flasher "none": nothing to flash (the board runs what it was flashed with)\n`);
      return EXIT.OK;
    }
    const controller = new AbortController();
    const off = onInterrupt(() => controller.abort());
    try {
      const record = await flasher.flash({ signal: controller.signal, port: profile.port?.path ?? null, baudRate: profile.baudRate });
      if (args.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      else {
        if (args.verbose) process.stdout.write(`${record.output.map((l) => `  | ${l}`).join('\n')}\n`);
        process.stdout.write(`${formatFlash(record)}\n`);
      }
      return EXIT.OK;
    } finally {
      off();
    }
  }),
};
