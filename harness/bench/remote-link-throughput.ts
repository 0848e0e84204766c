/**
 * Bench: the session over a remote serial port, as a lab serves it. The host simulator runs behind
 * a pseudo-terminal (socat), a real ser2net serves that pty on 127.0.0.1 as raw TCP and as RFC 2217,
 * and the harness connects to it like to a remote board (transport/remote-serial-link.ts), paced
 * to the baud rate on its side. Prints achieved audio payload throughput as a fraction of what the
 * framing can carry at that rate, as link-throughput.ts does for a local link, and the real-time
 * feasibility verdict of the rate. Goal: >= 0.9 of capacity with the default window.
 *
 *   npx tsx harness/bench/remote-link-throughput.ts [--baud 115200,460800] [--budget-s 5]
 *
 * Needs ser2net and socat (Debian packages, installed by .ci/install-deps).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { hilFraming, payloadCapacity } from '../src/perf/link-efficiency.ts';
import { realtimeFeasibility } from '../src/perf/realtime-feasibility.ts';
import { SESSION_DEFAULTS } from '../src/session/session-options.ts';
import { openRemotePort, parsePortUrl } from '../src/transport/remote-serial-link.ts';
import { startSer2net } from '../test/helpers/ser2net.ts';
import { finish, fixed, flagList, flagNumber, isMain, parseFlags, table, type BenchOutcome } from './bench-io.ts';
import { GOAL_FRACTION, loadSpeech, measureOver, selectAudio, type ThroughputRow } from './link-throughput.ts';

const HOP = 160;

async function measureRemote(scheme: 'tcp' | 'rfc2217', baud: number, audio: Parameters<typeof measureOver>[4], dir: string, firmware: string): Promise<ThroughputRow> {
  const dev = path.join(dir, `sim-${scheme}-${baud}`);
  const socat = spawn('socat', [`pty,raw,echo=0,link=${dev}`, `EXEC:${firmware}`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(dev); i++) await sleep(50);
  const server = await startSer2net(dev, dir);
  const url = `${scheme}://127.0.0.1:${scheme === 'tcp' ? server.raw : server.rfc2217}`;
  const link = await openRemotePort(parsePortUrl(url)!, { baudRate: baud });
  return measureOver(
    {
      link,
      stop: async () => {
        await link.close();
        await server.stop();
        socat.kill();
      },
    },
    baud,
    0,
    SESSION_DEFAULTS.window,
    audio,
  );
}

export async function runRemoteLinkThroughput(argv: readonly string[] = []): Promise<BenchOutcome> {
  const flags = parseFlags(argv);
  const bauds = flagList(flags, 'baud', [115200, 460800]);
  const budgetS = flagNumber(flags, 'budget-s', 5);
  const firmware = path.join(FIRMWARE_BUILD, 'host', 'hil-sim-model-s');
  const clips = await loadSpeech();
  const framing = hilFraming(HOP);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-remote-bench-'));
  const rows: Array<ThroughputRow & { scheme: string }> = [];
  try {
    for (const baud of bauds) {
      const samples = Math.round((payloadCapacity(framing, baud).payloadBytesPerSecond * budgetS) / 2);
      for (const scheme of ['tcp', 'rfc2217'] as const) rows.push({ scheme, ...(await measureRemote(scheme, baud, selectAudio(clips, samples), dir, firmware)) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = [
    `## Remote serial link throughput (host simulator behind a pty, real ser2net on 127.0.0.1, window ${SESSION_DEFAULTS.window}, paced to the baud rate)`,
    '',
    table(
      ['link', 'baud', 'audio s', 'achieved / capacity', 'real time', 'feasibility'],
      rows.map((r) => [r.scheme === 'tcp' ? 'tcp:// (raw)' : 'rfc2217://', r.baud, fixed(r.audioSeconds, 2), fixed(r.fraction, 3), `${fixed(r.realTimeFactor, 2)}x`, realtimeFeasibility({ baud: r.baud, rate: 16000, hop: HOP }).level]),
    ),
  ].join('\n');
  return {
    name: 'remote-link-throughput',
    json: { rows },
    text,
    goals: rows.map((r) => ({ goal: `${r.scheme}:// at ${r.baud} baud carries >= ${GOAL_FRACTION} of the link's capacity`, met: r.fraction >= GOAL_FRACTION, detail: fixed(r.fraction, 3) })),
  };
}

if (isMain(import.meta.url)) await finish(await runRemoteLinkThroughput(process.argv.slice(2)));
