/** `hil doctor`: check the tools hil uses and say exactly what to install. */
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';

import { loadConfig } from '../../config/load-config.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import { displayPath } from '../../core/paths.ts';
import { COMMAND_CHECKS, formatDoctor, judge, judgeNode, type CheckResult } from '../../doctor/checks.ts';
import { probeCommand, probeSerial } from '../../doctor/probe.ts';
import { runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

export const doctorCommand: CommandModule<object, { json: boolean }> = {
  command: COMMANDS.doctor.command,
  describe: COMMANDS.doctor.describe,
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'print the checks as JSON' }) as unknown as Argv<{ json: boolean }>,
  handler: runHandler<{ json: boolean }>(async (args) => {
    const results: CheckResult[] = [judgeNode(process.version)];
    for (const c of COMMAND_CHECKS) results.push(judge(c, await probeCommand(c.command, c.args)));
    results.push(judge({ name: 'serial ports', why: 'bench boards (--target board)', required: false }, await probeSerial()));
    // the images of this project's default target and of its host simulator (the goldens' source)
    const cfg = loadConfig(undefined);
    const images = [...new Set([undefined, 'sim'].map((target) => resolveConfig(cfg.file, cfg.path, { target }).profile.firmware))];
    const missing = images.filter((f) => !existsSync(f));
    results.push({
      name: 'firmware',
      why: `the images \`hil run\` and \`hil golden\` use by default${cfg.path ? ` (${displayPath(cfg.path)})` : ''}`,
      required: true,
      status: missing.length ? 'missing' : 'ok',
      version: null,
      detail: missing.length ? `not built: build the firmware (\`npm run build\` in hil's repository) (missing ${missing.map(displayPath).join(', ')})` : null,
    });
    const { text, ok } = formatDoctor(results);
    process.stdout.write(args.json ? `${JSON.stringify(results, null, 2)}\n` : `${text}\n`);
    return ok ? 0 : 2;
  }),
};
