/**
 * A whole regression run: execute the selected cases on the resolved target profile, compare with
 * a baseline, check resource budgets, and assemble the canonical RunReport. Writing files is the
 * caller's (reporters') job.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';

import { checkResources } from '../assertions/resource-verdict.ts';
import type { TargetProfile } from '../config/config-types.ts';
import { builtinProfile } from '../config/builtin-profiles.ts';
import { HarnessError } from '../core/errors.ts';
import { displayPath, HIL_VERSION } from '../core/paths.ts';
import type { FramingChoice } from '../session/session-options.ts';
import { REPORT_SCHEMA, runOutcome, summarizeCases, type CaseResult, type LinkFeasibilityRecord, type RunReport } from '../core/results.ts';
import { readWav, requireMono16 } from '../dsp/wav.ts';
import { elfSizes, isElf } from '../firmware-image/elf-sizes.ts';
import { checkFirmwareImage } from '../firmware-image/check-image.ts';
import { createProfileTarget } from '../targets/create-target.ts';
import { SimTarget } from '../targets/sim-target.ts';
import { checkCounter } from '../targets/board/board-profile.ts';
import { BoardTarget } from '../targets/board/board-target.ts';
import { LabgridPlace } from '../targets/board/labgrid-place.ts';
import type { Target } from '../targets/target.ts';
import { BoardPool } from './board-pool.ts';
import type { FaultInjectionRecord } from '../core/reliability-record.ts';
import { deriveSeed } from '../core/prng.ts';
import { FAULT_KINDS, faultyLink, type FaultCounts, type FaultKind } from '../transport/faulty-link.ts';
import { linkFeasibilityRecord } from '../perf/realtime-feasibility.ts';
import { applyBaseline } from './baseline.ts';
import { profileLinkRate } from './link-rate.ts';
import { reliabilityRecord } from './reliability.ts';
import type { RunnableCase } from './case-spec.ts';
import { execute, type ExecuteHooks } from './execute.ts';
import type { ReferenceFactory } from './reference-session.ts';
import type { ByteLink } from '../transport/byte-link.ts';

export interface RunOptions {
  readonly runId: string;
  readonly profile: TargetProfile;
  readonly cases: readonly RunnableCase[];
  readonly selection: RunReport['selection'];
  readonly window: number;
  /** Link framing (PROTOCOL.md 8), default auto. */
  readonly framing?: FramingChoice;
  /** Measure each case's quality figures after it streamed (default true; `hil run --no-quality`). */
  readonly quality?: boolean;
  readonly jobs: number;
  readonly retries: number;
  readonly params: Readonly<Record<string, number>>;
  readonly baseline: { readonly report: RunReport; readonly path: string; readonly threshold: number } | null;
  readonly command: readonly string[];
  readonly signal?: AbortSignal;
  readonly hooks?: ExecuteHooks;
  /** Bench board: called at the first handshake, before streaming, with whether the profile's
   *  baud rate can carry the stream in real time (also recorded as report.target.linkFeasibility). */
  readonly onLinkFeasibility?: (f: LinkFeasibilityRecord) => void;
  /** Seeded link fault injection in both directions (soak runs), or none. */
  readonly faults?: LinkFaultSpec | null;
  /** Per-stage profiles (PROFILE) where the model declares stages (`hil run --profile`). */
  readonly stageProfile?: boolean;
  /**
   * Name the first divergent stage of mismatching cases against the host simulator build of the
   * device's model (`firmware` overrides it); false: no search (`hil run --no-diagnose`).
   */
  readonly diagnose?: { readonly firmware?: string } | false;
  /** The project folder (the config file's): its git commit is the run's. Default: the working
   *  directory. */
  readonly projectRoot?: string;
  /** The project's firmware build folder, where the default reference (host/hil-sim-<model>) is. */
  readonly firmwareBuild?: string;
}

/** The reference of a device: the given sim image, or the host simulator build of its model in
 *  the firmware build folder `build` (host/hil-sim-<model>; default: the working directory's). */
export function simReference(firmware?: string, build?: string): ReferenceFactory {
  return (info) => {
    const fw = firmware ?? builtinProfile('sim', 'sim', info.model, build).firmware;
    if (!existsSync(fw)) return `no reference to compare with: ${displayPath(fw)} does not exist (build it with \`npm run build:fw\`, or name one with --reference)`;
    return { target: new SimTarget(fw), name: `sim ${displayPath(fw)}` };
  };
}

export interface LinkFaultSpec {
  /** Per-byte fault probability in each direction. */
  readonly rate: number;
  readonly seed: number;
  readonly kinds?: readonly FaultKind[];
}

export interface RunOutput {
  readonly report: RunReport;
  /** Output samples of every case that did not pass, for the report's outputs/ folder. */
  readonly outputs: Map<string, Int16Array>;
}

/** The commit of the project the run is in (the user's repository), if it is a git checkout. */
function gitCommit(root: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
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

/**
 * A regression run. A board in a labgrid place: the place is acquired first (its serial port
 * becomes the profile's port) and released at the end, also after an error or an interruption.
 */
export async function runRegression(o: RunOptions): Promise<RunOutput> {
  if (!o.profile.labgrid) return runOnProfile(o);
  const place = new LabgridPlace(o.profile.labgrid);
  const serial = await place.acquire(o.signal);
  let released = false;
  let out: RunOutput;
  try {
    if (o.profile.reset === 'power' && !serial.powerCycle) {
      throw new HarnessError('CONFIG', `targets.${o.profile.name}.reset: "power", but ${place.description} has no power resource (NetworkPowerPort, PDUDaemonPort, ...)`, { key: `targets.${o.profile.name}.reset` });
    }
    const profile = { ...o.profile, port: { url: serial.url }, baudRate: serial.speed ?? o.profile.baudRate, ...(serial.powerCycle ? { powerCycle: serial.powerCycle } : {}) };
    out = await runOnProfile({ ...o, profile });
  } finally {
    released = await place.release();
  }
  const labgrid = { place: o.profile.labgrid.place, coordinator: o.profile.labgrid.coordinator ?? null, port: serial.url, released };
  return { ...out, report: { ...out.report, target: { ...out.report.target, labgrid } } };
}

async function runOnProfile(o: RunOptions): Promise<RunOutput> {
  const startedAt = new Date();
  checkFirmwareImage(o.profile.kind, o.profile.firmware, o.profile.qemu.binary);
  const image = await readFile(o.profile.firmware).catch(() => null);
  const firmwareSha256 = image ? createHash('sha256').update(image).digest('hex') : '';
  const sizes = image && isElf(image) && o.profile.kind !== 'sim' ? elfSizes(image, o.profile.firmware) : null;
  const injection = o.faults ? linkFaults(o.faults) : null;
  let linkFeasibility: LinkFeasibilityRecord | null = null;
  // A board profile drives one physical board: find its port and flash it once, before any case
  // (a failure ends the run here, exit 2); every (re)start of a case reuses it.
  // A pool prepares every board, in parallel; a board that fails is left out of the run.
  const pool = o.profile.members ? new BoardPool(o.profile) : null;
  const board = o.profile.kind === 'board' && !pool ? new BoardTarget(o.profile) : null;
  if (board) await board.prepare({ signal: o.signal });
  if (pool) await pool.prepare(o.signal);
  const exec = await execute({
    wrapLink: injection?.wrap,
    linkRate: profileLinkRate(o.profile),
    cases: o.cases,
    jobs: board ? 1 : pool ? Math.min(o.jobs, pool.usable) : o.jobs,
    retries: o.retries,
    window: o.window,
    framing: o.framing ?? 'auto',
    quality: o.quality ?? true,
    handshakeTimeoutMs: o.profile.handshakeTimeoutMs,
    globalParams: o.params,
    profile: o.stageProfile === true,
    ...(o.diagnose !== false ? { reference: simReference(o.diagnose?.firmware, o.firmwareBuild) } : {}),
    makeTarget: () => (pool ? pool.acquire() : (board ?? createProfileTarget(o.profile))),
    ...(pool
      ? {
          targetFailed: (t: Target, e: unknown) => pool.fail(t, e),
          releaseTarget: (t: Target) => pool.release(t),
          caseFinished: (t: Target) => pool.finished(t),
          noTargetReason: () => pool.noBoardReason(),
        }
      : {}),
    evaluation: (info) => {
      checkCounter(o.profile, info.counter); // a board profile may name the counter its image must have
      return {
        counter: info.counter,
        clockHz: o.profile.clockHz,
        cpi: o.profile.cpi,
        ...(o.profile.cpiCalibration?.stages ? { stageCpi: o.profile.cpiCalibration.stages } : {}),
        requiredMargin: o.profile.requiredMargin,
        hop: info.hop,
        rate: info.rate,
      };
    },
    loadGolden,
    signal: o.signal,
    hooks: {
      ...o.hooks,
      onHandshake: (info) => {
        if (o.profile.kind === 'board' && !linkFeasibility) {
          // a pool: its first board's baud rate (members usually share one)
          linkFeasibility = linkFeasibilityRecord((o.profile.members?.[0] ?? o.profile).baudRate, info.rate, info.hop, info.framing === 2 ? 2 : 1);
          o.onLinkFeasibility?.(linkFeasibility);
        }
        o.hooks?.onHandshake?.(info);
      },
    },
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
    environment: { hilVersion: HIL_VERSION, node: process.version, platform: `${os.platform()} ${os.arch()}`, host: os.hostname(), gitCommit: gitCommit(o.projectRoot ?? process.cwd()) },
    target: {
      kind: o.profile.kind,
      description: exec.targetDescription ?? o.profile.description,
      profile: o.profile.name,
      firmware: o.profile.firmware,
      firmwareSha256,
      port: board?.port?.path ?? o.profile.port?.path ?? null,
      ...(board ? { board: board.record() } : {}),
      ...(pool ? { pool: pool.record() } : {}),
      ...(linkFeasibility ? { linkFeasibility } : {}),
      clockHz: o.profile.clockHz,
      cpi: counter === 'icount' ? o.profile.cpi : null,
      ...(counter === 'icount' && o.profile.cpiCalibration ? { cpiCalibration: o.profile.cpiCalibration } : {}),
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
          framing: exec.info.framing === 2 ? 2 : 1,
        }
      : null,
    resources,
    selection: o.selection,
    baseline,
    summary: summarizeCases(cases, (finishedAt.getTime() - startedAt.getTime()) / 1000),
    cases,
    reliability: reliabilityRecord({ cases, faultInjection: injection?.record() ?? null, stall: exec.stall, targetStarts: exec.targetStarts }),
  };
  return { report, outputs: exec.outputs };
}

/** Wrap every target start's link in a seeded fault injector (seed per start: reproducible with
 *  --jobs 1); record what was injected over all of them. */
function linkFaults(spec: LinkFaultSpec): { wrap: (link: ByteLink) => ByteLink; record: () => FaultInjectionRecord } {
  const kinds = spec.kinds ?? FAULT_KINDS;
  const links: Array<{ rx: Readonly<FaultCounts>; tx: Readonly<FaultCounts> }> = [];
  const total = (dir: 'rx' | 'tx') => Object.fromEntries(kinds.map((k) => [k, links.reduce((a, l) => a + l[dir][k], 0)]));
  return {
    wrap: (link) => {
      const l = faultyLink(link, { seed: deriveSeed(spec.seed, `start-${links.length}`), rxErrorRate: spec.rate, txErrorRate: spec.rate, kinds });
      links.push(l.injected);
      return l;
    },
    record: () => ({ rate: spec.rate, seed: spec.seed, kinds: [...kinds], injected: { rx: total('rx'), tx: total('tx') } }),
  };
}
