/**
 * Run model S on QEMU with no host interaction: firmware/build/qemu/hil-qemu-model-s-batch.elf
 * (firmware/models/model-s/tools/ms_qemu_batch.c) processes audio that QEMU's generic loader put
 * in PSRAM and prints one summary line per file at the end. The QEMU command line is the
 * harness's (same machine, same `-icount`), minus `-S`/QMP and the link.
 *
 * Each file is checked against its golden by hash (FNV-1a 32 of the first n output samples), so a
 * batch figure is only reported for a run that produced the golden outputs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { DEFAULT_ICOUNT_SHIFT } from '../src/targets/qemu/qemu-process.ts';
import { childCpuSeconds } from './bench-io.ts';

export const BATCH_IMAGE = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-batch.elf');
const LOAD_ADDR = 0x21000000;
const MAGIC = 0x3142514d;
const HOP = 160;

export interface BatchFile {
  readonly name: string;
  readonly samples: Int16Array;
  /** Golden output (same length as the input), or null to skip the check. */
  readonly golden: Int16Array | null;
}

export interface BatchFileResult {
  readonly name: string;
  readonly frames: number;
  readonly instructions: { readonly total: number; readonly min: number; readonly max: number };
  readonly bitExact: boolean | null;
}

export interface BatchRun {
  readonly wallSeconds: number;
  /** CPU seconds of the QEMU process (null where /proc is unavailable). */
  readonly qemuCpuSeconds: number | null;
  readonly files: readonly BatchFileResult[];
  readonly stackHwm: number;
}

/** FNV-1a 32 of int16 samples as little-endian bytes (ms_qemu_batch.c's `fnv`). */
export function fnv1aSamples(s: Int16Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const u = s[i]! & 0xffff;
    h = Math.imul(h ^ (u & 0xff), 0x01000193) >>> 0;
    h = Math.imul(h ^ (u >>> 8), 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The PSRAM image: header, lengths, then each file zero padded to whole frames. */
export function batchBlob(files: readonly BatchFile[]): Buffer {
  const padded = files.map((f) => Math.ceil(f.samples.length / HOP) * HOP);
  const buf = Buffer.alloc(8 + 4 * files.length + 2 * padded.reduce((a, b) => a + b, 0));
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(files.length, 4);
  let o = 8;
  for (const f of files) {
    buf.writeUInt32LE(f.samples.length, o);
    o += 4;
  }
  files.forEach((f, i) => {
    Buffer.from(f.samples.buffer, f.samples.byteOffset, f.samples.byteLength).copy(buf, o);
    o += 2 * padded[i]!;
  });
  return buf;
}

/** Run the batch image once over `files`; rejects if QEMU fails or the output is malformed. */
export async function runBatch(files: readonly BatchFile[], o: { image?: string; qemu?: string; icountShift?: number } = {}): Promise<BatchRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-batch-'));
  try {
    const blob = path.join(dir, 'input.bin');
    writeFileSync(blob, batchBlob(files));
    const args = [
      '-M', 'mps2-an386', '-nographic', '-monitor', 'none', '-serial', 'none', '-semihosting',
      '-icount', `shift=${o.icountShift ?? DEFAULT_ICOUNT_SHIFT},align=off,sleep=off`,
      '-kernel', o.image ?? BATCH_IMAGE,
      '-device', `loader,file=${blob},addr=0x${LOAD_ADDR.toString(16)}`,
    ];
    const cpu0 = childCpuSeconds();
    const t0 = performance.now();
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(o.qemu ?? 'qemu-system-arm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString('latin1')));
      child.stderr.on('data', (d: Buffer) => (text += d.toString('latin1')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
      child.once('error', reject);
      child.once('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, out: text });
      });
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu1 = childCpuSeconds();
    if (code !== 0) throw new Error(`batch QEMU exited with ${code}: ${out.slice(-500)}`);
    const lines = out.split('\n').filter((l) => l.startsWith('file='));
    if (lines.length !== files.length) throw new Error(`batch printed ${lines.length} results for ${files.length} files: ${out.slice(-500)}`);
    const results = lines.map((l, i): BatchFileResult => {
      const kv = Object.fromEntries(l.split(' ').map((p) => p.split('=') as [string, string]));
      const f = files[i]!;
      if (Number(kv['samples']) !== f.samples.length) throw new Error(`batch file ${i}: ${kv['samples']} samples, expected ${f.samples.length}`);
      return {
        name: f.name,
        frames: Number(kv['frames']),
        instructions: { total: Number(kv['instr_total']), min: Number(kv['instr_min']), max: Number(kv['instr_max']) },
        bitExact: f.golden ? parseInt(kv['fnv']!, 16) === fnv1aSamples(f.golden.subarray(0, f.samples.length)) : null,
      };
    });
    const done = /done files=\d+ stack_hwm=(\d+)/.exec(out);
    return { wallSeconds, qemuCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, files: results, stackHwm: done ? Number(done[1]) : -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where the model's code lies in two images: the same addresses matter on QEMU, whose TCG
 *  chains translated blocks only within a 1 KiB guest page (a hot loop across a page boundary
 *  ran model S ~13 % slower), so the harness image and the batch image must share that luck. */
export interface ModelPlacement {
  /** Model functions (text symbols with the prefix) found in both images. */
  readonly functions: number;
  /** Of those, at a different address or size in the two images (empty: identical placement). */
  readonly moved: readonly string[];
}

/** Text symbols of an ELF (name -> "address size") from `nm`, those starting with `prefix`. */
export function textSymbols(nmOutput: string, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of nmOutput.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) [tT] (\S+)$/.exec(line.trim());
    if (m && m[3]!.startsWith(prefix)) out.set(m[3]!, `${m[1]} ${m[2]}`);
  }
  return out;
}

/** Compare the placement of the model's functions (names starting with `prefix`, model S: `ms_`)
 *  in two images; null when `arm-none-eabi-nm` is not installed. */
export function compareModelPlacement(a: string, b: string, prefix = 'ms_', nm = 'arm-none-eabi-nm'): ModelPlacement | null {
  let sa: Map<string, string>, sb: Map<string, string>;
  try {
    sa = textSymbols(execFileSync(nm, ['-S', a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), prefix);
    sb = textSymbols(execFileSync(nm, ['-S', b], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), prefix);
  } catch {
    return null;
  }
  const common = [...sa.keys()].filter((k) => sb.has(k));
  return { functions: common.length, moved: common.filter((k) => sa.get(k) !== sb.get(k)) };
}
