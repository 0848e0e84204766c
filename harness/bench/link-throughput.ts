/**
 * Bench: does the session saturate a serial link? Streams the `speech` suite through the host
 * simulator over pacedLink (each direction limited to baud/10 bytes/s, full duplex) at several
 * baud rates and windows, and prints the achieved audio payload throughput as a fraction of what
 * the framing can carry at that rate (baud/10 x payload efficiency of the bottleneck direction,
 * the RESULT line). Goal: >= 0.9 with window >= 4; window 1 shows the stop-and-wait cost.
 *
 *   npx tsx harness/bench/link-throughput.ts [--baud 115200,460800,921600] [--window 1,2,4,8]
 *       [--budget-s 5] [--full] [--firmware firmware/build/host/hil-sim-model-s]
 *       [--latency-ms 4] [--latency-baud 921600] [--latency-budget-s 2]
 *
 * The simulator answers at once; a board adds its model time and a USB-serial bridge adds its
 * latency to every round trip, which the window must cover. A second series therefore repeats the
 * windows at `latency-baud` with `latency-ms` of extra one-way delay (0 skips it): it is what the
 * default window is chosen from.
 *
 * To keep the bench short, each configuration streams the suite's files in manifest order until
 * it has streamed `budget-s` seconds of wall time's worth of audio at the link's capacity (the
 * last file cut short): 5 s budget = about 1.25 s of audio at 115200 baud and 10 s at 921600.
 * `--full` streams the whole suite in every configuration (slow at low baud). Each configuration
 * gets a fresh simulator and session; timing runs from the first RESET to the last RESULT.
 */
import path from 'node:path';

import { FIRMWARE_BUILD, VECTORS_DIR } from '../src/core/paths.ts';
import { readWav, requireMono16 } from '../src/dsp/wav.ts';
import { hilFramingOf, payloadCapacity } from '../src/perf/link-efficiency.ts';
import { realtimeFeasibility } from '../src/perf/realtime-feasibility.ts';
import { loadSuites } from '../src/runner/suites.ts';
import { Session } from '../src/session/session.ts';
import { SESSION_DEFAULTS, type FramingChoice } from '../src/session/session-options.ts';
import { SimTarget } from '../src/targets/sim-target.ts';
import type { ByteLink } from '../src/transport/byte-link.ts';
import { pacedLink } from '../src/transport/pacing-link.ts';
import { benchEnvironment, cpuSecondsSince, finish, fixed, flagList, flagNumber, flagString, isMain, parseFlags, table, type BenchOutcome, type Goal } from './bench-io.ts';

export const GOAL_FRACTION = 0.9;
/** Framing v2's goal (issue 17): with window >= 4, with and without added latency. */
export const GOAL_FRACTION_V2 = 0.95;
const RATE = 16000;
const HOP = 160;

export interface Clip {
  readonly name: string;
  readonly samples: Int16Array;
}

export interface ThroughputRow {
  /** The session's framing (PROTOCOL.md 8). */
  readonly framing: 1 | 2;
  readonly baud: number;
  /** Extra one-way latency, ms. */
  readonly latencyMs: number;
  readonly window: number;
  readonly effectiveWindow: number;
  readonly audioSeconds: number;
  readonly frames: number;
  readonly files: number;
  readonly wallSeconds: number;
  /** Audio payload bytes/s achieved (2 bytes a sample). */
  readonly payloadBytesPerSecond: number;
  readonly capacityBytesPerSecond: number;
  /** Achieved / capacity. */
  readonly fraction: number;
  /** Audio seconds per wall second. */
  readonly realTimeFactor: number;
  readonly wireBytesPerFrame: { readonly toDevice: number; readonly fromDevice: number };
  readonly resentLines: number;
  readonly timeouts: number;
  readonly srttMs: number;
  readonly hostCpuSeconds: number;
  /** Harness CPU seconds per audio second x 100: % of one core at real-time rate. */
  readonly hostCpuPercentOfRealTime: number;
}

export async function loadSpeech(): Promise<Clip[]> {
  const [suite] = await loadSuites(VECTORS_DIR, ['speech']);
  const clips: Clip[] = [];
  for (const c of suite!.cases) {
    const wav = await readWav(c.input);
    requireMono16(wav, { rate: RATE }, c.input);
    clips.push({ name: c.name, samples: wav.samples });
  }
  return clips;
}

/** The clips to stream: whole files in order, the last one cut, `samples` in total. */
export function selectAudio(clips: readonly Clip[], samples: number): Clip[] {
  const out: Clip[] = [];
  let left = samples;
  for (const c of clips) {
    if (left <= 0) break;
    const n = Math.min(left, c.samples.length);
    out.push({ name: c.name, samples: c.samples.subarray(0, n) });
    left -= n;
  }
  return out;
}

async function measure(firmware: string, baud: number, latencyMs: number, window: number, audio: readonly Clip[], framing: FramingChoice): Promise<ThroughputRow> {
  const target = new SimTarget(firmware);
  return measureOver({ link: await target.start(), stop: () => target.stop() }, baud, latencyMs, window, audio, framing);
}

/** Stream `audio` over `raw` paced to `baud` (and `latencyMs` one way); `stop` ends what carries it. */
export async function measureOver(carrier: { link: ByteLink; stop: () => Promise<void> }, baud: number, latencyMs: number, window: number, audio: readonly Clip[], framing: FramingChoice = 'auto'): Promise<ThroughputRow> {
  const raw = carrier.link;
  const link = pacedLink(raw, { baud, latencyMs });
  let session: Session | undefined;
  try {
    session = await Session.open(link, { target: link.description, window, framing });
    if (session.info.hop !== HOP || session.info.rate !== RATE) throw new Error(`the firmware streams ${session.info.rate} Hz x ${session.info.hop}, expected ${RATE} x ${HOP}`);
    const before = session.linkStats;
    const bytes0 = { toDevice: link.counts.toDevice, fromDevice: link.counts.fromDevice };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let frames = 0;
    let samples = 0;
    for (const clip of audio) {
      await session.reset();
      const r = await session.stream(clip.samples);
      frames += r.frames;
      samples += clip.samples.length;
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    const hostCpuSeconds = cpuSecondsSince(cpu0);
    const after = session.linkStats;
    const cap = payloadCapacity(hilFramingOf(session.framing, HOP), baud).payloadBytesPerSecond;
    const payload = (frames * HOP * 2) / wallSeconds; // padded last frames count: they crossed the link
    const audioSeconds = samples / RATE;
    return {
      framing: session.framing,
      baud,
      latencyMs,
      window,
      effectiveWindow: session.effectiveWindow,
      audioSeconds,
      frames,
      files: audio.length,
      wallSeconds,
      payloadBytesPerSecond: payload,
      capacityBytesPerSecond: cap,
      fraction: payload / cap,
      realTimeFactor: audioSeconds / wallSeconds,
      // Per frame, RESETs and their OKs included (a few bytes per file).
      wireBytesPerFrame: {
        toDevice: (link.counts.toDevice - bytes0.toDevice) / frames,
        fromDevice: (link.counts.fromDevice - bytes0.fromDevice) / frames,
      },
      resentLines: after.resentLines - before.resentLines,
      timeouts: after.timeouts - before.timeouts,
      srttMs: after.srttMs,
      hostCpuSeconds,
      hostCpuPercentOfRealTime: (hostCpuSeconds / audioSeconds) * 100,
    };
  } finally {
    await session?.close().catch(() => undefined);
    await carrier.stop();
  }
}

/** The smallest window meeting the goal in every configuration measured (null if none does). */
export function recommendWindow(rows: readonly ThroughputRow[], goal = GOAL_FRACTION): { window: number | null; reason: string } {
  const windows = [...new Set(rows.map((r) => r.window))].sort((a, b) => a - b);
  const meets = windows.filter((w) => rows.filter((r) => r.window === w).every((r) => r.fraction >= goal));
  if (meets.length === 0) return { window: null, reason: `no window reaches ${goal} of capacity at every baud rate` };
  const smallest = meets[0]!;
  return {
    window: smallest,
    reason: `window ${smallest} is the smallest reaching ${goal} of capacity at every baud rate measured; windows meeting it: ${meets.join(', ')}`,
  };
}

export async function runLinkThroughput(argv: readonly string[] = []): Promise<BenchOutcome> {
  const f = parseFlags(argv);
  const bauds = flagList(f, 'baud', [115200, 460800, 921600]);
  const windows = flagList(f, 'window', [1, 2, 4, 8]);
  const budget = flagNumber(f, 'budget-s', 5);
  const full = f.get('full') === true;
  const firmware = path.resolve(flagString(f, 'firmware', path.join(FIRMWARE_BUILD, 'host', 'hil-sim-model-s')));
  const clips = await loadSpeech();
  const suiteSamples = clips.reduce((n, c) => n + c.samples.length, 0);
  const latencyMs = flagNumber(f, 'latency-ms', 4);
  const latencyBaud = flagNumber(f, 'latency-baud', 921600);
  const latencyBudget = flagNumber(f, 'latency-budget-s', 2);
  const series: Array<{ baud: number; latencyMs: number; budget: number }> = bauds.map((baud) => ({ baud, latencyMs: 0, budget }));
  if (latencyMs > 0) series.push({ baud: latencyBaud, latencyMs, budget: latencyBudget });
  const framings = flagList(f, 'framing', [2, 1]).map((v) => (v === 2 ? 2 : 1) as 1 | 2);
  const rows: ThroughputRow[] = [];
  for (const fr of framings) {
    for (const s of series) {
      const cap = payloadCapacity(hilFramingOf(fr, HOP), s.baud).payloadBytesPerSecond;
      const samples = full ? suiteSamples : Math.min(suiteSamples, Math.round((s.budget * cap) / 2 / HOP) * HOP);
      const audio = selectAudio(clips, samples);
      for (const window of windows) {
        const r = await measure(firmware, s.baud, s.latencyMs, window, audio, fr === 2 ? 'v2' : 'v1');
        rows.push(r);
      }
    }
  }
  const rec = recommendWindow(rows.filter((r) => r.framing === framings[0]));
  const tableRows = rows.map((r) => [
    `v${r.framing}`,
    r.baud,
    r.latencyMs,
    r.window,
    fixed(r.audioSeconds, 2),
    fixed(r.wallSeconds, 2),
    Math.round(r.payloadBytesPerSecond),
    Math.round(r.capacityBytesPerSecond),
    fixed(r.fraction, 3),
    `${fixed(r.realTimeFactor, 2)}x`,
    `${fixed(r.wireBytesPerFrame.toDevice, 1)}/${fixed(r.wireBytesPerFrame.fromDevice, 1)}`,
    r.resentLines,
    fixed(r.hostCpuPercentOfRealTime, 2),
  ]);
  const feas = framings.flatMap((fr) => bauds.map((b) => `- v${fr}: ${realtimeFeasibility({ baud: b, rate: RATE, hop: HOP, framing: hilFramingOf(fr, HOP) }).message}`));
  const text = [
    `## Link throughput: speech suite through ${path.relative(process.cwd(), firmware)} over a paced link (8N1, full duplex)`,
    '',
    full
      ? 'Each configuration streams the whole speech suite.'
      : `Each configuration streams the speech suite in manifest order, limited to ${budget} s of link time at capacity ` +
        `(${latencyBudget} s in the latency series; the audio column says how much).`,
    '',
    table(
      ['framing', 'baud', 'latency ms', 'window', 'audio s', 'wall s', 'audio B/s', 'capacity B/s', 'achieved/capacity', 'x real time', 'wire B/frame down/up', 're-sent', 'harness CPU % of RT (incl. pacer)'],
      tableRows,
    ),
    '',
    'Real-time feasibility at these rates:',
    ...feas,
    '',
    `Smallest sufficient window: ${rec.window ?? 'n/a'} (${rec.reason}, latency series included); the session default is ${SESSION_DEFAULTS.window}.`,
  ].join('\n');
  const goalOf = (fr: 1 | 2, baud: number, latency: boolean): Goal | null => {
    const want = fr === 2 ? GOAL_FRACTION_V2 : GOAL_FRACTION;
    const big = rows.filter((r) => r.framing === fr && r.baud === baud && (r.latencyMs > 0) === latency && r.window >= 4);
    if (latency && big.length === 0) return null;
    const worst = big.length ? Math.min(...big.map((r) => r.fraction)) : null;
    return {
      goal: `framing v${fr}: >= ${want} of capacity with window >= 4 at ${baud} baud${latency ? ` with ${latencyMs} ms added latency` : ''}`,
      met: worst === null ? null : worst >= want,
      detail: worst === null ? 'no window >= 4 measured' : `worst ${worst.toFixed(3)}`,
    };
  };
  // v2's goal covers the latency series too; v1's never did (its window 4 falls short there)
  const goals: Goal[] = framings.flatMap((fr) => [...bauds.map((b) => goalOf(fr, b, false)), fr === 2 ? goalOf(fr, latencyBaud, true) : null].filter((g): g is Goal => g !== null));
  return {
    name: 'link-throughput',
    json: { environment: benchEnvironment(), firmware, budgetSeconds: full ? null : budget, latencySeries: latencyMs > 0 ? { baud: latencyBaud, latencyMs, budgetSeconds: latencyBudget } : null, rows, recommendedWindow: rec, sessionDefaultWindow: SESSION_DEFAULTS.window },
    text,
    goals,
  };
}

if (isMain(import.meta.url)) await finish(await runLinkThroughput(process.argv.slice(2)));
