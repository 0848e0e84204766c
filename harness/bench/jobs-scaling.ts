/**
 * Bench: the full regression with --jobs 1 and --jobs 2 (by default on QEMU), measured in one run,
 * and the harness's own CPU cost per audio second from the same runs.
 *
 *   npx tsx harness/bench/jobs-scaling.ts [--target qemu|sim|<profile>] [--jobs 1,2] [--repeats 5]
 *       [--rounds 4] [--suite smoke,speech,edge] [--model model-s] [--capacity-repeats 3]
 *
 * `--rounds N` streams the regression N times per run (default 4): one pass takes ~2.5 s on QEMU,
 * which would mostly measure start-up and the last case's tail rather than the parallel part.
 *
 * Runs the regression in-process through the runner API (what `hil run --target T --jobs N` runs,
 * minus writing the report files), alternating the job counts `repeats` times so drift and noise
 * hit both alike, and takes each job count's fastest run. Scaling = wall(jobs 1) / wall(jobs 2).
 *
 * What the machine allows is measured in the same run (machine-capacity.ts): a fixed CPU-bound
 * spin alone and max(jobs) at once, right before and right after the scaling runs. The ceiling of
 * the speed-up is min(parallel capacity, 2); the goal is the best-of-N speed-up >= 0.85 of that
 * ceiling (1.7 of 2 idle cores, the old raw goal, which stays printed as information). The best
 * speed-up is judged against the HIGHER of the two capacities: best-of-N picks each job count's
 * least-disturbed run, so it is paired with the least-disturbed probe, and a burst of load that
 * one probe caught cannot flatter the figure. The median speed-up is shown against the mean of
 * the two. Under a ceiling of 1.2 the room to scale is within the noise: the goal is not judged.
 *
 * Host cost = CPU seconds of this process (process.cpuUsage: the harness, not the emulators) /
 * audio seconds streamed x 100 = % of one core at real-time rate; goal < 2 %, judged at the
 * reference core's speed (raw x the measured core speed: a core 1.3x slower spends 1.3x the CPU).
 * The emulators' CPU (reaped children, from /proc) is reported too: it shows what the cores spent.
 */
import os from 'node:os';

import { loadConfig } from '../src/config/load-config.ts';
import { resolveConfig } from '../src/config/resolve-config.ts';
import type { RunReport } from '../src/core/results.ts';
import { runRegression } from '../src/runner/run.ts';
import { loadSuites } from '../src/runner/suites.ts';
import { bracket, scalingCeiling } from '../src/perf/parallel-capacity.ts';
import { benchEnvironment, childCpuSeconds, cpuSecondsSince, finish, fixed, flagList, flagNumber, flagString, isMain, parseFlags, table, type BenchOutcome, type Goal } from './bench-io.ts';
import { capacityBefore, capacityJson, capacityLines, measureCapacity, type MachineContext } from './machine-capacity.ts';

/** Raw goal on 2 idle cores, printed as information. */
export const GOAL_SCALING = 1.7;
/** The goal: speed-up / min(measured parallel capacity, 2). 0.85 = 1.7 of 2 idle cores. */
export const GOAL_SCALING_OF_CEILING = 0.85;
/** Below this ceiling the room to scale is within the noise: the goal is not judged. */
export const MIN_CEILING = 1.2;
export const GOAL_HOST_CPU_PERCENT = 2;

export interface ScalingRun {
  readonly jobs: number;
  readonly repeat: number;
  readonly wallSeconds: number;
  readonly audioSeconds: number;
  readonly cases: number;
  readonly status: RunReport['status'];
  readonly summary: RunReport['summary'];
  /** Harness process CPU seconds (user + system). */
  readonly hostCpuSeconds: number;
  /** Emulator/simulator CPU seconds (children reaped during the run), null if unknown. */
  readonly targetCpuSeconds: number | null;
  readonly hostCpuPercentOfRealTime: number;
  readonly realTimeFactor: number;
}

export async function runJobsScaling(argv: readonly string[] = [], machine?: MachineContext): Promise<BenchOutcome> {
  const f = parseFlags(argv);
  const targetName = flagString(f, 'target', 'qemu');
  const jobsList = flagList(f, 'jobs', [1, 2]);
  const repeats = flagNumber(f, 'repeats', 5);
  const model = flagString(f, 'model', 'model-s');
  const cfgFile = loadConfig(undefined);
  const cfg = resolveConfig(cfgFile.file, cfgFile.path, { target: targetName, model });
  const suiteNames = f.has('suite') ? flagString(f, 'suite', '').split(',') : [...cfg.defaults.suites];
  const suites = await loadSuites(cfg.defaults.vectorsDir, suiteNames);
  // The full regression streams in ~2.5 s on QEMU, so one pass would mostly time QEMU start-up
  // and the longest case's tail: each run streams the regression `rounds` times (case ids
  // suffixed #2, #3, ... so results stay distinct), on the same target instances.
  const rounds = flagNumber(f, 'rounds', 4);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs an integer >= 1');
  const once = suites.flatMap((s) => s.cases);
  const cases = Array.from({ length: rounds }, (_, k) => once.map((c) => (k === 0 ? c : { ...c, id: `${c.id}#${k + 1}` }))).flat();
  const capacityRepeats = flagNumber(f, 'capacity-repeats', 3);
  const procs = Math.max(2, ...jobsList);
  const capBefore = await capacityBefore(machine, procs, capacityRepeats);
  const runs: ScalingRun[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const jobs of jobsList) {
      const child0 = childCpuSeconds();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const { report } = await runRegression({
        runId: `bench-jobs-${jobs}-${r}`,
        profile: cfg.profile,
        cases,
        selection: { suites: suites.map((s) => s.name), tags: [], grep: null, shard: null, jobs },
        window: cfg.defaults.window,
        jobs,
        retries: cfg.defaults.retries,
        params: { ...cfg.profile.params },
        baseline: null,
        command: ['bench', 'jobs-scaling', `--target=${targetName}`, `--jobs=${jobs}`],
        quality: false, // the streaming cost: the quality figures are measured after each case, off the link (hil run --no-quality)
      });
      const wallSeconds = (performance.now() - t0) / 1000;
      const hostCpuSeconds = cpuSecondsSince(cpu0);
      const child1 = childCpuSeconds();
      const audioSeconds = report.cases.reduce((s, c) => s + c.audioSeconds, 0);
      runs.push({
        jobs,
        repeat: r,
        wallSeconds,
        audioSeconds,
        cases: report.cases.length,
        status: report.status,
        summary: report.summary,
        hostCpuSeconds,
        targetCpuSeconds: child0 === null || child1 === null ? null : child1 - child0,
        hostCpuPercentOfRealTime: audioSeconds > 0 ? (hostCpuSeconds / audioSeconds) * 100 : NaN,
        realTimeFactor: audioSeconds / wallSeconds,
      });
    }
  }
  const capAfter = await measureCapacity({ procs, repeats: capacityRepeats });
  const cap = bracket(capBefore, capAfter);
  const best = new Map<number, ScalingRun>();
  for (const run of runs) {
    const b = best.get(run.jobs);
    if (!b || run.wallSeconds < b.wallSeconds) best.set(run.jobs, run);
  }
  const base = best.get(Math.min(...jobsList));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const rows = jobsList.map((jobs) => {
    const b = best.get(jobs)!;
    const all = runs.filter((x) => x.jobs === jobs);
    return [
      jobs,
      all.map((x) => fixed(x.wallSeconds, 2)).join(' / '),
      fixed(b.wallSeconds, 2),
      `${fixed(base ? base.wallSeconds / b.wallSeconds : NaN, 2)}x`,
      `${fixed(b.realTimeFactor, 1)}x`,
      fixed(median(all.map((x) => x.hostCpuSeconds)), 2),
      fixed(median(all.map((x) => x.targetCpuSeconds ?? NaN)), 2),
      fixed(median(all.map((x) => x.hostCpuPercentOfRealTime)), 2),
      `${b.summary.passed}/${b.summary.failed}/${b.summary.error}`,
    ];
  });
  const one = best.get(1);
  const two = best.get(2);
  const scaling = one && two ? one.wallSeconds / two.wallSeconds : null;
  const medianWall = (jobs: number) => median(runs.filter((x) => x.jobs === jobs).map((x) => x.wallSeconds));
  const medianScaling = one && two ? medianWall(1) / medianWall(2) : null;
  const hostPct = median(runs.map((x) => x.hostCpuPercentOfRealTime));
  // at the reference core's speed: CPU seconds scale with the core's slowness
  const hostPctRef = hostPct * cap.coreSpeed;
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  // The machine's ceiling, measured: min(parallel capacity, 2). The best speed-up against the
  // higher capacity, the median speed-up against the mean (see the header).
  const ceiling2 = scalingCeiling(cap.higher, 2);
  const ceilingMean = scalingCeiling(cap.mean, 2);
  const fraction = scaling === null ? null : scaling / ceiling2;
  const medianFraction = medianScaling === null ? null : medianScaling / ceilingMean;
  // What the work allows on top: a jobs-2 run cannot be shorter than its CPU time (harness +
  // targets) spread over the capacity, so wall(jobs 1) / that bounds the speed-up. Below the
  // machine's ceiling because --jobs 1 already keeps more than one process busy (harness and QEMU).
  const twos = runs.filter((x) => x.jobs === 2);
  const cpu2 = twos.length > 0 && twos.every((x) => x.targetCpuSeconds !== null) ? median(twos.map((x) => x.hostCpuSeconds + x.targetCpuSeconds!)) : null;
  const workCeiling = one && cpu2 !== null ? (one.wallSeconds * ceiling2) / cpu2 : null;
  // and the harness's own process runs its JavaScript on one thread whatever --jobs says: a jobs-2
  // run cannot be shorter than its CPU s (about: GC and libuv threads count too)
  const harnessCeiling = one && twos.length > 0 ? one.wallSeconds / median(twos.map((x) => x.hostCpuSeconds)) : null;
  // the old figure, which assumed min(2, cpus) idle cores (kept in the JSON for comparison)
  const ceiling = one && cpu2 !== null ? one.wallSeconds / (cpu2 / Math.min(2, cpus)) : null;
  const ones = runs.filter((x) => x.jobs === 1 && x.targetCpuSeconds !== null);
  const busy1 = ones.length ? median(ones.map((x) => (x.hostCpuSeconds + x.targetCpuSeconds!) / x.wallSeconds)) : null;
  const statuses = [...new Set(runs.map((x) => x.status))];
  const audio = runs[0]?.audioSeconds ?? 0;
  const text = [
    `## Jobs scaling and host cost: full regression (${suiteNames.join(', ')}: ${once.length} cases${rounds > 1 ? ` x ${rounds} rounds = ${cases.length}` : ''}, ${audio.toFixed(1)} s of audio per run) on --target ${targetName}, ${cpus} CPUs`,
    '',
    table(
      ['jobs', 'wall s (each run)', 'best wall s', 'speed-up', 'x real time', 'harness CPU s', 'target CPU s', 'harness CPU % of RT', 'pass/fail/error'],
      rows,
    ),
    '',
    `Runs alternate job counts (${repeats} each); speed-up compares the fastest run of each. CPU columns are medians.`,
    '',
    ...capacityLines(capBefore, capAfter),
    `Ceiling of a --jobs 2 speed-up on this machine, measured: min(parallel capacity, 2) = ${ceiling2.toFixed(2)} (the higher capacity; ${ceilingMean.toFixed(2)} from their mean)` +
      (cap.changed ? '. The capacity moved by more than 15 % during the run: the fraction below is uncertain.' : '.'),
    scaling === null
      ? ''
      : `Speed-up **${scaling.toFixed(2)}x** raw = **${fixed(fraction, 2)} of the ceiling** (best of ${repeats} / ${ceiling2.toFixed(2)}); ` +
        `median ${fixed(medianScaling, 2)}x = ${fixed(medianFraction, 2)} of ${ceilingMean.toFixed(2)}.`,
    workCeiling === null
      ? ''
      : `What the work allows within that: --jobs 1 keeps ${fixed(busy1, 2)} processes' worth of CPU busy (the harness beside the target), and a jobs-2 run needs ${fixed(cpu2, 2)} CPU s, ` +
        `so with ${ceiling2.toFixed(2)} processes' worth a jobs-2 run can be at most ${fixed(workCeiling, 2)}x faster than the best jobs-1 run; ` +
        `the harness process itself (its JavaScript runs on one thread) needs ${fixed(median(twos.map((x) => x.hostCpuSeconds)), 2)} CPU s of it, which alone caps the speed-up at about ${fixed(harnessCeiling, 2)}x.`,
    `Harness CPU per audio second: ${fixed(hostPct, 2)} % of one core raw, ${fixed(hostPctRef, 2)} % at the reference core's speed (core ${cap.coreSpeed.toFixed(2)}x the reference).`,
    statuses.some((s) => s !== 'passed')
      ? `Note: run status ${statuses.join(', ')} (cases that error or fail are still streamed in full; errors such as missing goldens skip only the comparison).`
      : 'All cases passed in every run.',
  ].join('\n');
  const goals: Goal[] = [
    {
      goal: `--jobs 2 speed-up >= ${GOAL_SCALING_OF_CEILING} of the measured ceiling min(parallel capacity, 2) on ${targetName}`,
      met: fraction === null || ceiling2 < MIN_CEILING ? null : fraction >= GOAL_SCALING_OF_CEILING,
      detail:
        scaling === null
          ? 'jobs 1 and 2 not both measured'
          : ceiling2 < MIN_CEILING
            ? `too little parallel capacity to judge (${cap.higher.toFixed(2)} processes' worth measured, under ${MIN_CEILING}): speed-up ${scaling.toFixed(2)}x = ${fixed(fraction, 2)} of ${ceiling2.toFixed(2)}`
            : `${fixed(fraction, 2)} of ${ceiling2.toFixed(2)} (${scaling.toFixed(2)}x best-of-${repeats}; median ${fixed(medianScaling, 2)}x = ${fixed(medianFraction, 2)} of ${ceilingMean.toFixed(2)}); ` +
              `capacity ${capBefore.parallelCapacity.toFixed(2)} before, ${capAfter.parallelCapacity.toFixed(2)} after, ${cpus} CPUs; work bound ${fixed(workCeiling, 2)}x, harness-thread bound ${fixed(harnessCeiling, 2)}x; ` +
              `raw goal ${GOAL_SCALING}x (2 idle cores, information): ${scaling >= GOAL_SCALING ? 'met' : 'missed'}`,
    },
    {
      // At the emulator's pace (~40x real time) reads are large and few: this is the cost per audio
      // second with the fewest wake-ups; host-cost.ts measures it at real-time rate on a paced link.
      goal: `harness CPU per audio second < ${GOAL_HOST_CPU_PERCENT} % of one reference core, streaming as fast as ${targetName} goes`,
      met: Number.isFinite(hostPctRef) ? hostPctRef < GOAL_HOST_CPU_PERCENT : null,
      detail: `${fixed(hostPctRef, 2)} % at the reference core's speed, ${fixed(hostPct, 2)} % raw on a core ${cap.coreSpeed.toFixed(2)}x the reference (median over ${runs.length} runs: harness CPU s / audio s x 100)`,
    },
  ];
  return {
    name: 'jobs-scaling',
    json: { environment: benchEnvironment(), target: targetName, profile: cfg.profile.name, firmware: cfg.profile.firmware, suites: suiteNames, cases: cases.length, rounds, audioSeconds: audio, repeats, runs, scaling, medianScaling, cpuBoundCeiling: ceiling, hostCpuPercentOfRealTime: hostPct,
      capacity: capacityJson(capBefore, capAfter), ceiling: ceiling2, ceilingFromMean: ceilingMean, scalingOfCeiling: fraction, medianScalingOfCeiling: medianFraction,
      workCeiling, harnessCeiling, jobs1BusyProcesses: busy1, hostCpuPercentAtReferenceSpeed: hostPctRef, goalScalingOfCeiling: GOAL_SCALING_OF_CEILING },
    text,
    goals,
    capacity: { before: capBefore, after: capAfter },
  };
}

if (isMain(import.meta.url)) await finish(await runJobsScaling(process.argv.slice(2)));
