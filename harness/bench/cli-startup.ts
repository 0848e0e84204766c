/**
 * Start-up of `hil --help`: the installed package (npm pack, installed into a temp folder: the
 * compiled JavaScript, only the command being run loaded) against this checkout's launcher (the
 * TypeScript sources through tsx) and against bare `node -e 0` on the same machine in the same
 * run, so the figures can be read on a loaded or slow machine too. Median of N runs each.
 *
 *   npx tsx harness/bench/cli-startup.ts [--runs 15]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '../src/core/paths.ts';
import { summarize } from '../src/core/percentiles.ts';
import { packAndInstall, removeBuiltDist } from '../test/helpers/pack-install.ts';
import { finish, fixed, flagNumber, isMain, parseFlags, table, type BenchOutcome } from './bench-io.ts';

function medianMs(runs: number, cmd: string, args: readonly string[], cwd: string): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-400)}`);
    ms.push(performance.now() - t);
  }
  return summarize(ms).median;
}

export async function runCliStartup(argv: string[]): Promise<BenchOutcome> {
  const runs = flagNumber(parseFlags(argv), 'runs', 15);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-startup-'));
  try {
    const installed = packAndInstall(dir).bin;
    const node = medianMs(runs, process.execPath, ['-e', '0'], dir);
    const inst = medianMs(runs, process.execPath, [installed, '--help'], dir);
    const instRun = medianMs(runs, process.execPath, [installed, 'run', '--help'], dir);
    const src = medianMs(runs, process.execPath, [path.join(REPO_ROOT, 'harness', 'bin', 'hil.js'), '--help'], REPO_ROOT);
    const npx = medianMs(Math.max(3, Math.round(runs / 3)), 'npx', ['--no-install', 'hil', '--help'], dir);
    const text = [
      `## CLI start-up (\`hil --help\`, median of ${runs} runs)`,
      '',
      table(
        ['what', 'ms', 'of bare node'],
        [
          ['bare `node -e 0` (the floor on this machine)', Math.round(node), '1'],
          ['installed package: `node_modules/.bin/hil --help`', Math.round(inst), fixed(inst / node, 2)],
          ['installed package: `hil run --help` (loads the run command)', Math.round(instRun), fixed(instRun / node, 2)],
          ['installed package through `npx hil --help` (npm start-up included)', Math.round(npx), fixed(npx / node, 2)],
          ['this checkout: sources through tsx', Math.round(src), fixed(src / node, 2)],
        ],
      ),
      '',
      'The package runs compiled JavaScript and loads only the command named; a checkout runs the sources through tsx so',
      'edits need no build. `npx` adds npm\'s own start-up; the `hil` script in node_modules/.bin does not.',
    ].join('\n');
    return {
      name: 'cli-startup',
      json: { runs, nodeMs: node, installedHelpMs: inst, installedRunHelpMs: instRun, npxMs: npx, sourceHelpMs: src },
      text,
      goals: [{ goal: 'installed `hil --help` < 300 ms', met: inst < 300, detail: `${Math.round(inst)} ms (bare node ${Math.round(node)} ms)` }],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeBuiltDist();
  }
}

if (isMain(import.meta.url)) await finish(await runCliStartup(process.argv.slice(2)));
