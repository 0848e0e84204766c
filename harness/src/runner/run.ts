/**
 * A whole regression run: execute the selected cases on the resolved target profile, compare with
 * a baseline, check resource budgets, and assemble the canonical RunReport. Writing files is the
 * caller's (reporters') job.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';

import { checkResources } from '../assertions/resource-verdict.ts';
import type { TargetProfile } from '../config/config-types.ts';
import { REPO_ROOT } from '../core/paths.ts';
import { REPORT_SCHEMA, runOutcome, summarizeCases, type CaseResult, type RunReport } from '../core/results.ts';
import { readWav, requireMono16 } from '../dsp/wav.ts';
import { elfSizes, isElf } from '../firmware-image/elf-sizes.ts';
import { createProfileTarget } from '../targets/create-target.ts';
import { applyBaseline } from './baseline.ts';
import type { RunnableCase } from './case-spec.ts';
import { execute, type ExecuteHooks } from './execute.ts';

export interface RunOptions {
  readonly runId: string;
  readonly profile: TargetProfile;
  readonly cases: readonly RunnableCase[];
  readonly selection: RunReport['selection'];
  readonly window: number;
  readonly jobs: number;
  readonly retries: number;
  readonly params: Readonly<Record<string, number>>;
  readonly baseline: { readonly report: RunReport; readonly path: string; readonly threshold: number } | null;
  readonly command: readonly string[];
  readonly signal?: AbortSignal;
  readonly hooks?: ExecuteHooks;
}

export interface RunOutput {
  readonly report: RunReport;
  /** Output samples of every case that did not pass, for the report's outputs/ folder. */
  readonly outputs: Map<string, Int16Array>;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function loadGolden(c: RunnableCase, rate: number): Promise<Int16Array | null> {
  if (!c.golden || !c.goldenExists) return null;
  const wav = await readWav(c.golden);
  requireMono16(wav, { rate }, c.golden);
  return wav.samples;
}

export async function runRegression(o: RunOptions): Promise<RunOutput> {
  const startedAt = new Date();
  const image = await readFile(o.profile.firmware).catch(() => null);
  const firmwareSha256 = image ? createHash('sha256').update(image).digest('hex') : '';
  const sizes = image && isElf(image) && o.profile.kind !== 'sim' ? elfSizes(image, o.profile.firmware) : null;
  const exec = await execute({
    cases: o.cases,
    jobs: o.jobs,
    retries: o.retries,
    window: o.window,
    handshakeTimeoutMs: o.profile.handshakeTimeoutMs,
    globalParams: o.params,
    makeTarget: () => createProfileTarget(o.profile),
    evaluation: (info) => ({
      counter: info.counter,
      clockHz: o.profile.clockHz,
      cpi: o.profile.cpi,
      requiredMargin: o.profile.requiredMargin,
      hop: info.hop,
      rate: info.rate,
    }),
    loadGolden,
    signal: o.signal,
    hooks: o.hooks,
  });
  const counter = exec.info?.counter ?? 'none';
  let cases: CaseResult[] = exec.results;
  let baseline: RunReport['baseline'] = null;
  if (o.baseline) {
    const b = applyBaseline(cases, o.baseline.report, counter, o.baseline.threshold);
    cases = b.cases;
    baseline = { path: o.baseline.path, threshold: o.baseline.threshold, regressions: b.regressions };
  }
  const resources = exec.info
    ? checkResources({
        sizes,
        stackHwm: exec.stats && exec.stats.stackHwm >= 0 ? exec.stats.stackHwm : null,
        flashBudget: o.profile.budgets.flashBytes,
        ramBudget: o.profile.budgets.ramBytes,
      })
    : null;
  const finishedAt = new Date();
  const outcome = runOutcome(cases, exec.complete);
  const resourceFail = resources?.status === 'fail' && outcome.exitCode === 0;
  const regressionFail = (baseline?.regressions ?? 0) > 0 && outcome.exitCode === 0;
  const report: RunReport = {
    schema: REPORT_SCHEMA,
    runId: o.runId,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    complete: exec.complete,
    status: resourceFail || regressionFail ? 'failed' : outcome.status,
    exitCode: resourceFail || regressionFail ? 1 : outcome.exitCode,
    command: o.command,
    environment: { hilVersion: '0.1.0', node: process.version, platform: `${os.platform()} ${os.arch()}`, host: os.hostname(), gitCommit: gitCommit() },
    target: {
      kind: o.profile.kind,
      description: exec.targetDescription ?? o.profile.description,
      profile: o.profile.name,
      firmware: o.profile.firmware,
      firmwareSha256,
      port: o.profile.port?.path ?? null,
      clockHz: o.profile.clockHz,
      cpi: counter === 'icount' ? o.profile.cpi : null,
      requiredMargin: o.profile.requiredMargin,
      counter,
    },
    device: exec.info
      ? {
          fw: exec.info.fw,
          fwVersion: exec.info.fwVersion,
          build: exec.info.build,
          board: exec.info.board,
          model: exec.info.model,
          modelVersion: exec.info.modelVersion,
          modelDesc: exec.info.modelDesc,
          weights: exec.info.weights,
          rate: exec.info.rate,
          hop: exec.info.hop,
          latency: exec.info.latency,
          window: exec.info.window,
        }
      : null,
    resources,
    selection: o.selection,
    baseline,
    summary: summarizeCases(cases, (finishedAt.getTime() - startedAt.getTime()) / 1000),
    cases,
  };
  return { report, outputs: exec.outputs };
}
