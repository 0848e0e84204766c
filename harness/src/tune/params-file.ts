/**
 * The parameter file a tuning session hands on: JSON that `hil run --params-file` (and
 * `hil tune --params-file`) apply to every case, and a C header the firmware compiles in as its
 * parameter defaults (model S: `make MS_PARAMS_OVERRIDE=path/params.h`, see its README).
 * Rendering and validation are pure; readParamsFile does the file I/O.
 */
import { readFile } from 'node:fs/promises';

import { HarnessError } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import type { ParamDesc } from '../protocol/device-info.ts';

export const PARAMS_FILE_SCHEMA = 'hil-params/1';

export interface ParamsFile {
  readonly schema: typeof PARAMS_FILE_SCHEMA;
  /** Parameter name -> value in the parameter's real unit. */
  readonly params: Readonly<Record<string, number>>;
  readonly generatedBy: string;
  readonly case: string | null;
  readonly firmware: { readonly name: string; readonly version: string; readonly build: string; readonly model: string; readonly weights: string } | null;
  readonly createdAt: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validate parsed JSON as a parameter file; errors name the file and the key. */
export function parseParamsFile(doc: unknown, file: string): ParamsFile {
  const fail = (what: string): never => {
    throw new HarnessError('INPUT', `${file}: ${what}`, { file, key: 'params-file' });
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('expected a JSON object with a "params" object');
  const d = doc as Record<string, unknown>;
  const params = d.params;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) fail('expected "params": { "name": number, ... }');
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (!NAME.test(k)) fail(`params: ${JSON.stringify(k)} is not a parameter name`);
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`params.${k}: ${JSON.stringify(v)} is not a finite number`);
  }
  return {
    schema: PARAMS_FILE_SCHEMA,
    params: params as Record<string, number>,
    generatedBy: typeof d.generatedBy === 'string' ? d.generatedBy : 'unknown',
    case: typeof d.case === 'string' ? d.case : null,
    firmware: (d.firmware as ParamsFile['firmware']) ?? null,
    createdAt: typeof d.createdAt === 'string' ? d.createdAt : '',
  };
}

export async function readParamsFile(file: string): Promise<ParamsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'file not found' : `cannot read: ${(e as Error).message}`;
    throw new HarnessError('INPUT', `--params-file ${file}: ${what}`, { file, key: 'params-file' });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new HarnessError('INPUT', `${displayPath(file)}: not valid JSON: ${(e as Error).message}`, { file, key: 'params-file' });
  }
  return parseParamsFile(doc, displayPath(file));
}

export function renderParamsJson(p: ParamsFile): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}

/** C macro name of a parameter's default: HIL_PARAM_DEFAULT_INPUT_GAIN_DB. */
export function defaultMacro(name: string): string {
  return `HIL_PARAM_DEFAULT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Keep a string safe inside a C block comment. */
function commentSafe(s: string): string {
  return s.replace(/\*\//g, '* /').replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The header: one `#define HIL_PARAM_DEFAULT_<NAME> <raw>` per parameter, raw = round(value *
 * 2^frac_bits) as in the model's parameter table, range-checked against the device's table.
 */
export function renderParamsHeader(p: ParamsFile, table: readonly ParamDesc[]): string {
  const lines = [
    '/**',
    ' * @file params.h',
    ` * @brief Tuned parameter defaults written by ${commentSafe(p.generatedBy)}.`,
    ' *',
    ` * Case: ${commentSafe(p.case ?? '(none)')}`,
    p.firmware
      ? ` * Firmware: ${commentSafe(`${p.firmware.name} ${p.firmware.version} build ${p.firmware.build}, model ${p.firmware.model}, weights ${p.firmware.weights}`)}`
      : ' * Firmware: (unknown)',
    ` * Created: ${commentSafe(p.createdAt)}`,
    ' *',
    ' * Raw fixed-point values (real value x 2^frac_bits, as in the parameter table). Compile in as',
    ' * defaults, model S: make -C firmware MS_PARAMS_OVERRIDE=$PWD/params.h',
    ' */',
    '#ifndef HIL_TUNED_PARAMS_H',
    '#define HIL_TUNED_PARAMS_H',
    '',
  ];
  for (const [name, value] of Object.entries(p.params)) {
    const d = table.find((x) => x.name === name);
    if (!d) throw new HarnessError('INPUT', `params.${name}: the device has no such parameter; cannot write it to a header`, { key: name });
    const raw = Math.round(value * 2 ** d.fracBits);
    if (raw < d.min || raw > d.max) {
      throw new HarnessError('INPUT', `params.${name}=${value} is outside the device's range; cannot write it to a header`, { key: name });
    }
    const unit = d.unit ? ` ${commentSafe(d.unit)}` : '';
    lines.push(`#define ${defaultMacro(name)} (${raw}) /* ${value}${unit}, frac_bits ${d.fracBits} */`);
  }
  lines.push('', '#endif /* HIL_TUNED_PARAMS_H */', '');
  return lines.join('\n');
}
