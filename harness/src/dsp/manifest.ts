/**
 * Test-suite manifests (vectors/<suite>/manifest.json; schema in vectors/manifest.schema.json,
 * format documented in vectors/README.md).
 *
 * `parseManifest` validates the JSON text alone (types, unknown keys, duplicate names);
 * `loadSuite` also reads the file, resolves paths against the manifest's folder and checks that
 * every input (and reference) file exists. A missing golden is not an error: it is reported per
 * case as `goldenExists: false` (goldens are produced later by `hil golden`).
 *
 * Every error is HarnessError('INPUT', '<file>: <key path>: <problem>', { file, key }).
 */

import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { HarnessError } from '../core/errors.ts';

export type Tolerance =
  | { readonly mode: 'bit-exact' }
  | { readonly mode: 'max-lsb'; readonly maxLsb: number }
  | { readonly mode: 'snr'; readonly minSnrDb: number };

export type ToleranceMode = Tolerance['mode'];

export const TOLERANCE_MODES: readonly ToleranceMode[] = ['bit-exact', 'max-lsb', 'snr'];

/** One case as written in the manifest, defaults filled in; paths relative to the manifest folder. */
export interface ManifestCase {
  readonly name: string;
  readonly input: string;
  readonly golden: string;
  readonly params: Readonly<Record<string, number>>;
  readonly tolerance: Tolerance;
  readonly tags: readonly string[];
  readonly reference: string | null;
  readonly description: string;
}

export interface Manifest {
  readonly suite: string;
  readonly description: string;
  readonly generatedBy: string | null;
  readonly cases: readonly ManifestCase[];
}

/** A case ready to run: paths resolved (joined to the suite folder as given). */
export interface CaseSpec {
  readonly name: string;
  /** Input WAV path (exists). */
  readonly input: string;
  /** Its size in bytes (a case's length, for scheduling parallel jobs). */
  readonly inputBytes: number;
  /** Golden output WAV path (may not exist yet: see goldenExists). */
  readonly golden: string;
  readonly goldenExists: boolean;
  readonly params: Readonly<Record<string, number>>;
  readonly tolerance: Tolerance;
  readonly tags: readonly string[];
  /** Clean reference WAV path (exists), or null. */
  readonly reference: string | null;
  readonly description: string;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  readonly generatedBy: string | null;
  /** The suite folder (as given, or the manifest's folder). */
  readonly dir: string;
  readonly manifestPath: string;
  readonly cases: readonly CaseSpec[];
}

/** Keys allowed at the top level and in a case (kept in step with manifest.schema.json). */
export const MANIFEST_KEYS = ['$schema', 'suite', 'description', 'generatedBy', 'cases'] as const;
export const CASE_KEYS = ['name', 'input', 'golden', 'params', 'tolerance', 'tags', 'reference', 'description'] as const;
export const TOLERANCE_KEYS: Readonly<Record<ToleranceMode, readonly string[]>> = {
  'bit-exact': ['mode'],
  'max-lsb': ['mode', 'maxLsb'],
  snr: ['mode', 'minSnrDb'],
};

/** Names of suites, cases, tags: lower-case, digits, '-', '_' and '.' (no leading punctuation). */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
/** Parameter names: C-identifier style, lower case. */
export const PARAM_PATTERN = /^[a-z][a-z0-9_]*$/;

class Checker {
  constructor(readonly file: string) {}

  fail(key: string, what: string): never {
    const where = key === '' ? '' : `${key}: `;
    throw new HarnessError('INPUT', `${this.file}: ${where}${what}`, { file: this.file, key: key === '' ? '(root)' : key });
  }

  object(v: unknown, key: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, `expected an object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  onlyKeys(o: Record<string, unknown>, key: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(join2(key, k), `unknown key (expected one of ${allowed.join(', ')})`);
    }
  }

  required(o: Record<string, unknown>, key: string, k: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(o, k)) this.fail(join2(key, k), 'missing required key');
    return o[k];
  }

  string(v: unknown, key: string, opts: { nonEmpty?: boolean; pattern?: RegExp; patternText?: string } = {}): string {
    if (typeof v !== 'string') this.fail(key, `expected a string, got ${describe(v)}`);
    if (opts.nonEmpty && v.length === 0) this.fail(key, 'expected a non-empty string');
    if (opts.pattern && !opts.pattern.test(v)) this.fail(key, `${JSON.stringify(v)} is not ${opts.patternText ?? `matching ${opts.pattern}`}`);
    return v;
  }

  path(v: unknown, key: string): string {
    const s = this.string(v, key, { nonEmpty: true });
    if (isAbsolute(s) || /^[a-zA-Z]:/.test(s) || s.startsWith('/')) this.fail(key, `${JSON.stringify(s)} is absolute, expected a path relative to the manifest's folder`);
    if (s.includes('\\')) this.fail(key, `${JSON.stringify(s)} contains '\\', expected '/' separators`);
    return s;
  }

  number(v: unknown, key: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, `expected a finite number, got ${describe(v)}`);
    return v;
  }
}

function join2(key: string, k: string): string {
  return key === '' ? k : `${key}.${k}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'boolean') return `boolean ${v}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

function parseTolerance(c: Checker, v: unknown, key: string): Tolerance {
  const o = c.object(v, key);
  const mode = c.required(o, key, 'mode');
  if (typeof mode !== 'string' || !(TOLERANCE_MODES as readonly string[]).includes(mode)) {
    c.fail(`${key}.mode`, `${typeof mode === 'string' ? JSON.stringify(mode) : describe(mode)} is not one of ${TOLERANCE_MODES.join(', ')}`);
  }
  const m = mode as ToleranceMode;
  c.onlyKeys(o, key, TOLERANCE_KEYS[m]);
  if (m === 'bit-exact') return { mode: m };
  if (m === 'max-lsb') {
    const n = c.number(c.required(o, key, 'maxLsb'), `${key}.maxLsb`);
    if (!Number.isInteger(n) || n < 0 || n > 65535) c.fail(`${key}.maxLsb`, `${n} is not an integer from 0 to 65535`);
    return { mode: m, maxLsb: n };
  }
  const db = c.number(c.required(o, key, 'minSnrDb'), `${key}.minSnrDb`);
  return { mode: m, minSnrDb: db };
}

function parseCase(c: Checker, v: unknown, key: string): ManifestCase {
  const o = c.object(v, key);
  c.onlyKeys(o, key, CASE_KEYS);
  const name = c.string(c.required(o, key, 'name'), `${key}.name`, {
    pattern: NAME_PATTERN,
    patternText: 'a valid case name (lower-case letters, digits, ".", "_", "-")',
  });
  const input = c.path(c.required(o, key, 'input'), `${key}.input`);
  const golden = o.golden === undefined ? `golden/${name}.wav` : c.path(o.golden, `${key}.golden`);
  const params: Record<string, number> = {};
  if (o.params !== undefined) {
    const p = c.object(o.params, `${key}.params`);
    for (const [k, val] of Object.entries(p)) {
      if (!PARAM_PATTERN.test(k)) c.fail(`${key}.params.${k}`, `${JSON.stringify(k)} is not a valid parameter name (lower-case letters, digits, "_")`);
      params[k] = c.number(val, `${key}.params.${k}`);
    }
  }
  const tolerance: Tolerance = o.tolerance === undefined ? { mode: 'bit-exact' } : parseTolerance(c, o.tolerance, `${key}.tolerance`);
  const tags: string[] = [];
  if (o.tags !== undefined) {
    if (!Array.isArray(o.tags)) c.fail(`${key}.tags`, `expected an array of strings, got ${describe(o.tags)}`);
    o.tags.forEach((t, i) => {
      const s = c.string(t, `${key}.tags[${i}]`, { pattern: NAME_PATTERN, patternText: 'a valid tag (lower-case letters, digits, ".", "_", "-")' });
      if (tags.includes(s)) c.fail(`${key}.tags[${i}]`, `duplicate tag ${JSON.stringify(s)}`);
      tags.push(s);
    });
  }
  const reference = o.reference === undefined || o.reference === null ? null : c.path(o.reference, `${key}.reference`);
  const description = o.description === undefined ? '' : c.string(o.description, `${key}.description`);
  return { name, input, golden, params, tolerance, tags, reference, description };
}

/** Validate manifest JSON text. `file` names the manifest in error messages. */
export function parseManifest(text: string, file: string): Manifest {
  const c: Checker = new Checker(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new HarnessError('INPUT', `${file}: invalid JSON: ${(e as Error).message}`, { file }, { cause: e });
  }
  const o = c.object(doc, '');
  c.onlyKeys(o, '', MANIFEST_KEYS);
  if (o.$schema !== undefined) c.string(o.$schema, '$schema');
  const suite = c.string(c.required(o, '', 'suite'), 'suite', {
    pattern: NAME_PATTERN,
    patternText: 'a valid suite name (lower-case letters, digits, ".", "_", "-")',
  });
  const description = o.description === undefined ? '' : c.string(o.description, 'description');
  const generatedBy = o.generatedBy === undefined ? null : c.string(o.generatedBy, 'generatedBy');
  const rawCases = c.required(o, '', 'cases');
  if (!Array.isArray(rawCases)) c.fail('cases', `expected an array of cases, got ${describe(rawCases)}`);
  if (rawCases.length === 0) c.fail('cases', 'expected at least one case');
  const seen = new Map<string, number>();
  const cases = rawCases.map((v, i) => {
    const cs = parseCase(c, v, `cases[${i}]`);
    const prev = seen.get(cs.name);
    if (prev !== undefined) c.fail(`cases[${i}].name`, `duplicate case name ${JSON.stringify(cs.name)} (also cases[${prev}].name)`);
    seen.set(cs.name, i);
    return cs;
  });
  return { suite, description, generatedBy, cases };
}

async function fileKind(p: string): Promise<'file' | 'other' | 'missing'> {
  return (await fileInfo(p)).kind;
}

async function fileInfo(p: string): Promise<{ kind: 'file' | 'other' | 'missing'; bytes: number }> {
  try {
    const st = await stat(p);
    return { kind: st.isFile() ? 'file' : 'other', bytes: st.size };
  } catch {
    return { kind: 'missing', bytes: 0 };
  }
}

/**
 * Load a suite: `path` is a suite folder (containing manifest.json) or a manifest file. Checks
 * that every case's input and reference files exist; records whether each golden exists.
 */
export async function loadSuite(path: string): Promise<Suite> {
  let manifestPath = path;
  const kind = await fileKind(path);
  if (kind === 'other') manifestPath = join(path, 'manifest.json');
  else if (kind === 'missing' && !path.endsWith('.json')) {
    throw new HarnessError('INPUT', `${path}: suite folder not found`, { file: path });
  }
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'manifest not found' : `cannot read manifest: ${(e as Error).message}`;
    throw new HarnessError('INPUT', `${manifestPath}: ${what}`, { file: manifestPath }, { cause: e });
  }
  const m = parseManifest(text, manifestPath);
  const dir = kind === 'other' ? path : dirname(manifestPath);
  const c: Checker = new Checker(manifestPath);
  const cases: CaseSpec[] = [];
  for (const [i, mc] of m.cases.entries()) {
    const input = join(dir, mc.input);
    const { kind: ik, bytes: inputBytes } = await fileInfo(input);
    if (ik !== 'file') c.fail(`cases[${i}].input`, `${ik === 'missing' ? 'file not found' : 'not a regular file'}: ${input}`);
    let reference: string | null = null;
    if (mc.reference !== null) {
      reference = join(dir, mc.reference);
      const rk = await fileKind(reference);
      if (rk !== 'file') c.fail(`cases[${i}].reference`, `${rk === 'missing' ? 'file not found' : 'not a regular file'}: ${reference}`);
    }
    const golden = join(dir, mc.golden);
    const gk = await fileKind(golden);
    if (gk === 'other') c.fail(`cases[${i}].golden`, `not a regular file: ${golden}`);
    cases.push({
      name: mc.name,
      input,
      inputBytes,
      golden,
      goldenExists: gk === 'file',
      params: mc.params,
      tolerance: mc.tolerance,
      tags: mc.tags,
      reference,
      description: mc.description,
    });
  }
  return { name: m.suite, description: m.description, generatedBy: m.generatedBy, dir, manifestPath, cases };
}

/** Load a suite from its manifest file (or folder): the same as `loadSuite`. */
export const loadManifest: (path: string) => Promise<Suite> = loadSuite;
