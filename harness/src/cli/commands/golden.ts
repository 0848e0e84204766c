/**
 * `hil golden`: regenerate golden outputs from the bit-true reference (the host simulator build
 * of the model, by default) — explicitly, never during a test run — and report which changed.
 * `--check` writes nothing and exits 1 when any golden would change.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

import { hashSamples } from '../../assertions/output-verdict.ts';
import { loadConfig } from '../../config/load-config.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import { HarnessError } from '../../core/errors.ts';
import { displayPath } from '../../core/paths.ts';
import { readWav, writeWav } from '../../dsp/wav.ts';
import { measureCase } from '../../runner/measure-case.ts';
import { withSession } from '../../runner/open-session.ts';
import { profileLinkRate } from '../../runner/link-rate.ts';
import { selectCases } from '../../runner/plan.ts';
import { loadSuites } from '../../runner/suites.ts';
import { createProfileTarget } from '../../targets/create-target.ts';
import { runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface GoldenArgs {
  target: string;
  config?: string;
  firmware?: string;
  model?: string;
  suite?: string[];
  grep?: string;
  check: boolean;
}

type Change = 'new' | 'changed' | 'unchanged';

export const goldenCommand: CommandModule<object, GoldenArgs> = {
  command: COMMANDS.golden.command,
  describe: COMMANDS.golden.describe,
  builder: (y: Argv) =>
    y
      .option('target', { alias: 't', type: 'string', default: 'sim', describe: 'profile producing the goldens (the bit-true reference: sim)' })
      .option('config', { alias: 'c', type: 'string', describe: 'project config file' })
      .option('firmware', { alias: 'f', type: 'string', describe: 'reference firmware image (default: the sim build of --model)' })
      .option('model', { type: 'string', describe: 'reference model (default model-s)' })
      .option('suite', { alias: 's', type: 'array', string: true, describe: 'suites to regenerate (default: all configured)' })
      .option('grep', { alias: 'g', type: 'string', describe: 'only cases whose suite/name matches' })
      .option('check', { type: 'boolean', default: false, describe: 'write nothing; exit 1 if any golden is missing or would change' })
      .example('$0 golden', 'regenerate every golden output with the host simulator')
      .example('$0 golden --check', 'verify the committed goldens are current') as unknown as Argv<GoldenArgs>,
  handler: runHandler<GoldenArgs>(async (args) => {
    const cfgFile = loadConfig(args.config);
    const cfg = resolveConfig(cfgFile.file, cfgFile.path, { target: args.target, firmware: args.firmware, model: args.model });
    const suites = await loadSuites(cfg.defaults.vectorsDir, args.suite?.length ? args.suite : cfg.defaults.suites, { requireGoldens: false });
    const cases = selectCases(suites.flatMap((s) => s.cases), { tags: [], grep: args.grep ?? null, shard: null });
    if (cases.length === 0) throw new HarnessError('USAGE', 'no case matches the selection');
    const target = createProfileTarget(cfg.profile);
    const changes: Array<{ id: string; change: Change; file: string; hash: string }> = [];
    await withSession(target, { handshakeTimeoutMs: cfg.profile.handshakeTimeoutMs, linkRate: profileLinkRate(cfg.profile) }, async (s) => {
      process.stderr.write(`golden outputs from ${target.description} (${s.info.fw} build ${s.info.build}, model ${s.info.model}, weights ${s.info.weights})\n`);
      for (const c of cases) {
        if (!c.golden) throw new HarnessError('INPUT', `case ${c.id}: the manifest names no golden file`);
        const m = await measureCase(s, c, { globalParams: {} });
        const hash = hashSamples(m.output);
        let change: Change = 'new';
        if (existsSync(c.golden)) {
          const old = await readWav(c.golden);
          change = old.bitsPerSample === 16 && old.channels === 1 && old.samples !== null && hashSamples(old.samples) === hash ? 'unchanged' : 'changed';
        }
        if (!args.check && change !== 'unchanged') {
          await mkdir(path.dirname(c.golden), { recursive: true });
          await writeWav(c.golden, m.output, s.info.rate);
        }
        changes.push({ id: c.id, change, file: c.golden, hash });
        process.stdout.write(`${change.padEnd(9)} ${c.id.padEnd(36)} ${hash}  ${displayPath(c.golden)}\n`);
      }
    });
    const changed = changes.filter((c) => c.change !== 'unchanged').length;
    process.stdout.write(
      `${changes.length} goldens: ${changes.filter((c) => c.change === 'new').length} new, ${changes.filter((c) => c.change === 'changed').length} changed, ${changes.filter((c) => c.change === 'unchanged').length} unchanged${args.check ? ' (check only, nothing written)' : ''}\n`,
    );
    return args.check && changed > 0 ? 1 : 0;
  }),
};
