/**
 * Write a run's report folder: reports/<run-id>/ with report.json (the canonical record),
 * junit.xml, summary.md and report.html, each written atomically; the output WAVs of failed cases
 * in outputs/ (their relative paths recorded as `outputWav`); and reports/latest pointing at the
 * folder (relative symlink, or a copy where symlinks fail). Problems that must not lose the
 * run's results (an output WAV, `latest`) become warnings for the caller to print.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import type { CaseResult, RunReport } from '../core/results.ts';
import { writeWav } from '../dsp/wav.ts';
import { pointLatest, writeFileAtomic, type SymlinkFn } from './atomic-files.ts';
import { slug } from './escape.ts';
import { renderHtml } from './render-html.ts';
import { renderJunit } from './render-junit.ts';
import { renderMarkdown } from './render-markdown.ts';

export interface WriteReportsOptions {
  /** Parent folder of all run folders, e.g. <repo>/reports. */
  readonly reportsDir: string;
  /** Output samples of cases that did not pass, by case id. */
  readonly failedOutputs?: ReadonlyMap<string, Int16Array>;
  /** Sample rate for the output WAVs; defaults to the device's rate in the report. */
  readonly rate?: number;
  /** For tests: how to make a symlink (to simulate filesystems without them). */
  readonly symlink?: SymlinkFn;
}

export interface WrittenReports {
  readonly dir: string;
  readonly json: string;
  readonly junit: string;
  readonly markdown: string;
  readonly html: string;
  /** reports/latest, or null when it could not be made (see warnings). */
  readonly latest: string | null;
  /** Absolute paths of the output WAVs written. */
  readonly outputs: readonly string[];
  readonly warnings: readonly string[];
  /** The report as written (with `outputWav` set for the WAVs written). */
  readonly report: RunReport;
}

export const LATEST = 'latest';

/** A run id must be a plain folder name. */
export function checkRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runId) || runId === LATEST) {
    throw new HarnessError('INPUT', `run id ${JSON.stringify(runId)} is not a plain folder name (letters, digits, . _ -)`);
  }
}

/** Relative WAV path for each case id, unique even when ids differ only in punctuation. */
export function outputWavNames(ids: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const id of ids) {
    const base = slug(id.replace(/\//g, '--'));
    let name = `${base}.wav`;
    for (let k = 2; used.has(name); k++) name = `${base}-${k}.wav`;
    used.add(name);
    out.set(id, `outputs/${name}`);
  }
  return out;
}

async function writeOutputs(
  report: RunReport,
  dir: string,
  opts: WriteReportsOptions,
  warnings: string[],
): Promise<{ cases: CaseResult[]; written: string[] }> {
  const outputs = opts.failedOutputs ?? new Map<string, Int16Array>();
  const known = new Set(report.cases.map((c) => c.id));
  for (const id of outputs.keys()) if (!known.has(id)) warnings.push(`output samples for unknown case ${JSON.stringify(id)} were not written`);
  const ids = [...outputs.keys()].filter((id) => known.has(id));
  const rate = opts.rate ?? report.device?.rate;
  if (ids.length > 0 && !(typeof rate === 'number' && rate > 0)) {
    warnings.push(`no sample rate known (no device handshake): ${ids.length} output WAV(s) not written`);
    return { cases: [...report.cases], written: [] };
  }
  const names = outputWavNames(ids);
  const done = new Map<string, string>();
  const written: string[] = [];
  if (ids.length > 0) await mkdir(path.join(dir, 'outputs'), { recursive: true });
  for (const id of ids) {
    const rel = names.get(id)!;
    const abs = path.join(dir, rel);
    try {
      await writeWav(abs, outputs.get(id)!, rate!);
      done.set(id, rel);
      written.push(abs);
    } catch (e) {
      warnings.push(`output WAV of ${id} not written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { cases: report.cases.map((c) => (done.has(c.id) ? { ...c, outputWav: done.get(c.id)! } : c)), written };
}

export async function writeReports(input: RunReport, opts: WriteReportsOptions): Promise<WrittenReports> {
  checkRunId(input.runId);
  const reportsDir = path.resolve(opts.reportsDir);
  const dir = path.join(reportsDir, input.runId);
  await mkdir(dir, { recursive: true });
  const warnings: string[] = [];
  const { cases, written } = await writeOutputs(input, dir, opts, warnings);
  const report: RunReport = { ...input, cases };
  const files = {
    json: path.join(dir, 'report.json'),
    junit: path.join(dir, 'junit.xml'),
    markdown: path.join(dir, 'summary.md'),
    html: path.join(dir, 'report.html'),
  };
  await writeFileAtomic(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(files.junit, renderJunit(report));
  await writeFileAtomic(files.markdown, renderMarkdown(report));
  await writeFileAtomic(files.html, renderHtml(report));
  let latest: string | null = path.join(reportsDir, LATEST);
  try {
    const link = await pointLatest(latest, dir, opts.symlink);
    if (link.kind === 'copy') warnings.push(`could not make a symlink (${link.reason}); ${latest} is a copy of ${input.runId}`);
  } catch (e) {
    warnings.push(`could not update ${latest}: ${e instanceof Error ? e.message : String(e)}`);
    latest = null;
  }
  return { dir, ...files, latest, outputs: written, warnings, report };
}
