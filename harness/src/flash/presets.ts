/**
 * Ready-made `command` flasher templates for common tools, written for the STM32F4 template board
 * (firmware/boards/stm32f4-template, NUCLEO-F411RE through its ST-LINK). Copy one into a profile's
 * `flasher` and change the part names for your board. `hil flash --presets` prints them.
 */
import type { FlasherConfig } from '../config/config-types.ts';

export interface FlasherPreset {
  readonly name: string;
  /** Debian/pip/cargo package the tool comes from. */
  readonly install: string;
  readonly flasher: FlasherConfig;
  /** What to change for another part. */
  readonly notes: string;
}

export const FLASHER_PRESETS: readonly FlasherPreset[] = [
  {
    name: 'openocd',
    install: 'apt-get install openocd',
    flasher: {
      type: 'command',
      argv: ['openocd', '-f', 'interface/stlink.cfg', '-f', 'target/stm32f4x.cfg', '-c', 'program {elf} verify reset exit'],
      resetArgv: ['openocd', '-f', 'interface/stlink.cfg', '-f', 'target/stm32f4x.cfg', '-c', 'init', '-c', 'reset run', '-c', 'shutdown'],
      timeoutMs: 60_000,
    },
    notes: 'other parts: target/<family>.cfg (e.g. target/nrf52.cfg with interface/jlink.cfg or cmsis-dap.cfg)',
  },
  {
    name: 'pyocd',
    install: 'pip install pyocd',
    flasher: {
      type: 'command',
      argv: ['pyocd', 'flash', '--target', 'stm32f411retx', '{hex}'],
      resetArgv: ['pyocd', 'reset', '--target', 'stm32f411retx'],
      timeoutMs: 60_000,
    },
    notes: 'target name from `pyocd list --targets` (install the part pack with `pyocd pack install <part>`); add `--uid <probe>` with several probes',
  },
  {
    name: 'probe-rs',
    install: 'cargo install probe-rs-tools (or the installer from probe.rs)',
    flasher: {
      type: 'command',
      argv: ['probe-rs', 'download', '--verify', '--chip', 'STM32F411RETx', '{elf}'],
      resetArgv: ['probe-rs', 'reset', '--chip', 'STM32F411RETx'],
      timeoutMs: 60_000,
    },
    notes: 'chip name from `probe-rs chip list`; add `--probe VID:PID:SERIAL` with several probes',
  },
  {
    name: 'st-flash',
    install: 'apt-get install stlink-tools',
    flasher: {
      type: 'command',
      argv: ['st-flash', '--reset', 'write', '{bin}', '0x08000000'],
      resetArgv: ['st-flash', 'reset'],
      timeoutMs: 60_000,
    },
    notes: 'STM32 with ST-LINK only; `--serial <probe>` with several probes; 0x08000000 is the flash base of every STM32F4',
  },
];

/** One preset as the JSON to paste into hil.config.json. */
export function presetJson(p: FlasherPreset): string {
  // arrays of strings on one line each: an argv reads better that way
  return JSON.stringify({ flasher: p.flasher, reset: 'flasher' }, null, 2).replace(/\[\n\s+([^\]]*?)\n\s+\]/g, (_, inner: string) => `[${inner.split(/,\n\s+/).join(', ')}]`);
}
