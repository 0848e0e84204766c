/**
 * The image files a flasher may want: the ELF (gdb, OpenOCD `program`, probe-rs), a raw binary
 * (st-flash, mass-storage copy) or Intel HEX (pyOCD, nrfjprog). Given the profile's firmware, find
 * each form next to it (same stem, not older than the ELF) or make it with `objcopy` in a
 * temporary folder that `dispose()` removes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import { describeToolEnd, outputTail, runTool } from './run-tool.ts';

export type ImageForm = 'elf' | 'bin' | 'hex';
export const IMAGE_FORMS: readonly ImageForm[] = ['elf', 'bin', 'hex'];

export interface ImageSet {
  /** Path of each requested form. */
  readonly paths: Readonly<Partial<Record<ImageForm, string>>>;
  /** Remove what was made for this flash. Idempotent. */
  dispose(): void;
}

export interface ImageOptions {
  /** objcopy executable for the forms that must be made; default arm-none-eabi-objcopy. */
  readonly objcopy?: string;
  readonly signal?: AbortSignal;
}

/** Which form a firmware file is: ELF by its magic number, else by its extension. */
export function imageFormOf(file: string, head: Uint8Array): ImageForm | null {
  if (head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return 'elf';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.bin') return 'bin';
  if (ext === '.hex' || ext === '.ihex') return 'hex';
  return null;
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** Path of `form` of `firmware`, making it from the ELF when there is no up-to-date sibling. */
export async function firmwareImages(firmware: string, wanted: ReadonlySet<ImageForm>, o: ImageOptions = {}): Promise<ImageSet> {
  let head: Uint8Array;
  try {
    head = readFileSync(firmware).subarray(0, 4);
  } catch {
    throw new HarnessError('INPUT', `firmware image ${firmware} does not exist or cannot be read (build it with \`npm run build:fw\`)`, { file: firmware });
  }
  const form = imageFormOf(firmware, head);
  if (!form) {
    throw new HarnessError('INPUT', `firmware image ${firmware} is neither an ELF file nor a .bin/.hex image`, { file: firmware });
  }
  const paths: Partial<Record<ImageForm, string>> = { [form]: firmware };
  let tmp: string | undefined;
  const dispose = (): void => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  };
  try {
    for (const want of wanted) {
      if (paths[want]) continue;
      if (form !== 'elf') {
        throw new HarnessError('INPUT', `the flasher needs the ${want} image, which cannot be made from ${firmware} (${form}); give the ELF as firmware`, { file: firmware });
      }
      const stem = firmware.replace(/\.elf$/i, '');
      const sibling = `${stem}.${want}`;
      const elfTime = mtimeOf(firmware)!;
      const sibTime = mtimeOf(sibling);
      if (sibTime !== null && sibTime >= elfTime) {
        paths[want] = sibling;
        continue;
      }
      tmp ??= mkdtempSync(path.join(tmpdir(), 'hil-flash-'));
      const out = path.join(tmp, `${path.basename(stem)}.${want}`);
      const objcopy = o.objcopy ?? 'arm-none-eabi-objcopy';
      const argv = [objcopy, '-O', want === 'bin' ? 'binary' : 'ihex', firmware, out];
      const r = await runTool({ argv, timeoutMs: 30_000, signal: o.signal });
      if (r.code !== 0) {
        const why = r.spawnError?.code === 'ENOENT' ? ` (${objcopy} not found: install gcc-arm-none-eabi)` : '';
        throw new HarnessError('TARGET', `making the ${want} image of ${firmware}: ${objcopy} ${describeToolEnd(r, 30_000)}${why}: ${outputTail(r.output)}`, { file: firmware });
      }
      paths[want] = out;
    }
  } catch (e) {
    dispose();
    throw e;
  }
  return { paths, dispose };
}
