/**
 * The commands of `hil`: name, usage and one-line description, and how to load each one. main.ts
 * imports only the command being run (its options and handler pull in the harness), so `hil
 * --help` and `hil <command> --help` start in a fraction of the time of loading everything.
 */
import type { CommandModule } from 'yargs';

export interface CommandEntry {
  /** usage as yargs takes it (`merge <reports..>`) */
  readonly command: string;
  readonly describe: string;
  readonly load: () => Promise<CommandModule<object, any>>;
}

export type CommandName = 'init' | 'run' | 'info' | 'process' | 'golden' | 'merge' | 'doctor' | 'tune' | 'flash' | 'virtual-board' | 'estimate' | 'calibrate';

export const COMMANDS: Readonly<Record<CommandName, CommandEntry>> = {
  init: {
    command: 'init',
    describe: 'Scaffold hil into your repository: hil.config.json, a vector suite, and a firmware skeleton (host-sim port, pass-through model adapter, the agent); never overwrites',
    load: async () => (await import('./commands/init.ts')).initCommand,
  },
  run: {
    command: 'run',
    describe: 'Run the regression: stream vector suites through the firmware, assert bit-exactness and real-time margin, write reports',
    load: async () => (await import('./commands/run.ts')).runCommand,
  },
  info: {
    command: 'info',
    describe: 'Start the target and print its handshake: firmware, model, audio format, counter, parameters',
    load: async () => (await import('./commands/info.ts')).infoCommand,
  },
  process: {
    command: 'process <input> <output>',
    describe: 'Stream a 16-bit mono WAV through the model on a target and write the output WAV',
    load: async () => (await import('./commands/process.ts')).processCommand,
  },
  golden: {
    command: 'golden',
    describe: 'Regenerate the golden outputs of vector suites from the reference build (host simulator) and report which changed',
    load: async () => (await import('./commands/golden.ts')).goldenCommand,
  },
  merge: {
    command: 'merge <reports..>',
    describe: 'Merge the report.json files of shard runs (--shard i/n) into one report',
    load: async () => (await import('./commands/merge.ts')).mergeCommand,
  },
  doctor: {
    command: 'doctor',
    describe: 'Check Node, QEMU, the cross compiler, gdb, serial port access and the firmware build; say what to install',
    load: async () => (await import('./commands/doctor.ts')).doctorCommand,
  },
  tune: {
    command: 'tune',
    describe: 'Level fine-tuning on a running device: sweep parameters, measure output levels, rank against a level goal, write a parameter file',
    load: async () => (await import('./commands/tune.ts')).tuneCommand,
  },
  flash: {
    command: 'flash',
    describe: "Flash the firmware onto a bench board with the profile's flasher (gdb via a GDB server, a command, or none); nothing else",
    load: async () => (await import('./commands/flash.ts')).flashCommand,
  },
  'virtual-board': {
    command: 'virtual-board',
    describe: 'Run a virtual bench board (QEMU with a GDB server and a UART pty) to try the board workflow without hardware; Ctrl-C stops it',
    load: async () => (await import('./commands/virtual-board.ts')).virtualBoardCommand,
  },
  estimate: {
    command: 'estimate',
    describe: "Predict each stage's count from the model's stage table and kernel benchmarks run on the target, and compare with the measured profile",
    load: async () => (await import('./commands/estimate.ts')).estimateCommand,
  },
  calibrate: {
    command: 'calibrate <board> <emulator>',
    describe: "Fit the emulator's cycles per instruction from a board run and an emulator run of the same cases, and store it with its provenance in a target profile",
    load: async () => (await import('./commands/calibrate.ts')).calibrateCommand,
  },
};

/** The command the arguments name: the first argument that is a command name, or null. */
export function commandNamed(argv: readonly string[]): CommandName | null {
  for (const a of argv) if (Object.hasOwn(COMMANDS, a)) return a as CommandName;
  return null;
}
