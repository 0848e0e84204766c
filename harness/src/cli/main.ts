/** `hil` command line: yargs command modules; the only place that prints or exits. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

import { COMMANDS, commandNamed, type CommandEntry } from './command-index.ts';
import { EXIT } from './run-handler.ts';
import { HIL_VERSION } from '../core/paths.ts';

// `hil run | head`: a reader that goes away is not an error of ours. Further output is dropped,
// but the run goes on, so its report files and exit code are not lost.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const argv = hideBin(process.argv);
// Only the command being run is loaded; the others are listed by name and description.
const wanted = commandNamed(argv);
const cli = yargs(argv)
  .scriptName('hil')
  .usage('$0 <command> [options]\n\nHardware-in-the-loop harness for int16 streaming speech models: streams audio to a\nfirmware on a simulator, QEMU or a bench board and checks bit-exactness and real-time margin.');
for (const [name, entry] of Object.entries(COMMANDS) as [string, CommandEntry][]) {
  if (name === wanted) cli.command(await entry.load());
  else cli.command(entry.command, entry.describe);
}
await cli
  .demandCommand(1, 'name a command; see `hil --help`')
  .strict()
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version(HIL_VERSION) // hil's own, not the package.json of the project it runs in
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`hil: ${msg}\nRun 'hil --help' for usage.\n`);
    process.exit(EXIT.INFRA);
  })
  .parseAsync();
