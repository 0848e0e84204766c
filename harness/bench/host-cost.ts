/**
 * Bench: the harness's own CPU at real-time rate. A regression run (the runner in-process: what
 * `hil run --suite speech` runs minus writing report files) streams speech through the host
 * simulator behind a serial line modelled in a separate process (paced-relay.ts), so the link,
 * not the target, sets the pace, as with a board: 460800 baud carries 1.004x real time, 921600
 * about 2x. CPU time of this process (user + system: session, codec, golden comparison, runner)
 * per second of audio streamed, x 100 = % of one core at real-time rate. Goal < 2 %.
 *
 * Two links: `pipe`, the relay as a `sim` firmware on the harness's pipes, and `pty`, the relay
 * behind a pseudo-terminal opened with `serialport` by the `board` target (flasher and reset
 * `none`), which is how a board's USB-serial port reaches the harness (needs python3 for the pty).
 *
 *   npx tsx harness/bench/host-cost.ts [--baud 460800,921600] [--budget-s 20] [--warmup-s 60] [--link pipe,pty] [--repeats 3]
 *
 * The rows at real-time rate (the slowest baud rate, where the goal is judged) run `repeats`
 * times, alternating links; the goal uses the median of their steady-state figures, because a
 * single 25 s run on a shared 2-core VM varies by up to +-0.6 points.
 *
 * Each baud rate streams whole speech files in manifest order until `budget-s` seconds of wall
 * time at the link's capacity are covered.
 *
 * CPU time scales with the core's speed, not with other load (waiting for a CPU is not CPU time),
 * so the figures are also given at the reference core's speed: raw x the core speed measured
 * (machine-capacity.ts) right before and right after, averaged; the goal is judged on that. It is
 * an approximation: the harness's work (system calls, wake-ups, copies) does not scale exactly as
 * the integer spin does. The capacity is printed too: contention changes when the harness wakes
 * (later wake-ups, bigger reads), which can move the figure either way: compare runs made at a
 * similar capacity.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { TargetProfile } from '../src/config/config-types.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { resolveConfig } from '../src/config/resolve-config.ts';
import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { hilFramingV2, payloadCapacity } from '../src/perf/link-efficiency.ts';
import { readCoalesceMs } from '../src/transport/direct-fd-io.ts';
import { runRegression } from '../src/runner/run.ts';
import { loadSuites } from '../src/runner/suites.ts';
import { readWav } from '../src/dsp/wav.ts';
import { bracket } from '../src/perf/parallel-capacity.ts';
import { benchEnvironment, cpuSecondsSince, finish, fixed, flagList, flagNumber, isMain, parseFlags, table, type BenchOutcome, type Goal } from './bench-io.ts';
import { capacityBefore, capacityJson, capacityLines, measureCapacity, type MachineContext } from './machine-capacity.ts';
import { readFloor, readFloorSerial } from './read-floor.ts';
import { startPtyRelay, writeRelayScript, type PtyRelay } from './paced-relay.ts';

export const GOAL_HOST_CPU_PERCENT = 2;
/** Issue 17: over serialport, as a board, at most 1 % of a core at real-time rate. */
export const GOAL_HOST_CPU_PERCENT_SERIAL = 1;

export type BenchLink = 'pipe' | 'pty';

export interface HostCostRow {
  /** A warm-up run: shown, not judged. */
  readonly warmup: boolean;
  /** 0 for the first run of this link and rate, 1.. for the repeats at real-time rate (and the
   *  warm-up runs). */
  readonly repeat: number;
  readonly link: BenchLink;
  readonly baud: number;
  readonly cases: number;
  readonly audioSeconds: number;
  readonly wallSeconds: number;
  readonly realTimeFactor: number;
  readonly hostCpuSeconds: number;
  /** CPU seconds per audio second x 100: % of one core at real-time rate. */
  readonly cpuPercentOfRealTime: number;
  /** CPU seconds per wall second x 100: % of one core during this run. */
  readonly cpuPercentOfWall: number;
  readonly cpuMicrosPerFrame: number;
  readonly passed: number;
  /** The cases after the first (start-up and warm-up excluded), or null with one case. */
  readonly steady: { readonly cases: number; readonly audioSeconds: number; readonly cpuSeconds: number; readonly cpuPercentOfRealTime: number; readonly cpuMicrosPerFrame: number } | null;
}

/** The framing the runs negotiate (auto: v2 with this firmware). */
const FRAMING = hilFramingV2(160);

const hasPty = (): boolean => spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

export async function runHostCost(argv: readonly string[] = [], machine?: MachineContext): Promise<BenchOutcome> {
  const f = parseFlags(argv);
  const bauds = flagList(f, 'baud', [460800, 921600]);
  const budget = flagNumber(f, 'budget-s', 20);
  const warmupS = flagNumber(f, 'warmup-s', 60);
  const repeats = flagNumber(f, 'repeats', 3);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats needs an integer >= 1');
  const linkFlag = f.get('link');
  const wanted = (typeof linkFlag === 'string' ? linkFlag.split(',') : ['pipe', 'pty']) as BenchLink[];
  for (const l of wanted) if (l !== 'pipe' && l !== 'pty') throw new Error(`--link: ${JSON.stringify(l)} is not pipe or pty`);
  const ptyMissing = wanted.includes('pty') && !hasPty();
  const links = wanted.filter((l) => l === 'pipe' || !ptyMissing);
  const sim = path.join(FIRMWARE_BUILD, 'host', 'hil-sim-model-s');
  const cfgFile = loadConfig(undefined);
  const base = resolveConfig(cfgFile.file, cfgFile.path, { target: 'sim', model: 'model-s' });
  const [suite] = await loadSuites(base.defaults.vectorsDir, ['speech']);
  if (!suite) throw new Error('no speech suite');
  const lengths = await Promise.all(suite.cases.map(async (c) => (await readWav(c.input)).frames / 16000));
  const capacityRepeats = flagNumber(f, 'capacity-repeats', 3);
  const capBefore = await capacityBefore(machine, 2, capacityRepeats);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-host-cost-'));
  const rows: HostCostRow[] = [];
  try {
    // Warm-up first, not judged: the first regression in a process pays for JIT compilation and
    // lazy module loading, and code that runs once per wake-up (a few dozen times a second at
    // real-time rate) is optimised only after a minute or so of streaming: on the serial link the
    // same code cost 1.5-2x its final figure in the first 20 s, falling for about 80 s. So each
    // link first streams `warmup-s` seconds of wall time at the real-time rate; that row is shown
    // (the cost of a short run), and the rows after it give the steady state of a long regression.
    const slowest = Math.min(...bauds);
    const suiteSeconds = lengths.reduce((a, b) => a + b, 0);
    const rtCapacity = payloadCapacity(FRAMING, slowest).payloadBytesPerSecond / 32000;
    const warmupRuns = warmupS > 0 ? Math.ceil((warmupS * rtCapacity) / suiteSeconds) : 0;
    const plan = [
      ...links.flatMap((l) => Array.from({ length: warmupRuns }, (_, k) => ({ link: l, baud: slowest, warmup: true, repeat: k }))),
      ...links.flatMap((l) => bauds.map((b) => ({ link: l, baud: b, warmup: false, repeat: 0 }))),
      ...Array.from({ length: repeats - 1 }, (_, k) => links.map((l) => ({ link: l, baud: slowest, warmup: false, repeat: k + 1 }))).flat(),
    ];
    for (const { link, baud, warmup, repeat } of plan) {
      const capacity = payloadCapacity(FRAMING, baud).payloadBytesPerSecond / 32000; // x real time
      const cases = [];
      let audio = 0;
      const wanted = warmup ? (warmupS * capacity) / warmupRuns : budget * capacity; // seconds of audio
      for (let i = 0; i < suite.cases.length && audio < wanted; i++) {
        cases.push(suite.cases[i]!);
        audio += lengths[i]!;
      }
      const relay = writeRelayScript(dir, sim, baud);
      let pty: PtyRelay | undefined;
      let profile: TargetProfile;
      if (link === 'pipe') {
        profile = { ...base.profile, firmware: relay, description: `host simulator behind a ${baud}-baud line (separate process)` };
      } else {
        pty = await startPtyRelay(relay);
        const description = `host simulator behind a ${baud}-baud line on a pty (${pty.path}, serialport)`;
        const file = { ...cfgFile.file, targets: { ...cfgFile.file?.targets, 'bench-pty': { kind: 'board' as const, description, port: { path: pty.path }, baudRate: baud, flasher: { type: 'none' as const }, reset: 'none' as const, counter: 'none' as const } } };
        profile = resolveConfig(file, cfgFile.path, { target: 'bench-pty', model: 'model-s' }).profile;
      }
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      // steady state: from the end of the first case (start-up, JIT warm-up, first golden) to the end
      const ends: Array<{ cpu: NodeJS.CpuUsage; t: number; audio: number; frames: number }> = [];
      const run = runRegression({
        hooks: { onCaseEnd: (c) => void ends.push({ cpu: process.cpuUsage(), t: performance.now(), audio: c.audioSeconds, frames: c.frames }) },
        runId: `bench-host-cost-${baud}`,
        profile,
        cases,
        selection: { suites: ['speech'], tags: [], grep: null, shard: null, jobs: 1 },
        window: base.defaults.window,
        jobs: 1,
        retries: 0,
        params: {},
        baseline: null,
        command: ['bench', 'host-cost', `--baud=${baud}`, `--link=${link}`],
        quality: false, // the streaming cost: the quality figures are measured after each case, off the link (hil run --no-quality)
      });
      const { report } = await run.catch(async (e: unknown) => {
        await pty?.stop();
        throw e;
      });
      const wallSeconds = (performance.now() - t0) / 1000;
      const cpu = cpuSecondsSince(cpu0);
      await pty?.stop();
      const frames = report.cases.reduce((a, c) => a + c.frames, 0);
      const last = ends[ends.length - 1];
      const steady =
        ends.length >= 2 && last
          ? (() => {
              const cpuS = cpuSecondsSince(ends[0]!.cpu) - cpuSecondsSince(last.cpu);
              const audioS = ends.slice(1).reduce((a, e) => a + e.audio, 0);
              return { cases: ends.length - 1, audioSeconds: audioS, cpuSeconds: cpuS, cpuPercentOfRealTime: (cpuS / audioS) * 100, cpuMicrosPerFrame: (cpuS / ends.slice(1).reduce((a, e) => a + e.frames, 0)) * 1e6 };
            })()
          : null;
      rows.push({
        warmup,
        repeat,
        steady,
        link,
        baud,
        cases: cases.length,
        audioSeconds: report.summary.audioSeconds,
        wallSeconds,
        realTimeFactor: report.summary.audioSeconds / wallSeconds,
        hostCpuSeconds: cpu,
        cpuPercentOfRealTime: (cpu / report.summary.audioSeconds) * 100,
        cpuPercentOfWall: (cpu / wallSeconds) * 100,
        cpuMicrosPerFrame: (cpu / frames) * 1e6,
        passed: report.summary.passed,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const judged = rows.filter((r) => !r.warmup);
  // the goals are judged at the slowest rate (the one nearest real time)
  const atRealTime = (l: BenchLink) => judged.find((r) => r.link === l && r.baud === Math.min(...bauds));
  const rt = atRealTime('pipe');
  const rtPty = atRealTime('pty');
  /** The repeats of `r`'s link and rate: their steady figures, sorted, and the median. */
  const spread = (r: HostCostRow) => {
    const xs = judged.filter((x) => x.link === r.link && x.baud === r.baud).map((x) => x.steady?.cpuPercentOfRealTime ?? x.cpuPercentOfRealTime).sort((a, b) => a - b);
    return { xs, median: xs[Math.floor((xs.length - 1) / 2)]! };
  };
  // What the same read pattern costs a Node process that does nothing with the bytes: the relay's
  // pacer hands over about 49-byte chunks.
  const resultBytes = FRAMING.deviceToHost.wireBytes;
  const chunksPerSecond = (r: HostCostRow): number => (r.realTimeFactor * 100 * resultBytes) / 49;
  const floorPct = rt ? await readFloor(chunksPerSecond(rt), 49, 5) : null;
  const floorPty = rtPty ? await readFloorSerial(chunksPerSecond(rtPty), 49, 5, readCoalesceMs(rtPty.baud)) : null;
  const capAfter = await measureCapacity({ procs: 2, repeats: capacityRepeats });
  const speed = bracket(capBefore, capAfter).coreSpeed;
  const text = [
    '## Host cost at link speed: speech through the host simulator behind a serial line (separate process)',
    '',
    table(
      ['link', 'baud', 'run', 'files', 'audio s', 'wall s', 'x real time', 'harness CPU s', 'CPU % of one core at RT (whole run)', 'steady state: CPU % at RT', 'steady CPU us/frame', 'passed'],
      rows.map((r) => [r.link, r.baud, r.warmup ? `warm-up ${r.repeat + 1}` : r.repeat + 1, r.cases, fixed(r.audioSeconds, 1), fixed(r.wallSeconds, 1), `${fixed(r.realTimeFactor, 2)}x`, fixed(r.hostCpuSeconds, 2), fixed(r.cpuPercentOfRealTime, 2), fixed(r.steady?.cpuPercentOfRealTime ?? null, 2), r.steady ? Math.round(r.steady.cpuMicrosPerFrame) : 'n/a', `${r.passed}/${r.cases}`]),
    ),
    '',
    floorPct === null
      ? ''
      : `Floor: a bare Node process receiving the same read pattern (49-byte reads, ${rt ? Math.round(chunksPerSecond(rt)) : 0} a second) ` +
        `spends ${floorPct.toFixed(2)} % of one core doing nothing else; the rest of the real-time figure is the harness's own work.`,
    floorPty === null
      ? ''
      : `Floor of the pty link: the same read pattern through a pseudo-terminal read with serialport (fd read directly, as the board link does) costs ${floorPty.toFixed(2)} % of one core.`,
    ptyMissing ? 'The pty link was not measured: python3 (its pty module makes the pseudo-terminal) is not available.' : '',
    '',
    ...capacityLines(capBefore, capAfter),
    `At the reference core's speed (raw x ${speed.toFixed(2)}, the core speed measured before and after): ` +
      [rt, rtPty].filter((r): r is HostCostRow => r !== undefined).map((r) => `${r.link} ${(spread(r).median * speed).toFixed(2)} % (raw ${spread(r).median.toFixed(2)} %)`).join(', ') +
      ' in steady state at real-time rate; the goals are judged on these.',
    '',
    'CPU is this whole process (every thread: the runner, session, codec, golden comparison, and tsx compiling the harness on first use); ' +
      `the line model runs in its own process, as a UART would. Each link first streams ${warmupS} s of wall time (the warm-up rows, not judged: the JIT optimises code that runs once per wake-up only after a minute or so); "whole run" still includes each row's start-up and first case; ` +
      '"steady state" counts the cases after the first, which is what a long regression on a board costs per audio second.',
  ].join('\n');
  const goal = (r: HostCostRow, what: string, limit: number): Goal => {
    const { xs, median } = spread(r);
    return {
      goal: `harness CPU <= ${limit} % of one reference core at real-time rate (link-paced, ${what})`,
      met: median * speed <= limit,
      detail:
        `${(median * speed).toFixed(2)} % at the reference core's speed; raw ${median.toFixed(2)} % in steady state on a core ${speed.toFixed(2)}x the reference (median of ${xs.length} runs: ${xs.map((x) => x.toFixed(2)).join(' / ')}), ` +
        `${r.cpuPercentOfRealTime.toFixed(2)} % over the first whole run with start-up, ` +
        `at ${r.baud} baud (${r.realTimeFactor.toFixed(2)}x real time, ${r.audioSeconds.toFixed(1)} s of audio each)`,
    };
  };
  const goals: Goal[] = [
    ...(rt ? [goal(rt, 'pipe to the sim', GOAL_HOST_CPU_PERCENT)] : []),
    ...(rtPty ? [goal(rtPty, 'serialport on a pty, as a board', GOAL_HOST_CPU_PERCENT_SERIAL)] : []),
  ];
  return { name: 'host-cost', json: { environment: benchEnvironment(), budgetSeconds: budget, repeats, links, rows, readFloorCpuPercent: floorPct, readFloorSerialCpuPercent: floorPty,
      capacity: capacityJson(capBefore, capAfter), coreSpeed: speed,
      steadyCpuPercentAtReferenceSpeed: { pipe: rt ? spread(rt).median * speed : null, pty: rtPty ? spread(rtPty).median * speed : null } },
    text,
    goals,
    capacity: { before: capBefore, after: capAfter },
  };
}

if (isMain(import.meta.url)) await finish(await runHostCost(process.argv.slice(2)));
