/** `hil doctor`: check the tools hil uses and say exactly what to install. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

import { FIRMWARE_BUILD } from '../../core/paths.ts';
import { COMMAND_CHECKS, formatDoctor, judge, judgeNode, type CheckResult } from '../../doctor/checks.ts';
import { probeCommand, probeSerial } from '../../doctor/probe.ts';
import { runHandler } from '../run-handler.ts';

export const doctorCommand: CommandModule<object, { json: boolean }> = {
  command: 'doctor',
  describe: 'Check Node, QEMU, the cross compiler, gdb, serial port access and the firmware build; say what to install',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'print the checks as JSON' }) as unknown as Argv<{ json: boolean }>,
  handler: runHandler<{ json: boolean }>(async (args) => {
    const results: CheckResult[] = [judgeNode(process.version)];
    for (const c of COMMAND_CHECKS) results.push(judge(c, await probeCommand(c.command, c.args)));
    results.push(judge({ name: 'serial ports', why: 'bench boards (--target board)', required: false }, await probeSerial()));
    const built = ['host/hil-sim-model-s', 'qemu/hil-qemu-model-s-semihost.elf'].map((f) => path.join(FIRMWARE_BUILD, f));
    const missing = built.filter((f) => !existsSync(f));
    results.push({
      name: 'reference firmware',
      why: 'the images `hil run` uses by default',
      required: true,
      status: missing.length ? 'missing' : 'ok',
      version: null,
      detail: missing.length ? `not built: run \`npm run build\` (missing ${missing.map((f) => path.relative(FIRMWARE_BUILD, f)).join(', ')})` : null,
    });
    const { text, ok } = formatDoctor(results);
    process.stdout.write(args.json ? `${JSON.stringify(results, null, 2)}\n` : `${text}\n`);
    return ok ? 0 : 2;
  }),
};
