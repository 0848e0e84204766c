/**
 * Run an external tool (a flasher, gdb, objcopy) from an argv array — never through a shell —
 * with a timeout and an abort signal, capturing its stdout and stderr as lines (bounded) for the
 * run log and for error messages. The process is registered with the child registry, so it never
 * outlives hil. Resolves in every case (the caller decides what a failure means).
 */
import { spawn } from 'node:child_process';

import { registerChild } from '../targets/child-registry.ts';

export interface ToolRunOptions {
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly cwd?: string;
  /** Lines of output kept (the last ones); default 400. */
  readonly maxLines?: number;
  /** Grace between SIGTERM and SIGKILL when stopping the tool; default 1000 ms. */
  readonly killGraceMs?: number;
}

export interface ToolRun {
  readonly argv: readonly string[];
  /** Exit status; null when killed by a signal or not started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly elapsedMs: number;
  /** stdout and stderr lines in arrival order (the last `maxLines`). */
  readonly output: readonly string[];
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Why the process could not be started (e.g. `ENOENT`), if it could not. */
  readonly spawnError: NodeJS.ErrnoException | null;
}

const MAX_LINE_CHARS = 2000;

/** Collects chunks into lines, keeping the last `max`. */
class LineTail {
  readonly lines: string[] = [];
  private partial: Record<'out' | 'err', string> = { out: '', err: '' };
  constructor(private readonly max: number) {}

  add(which: 'out' | 'err', chunk: Buffer): void {
    const parts = (this.partial[which] + chunk.toString('utf8')).split('\n');
    this.partial[which] = (parts.pop() ?? '').slice(-MAX_LINE_CHARS);
    for (const p of parts) this.push(p);
  }

  finish(): string[] {
    for (const which of ['out', 'err'] as const) if (this.partial[which]) this.push(this.partial[which]);
    this.partial = { out: '', err: '' };
    return this.lines;
  }

  private push(line: string): void {
    this.lines.push(line.replace(/\r$/, '').slice(0, MAX_LINE_CHARS));
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
}

export function runTool(o: ToolRunOptions): Promise<ToolRun> {
  const started = Date.now();
  const tail = new LineTail(o.maxLines ?? 400);
  const [cmd, ...args] = o.argv;
  const base = { argv: o.argv, timedOut: false, aborted: false };
  if (!cmd) {
    const spawnError = Object.assign(new Error('empty command line'), { code: 'EINVAL' }) as NodeJS.ErrnoException;
    return Promise.resolve({ ...base, code: null, signal: null, elapsedMs: 0, output: [], spawnError });
  }
  if (o.signal?.aborted) {
    return Promise.resolve({ ...base, aborted: true, code: null, signal: null, elapsedMs: 0, output: [], spawnError: null });
  }
  return new Promise<ToolRun>((resolve) => {
    const child = spawn(cmd, args, { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    registerChild(child);
    let timedOut = false;
    let aborted = false;
    let spawnError: NodeJS.ErrnoException | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout?.on('data', (d: Buffer) => tail.add('out', d));
    child.stderr?.on('data', (d: Buffer) => tail.add('err', d));
    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), o.killGraceMs ?? 1000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ argv: o.argv, code, signal, elapsedMs: Date.now() - started, output: tail.finish(), timedOut, aborted, spawnError });
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) spawnError = e; // not started: ENOENT, EACCES, ...
    });
    child.once('close', (code, signal) => done(spawnError ? null : code, signal));
  });
}

/** The last `n` non-empty output lines joined for a one-line message, or `(no output)`. */
export function outputTail(output: readonly string[], n = 6): string {
  const lines = output.map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) return '(no output)';
  const shown = lines.slice(-n).join(' | ');
  return lines.length > n ? `… ${shown}` : shown;
}

/** How a tool run ended, in words: `exited with status 1 after 0.3 s`. */
export function describeToolEnd(r: ToolRun, timeoutMs: number): string {
  const secs = `${(r.elapsedMs / 1000).toFixed(1)} s`;
  if (r.spawnError) return `could not be started (${r.spawnError.code ?? r.spawnError.message})`;
  if (r.aborted) return `was interrupted after ${secs}`;
  if (r.timedOut) return `did not finish within ${timeoutMs} ms and was killed`;
  if (r.signal) return `was killed by ${r.signal} after ${secs}`;
  return `exited with status ${r.code} after ${secs}`;
}
