/**
 * Shared plumbing of the benchmarks: flag parsing, JSON output under reports/bench/, plain-text
 * tables, the environment a figure was measured in, and CPU time (own and reaped children).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { REPO_ROOT, REPORTS_DIR } from '../src/core/paths.ts';
import type { CapacityMeasurement } from '../src/perf/parallel-capacity.ts';

export const BENCH_DIR = path.join(REPORTS_DIR, 'bench');

/** Is this module the process's entry point (run as `tsx harness/bench/<name>.ts`)? */
export function isMain(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(path.resolve(entry)).href === importMetaUrl;
}

/** `--key value`, `--key=value` and bare `--flag` (true). Unknown keys are the caller's to refuse. */
export function parseFlags(argv: readonly string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) out.set(a.slice(2), argv[++i]!);
    else out.set(a.slice(2), true);
  }
  return out;
}

export function flagString(f: Map<string, string | true>, key: string, def: string): string {
  const v = f.get(key);
  return typeof v === 'string' ? v : def;
}

export function flagNumber(f: Map<string, string | true>, key: string, def: number): number {
  const v = f.get(key);
  if (v === undefined) return def;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n)) throw new Error(`--${key} needs a number`);
  return n;
}

export function flagList(f: Map<string, string | true>, key: string, def: readonly number[]): number[] {
  const v = f.get(key);
  if (v === undefined) return [...def];
  if (typeof v !== 'string') throw new Error(`--${key} needs a comma-separated list`);
  return v.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new Error(`--${key}: ${JSON.stringify(s)} is not a number`);
    return n;
  });
}

export interface BenchEnvironment {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly gitCommit: string | null;
  /** 1, 5 and 15 minute load averages when measured: other work on the machine skews timings. */
  readonly loadAverage: readonly number[];
}

export function benchEnvironment(): BenchEnvironment {
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    gitCommit = null;
  }
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    gitCommit,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Write reports/bench/<name>.json; returns the path. */
export async function writeBenchJson(name: string, data: unknown): Promise<string> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `${name}.json`);
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** Write reports/bench/<name> as text; returns the path. */
export async function writeBenchText(name: string, text: string): Promise<string> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, name);
  await writeFile(file, text);
  return file;
}

/** A Markdown table (readable as plain text too): numbers right-aligned. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const width = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number' || /^[-+]?[\d.]+( ?[%x])?$/.test(String(r[i] ?? ''))));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(width[i]!) : s.padEnd(width[i]!));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

export function fixed(n: number | null, digits: number): string {
  return n === null || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
}

/** CPU seconds (user + system) of this process since `since` (a process.cpuUsage() value). */
export function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * CPU seconds of this process's reaped children (Linux /proc/self/stat cutime + cstime), or null
 * where unavailable. Counts only children that have exited and been waited for.
 */
export function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / clockTicks() : null;
  } catch {
    return null;
  }
}

export interface Goal {
  readonly goal: string;
  /** null: not measured in this run. */
  readonly met: boolean | null;
  readonly detail: string;
}

/** What a benchmark hands back: its JSON (written to reports/bench/<name>.json) and its text. */
export interface BenchOutcome {
  readonly name: string;
  readonly json: Record<string, unknown>;
  /** Readable tables and notes (Markdown). */
  readonly text: string;
  readonly goals: readonly Goal[];
  /** The machine-capacity measurements made right before and after the benchmark, if it made any. */
  readonly capacity?: { readonly before: CapacityMeasurement; readonly after: CapacityMeasurement };
}

export function formatGoals(goals: readonly Goal[]): string {
  return goals.map((g) => `- ${g.met === null ? 'NOT MEASURED' : g.met ? 'MET' : 'MISSED'}: ${g.goal} — ${g.detail}`).join('\n');
}

/** Write the outcome's JSON and print its text and goals (a benchmark's entry point). */
export async function finish(o: BenchOutcome): Promise<string> {
  const file = await writeBenchJson(o.name, { ...o.json, goals: o.goals });
  const goals = o.goals.length ? `\n\n${formatGoals(o.goals)}` : '';
  process.stdout.write(`${o.text}${goals}\n\nwrote ${path.relative(process.cwd(), file)}\n`);
  return file;
}
