/** `hil init`: scaffold hil into the user's repository (config, a suite, a firmware skeleton). */
import type { Argv, CommandModule } from 'yargs';

import { displayPath } from '../../core/paths.ts';
import { writeScaffold } from '../../init/write-scaffold.ts';
import { COMMANDS } from '../command-index.ts';
import { runHandler } from '../run-handler.ts';

interface InitArgs {
  dir: string;
  model: string;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: COMMANDS.init.command,
  describe: COMMANDS.init.describe,
  builder: (y: Argv) =>
    y
      .option('dir', { type: 'string', default: '.', describe: 'project folder to scaffold (created if missing)' })
      .option('model', { type: 'string', default: 'passthrough', describe: 'model id: names the adapter file and the image (firmware/build/hil-sim-<model>)' })
      .example('$0 init', 'scaffold the current folder')
      .example('$0 init --dir hil-demo --model my-denoiser', 'scaffold hil-demo/ for a model called my-denoiser') as unknown as Argv<InitArgs>,
  handler: runHandler<InitArgs>(async (args) => {
    const r = writeScaffold(args.dir, args.model);
    const where = displayPath(r.dir);
    const cd = r.dir === process.cwd() ? '' : `  cd ${where}\n`;
    process.stdout.write(
      `created ${r.files.length} files in ${where}:\n${r.files.map((f) => `  ${f}`).join('\n')}\n\n` +
        `next:\n${cd}` +
        `  make -C firmware              build the host-sim image (firmware/build/hil-sim-${args.model})\n` +
        '  npx hil golden                make the goldens of vectors/smoke with it\n' +
        '  npx hil run --target sim      run the suite: every sample must match its golden\n' +
        'then wrap your model in firmware/model/ and port your board (node_modules/hil/firmware/PORTING.md).\n',
    );
  }),
};
