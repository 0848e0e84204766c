/**
 * Bench: what the harness costs on QEMU. In one run it measures
 *   (a) the harness streaming the `speech` suite through QEMU (the regression runner in-process,
 *       what `hil run --target qemu --suite speech` runs minus writing report files: QEMU
 *       start-up, handshake, RESET per case, windowed PROCESS/RESULT over semihosting, golden
 *       comparison), and
 *   (b) QEMU running the same model on the same audio with no host interaction (the batch image,
 *       qemu-batch.ts: audio preloaded into guest memory, one summary line at the end),
 * both with one QEMU start-up, the same `-icount` and the same model code at the same addresses
 * (checked with arm-none-eabi-nm: TCG's block chaining makes QEMU's speed depend on code layout),
 * and prints the overhead ratio wall(a) / wall(b) (goal <= 1.2) and audio seconds per wall second
 * of each. Both sides must
 * reproduce the goldens. After one unmeasured pair, runs alternate (a) and (b) `repeats` times;
 * the ratio uses the medians.
 *
 * The machine is measured right before and right after the repeats (machine-capacity.ts). Both
 * sides run at the core's speed, so the ratio does not scale with it and is not normalised; it
 * rises when no second core is free, because the harness's own work then takes turns with QEMU
 * instead of overlapping it: the report prints the capacity beside the ratio, and the harness's
 * CPU over the batch wall (at most that much can the ratio rise on one core's worth, and the ratio
 * cannot be below it, since the harness's JavaScript runs on one thread). The audio seconds per
 * wall second are raw: QEMU runs a vCPU thread and an I/O thread, so they depend on the free
 * capacity as well as the core's speed, and a one-thread spin is no yardstick for them.
 *
 *   npx tsx harness/bench/qemu-overhead.ts [--repeats 5] [--suite speech] [--window 8] [--capacity-repeats 3]
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadConfig } from '../src/config/load-config.ts';
import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { resolveConfig } from '../src/config/resolve-config.ts';
import { readWav, requireMono16 } from '../src/dsp/wav.ts';
import { runRegression } from '../src/runner/run.ts';
import { loadSuites } from '../src/runner/suites.ts';
import { Session } from '../src/session/session.ts';
import type { FramingChoice } from '../src/session/session-options.ts';
import { QemuTarget } from '../src/targets/qemu/qemu-target.ts';
import { bracket, isContended } from '../src/perf/parallel-capacity.ts';
import { benchEnvironment, childCpuSeconds, cpuSecondsSince, finish, fixed, flagNumber, flagString, isMain, parseFlags, table, type BenchOutcome, type Goal } from './bench-io.ts';
import { capacityBefore, capacityJson, capacityLines, measureCapacity, type MachineContext } from './machine-capacity.ts';
import { BATCH_IMAGE, compareModelPlacement, runBatch, type BatchFile, type BatchRun } from './qemu-batch.ts';

export const GOAL_OVERHEAD = 1.2;

interface HarnessRun {
  readonly wallSeconds: number;
  /** Sum of the cases' streaming time (first RESET to last RESULT of each case). */
  readonly streamSeconds: number;
  readonly hostCpuSeconds: number;
  readonly qemuCpuSeconds: number | null;
  readonly passed: number;
  readonly cases: number;
  readonly instructions: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface GuestCost {
  /** Guest instructions per frame in the model's process call. */
  readonly model: number;
  /** Guest instructions per frame outside it: agent (base64, CRC-32, framing) and link driver. */
  readonly agent: number;
  /** Wall microseconds per streamed frame (RESET to last RESULT). */
  readonly wallMicrosPerFrame: number;
}

/** Stream one file through `firmware` and read the guest's work from STATS uptime (exact under
 *  -icount: the virtual clock stops while the guest waits in a semihosting read). */
async function guestCostPerFrame(firmware: string, samples: Int16Array, window: number, framing: FramingChoice): Promise<GuestCost> {
  const target = new QemuTarget(firmware);
  const link = await target.start();
  try {
    const s = await Session.open(link, { target: target.description, window, framing });
    const before = await s.stats();
    const t0 = performance.now();
    await s.reset();
    const r = await s.stream(samples);
    const wall = performance.now() - t0;
    const after = await s.stats();
    await s.close();
    const model = r.cycles.reduce((a, b) => a + b, 0);
    return { model: model / r.frames, agent: (Number(after.uptime) - Number(before.uptime) - model) / r.frames, wallMicrosPerFrame: (wall * 1000) / r.frames };
  } finally {
    await target.stop();
  }
}

export async function runQemuOverhead(argv: readonly string[] = [], machine?: MachineContext): Promise<BenchOutcome> {
  const f = parseFlags(argv);
  const repeats = flagNumber(f, 'repeats', 5);
  const framingFlag = flagString(f, 'framing', 'auto');
  if (framingFlag !== 'v1' && framingFlag !== 'v2' && framingFlag !== 'auto') throw new Error(`--framing ${framingFlag}: expected v1, v2 or auto`);
  const framing: FramingChoice = framingFlag;
  const suiteName = flagString(f, 'suite', 'speech');
  const cfgFile = loadConfig(undefined);
  const cfg = resolveConfig(cfgFile.file, cfgFile.path, { target: 'qemu', model: 'model-s' });
  const window = flagNumber(f, 'window', cfg.defaults.window);
  const [suite] = await loadSuites(cfg.defaults.vectorsDir, [suiteName]);
  const cases = suite!.cases;
  const files: BatchFile[] = [];
  for (const c of cases) {
    const wav = await readWav(c.input);
    requireMono16(wav, { rate: 16000 }, c.input);
    let golden: Int16Array | null = null;
    if (c.golden && c.goldenExists) golden = (await readWav(c.golden)).samples;
    files.push({ name: c.id, samples: wav.samples, golden });
  }
  const audioSeconds = files.reduce((a, x) => a + x.samples.length, 0) / 16000;

  const capacityRepeats = flagNumber(f, 'capacity-repeats', 3);
  const capBefore = await capacityBefore(machine, 2, capacityRepeats);
  const harness: HarnessRun[] = [];
  const batch: BatchRun[] = [];
  // r = -1: one unmeasured pair first. The first harness run in a process (or after another
  // benchmark) pays for JIT warm-up and QEMU's first translation of the image, 5-20 % slower.
  for (let r = -1; r < repeats; r++) {
    const child0 = childCpuSeconds();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { report } = await runRegression({
      runId: `bench-qemu-overhead-${r}`,
      profile: cfg.profile,
      cases,
      selection: { suites: [suiteName], tags: [], grep: null, shard: null, jobs: 1 },
      window,
      jobs: 1,
      retries: 0,
      params: { ...cfg.profile.params },
      baseline: null,
      command: ['bench', 'qemu-overhead'],
      quality: false, // the streaming cost: the quality figures are measured after each case, off the link (hil run --no-quality)
      framing,
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const hostCpuSeconds = cpuSecondsSince(cpu0);
    const child1 = childCpuSeconds();
    if (r < 0) {
      await runBatch(files);
      continue;
    }
    harness.push({
      wallSeconds,
      streamSeconds: report.cases.reduce((a, c) => a + c.wallMs / 1000, 0),
      hostCpuSeconds,
      qemuCpuSeconds: child0 === null || child1 === null ? null : child1 - child0,
      passed: report.summary.passed,
      cases: report.cases.length,
      instructions: report.cases.reduce((a, c) => a + (c.counts ?? []).reduce((s, v) => s + v, 0), 0),
    });
    batch.push(await runBatch(files));
  }
  const capAfter = await measureCapacity({ procs: 2, repeats: capacityRepeats });
  const cap = bracket(capBefore, capAfter);
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const contended = isContended(capBefore, cpus) || isContended(capAfter, cpus);
  const guest = await guestCostPerFrame(cfg.profile.firmware, files[0]!.samples, window, framing);
  // the same stream through the gain model (a few thousand instructions a frame): what the
  // protocol and the semihosting link cost per frame with next to no model work
  const gainImage = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-gain-semihost.elf');
  const floor = existsSync(gainImage) ? await guestCostPerFrame(gainImage, files[0]!.samples, window, framing) : null;
  const placement = compareModelPlacement(cfg.profile.firmware, BATCH_IMAGE);
  const exact = batch.every((b) => b.files.every((x) => x.bitExact === true));
  const allPassed = harness.every((h) => h.passed === h.cases);
  const hWall = median(harness.map((h) => h.wallSeconds));
  const bWall = median(batch.map((b) => b.wallSeconds));
  const ratio = hWall / bWall;
  const hStream = median(harness.map((h) => h.streamSeconds));
  const bInstr = batch[0]!.files.reduce((a, x) => a + x.instructions.total, 0);
  const hInstr = harness[0]!.instructions;
  const frames = batch[0]!.files.reduce((a, x) => a + x.frames, 0);
  // the harness's own CPU against the batch wall: what it adds when it cannot overlap QEMU
  const hCpu = median(harness.map((h) => h.hostCpuSeconds));
  const serialShare = hCpu / bWall;
  const rows = [
    ['harness: hil run --suite ' + suiteName + ' (in-process, QEMU semihost link)', harness.map((h) => fixed(h.wallSeconds, 3)).join(' / '), fixed(hWall, 3), `${fixed(audioSeconds / hWall, 1)}x`, fixed(median(harness.map((h) => h.hostCpuSeconds)), 2), fixed(median(harness.map((h) => h.qemuCpuSeconds ?? NaN)), 2), allPassed ? 'all golden' : 'MISMATCH'],
    ['QEMU alone: batch image, audio preloaded, no host I/O', batch.map((b) => fixed(b.wallSeconds, 3)).join(' / '), fixed(bWall, 3), `${fixed(audioSeconds / bWall, 1)}x`, '-', fixed(median(batch.map((b) => b.qemuCpuSeconds ?? NaN)), 2), exact ? 'all golden' : 'MISMATCH'],
  ];
  const text = [
    `## Harness overhead on QEMU: ${suiteName} suite (${cases.length} files, ${audioSeconds.toFixed(1)} s of audio, ${frames} frames), window ${window}, ${os.availableParallelism?.() ?? os.cpus().length} CPUs`,
    '',
    table(['run', 'wall s (each repeat)', 'median wall s', 'audio s / wall s', 'harness CPU s', 'QEMU CPU s', 'outputs'], rows),
    '',
    `Overhead ratio (median harness wall / median batch wall): **${ratio.toFixed(2)}** (goal <= ${GOAL_OVERHEAD}).`,
    '',
    ...capacityLines(capBefore, capAfter),
    `The ratio is not normalised: both sides run at the core's speed. It does depend on whether a second core is free: the harness's own CPU ` +
      `(${hCpu.toFixed(2)} s, ${serialShare.toFixed(2)}x the batch wall) can overlap QEMU only then, so one core's worth adds at most ${serialShare.toFixed(2)} to the ratio. ` +
      `That CPU also bounds the ratio from below on any machine (the harness's JavaScript runs on one thread): at least ${serialShare.toFixed(2)}.` +
      (contended ? ' This run was contended: expect the ratio above its idle value.' : ''),
    "The audio-s-per-wall-s figures are raw: they follow the core's speed and, as QEMU runs a vCPU thread beside its I/O thread, the free capacity too; a one-thread spin is no yardstick for them, so they are not normalised.",
    '',
    `Streaming alone (sum of the cases' first-RESET-to-last-RESULT time, median): ${hStream.toFixed(3)} s; the rest of the harness wall is QEMU start-up, handshake and golden comparison.`,
    `Model code placement (TCG chains translated blocks only within a 1 KiB page, so both images must lay the model out alike): ` +
      (placement === null
        ? 'not checked (arm-none-eabi-nm not installed).'
        : placement.moved.length === 0
          ? `identical, ${placement.functions} model functions at the same addresses and sizes in both images.`
          : `DIFFERENT: ${placement.moved.length} of ${placement.functions} model functions moved (${placement.moved.slice(0, 5).join(', ')}): the ratio mixes in code-layout luck.`),
    `Guest instructions in the model's process call: harness run ${hInstr}, batch ${bInstr} ` +
      `(${hInstr === bInstr ? 'identical' : `${((hInstr - bInstr) / frames).toFixed(1)} per frame apart: the call sites differ inside the timed window`}); batch stack high-water ${batch[0]!.stackHwm} B.`,
    `Guest work per frame over the protocol (STATS uptime over one file): model ${guest.model.toFixed(0)} instructions, ` +
      `agent + link ${guest.agent.toFixed(0)} (${((guest.agent / guest.model) * 100).toFixed(1)} % on top of the model): framing (${framing}), CRC-32 and semihosting calls on the Cortex-M4.`,
    `Per frame of that file: ${guest.wallMicrosPerFrame.toFixed(0)} us streamed by the harness, ${((bWall / frames) * 1e6).toFixed(0)} us in the batch (start-up included)` +
      (floor
        ? `; the gain model (${floor.model.toFixed(0)} instructions a frame) streams at ${floor.wallMicrosPerFrame.toFixed(0)} us a frame: the per-frame cost of the agent and the ` +
          "semihosting calls (a SYS_WRITE per frame, a SYS_READ per few frames), which QEMU runs on its one vCPU thread in series with the model, plus the harness's own work."
        : '.'),
  ].join('\n');
  const goals: Goal[] = [
    {
      goal: `harness wall time on QEMU <= ${GOAL_OVERHEAD}x QEMU alone (${suiteName} suite)`,
      met: exact && allPassed ? ratio <= GOAL_OVERHEAD : null,
      detail: exact && allPassed
        ? `${ratio.toFixed(2)}x (median of ${repeats}: ${hWall.toFixed(3)} s vs ${bWall.toFixed(3)} s)` +
          (placement !== null && placement.moved.length > 0 ? '; the model code is laid out differently in the two images' : '') +
          `; capacity ${capBefore.parallelCapacity.toFixed(2)} before, ${capAfter.parallelCapacity.toFixed(2)} after` +
          (contended ? ` (contended: not comparable with an idle run; the harness's CPU is ${serialShare.toFixed(2)} of the batch wall)` : '')
        : 'outputs did not match the goldens: no figure',
    },
  ];
  return {
    name: 'qemu-overhead',
    json: { environment: benchEnvironment(), guestPerFrame: guest, gainModelPerFrame: floor, modelPlacement: placement, suite: suiteName, cases: cases.length, audioSeconds, frames, window, repeats, batchImage: BATCH_IMAGE, harness, batch, medianHarnessWall: hWall, medianBatchWall: bWall, overheadRatio: ratio, harnessInstructions: hInstr, batchInstructions: bInstr,
      capacity: capacityJson(capBefore, capAfter), contended, harnessCpuShareOfBatchWall: serialShare, singleProcessSpeed: cap.singleSpeed },
    text,
    goals,
    capacity: { before: capBefore, after: capAfter },
  };
}

if (isMain(import.meta.url)) await finish(await runQemuOverhead(process.argv.slice(2)));
