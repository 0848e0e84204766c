/**
 * Bench: payload efficiency of the hil protocol next to the MLPerf Tiny runner's framing, for one
 * frame of the reference size, and the audio each carries at common baud rates (8N1). Computed,
 * not timed: it fixes the capacity the link-throughput bench measures against.
 *
 *   npx tsx harness/bench/link-efficiency.ts [--hop 160] [--rate 16000]
 */
import { directionEfficiency, hilFraming, hilFramingV2, mlperfTinyFraming, payloadCapacity, type FramingCost } from '../src/perf/link-efficiency.ts';
import { realtimeFeasibility } from '../src/perf/realtime-feasibility.ts';
import { benchEnvironment, finish, fixed, flagNumber, isMain, parseFlags, table, type BenchOutcome } from './bench-io.ts';

export const BAUD_RATES = [115200, 460800, 921600] as const;

function pct(x: number | null): string {
  return x === null ? 'n/a (no audio)' : `${(x * 100).toFixed(1)} %`;
}

export async function runLinkEfficiency(argv: readonly string[] = []): Promise<BenchOutcome> {
  const f = parseFlags(argv);
  const hop = flagNumber(f, 'hop', 160);
  const rate = flagNumber(f, 'rate', 16000);
  const framings: FramingCost[] = [hilFramingV2(hop), hilFraming(hop), mlperfTinyFraming(hop)];
  const rows: Array<Array<string | number>> = [];
  const json: Array<Record<string, unknown>> = [];
  for (const fr of framings) {
    for (const dir of ['hostToDevice', 'deviceToHost'] as const) {
      const d = fr[dir];
      const e = directionEfficiency(d);
      rows.push([fr.name, dir === 'hostToDevice' ? 'host->device' : 'device->host', d.messageBytes ?? d.payloadBytes, d.payloadBytes, d.wireBytes, d.lines, pct(e.messageEfficiency), pct(e.byteEfficiency), pct(e.lineEfficiency)]);
    }
    const caps = BAUD_RATES.map((baud) => {
      const c = payloadCapacity(fr, baud);
      const rt = realtimeFeasibility({ baud, rate, hop, framing: fr });
      return { baud, ...c, realTimeFactor: rt.ratio, feasible: rt.feasible, level: rt.level };
    });
    json.push({
      ...fr,
      efficiency: { hostToDevice: directionEfficiency(fr.hostToDevice), deviceToHost: directionEfficiency(fr.deviceToHost) },
      capacity: caps,
    });
  }
  const capRows = BAUD_RATES.map((baud) => [
    baud,
    baud / 10,
    ...framings.flatMap((fr) => {
      const c = payloadCapacity(fr, baud);
      return [Math.round(c.payloadBytesPerSecond), `${fixed(c.payloadBytesPerSecond / (2 * rate), 2)}x`];
    }),
  ]);
  const text = [
    `## Link efficiency (${hop}-sample int16 frames, ${rate} Hz; 8N1 = 10 bit times per byte)`,
    '',
    table(['framing', 'direction', 'payload B/frame', 'audio B/frame', 'wire B/frame', 'lines', 'payload/wire bytes', 'audio/wire bytes', 'audio bits/line bits'], rows),
    '',
    table(
      ['baud', 'raw B/s each way', 'hil v2 audio B/s', 'hil v2 x real time', 'hil v1 audio B/s', 'hil v1 x real time', 'MLPerf audio B/s', 'MLPerf x real time'],
      capRows,
    ),
    '',
    'Payload: the message payload (the samples; in RESULT also its cycle count and flags, 8 bytes); audio: the samples only.',
    'hil: capacity is set by its RESULT (device->host). MLPerf Tiny: by its hex db lines (host->device);',
    `it has no sample-return path, and its runner waits for m-ready after every db command (${framings[2]!.stopAndWaitRoundTrips} round trips per frame),`,
    'so its real throughput is lower still; the figures above count bytes only.',
  ].join('\n');
  const v2 = framings[0]!;
  const v2h = directionEfficiency(v2.hostToDevice).messageEfficiency!;
  const v2d = directionEfficiency(v2.deviceToHost).messageEfficiency!;
  const rt460 = realtimeFeasibility({ baud: 460800, rate, hop, framing: v2 }).ratio;
  const goals = [
    { goal: 'framing v2: payload / wire bytes >= 0.97 both ways', met: v2h >= 0.97 && v2d >= 0.97, detail: `${pct(v2h)} host->device, ${pct(v2d)} device->host (audio alone: ${pct(directionEfficiency(v2.deviceToHost).byteEfficiency)} device->host)` },
    { goal: 'framing v2: real-time capacity >= 1.35x at 460800 baud', met: rt460 >= 1.35, detail: `${fixed(rt460, 3)}x (v1: ${fixed(realtimeFeasibility({ baud: 460800, rate, hop }).ratio, 3)}x)` },
  ];
  return { name: 'link-efficiency', json: { environment: benchEnvironment(), hop, rate, framings: json }, text, goals };
}

if (isMain(import.meta.url)) await finish(await runLinkEfficiency(process.argv.slice(2)));
