/**
 * Run the firmware build of model S on the host through firmware/build/host/ms-batch (raw s16le
 * in and out). Builds the tool with `make -C firmware build/host/ms-batch` when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const MS_BATCH = join(REPO_ROOT, 'firmware/build/host/ms-batch');

/** Make sure ms-batch exists (build it if not). Throws with make's output on failure. */
export function ensureMsBatch(): string {
  if (!existsSync(MS_BATCH)) {
    const r = spawnSync('make', ['-C', join(REPO_ROOT, 'firmware'), 'build/host/ms-batch'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ms-batch failed:\n${r.stdout}\n${r.stderr}`);
  }
  return MS_BATCH;
}

export interface MsBatchOptions {
  path?: 'ref' | 'dsp';
  /** raw parameter values (as sent by the protocol): name -> int32 */
  raw?: Record<string, number>;
}

/** Process `input` with ms-batch; returns ceil(N / 160) * 160 output samples. */
export function runMsBatch(input: Int16Array, opts: MsBatchOptions = {}): Int16Array {
  const args = ['--path', opts.path ?? 'dsp'];
  for (const [k, v] of Object.entries(opts.raw ?? {})) args.push('--raw', `${k}=${v}`);
  args.push('-', '-');
  const inBuf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const r = spawnSync(ensureMsBatch(), args, { input: inBuf, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ms-batch ${args.join(' ')} failed: ${r.stderr.toString()}`);
  const out = r.stdout as Buffer;
  const copy = new Uint8Array(out.byteLength);
  copy.set(out);
  return new Int16Array(copy.buffer);
}

/** ms-batch --info as a key -> value map. */
export function msBatchInfo(raw: Record<string, number> = {}): Record<string, string> {
  const args: string[] = [];
  for (const [k, v] of Object.entries(raw)) args.push('--raw', `${k}=${v}`);
  args.push('--info');
  const r = spawnSync(ensureMsBatch(), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ms-batch --info failed: ${r.stderr}`);
  const m: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) m[line.slice(0, i)] = line.slice(i + 1);
  }
  return m;
}
