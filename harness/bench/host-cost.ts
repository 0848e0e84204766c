/**
 * Bench: the harness's own CPU at real-time rate. A regression run (the runner in-process: what
 * `hil run --suite speech` runs minus writing report files) streams speech through the host
 * simulator behind a serial line modelled in a separate process (paced-relay.ts), so the link,
 * not the target, sets the pace, as with a board: 460800 baud carries 1.004x real time, 921600
 * about 2x. CPU time of this process (user + system: session, codec, golden comparison, runner)
 * per second of audio streamed, x 100 = % of one core at real-time rate. Goal < 2 %.
 *
 *   npx tsx harness/bench/host-cost.ts [--baud 460800,921600] [--budget-s 20]
 *
 * Each baud rate streams whole speech files in manifest order until `budget-s` seconds of wall
 * time at the link's capacity are covered.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { loadConfig } from '../src/config/load-config.ts';
import { resolveConfig } from '../src/config/resolve-config.ts';
import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { hilFraming, payloadCapacity } from '../src/perf/link-efficiency.ts';
import { runRegression } from '../src/runner/run.ts';
import { loadSuites } from '../src/runner/suites.ts';
import { readWav } from '../src/dsp/wav.ts';
import { benchEnvironment, cpuSecondsSince, finish, fixed, flagList, flagNumber, isMain, parseFlags, table, type BenchOutcome, type Goal } from './bench-io.ts';
import { writeRelayScript } from './paced-relay.ts';

export const GOAL_HOST_CPU_PERCENT = 2;

export interface HostCostRow {
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

/**
 * CPU of a bare Node process that only receives `chunksPerSecond` reads of `bytes` bytes from a
 * pipe (another process writes them): the floor any Node harness pays for that read pattern.
 */
export async function readFloor(chunksPerSecond: number, bytes: number, seconds: number): Promise<number> {
  const writer = `const b = Buffer.alloc(${bytes}, 65); const n = ${Math.round(chunksPerSecond * seconds)}; let k = 0; const t0 = performance.now();
function tick() { const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * ${chunksPerSecond})); while (k < due) { process.stdout.write(b); k++; } if (k < n) setTimeout(tick, 1); else process.stdout.end(); }
tick();`;
  const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => undefined);
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  return (cpuSecondsSince(cpu0) / ((performance.now() - t0) / 1000)) * 100;
}

export async function runHostCost(argv: readonly string[] = []): Promise<BenchOutcome> {
  const f = parseFlags(argv);
  const bauds = flagList(f, 'baud', [460800, 921600]);
  const budget = flagNumber(f, 'budget-s', 20);
  const sim = path.join(FIRMWARE_BUILD, 'host', 'hil-sim-model-s');
  const cfgFile = loadConfig(undefined);
  const base = resolveConfig(cfgFile.file, cfgFile.path, { target: 'sim', model: 'model-s' });
  const [suite] = await loadSuites(base.defaults.vectorsDir, ['speech']);
  if (!suite) throw new Error('no speech suite');
  const lengths = await Promise.all(suite.cases.map(async (c) => (await readWav(c.input)).frames / 16000));
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-host-cost-'));
  const rows: HostCostRow[] = [];
  try {
    for (const baud of bauds) {
      const capacity = payloadCapacity(hilFraming(160), baud).payloadBytesPerSecond / 32000; // x real time
      const cases = [];
      let audio = 0;
      for (let i = 0; i < suite.cases.length && audio < budget * capacity; i++) {
        cases.push(suite.cases[i]!);
        audio += lengths[i]!;
      }
      const profile = { ...base.profile, firmware: writeRelayScript(dir, sim, baud), description: `host simulator behind a ${baud}-baud line (separate process)` };
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      // steady state: from the end of the first case (start-up, JIT warm-up, first golden) to the end
      const ends: Array<{ cpu: NodeJS.CpuUsage; t: number; audio: number; frames: number }> = [];
      const { report } = await runRegression({
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
        command: ['bench', 'host-cost', `--baud=${baud}`],
      });
      const wallSeconds = (performance.now() - t0) / 1000;
      const cpu = cpuSecondsSince(cpu0);
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
        steady,
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
  const rt = rows.find((r) => r.realTimeFactor <= 1.1) ?? rows[0];
  // What the same read pattern costs a Node process that does nothing with the bytes: the relay's
  // pacer hands over about 49-byte reads (measured: 9.4 reads per 459-byte RESULT line).
  const readsPerSecond = rt ? (rt.realTimeFactor * 100 * 459) / 49 : 0;
  const floorPct = rt ? await readFloor(readsPerSecond, 49, 5) : null;
  const text = [
    '## Host cost at link speed: speech through the host simulator behind a serial line (separate process)',
    '',
    table(
      ['baud', 'files', 'audio s', 'wall s', 'x real time', 'harness CPU s', 'CPU % of one core at RT (whole run)', 'steady state: CPU % at RT', 'steady CPU us/frame', 'passed'],
      rows.map((r) => [r.baud, r.cases, fixed(r.audioSeconds, 1), fixed(r.wallSeconds, 1), `${fixed(r.realTimeFactor, 2)}x`, fixed(r.hostCpuSeconds, 2), fixed(r.cpuPercentOfRealTime, 2), fixed(r.steady?.cpuPercentOfRealTime ?? null, 2), r.steady ? Math.round(r.steady.cpuMicrosPerFrame) : 'n/a', `${r.passed}/${r.cases}`]),
    ),
    '',
    floorPct === null
      ? ''
      : `Floor: a bare Node process receiving the same read pattern (49-byte reads, ${Math.round(readsPerSecond)} a second) ` +
        `spends ${floorPct.toFixed(2)} % of one core doing nothing else; the rest of the real-time figure is the harness's own work.`,
    '',
    'CPU is this whole process (every thread: the runner, session, codec, golden comparison, and tsx compiling the harness on first use); ' +
      'the line model runs in its own process, as a UART would. "Whole run" includes start-up and the first case (JIT warm-up, first golden); ' +
      '"steady state" counts the cases after the first, which is what a long regression on a board costs per audio second.',
  ].join('\n');
  const goals: Goal[] = rt
    ? [
        {
          goal: `harness CPU < ${GOAL_HOST_CPU_PERCENT} % of one core at real-time rate (link-paced)`,
          met: (rt.steady?.cpuPercentOfRealTime ?? rt.cpuPercentOfRealTime) < GOAL_HOST_CPU_PERCENT,
          detail:
            `${fixed(rt.steady?.cpuPercentOfRealTime ?? null, 2)} % in steady state, ${rt.cpuPercentOfRealTime.toFixed(2)} % over the whole run with start-up, ` +
            `at ${rt.baud} baud (${rt.realTimeFactor.toFixed(2)}x real time, ${rt.audioSeconds.toFixed(1)} s of audio)`,
        },
      ]
    : [];
  return { name: 'host-cost', json: { environment: benchEnvironment(), budgetSeconds: budget, rows, readFloorCpuPercent: floorPct }, text, goals };
}

if (isMain(import.meta.url)) await finish(await runHostCost(process.argv.slice(2)));
