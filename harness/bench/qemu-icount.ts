/**
 * Bench: per-frame instruction counts of the QEMU images, and whether two runs agree exactly.
 *
 *   npx tsx harness/bench/qemu-icount.ts [--frames N] [--runs R] [--link semihost|uart] [model ...]
 *
 * For each model (default: gain model-s) it launches firmware/build/qemu/hil-qemu-<model>-<link>.elf
 * R times (default 2), streams HELLO, RESET and N PROCESS frames (default 200) of a seeded
 * pseudo-random signal, and prints min / median / max RESULT.cycles (exact guest instructions
 * under -icount), the link throughput, and whether every run produced identical counts.
 * An entry point: it prints and sets the exit status (1 when runs differ).
 */
import path from 'node:path';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { decodeLine, encodeFrame } from '../src/protocol/frame-codec.ts';
import { MsgType } from '../src/protocol/messages.ts';
import { packSamples, unpackResult } from '../src/protocol/payloads.ts';
import { launchQemu, type QemuLinkKind } from '../src/targets/qemu/qemu-process.ts';

interface Args {
  frames: number;
  runs: number;
  link: QemuLinkKind;
  models: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { frames: 200, runs: 2, link: 'semihost', models: [] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--frames') a.frames = Number(argv[++i]);
    else if (v === '--runs') a.runs = Number(argv[++i]);
    else if (v === '--link') a.link = argv[++i] as QemuLinkKind;
    else a.models.push(v);
  }
  if (a.models.length === 0) a.models = ['gain', 'model-s'];
  return a;
}

/** HELLO, RESET and n PROCESS lines of a seeded signal (LCG noise at about -12 dBFS). */
function sessionText(n: number, hop: number): string {
  let out = `${encodeLine(MsgType.HELLO, 0)}\n${encodeLine(MsgType.RESET, 1)}\n`;
  let seed = 12345;
  for (let f = 0; f < n; f++) {
    const s = new Int16Array(hop);
    for (let i = 0; i < hop; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      s[i] = (((seed >>> 16) & 0xffff) - 32768) >> 2;
    }
    out += `${encodeLine(MsgType.PROCESS, 2 + f, packSamples(s))}\n`;
  }
  return out;
}

function encodeLine(type: number, seq: number, payload?: Uint8Array): string {
  return encodeFrame({ type, seq, tx: seq }, payload);
}

async function runOnce(firmware: string, link: QemuLinkKind, text: string, frames: number): Promise<{ cycles: number[]; ms: number; bytes: number }> {
  const q = await launchQemu({ firmware, link });
  try {
    const cycles: number[] = [];
    let pending = '';
    let bytes = 0;
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${cycles.length} results`)), 600_000);
      q.link.input.on('data', (d: Buffer) => {
        bytes += d.length;
        pending += d.toString('latin1');
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const k = decodeLine(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
          if (k.kind === 'frame' && k.frame.type === MsgType.RESULT) cycles.push(unpackResult(k.frame.payload).cycles);
          if (k.kind === 'frame' && k.frame.type === MsgType.FAULT) reject(new Error('device FAULT'));
        }
        if (cycles.length === frames) {
          clearTimeout(timer);
          resolve();
        }
      });
      q.link.output.write(text);
    });
    return { cycles, ms: Date.now() - t0, bytes: bytes + text.length };
  } finally {
    await q.stop();
  }
}

const args = parseArgs(process.argv.slice(2));
let differ = false;
for (const model of args.models) {
  const firmware = path.join(FIRMWARE_BUILD, 'qemu', `hil-qemu-${model}-${args.link}.elf`);
  const text = sessionText(args.frames, 160);
  const runs: number[][] = [];
  let line = '';
  for (let r = 0; r < args.runs; r++) {
    const { cycles, ms, bytes } = await runOnce(firmware, args.link, text, args.frames);
    runs.push(cycles);
    const sorted = [...cycles].sort((x, y) => x - y);
    line =
      `${model} (${args.link}): ${cycles.length} frames of 160 samples; instructions/frame min ${sorted[0]} ` +
      `median ${sorted[Math.floor(sorted.length / 2)]} max ${sorted[sorted.length - 1]}; ` +
      `${ms} ms wall, ${((bytes / 1024) / (ms / 1000)).toFixed(0)} kB/s over the link, ${((args.frames * 10) / ms).toFixed(2)}x real time`;
    process.stdout.write(`  run ${r + 1}: ${line}\n`);
  }
  const same = runs.every((c) => c.length === runs[0]!.length && c.every((v, i) => v === runs[0]![i]));
  if (!same) differ = true;
  process.stdout.write(`${model}: ${args.runs} runs ${same ? 'IDENTICAL frame by frame' : 'DIFFER'}\n`);
}
process.exitCode = differ ? 1 : 0;
