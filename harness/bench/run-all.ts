/**
 * `npm run bench`: every benchmark in turn, each writing reports/bench/<name>.json, then one
 * readable summary (printed and written to reports/bench/summary.md, ready to paste into the
 * README's performance section) with the goals met or missed.
 *
 *   npm run bench [-- --quick] [-- --target sim]
 *
 * Benchmarks: link-efficiency (computed), link-throughput (paced link, windows x baud rates),
 * host-cost (harness CPU at real-time rate), qemu-overhead (harness vs QEMU alone), jobs-scaling
 * (--jobs 1 vs 2 on QEMU, the regression x 4 rounds), stage-overhead (per-stage profiling's
 * instructions on QEMU), cli-startup (`hil --help` of the installed package vs the checkout).
 * `--quick` shortens them (2 s per link configuration, 8 s host-cost budget and 10 s warm-up, 2 overhead repeats,
 * one scaling run of 2 rounds per job count); `--target` picks the scaling bench's target
 * (default qemu). A full run takes about 6 minutes.
 * The machine's parallel capacity and per-core speed (machine-capacity.ts) are measured at the start
 * and at the end and head the summary. The benchmarks whose figures depend on the machine measure
 * it right before and after themselves; a measurement made right before a benchmark (the previous
 * benchmark's "after") is handed on instead of being repeated. jobs-scaling always has its own.
 * An entry point: it prints, and exits 1 when a benchmark could not run (a missed goal is a figure,
 * not a failure).
 */
import path from 'node:path';

import { benchEnvironment, finish, flagString, formatGoals, parseFlags, writeBenchJson, writeBenchText, type BenchOutcome } from './bench-io.ts';
import { runCliStartup } from './cli-startup.ts';
import { runHostCost } from './host-cost.ts';
import { runJobsScaling } from './jobs-scaling.ts';
import { runLinkEfficiency } from './link-efficiency.ts';
import { runLinkThroughput } from './link-throughput.ts';
import { runQemuOverhead } from './qemu-overhead.ts';
import { runRemoteLinkThroughput } from './remote-link-throughput.ts';
import { runStageOverhead } from './stage-overhead.ts';
import { measureCapacity, withoutSamples, type MachineContext } from './machine-capacity.ts';
import { describeCapacity, type CapacityMeasurement } from '../src/perf/parallel-capacity.ts';

const flags = parseFlags(process.argv.slice(2));
const quick = flags.get('quick') === true;
const target = flagString(flags, 'target', 'qemu');

const plan: Array<[string, (m: MachineContext) => Promise<BenchOutcome>]> = [
  ['link-efficiency', () => runLinkEfficiency([])],
  ['link-throughput', () => runLinkThroughput(quick ? ['--budget-s', '2'] : [])],
  ['remote-link-throughput', () => runRemoteLinkThroughput(quick ? ['--budget-s', '2'] : [])],
  ['host-cost', (m) => runHostCost(quick ? ['--budget-s', '8', '--warmup-s', '10'] : [], m)],
  ['qemu-overhead', (m) => runQemuOverhead(quick ? ['--repeats', '2'] : [], m)],
  ['stage-overhead', () => runStageOverhead([])],
  ['cli-startup', () => runCliStartup(quick ? ['--runs', '5'] : [])],
  ['jobs-scaling', (m) => runJobsScaling(['--target', target, ...(quick ? ['--repeats', '1', '--rounds', '2'] : [])], m)],
];

const t0 = performance.now();
const startLoad = benchEnvironment().loadAverage;
process.stdout.write('=== machine capacity (start) ===\n');
const capStart = await measureCapacity({ procs: 2 });
process.stdout.write(`${describeCapacity(capStart)}\n`);
const outcomes: BenchOutcome[] = [];
const failures: string[] = [];
// a measurement made right before the next benchmark: the start's, then each benchmark's "after"
let fresh: CapacityMeasurement | undefined = capStart;
for (const [name, run] of plan) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const t = performance.now();
  try {
    const o = await run(fresh ? { before: fresh } : {});
    await finish(o);
    outcomes.push(o);
    fresh = o.capacity?.after;
    process.stdout.write(`(${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
  } catch (e) {
    fresh = undefined;
    failures.push(`${name}: ${(e as Error).message}`);
    process.stdout.write(`${name} could not run: ${(e as Error).message}\n`);
  }
}
const capEnd = fresh ?? (await measureCapacity({ procs: 2 }));
const env = benchEnvironment();
const summary = [
  '# hil benchmarks',
  '',
  `Measured ${env.date} on ${env.cpus} x ${env.cpuModel}, ${env.platform}, Node ${env.node}, commit ${env.gitCommit ?? 'unknown'}; ` +
    `load average at the start ${startLoad.join(' / ')}, at the end ${env.loadAverage.join(' / ')} (1 / 5 / 15 min; other work on the machine skews the timings).`,
  `Machine at the start: ${describeCapacity(capStart)}; at the end: ${describeCapacity(capEnd)}. ` +
    'Parallel capacity is how many processes\' worth of CPU two CPU-bound processes got at once (2.0 on two idle cores); core speed is relative to the reference 2-vCPU AMD EPYC VM. ' +
    'Scaling is judged against the capacity measured in its own run, CPU costs at the reference core speed; each benchmark prints the capacity right before and after it.',
  'Reproduce: `npm run bench` (figures in reports/bench/*.json).',
  '',
  ...outcomes.flatMap((o) => [o.text, '']),
  '## Goals',
  '',
  formatGoals(outcomes.flatMap((o) => o.goals)),
  ...(failures.length ? ['', '## Benchmarks that could not run', '', ...failures.map((f) => `- ${f}`)] : []),
  '',
].join('\n');
const md = await writeBenchText('summary.md', summary);
await writeBenchJson('summary', { environment: env, capacity: { start: withoutSamples(capStart), end: withoutSamples(capEnd) }, seconds: (performance.now() - t0) / 1000, goals: outcomes.flatMap((o) => o.goals), failures });
process.stdout.write(`\n=== summary ===\n\nmachine at the start: ${describeCapacity(capStart)}\nat the end: ${describeCapacity(capEnd)}\n\n${formatGoals(outcomes.flatMap((o) => o.goals))}\n\nall benchmarks: ${((performance.now() - t0) / 1000).toFixed(0)} s; summary in ${path.relative(process.cwd(), md)}\n`);
process.exitCode = failures.length ? 1 : 0;
