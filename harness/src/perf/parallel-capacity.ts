/**
 * The arithmetic of the machine-capacity benchmark (harness/bench/machine-capacity.ts). Pure.
 *
 * A fixed CPU-bound spin (the same integer loop every time) runs in a child process alone, then
 * `procs` copies at once. From the medians over the repeats:
 *   - parallelCapacity = procs x single wall / parallel wall: how many processes' worth of CPU the
 *     machine gives `procs` CPU-bound processes right now (about 2.0 for 2 on an idle 2-core
 *     machine, about 1.0 where only one core's worth is to be had, whether from other load or the
 *     hypervisor). This is the ceiling of any `--jobs procs` speed-up measured at the same time.
 *   - coreSpeed = REFERENCE_SPIN_SECONDS / the spin's CPU seconds alone: the core itself, faster
 *     (> 1) or slower (< 1) than the reference core; CPU time does not count waiting for a CPU.
 *   - singleShare = CPU seconds / wall seconds of the lone spin: the share of a core one process
 *     got (1.0 on an idle machine, less when other work competes for the cores).
 *   - singleSpeed = coreSpeed x singleShare: what one process's wall time runs at, relative to an
 *     idle reference core.
 */

/** CPU seconds of one spin on a core of the reference machine: the 2-vCPU AMD EPYC KVM VM the
 *  README's figures come from, Node 20.20 (0.492-0.505 s over eight runs, 2026-12; CPU time does
 *  not count waiting for a CPU, so a busy machine barely moves it). Tied to V8's code for the
 *  loop: another Node major version may need a new constant. */
export const REFERENCE_SPIN_SECONDS = 0.49;
/** Iterations of the spin (xorshift32: deterministic, nothing for the JIT to fold away). */
export const SPIN_ITERATIONS = 300_000_000;

/** What one spin process reports. */
export interface SpinSample {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** the loop's final value: identical in every process, or the spin is not the fixed workload */
  readonly checksum: number;
}

export interface CapacityMeasurement {
  /** ISO date of the end of the measurement */
  readonly at: string;
  /** processes run at once */
  readonly procs: number;
  readonly repeats: number;
  /** median wall seconds of one spin alone */
  readonly singleSeconds: number;
  /** median CPU seconds of one spin alone */
  readonly singleCpuSeconds: number;
  /** median over the repeats of the mean wall seconds of the `procs` spins run at once */
  readonly parallelSeconds: number;
  /** procs x singleSeconds / parallelSeconds */
  readonly parallelCapacity: number;
  /** REFERENCE_SPIN_SECONDS / singleCpuSeconds */
  readonly coreSpeed: number;
  /** singleCpuSeconds / singleSeconds (at most 1) */
  readonly singleShare: number;
  /** coreSpeed x singleShare = REFERENCE_SPIN_SECONDS / singleSeconds */
  readonly singleSpeed: number;
  /** 1, 5 and 15 minute load averages at the end */
  readonly loadAverage: readonly number[];
  readonly singles: readonly SpinSample[];
  readonly parallels: ReadonlyArray<readonly SpinSample[]>;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

/** The figures from the raw samples: `singles[r]` one spin alone, `parallels[r]` the `procs` spins at once. */
export function summarizeCapacity(
  procs: number,
  singles: readonly SpinSample[],
  parallels: ReadonlyArray<readonly SpinSample[]>,
  extra: { readonly at: string; readonly loadAverage: readonly number[]; readonly reference?: number },
): CapacityMeasurement {
  if (!Number.isInteger(procs) || procs < 1) throw new RangeError(`procs must be an integer >= 1, not ${procs}`);
  if (singles.length === 0 || singles.length !== parallels.length) throw new RangeError('need one parallel run per single run, at least one');
  for (const p of parallels) if (p.length !== procs) throw new RangeError(`a parallel run has ${p.length} samples, not ${procs}`);
  const sums = new Set([...singles, ...parallels.flat()].map((s) => s.checksum));
  if (sums.size !== 1) throw new Error(`the spin's checksums differ (${[...sums].join(', ')}): not the fixed workload`);
  const singleSeconds = median(singles.map((s) => s.wallSeconds));
  const singleCpuSeconds = median(singles.map((s) => s.cpuSeconds));
  const parallelSeconds = median(parallels.map((p) => p.reduce((a, s) => a + s.wallSeconds, 0) / p.length));
  const coreSpeed = (extra.reference ?? REFERENCE_SPIN_SECONDS) / singleCpuSeconds;
  const singleShare = Math.min(1, singleCpuSeconds / singleSeconds);
  return {
    at: extra.at,
    procs,
    repeats: singles.length,
    singleSeconds: round(singleSeconds),
    singleCpuSeconds: round(singleCpuSeconds),
    parallelSeconds: round(parallelSeconds),
    parallelCapacity: round((procs * singleSeconds) / parallelSeconds, 3),
    coreSpeed: round(coreSpeed, 3),
    singleShare: round(singleShare, 3),
    singleSpeed: round(coreSpeed * singleShare, 3),
    loadAverage: extra.loadAverage,
    singles,
    parallels,
  };
}

/** The most a `jobs`-way speed-up can be with `capacity` processes' worth of CPU. */
export function scalingCeiling(capacity: number, jobs: number): number {
  return Math.max(1, Math.min(capacity, jobs));
}

/**
 * Two measurements around one benchmark: the higher and lower capacity, their mean, and whether
 * the machine changed in between (capacity or single-process speed apart by more than 15 %).
 */
export function bracket(before: CapacityMeasurement, after: CapacityMeasurement): { higher: number; lower: number; mean: number; coreSpeed: number; singleSpeed: number; changed: boolean } {
  const a = before.parallelCapacity;
  const b = after.parallelCapacity;
  const apart = (x: number, y: number) => Math.abs(x - y) / Math.max(x, y) > 0.15;
  return {
    higher: Math.max(a, b),
    lower: Math.min(a, b),
    mean: (a + b) / 2,
    coreSpeed: (before.coreSpeed + after.coreSpeed) / 2,
    singleSpeed: (before.singleSpeed + after.singleSpeed) / 2,
    changed: apart(a, b) || apart(before.singleSpeed, after.singleSpeed),
  };
}

/** Contended: `procs` spins got less than 90 % of min(procs, cpus) processes' worth, or a lone spin less than 90 % of a core. */
export function isContended(m: CapacityMeasurement, cpus: number): boolean {
  return m.parallelCapacity < 0.9 * Math.min(m.procs, cpus) || m.singleShare < 0.9;
}

/** "parallel capacity 1.97 of 2, one core 1.00x the reference speed, a lone process got 0.98 of it" */
export function describeCapacity(m: CapacityMeasurement): string {
  return (
    `parallel capacity ${m.parallelCapacity.toFixed(2)} of ${m.procs} (${m.procs} CPU-bound processes at once), ` +
    `one core ${m.coreSpeed.toFixed(2)}x the reference speed, a lone process got ${m.singleShare.toFixed(2)} of a core`
  );
}
