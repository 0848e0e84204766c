/**
 * Drive the real `hil run` CLI into a test's reports folder and read back what it wrote, plus the
 * facts about the deliberately wrong firmware images the acceptance tests use.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { FIRMWARE_BUILD } from '../../src/core/paths.ts';
import type { RunReport } from '../../src/core/results.ts';
import { runCli, type CliResult } from './run-cli.ts';

/**
 * The wrong-output images (firmware/Makefile: HIL_CORRUPT_FROM_FRAME=40, HIL_CORRUPT_SAMPLE=7,
 * agent/hil_corrupt.h): output sample `sample` of every frame from frame `fromFrame` on (0-based,
 * since the case's RESET) is off by exactly 1 LSB. The image names carry both numbers.
 */
export const WRONG = { fromFrame: 40, sample: 7 } as const;
const SUFFIX = `wrong-f${WRONG.fromFrame}s${WRONG.sample}`;
export const QEMU_WRONG_ELF = path.join(FIRMWARE_BUILD, 'qemu', `hil-qemu-model-s-semihost-${SUFFIX}.elf`);
export const RV32_WRONG_ELF = path.join(FIRMWARE_BUILD, 'qemu-rv32', `hil-qemu-rv32-model-s-semihost-${SUFFIX}.elf`);
export const SIM_WRONG_EXE = path.join(FIRMWARE_BUILD, 'host', `hil-sim-model-s-${SUFFIX}`);

/** Where a wrong image's output must first differ from the golden, for a case of `n` samples. */
export function expectedCorruption(n: number, hop: number, rate: number): { sample: number; frame: number; timeS: number; mismatches: number } | null {
  const sample = WRONG.fromFrame * hop + WRONG.sample;
  if (sample >= n) return null;
  let mismatches = 0; // one per frame f >= fromFrame whose sample f*hop+k exists (the last frame may be partial)
  for (let f = WRONG.fromFrame; f * hop + WRONG.sample < n; f++) mismatches++;
  return { sample, frame: WRONG.fromFrame, timeS: sample / rate, mismatches };
}

export interface HilRun extends CliResult {
  /** reports/<run-id>/ of this run. */
  readonly dir: string;
  readonly report: RunReport | null;
  file(name: string): string;
  read(name: string): string;
}

/** `hil run --reports-dir <reportsDir> --run-id <runId> ...args`. */
export async function hilRun(reportsDir: string, runId: string, args: readonly string[]): Promise<HilRun> {
  const r = await runCli(['run', '--reports-dir', reportsDir, '--run-id', runId, ...args]);
  const dir = path.join(reportsDir, runId);
  const json = path.join(dir, 'report.json');
  const report = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as RunReport) : null;
  return { ...r, dir, report, file: (name) => path.join(dir, name), read: (name) => readFileSync(path.join(dir, name), 'utf8') };
}

/** Memoise an async step so that several describe blocks can share one run. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

/** The <testcase> element of `suite/name` in a JUnit file (text), or null. */
export function junitCase(xml: string, id: string): string | null {
  const [suite, name] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
  const re = new RegExp(`<testcase name="${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" classname="${suite}"[^>]*?(?:/>|>[\\s\\S]*?</testcase>)`);
  return re.exec(xml)?.[0] ?? null;
}

/** The lines a process wrote, without the empty last one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l, i, a) => l.length > 0 || i < a.length - 1);
}
