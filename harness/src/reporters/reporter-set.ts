/**
 * Fan a run's events out to several reporters. A reporter that throws (or whose promise rejects)
 * never kills the run: the error is caught and remembered, once per reporter and hook with a
 * count of repeats, so the CLI can print one warning per broken reporter at the end.
 */
import type { CaseResult, RunReport } from '../core/results.ts';
import type { CaseStartInfo, ProgressInfo, Reporter, ReporterHook, RunStartInfo } from './reporter.ts';

export interface ReporterFailure {
  readonly reporter: string;
  readonly hook: ReporterHook;
  /** The first error this reporter's hook raised. */
  readonly error: unknown;
  /** How many times the hook failed in this run (>= 1). */
  readonly count: number;
}

/** One line for a warning, e.g. `reporter "junit" failed in onRunEnd (2 times): disk full`. */
export function describeFailure(f: ReporterFailure): string {
  const msg = f.error instanceof Error ? f.error.message : String(f.error);
  const times = f.count > 1 ? ` (${f.count} times)` : '';
  return `reporter "${f.reporter}" failed in ${f.hook}${times}: ${msg}`;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export class ReporterSet implements Reporter {
  readonly name = 'reporter-set';
  private readonly reporters: readonly Reporter[];
  private readonly failed = new Map<string, { reporter: string; hook: ReporterHook; error: unknown; count: number }>();

  constructor(reporters: readonly Reporter[]) {
    this.reporters = [...reporters];
  }

  /** Every failure so far, in the order they first happened. */
  failures(): readonly ReporterFailure[] {
    return [...this.failed.values()].map((f) => ({ ...f }));
  }

  private record(r: Reporter, hook: ReporterHook, error: unknown): void {
    const key = `${r.name}\u0000${hook}`;
    const prev = this.failed.get(key);
    if (prev) prev.count++;
    else this.failed.set(key, { reporter: r.name, hook, error, count: 1 });
  }

  /** Call one hook on every reporter; awaits asynchronous hooks one after another (in order). */
  private async callAsync(hook: ReporterHook, invoke: (r: Reporter) => unknown): Promise<void> {
    for (const r of this.reporters) {
      try {
        const out = invoke(r);
        if (isPromiseLike(out)) await out;
      } catch (e) {
        this.record(r, hook, e);
      }
    }
  }

  /** Call a synchronous hook; a promise returned anyway is not awaited but its rejection is caught. */
  private callSync(hook: ReporterHook, invoke: (r: Reporter) => unknown): void {
    for (const r of this.reporters) {
      try {
        const out = invoke(r);
        if (isPromiseLike(out)) out.then(undefined, (e: unknown) => this.record(r, hook, e));
      } catch (e) {
        this.record(r, hook, e);
      }
    }
  }

  onRunStart(info: RunStartInfo): Promise<void> {
    return this.callAsync('onRunStart', (r) => r.onRunStart?.(info));
  }

  onCaseStart(c: CaseStartInfo): void {
    this.callSync('onCaseStart', (r) => r.onCaseStart?.(c));
  }

  onProgress(p: ProgressInfo): void {
    this.callSync('onProgress', (r) => r.onProgress?.(p));
  }

  onCaseEnd(c: CaseResult): Promise<void> {
    return this.callAsync('onCaseEnd', (r) => r.onCaseEnd?.(c));
  }

  onRunEnd(report: RunReport, dir: string): Promise<void> {
    return this.callAsync('onRunEnd', (r) => r.onRunEnd?.(report, dir));
  }
}
