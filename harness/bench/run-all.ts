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
 * `--quick` shortens them (2 s per link configuration, 8 s host-cost budget, 2 overhead repeats,
 * one scaling run of 2 rounds per job count); `--target` picks the scaling bench's target
 * (default qemu). A full run takes about 6 minutes.
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

const flags = parseFlags(process.argv.slice(2));
const quick = flags.get('quick') === true;
const target = flagString(flags, 'target', 'qemu');

const plan: Array<[string, () => Promise<BenchOutcome>]> = [
  ['link-efficiency', () => runLinkEfficiency([])],
  ['link-throughput', () => runLinkThroughput(quick ? ['--budget-s', '2'] : [])],
  ['remote-link-throughput', () => runRemoteLinkThroughput(quick ? ['--budget-s', '2'] : [])],
  ['host-cost', () => runHostCost(quick ? ['--budget-s', '8'] : [])],
  ['qemu-overhead', () => runQemuOverhead(quick ? ['--repeats', '2'] : [])],
  ['stage-overhead', () => runStageOverhead([])],
  ['cli-startup', () => runCliStartup(quick ? ['--runs', '5'] : [])],
  ['jobs-scaling', () => runJobsScaling(['--target', target, ...(quick ? ['--repeats', '1', '--rounds', '2'] : [])])],
];

const t0 = performance.now();
const startLoad = benchEnvironment().loadAverage;
const outcomes: BenchOutcome[] = [];
const failures: string[] = [];
for (const [name, run] of plan) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const t = performance.now();
  try {
    const o = await run();
    await finish(o);
    outcomes.push(o);
    process.stdout.write(`(${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
  } catch (e) {
    failures.push(`${name}: ${(e as Error).message}`);
    process.stdout.write(`${name} could not run: ${(e as Error).message}\n`);
  }
}
const env = benchEnvironment();
const summary = [
  '# hil benchmarks',
  '',
  `Measured ${env.date} on ${env.cpus} x ${env.cpuModel}, ${env.platform}, Node ${env.node}, commit ${env.gitCommit ?? 'unknown'}; ` +
    `load average at the start ${startLoad.join(' / ')}, at the end ${env.loadAverage.join(' / ')} (1 / 5 / 15 min; other work on the machine skews the timings).`,
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
await writeBenchJson('summary', { environment: env, seconds: (performance.now() - t0) / 1000, goals: outcomes.flatMap((o) => o.goals), failures });
process.stdout.write(`\n=== summary ===\n\n${formatGoals(outcomes.flatMap((o) => o.goals))}\n\nall benchmarks: ${((performance.now() - t0) / 1000).toFixed(0)} s; summary in ${path.relative(process.cwd(), md)}\n`);
process.exitCode = failures.length ? 1 : 0;
