/** `hil` command line: yargs command modules; the only place that prints or exits. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

import { calibrateCommand } from './commands/calibrate.ts';
import { estimateCommand } from './commands/estimate.ts';
import { infoCommand } from './commands/info.ts';
import { doctorCommand } from './commands/doctor.ts';
import { flashCommand } from './commands/flash.ts';
import { goldenCommand } from './commands/golden.ts';
import { mergeCommand } from './commands/merge.ts';
import { processCommand } from './commands/process.ts';
import { runCommand } from './commands/run.ts';
import { tuneCommand } from './commands/tune.ts';
import { virtualBoardCommand } from './commands/virtual-board.ts';
import { EXIT } from './run-handler.ts';

// `hil run | head`: a reader that goes away is not an error of ours. Further output is dropped,
// but the run goes on, so its report files and exit code are not lost.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

await yargs(hideBin(process.argv))
  .scriptName('hil')
  .usage('$0 <command> [options]\n\nHardware-in-the-loop harness for int16 streaming speech models: streams audio to a\nfirmware on a simulator, QEMU or a bench board and checks bit-exactness and real-time margin.')
  .command(runCommand)
  .command(infoCommand)
  .command(processCommand)
  .command(goldenCommand)
  .command(mergeCommand)
  .command(doctorCommand)
  .command(tuneCommand)
  .command(flashCommand)
  .command(virtualBoardCommand)
  .command(estimateCommand)
  .command(calibrateCommand)
  .demandCommand(1, 'name a command; see `hil --help`')
  .strict()
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`hil: ${msg}\nRun 'hil --help' for usage.\n`);
    process.exit(EXIT.INFRA);
  })
  .parseAsync();
