/**
 * Bench: what per-stage profiling costs model S on QEMU, in exact guest instructions per frame
 * (-icount: the figures repeat run to run, so one run of each is enough).
 *
 *   npx tsx harness/bench/stage-overhead.ts [--suite speech]   (also part of `npm run bench`)
 *
 * Three runs of `hil run --target qemu` over the suite:
 *   1. hil-qemu-model-s-nostages-semihost.elf  (MS_STAGES=0: no probe calls compiled in)
 *   2. hil-qemu-model-s-semihost.elf           (stages compiled in, profiling off)
 *   3. the same image with --profile            (the agent's probe reads the counter per stage)
 *   4. the same image streaming the suite's cases with tap digests on (TAP DIGESTS, what the
 *      first-divergence search does: a CRC-32 of every stage's output per frame)
 * and prints the median and max instructions per frame of each with the ratios 2/1, 3/2 and 4/2,
 * plus how far the stage sums are from the frame counts. An entry point: it prints and sets the
 * exit status (1 when a run fails). Goal: profiling costs at most 2 % more instructions per frame;
 * taps cost nothing while off (they are not called), and what digests cost is stated.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { FIRMWARE_BUILD, REPO_ROOT, VECTORS_DIR } from '../src/core/paths.ts';
import { applyAllParams } from '../src/runner/apply-params.ts';
import { loadCaseInput } from '../src/runner/measure-case.ts';
import { withSession } from '../src/runner/open-session.ts';
import { loadSuites } from '../src/runner/suites.ts';
import { createProfileTarget } from '../src/targets/create-target.ts';
import { summarize } from '../src/core/percentiles.ts';
import type { RunReport } from '../src/core/results.ts';
import { finish, fixed, flagString, isMain, parseFlags, table, type BenchOutcome } from './bench-io.ts';

const image = (name: string) => path.join(FIRMWARE_BUILD, 'qemu', `${name}.elf`);

function hilRun(label: string, suite: string, args: string[]): RunReport {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'harness/bin/hil.js'), 'run', '--target', 'qemu', '--suite', suite, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.endsWith('report.html')) throw new Error(`${label}: hil run failed (exit ${r.status}): ${r.stderr.slice(-800)}`);
  return JSON.parse(readFileSync(path.join(path.dirname(path.resolve(REPO_ROOT, last)), 'report.json'), 'utf8')) as RunReport;
}

/** Instructions per frame of the suite's cases streamed through the API with tap digests on. */
async function digestCounts(suite: string): Promise<ReturnType<typeof summarize>> {
  const cases = (await loadSuites(VECTORS_DIR, [suite], { requireGoldens: false })).flatMap((x) => x.cases);
  const counts: number[] = [];
  await withSession(createProfileTarget(builtinProfile('qemu')), { handshakeTimeoutMs: 10_000 }, async (s) => {
    await s.setTaps('digests');
    for (const c of cases) {
      const input = await loadCaseInput(c, s.info.rate);
      await applyAllParams(s, c.params, `case ${c.id}`);
      await s.reset();
      counts.push(...(await s.stream(input)).cycles);
    }
  });
  return summarize(counts);
}

export async function runStageOverhead(argv: string[]): Promise<BenchOutcome> {
  const suite = flagString(parseFlags(argv), 'suite', 'speech');
  const counts = (r: RunReport) => summarize(r.cases.flatMap((c) => c.counts));
  const off = counts(hilRun('MS_STAGES=0', suite, ['--firmware', image('hil-qemu-model-s-nostages-semihost')]));
  const compiled = counts(hilRun('stages, profiling off', suite, []));
  const profiledRun = hilRun('stages, --profile', suite, ['--profile']);
  const on = counts(profiledRun);
  const sumError = Math.max(...profiledRun.cases.map((k) => k.profile?.sumErrorMax ?? Number.NaN));
  const digests = await digestCounts(suite);
  const idle = compiled.median / off.median;
  const active = on.median / compiled.median;
  const tapping = digests.median / compiled.median;
  const text = [
    `## Stage profiling overhead (model S on QEMU, suite ${suite}, ${off.frames} frames, exact instructions per frame)`,
    '',
    table(
      ['build / run', 'median', 'max', 'ratio'],
      [
        ['MS_STAGES=0 (no probe calls)', Math.round(off.median), Math.round(off.max), '1'],
        ['stages compiled in, profiling off', Math.round(compiled.median), Math.round(compiled.max), `${fixed(idle, 5)} of MS_STAGES=0`],
        ['--profile (probe reads the counter per stage)', Math.round(on.median), Math.round(on.max), `${fixed(active, 5)} of profiling off`],
        ['tap digests on (CRC-32 of every stage output)', Math.round(digests.median), Math.round(digests.max), `${fixed(tapping, 5)} of profiling off`],
      ],
    ),
    '',
    `Stage sums differ from the frame counts by at most ${fixed(sumError * 100, 3)} %. Taps cost nothing while off: the probe is`,
    'not installed, so a frame runs the same instructions as with profiling off. Digests are only on while `hil run` searches',
    'for the first divergent stage of a mismatching case.',
  ].join('\n');
  return {
    name: 'stage-overhead',
    json: { suite, frames: off.frames, noStages: off, stagesOff: compiled, profiled: on, digests, idleRatio: idle, profiledRatio: active, digestsRatio: tapping, sumErrorMax: sumError },
    text,
    goals: [
      { goal: 'profiling on costs <= 2 % more instructions per frame', met: active - 1 <= 0.02, detail: `${fixed((active - 1) * 100, 2)} %` },
      { goal: 'stages compiled in but off cost ~0', met: idle - 1 <= 0.001, detail: `${fixed((idle - 1) * 100, 3)} %` },
    ],
  };
}

if (isMain(import.meta.url)) await finish(await runStageOverhead(process.argv.slice(2)));
