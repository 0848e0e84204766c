/**
 * Bench: what this machine gives CPU-bound processes right now, so the other benchmarks' figures
 * can be judged against it. A fixed spin (SPIN_ITERATIONS of xorshift32, ~0.5 s of CPU on the
 * reference core) runs in a child process alone, then `procs` copies at once; `repeats` times,
 * alternating; the figures use the medians (harness/src/perf/parallel-capacity.ts says what each
 * means). Child processes, not worker threads: the real workloads (QEMU, the simulator, the
 * harness) are separate processes, scheduled as these are.
 *
 * Each child starts Node, reports ready, and spins only once every child of the run is ready, so
 * Node's start-up is not timed and the `procs` spins overlap. Each child times its own loop (wall
 * and CPU) and reports the loop's final value, which must be the same everywhere.
 *
 *   npx tsx harness/bench/machine-capacity.ts [--procs 2] [--repeats 3]
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';

import { describeCapacity, isContended, REFERENCE_SPIN_SECONDS, SPIN_ITERATIONS, summarizeCapacity, type CapacityMeasurement, type SpinSample } from '../src/perf/parallel-capacity.ts';
import { benchEnvironment, finish, fixed, flagNumber, isMain, parseFlags, table, type BenchOutcome } from './bench-io.ts';

const SPIN = `
const n = ${SPIN_ITERATIONS};
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let x = 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ wallSeconds: wall, cpuSeconds: (c.user + c.system) / 1e6, checksum: x }) + '\\n');
  process.exit(0);
});`;

/** Start `count` spin processes, release them together, and collect their reports. */
async function spinTogether(count: number): Promise<SpinSample[]> {
  const children = Array.from({ length: count }, () => spawn(process.execPath, ['-e', SPIN], { stdio: ['pipe', 'pipe', 'inherit'] }));
  try {
    const lines = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
    const next = async (i: number): Promise<string> => {
      const r = await lines[i]!.next();
      if (r.done) throw new Error('a spin process ended without reporting');
      return String(r.value);
    };
    await Promise.all(children.map((_, i) => next(i)));
    for (const c of children) c.stdin.write('go\n');
    const reports = await Promise.all(children.map((_, i) => next(i)));
    return reports.map((l) => JSON.parse(l) as SpinSample);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

export interface CapacityOptions {
  /** processes at once (default 2) */
  readonly procs?: number;
  /** alone/together pairs (default 3) */
  readonly repeats?: number;
}

/** Measure the machine's parallel capacity and per-core speed now (about 2 s to 4 s on 2 idle cores). */
export async function measureCapacity(opts: CapacityOptions = {}): Promise<CapacityMeasurement> {
  const procs = opts.procs ?? 2;
  const repeats = opts.repeats ?? 3;
  if (!Number.isInteger(procs) || procs < 1) throw new Error('--procs needs an integer >= 1');
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats needs an integer >= 1');
  const singles: SpinSample[] = [];
  const parallels: SpinSample[][] = [];
  for (let r = 0; r < repeats; r++) {
    singles.push(...(await spinTogether(1)));
    parallels.push(await spinTogether(procs));
  }
  return summarizeCapacity(procs, singles, parallels, { at: new Date().toISOString(), loadAverage: benchEnvironment().loadAverage });
}

/** What a benchmark may be handed by run-all: a measurement made right before it (none: it measures its own). */
export interface MachineContext {
  readonly before?: CapacityMeasurement;
}

/** `ctx.before` when it was made with `procs` processes, else a fresh measurement. */
export async function capacityBefore(ctx: MachineContext | undefined, procs: number, repeats: number): Promise<CapacityMeasurement> {
  return ctx?.before && ctx.before.procs === procs ? ctx.before : measureCapacity({ procs, repeats });
}

/** The report's lines on the machine around a measurement, with a warning when it was contended. */
export function capacityLines(before: CapacityMeasurement, after: CapacityMeasurement): string[] {
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const line = (label: string, m: CapacityMeasurement) => `Machine ${label}: ${describeCapacity(m)}; load average ${m.loadAverage.join(' / ')}.`;
  const contended = isContended(before, cpus) || isContended(after, cpus);
  return [
    line('right before', before),
    line('right after', after),
    ...(contended ? ['The machine was contended (other work, or fewer cores than it reports): wall-time figures here are slower than on an idle machine of the same kind.'] : []),
  ];
}

/** A measurement without its raw samples, for a benchmark's JSON. */
export function withoutSamples({ singles: _s, parallels: _p, ...rest }: CapacityMeasurement): Omit<CapacityMeasurement, 'singles' | 'parallels'> {
  return rest;
}

/** The capacity measurements made around a benchmark, for its JSON. */
export function capacityJson(before: CapacityMeasurement, after: CapacityMeasurement): Record<string, unknown> {
  return { before: withoutSamples(before), after: withoutSamples(after) };
}

export async function runMachineCapacity(argv: readonly string[] = []): Promise<BenchOutcome> {
  const f = parseFlags(argv);
  const m = await measureCapacity({ procs: flagNumber(f, 'procs', 2), repeats: flagNumber(f, 'repeats', 3) });
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const text = [
    `## Machine capacity: a fixed CPU-bound spin (${SPIN_ITERATIONS / 1e6} M xorshift steps in its own Node process), alone and ${m.procs} at once, ${m.repeats} repeats, ${cpus} CPUs`,
    '',
    table(
      ['run', 'wall s (each repeat)', 'median wall s', 'CPU s (each repeat)'],
      [
        ['alone', m.singles.map((s) => fixed(s.wallSeconds, 3)).join(' / '), fixed(m.singleSeconds, 3), m.singles.map((s) => fixed(s.cpuSeconds, 3)).join(' / ')],
        [`${m.procs} at once (mean of the ${m.procs})`, m.parallels.map((p) => fixed(p.reduce((a, s) => a + s.wallSeconds, 0) / p.length, 3)).join(' / '), fixed(m.parallelSeconds, 3), m.parallels.map((p) => p.map((s) => fixed(s.cpuSeconds, 3)).join('+')).join(' / ')],
      ],
    ),
    '',
    `${describeCapacity(m)}.`,
    `Parallel capacity = ${m.procs} x ${fixed(m.singleSeconds, 3)} s / ${fixed(m.parallelSeconds, 3)} s: the ceiling of a --jobs ${m.procs} speed-up measured now. ` +
      `Core speed = ${REFERENCE_SPIN_SECONDS} s (the spin's CPU time on a core of the reference 2-vCPU AMD EPYC VM) / ${fixed(m.singleCpuSeconds, 3)} s CPU here; ` +
      `a lone process's share of a core = its CPU s / wall s. Load average ${m.loadAverage.join(' / ')}.`,
  ].join('\n');
  return { name: 'machine-capacity', json: { environment: benchEnvironment(), referenceSpinSeconds: REFERENCE_SPIN_SECONDS, spinIterations: SPIN_ITERATIONS, ...m }, text, goals: [] };
}

if (isMain(import.meta.url)) await finish(await runMachineCapacity(process.argv.slice(2)));
