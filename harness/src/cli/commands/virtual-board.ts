/**
 * `hil virtual-board`: start the virtual bench board (QEMU mps2-an386 with its gdbstub and UART0
 * on a pty, empty until flashed) and keep it running until Ctrl-C. Prints the serial port, the GDB
 * server address and a ready-to-use profile (also written to a config file), so the board
 * workflow — hil flash, hil run --target board — can be tried without hardware.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

import { HarnessError } from '../../core/errors.ts';
import { displayPath, projectPaths } from '../../core/paths.ts';
import { onInterrupt } from '../../targets/child-registry.ts';
import { startVirtualBoard, VIRTUAL_MACHINES, virtualBoardProfile, type VirtualBoard, type VirtualMachine } from '../../targets/board/virtual-board.ts';
import { EXIT, runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface VirtualBoardArgs {
  machine: VirtualMachine;
  'gdb-port'?: number;
  'write-config'?: string;
  profile: string;
  json: boolean;
}

export function virtualBoardBanner(vb: VirtualBoard, configPath: string, profileName: string, profileJson: string): string {
  const cfg = displayPath(configPath);
  const t = profileName === 'board' ? 'board' : profileName;
  return [
    `virtual bench board running: QEMU ${vb.machine}, pid ${vb.pid}, empty until flashed`,
    `  serial port   ${vb.ptyPath}`,
    `  GDB server    ${vb.gdbServer}   (GDB RSP, e.g. gdb-multiarch -ex "target remote ${vb.gdbServer}" FILE.elf)`,
    `  profile       "${profileName}" in ${cfg}`,
    '',
    'In another terminal:',
    `  hil flash --config ${cfg} --target ${t}                    # flash model S over GDB RSP`,
    `  hil run   --config ${cfg} --target ${t} --suite smoke      # flash, reset, handshake, run`,
    vb.machine === 'mps2-an386'
      ? `  hil info  --config ${cfg} --target ${t} --model gain       # another image`
      : `  hil info  --config ${cfg} --target ${t} --firmware firmware/build/stm32f4/hil-stm32f4-gain.elf`,
    '',
    `Profile (paste into your hil.config.json "targets"):`,
    profileJson,
    '',
    'Ctrl-C stops the board.',
    '',
  ].join('\n');
}

export const virtualBoardCommand: CommandModule<object, VirtualBoardArgs> = {
  command: COMMANDS['virtual-board'].command,
  describe: COMMANDS['virtual-board'].describe,
  builder: (y: Argv) =>
    y
      .option('machine', {
        choices: VIRTUAL_MACHINES,
        default: 'mps2-an386' as VirtualMachine,
        describe: 'mps2-an386: the reference QEMU images (exact instruction counts); netduinoplus2: an STM32F405 running the stm32f4-template images (no DWT in QEMU: cycles read 0)',
      })
      .option('gdb-port', { type: 'number', describe: 'TCP port of the GDB server on 127.0.0.1 (default: a free one)' })
      .option('write-config', { type: 'string', describe: 'config file to write with the board profile (default: a file in the temp folder, removed on exit)' })
      .option('profile', { type: 'string', default: 'board', describe: 'name of the profile in that config' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON line {ptyPath, gdbServer, config, profile, pid} instead of the banner' })
      .example('$0 virtual-board', 'start it, then use the printed hil run command in another terminal')
      .example('$0 virtual-board --machine netduinoplus2', 'the STM32F4 real-board template on an emulated STM32F405') as unknown as Argv<VirtualBoardArgs>,
  handler: runHandler<VirtualBoardArgs>(async (args) => {
    const gdbPort = args['gdb-port'];
    if (gdbPort !== undefined && !(Number.isInteger(gdbPort) && gdbPort > 0 && gdbPort < 65536)) {
      throw new HarnessError('USAGE', `--gdb-port ${gdbPort}: expected a TCP port number 1..65535`, { key: 'gdb-port' });
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(args.profile)) {
      throw new HarnessError('USAGE', `--profile ${JSON.stringify(args.profile)}: expected a plain name (letters, digits, _ . -)`, { key: 'profile' });
    }
    let stopRequested: (() => void) | undefined;
    const stopSignal = new Promise<'signal'>((resolve) => (stopRequested = () => resolve('signal')));
    const off = onInterrupt(() => stopRequested?.());
    const vb = await startVirtualBoard({ gdbPort, machine: args.machine });
    const own = args['write-config'] === undefined;
    const configPath = path.resolve(args['write-config'] ?? path.join(tmpdir(), `hil-virtual-board-${process.pid}.json`));
    try {
      const profile = virtualBoardProfile(vb);
      // the file lives in a temporary folder: it names this project's folders, so that runs with
      // --config find the vectors, the images and the reports folder of the working directory
      const here = projectPaths(process.cwd());
      const config = { defaults: { vectorsDir: here.vectors, reportsDir: here.reports, firmwareBuild: here.firmwareBuild }, targets: { [args.profile]: profile } };
      writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
      if (args.json) {
        process.stdout.write(`${JSON.stringify({ ptyPath: vb.ptyPath, gdbServer: vb.gdbServer, config: configPath, profile: args.profile, pid: vb.pid })}\n`);
      } else {
        process.stdout.write(virtualBoardBanner(vb, configPath, args.profile, JSON.stringify({ [args.profile]: profile }, null, 2)));
      }
      const why = await Promise.race([stopSignal, vb.exited.then(() => 'exited' as const)]);
      if (why === 'exited') {
        const exit = await vb.exited;
        const tail = exit.stderrTail.trim().split('\n').slice(-3).join(' | ');
        throw new HarnessError('TARGET', `the virtual board's QEMU stopped on its own (${exit.signal ?? `status ${exit.code}`})${tail ? `: ${tail}` : ''}`);
      }
      if (!args.json) process.stderr.write('\nhil: stopping the virtual board\n');
      return EXIT.OK;
    } finally {
      off();
      await vb.stop();
      if (own) rmSync(configPath, { force: true });
    }
  }),
};
