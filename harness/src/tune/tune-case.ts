/**
 * The audio a tuning session plays: a vector case (`--case suite/name`, with the clean
 * `reference` its manifest names, if any) or any WAV file (`--input FILE [--reference FILE]`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import { readWav, requireMono16 } from '../dsp/wav.ts';
import { loadSuites } from '../runner/suites.ts';

export interface TuneCaseSource {
  /** "suite/name" for a vector case, else the input path as given. */
  readonly id: string;
  readonly input: string;
  readonly reference: string | null;
  /** Parameters the case itself sets (manifest `params`); the sweep overrides them. */
  readonly params: Readonly<Record<string, number>>;
}

export interface TuneCase extends TuneCaseSource {
  readonly samples: Int16Array;
  readonly referenceSamples: Int16Array | null;
  readonly rate: number;
}

/** Find `suite/name` under `vectorsDir`; errors name `flag`, the case and what exists. */
export async function findVectorCase(vectorsDir: string, id: string, flag = '--case'): Promise<TuneCaseSource> {
  const m = /^([A-Za-z0-9_.-]+)\/(.+)$/.exec(id);
  if (!m) throw new HarnessError('USAGE', `${flag} ${JSON.stringify(id)}: expected suite/name, e.g. speech/en-us-m-white-10db`, { key: 'case' });
  const [suite] = await loadSuites(vectorsDir, [m[1]!]);
  const c = suite!.cases.find((x) => x.name === m[2]);
  if (!c) {
    const names = suite!.cases.map((x) => x.name);
    const shown = names.slice(0, 12).join(', ') + (names.length > 12 ? ', ...' : '');
    throw new HarnessError('USAGE', `${flag} ${id}: suite ${m[1]} has no case "${m[2]}" (it has: ${shown})`, { key: 'case' });
  }
  return { id: c.id, input: c.input, reference: await manifestReference(suite!.dir, c.name), params: c.params };
}

/** The `reference` (clean speech) a manifest names for a case, resolved; null when it has none. */
async function manifestReference(suiteDir: string, name: string): Promise<string | null> {
  const file = path.join(suiteDir, 'manifest.json');
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null; // loadSuites has already validated the manifest; nothing more to learn here
  }
  const cases = (doc as { cases?: unknown }).cases;
  if (!Array.isArray(cases)) return null;
  const entry = cases.find((c) => (c as { name?: unknown }).name === name) as { reference?: unknown } | undefined;
  return typeof entry?.reference === 'string' ? path.resolve(suiteDir, entry.reference) : null;
}

export function fileCase(input: string, reference: string | undefined): TuneCaseSource {
  return { id: input, input: path.resolve(input), reference: reference ? path.resolve(reference) : null, params: {} };
}

/** Read the case's audio at the device's rate (16-bit mono). The reference must match the input's length. */
export async function loadTuneCase(src: TuneCaseSource, rate: number): Promise<TuneCase> {
  const read = async (file: string) => {
    const wav = await readWav(file);
    requireMono16(wav, { rate }, displayPath(file));
    return wav.samples;
  };
  const samples = await read(src.input);
  const referenceSamples = src.reference ? await read(src.reference) : null;
  if (referenceSamples && referenceSamples.length < samples.length - rate) {
    throw new HarnessError(
      'INPUT',
      `${displayPath(src.reference!)}: reference has ${referenceSamples.length} samples, the input ${samples.length}; expected the clean version of the same recording`,
      { file: src.reference! },
    );
  }
  return { ...src, samples, referenceSamples, rate };
}
