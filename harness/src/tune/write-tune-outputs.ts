/**
 * Write a tuning session's files: <reportsDir>/<id>/tune.json, index.html, the best setting as
 * params.json + params.h, and its output as best-output.wav. The report is written even when the goal is not met (the
 * parameter file then holds the closest setting; tune.json says `met: false`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import { writeWav } from '../dsp/wav.ts';
import { renderParamsHeader, renderParamsJson } from './params-file.ts';
import { renderTuneHtml } from './render-tune-html.ts';
import { bestParamsFile, type TuneReport } from './tune-report.ts';

export interface TuneOutputs {
  readonly dir: string;
  readonly json: string;
  readonly html: string;
  readonly paramsJson: string | null;
  readonly paramsHeader: string | null;
  /** The best setting's output (listen to it; or use it as a golden for the tuned parameters). */
  readonly bestWav: string | null;
}

async function put(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new HarnessError('INPUT', `${file}: cannot write: ${(e as Error).message}`, { file });
  }
}

export async function writeTuneOutputs(r: TuneReport, reportsDir: string, bestOutput: Int16Array | null = null): Promise<TuneOutputs> {
  const dir = path.join(reportsDir, r.id);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new HarnessError('INPUT', `${dir}: cannot create the report folder: ${(e as Error).message}`, { file: dir });
  }
  const out = {
    dir,
    json: path.join(dir, 'tune.json'),
    html: path.join(dir, 'index.html'),
    paramsJson: null as string | null,
    paramsHeader: null as string | null,
    bestWav: null as string | null,
  };
  await put(out.json, `${JSON.stringify(r, null, 2)}\n`);
  await put(out.html, renderTuneHtml(r));
  const params = bestParamsFile(r);
  if (params) {
    out.paramsJson = path.join(dir, 'params.json');
    out.paramsHeader = path.join(dir, 'params.h');
    await put(out.paramsJson, renderParamsJson(params));
    await put(out.paramsHeader, renderParamsHeader(params, r.device.params));
  }
  if (bestOutput && bestOutput.length > 0) {
    out.bestWav = path.join(dir, 'best-output.wav');
    await writeWav(out.bestWav, bestOutput, r.device.rate);
  }
  return out;
}
