/**
 * `hil init`, the I/O part: read the templates and the agent's sources from the hil package, plan
 * the files (scaffold-plan.ts) and write them into the project folder, refusing to overwrite
 * anything: when any file exists already, nothing is written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { HarnessError } from '../core/errors.ts';
import { displayPath, HIL_VERSION, PACKAGE_ROOT } from '../core/paths.ts';
import { encodeWav } from '../dsp/wav.ts';
import { planScaffold, type ScaffoldFile } from './scaffold-plan.ts';

const TEMPLATES = path.join(PACKAGE_ROOT, 'harness', 'templates', 'init');
const AGENT = path.join(PACKAGE_ROOT, 'firmware', 'agent');
const AGENT_FILES = ['hil_agent.c', 'hil_frame2.c', 'hil_agent.h', 'hil_agent_private.h', 'hil_model.h', 'hil_port.h'];
/** The config schema beside the config code, in the sources (a checkout) or in dist/ (the package). */
const CONFIG_SCHEMA = fileURLToPath(new URL('../config/hil-config.schema.json', import.meta.url));
const MANIFEST_SCHEMA = path.join(PACKAGE_ROOT, 'vectors', 'manifest.schema.json');

function readTree(root: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(path.join(root, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(root, r)).isDirectory()) for (const [k, v] of readTree(root, r)) out.set(k, v);
    else out.set(r, readFileSync(path.join(root, r), 'utf8'));
  }
  return out;
}

/** A path from `fromDir` to `file` for a `$schema`, with forward slashes. */
function relativeRef(fromDir: string, file: string): string {
  const rel = path.relative(fromDir, file).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export interface ScaffoldResult {
  readonly dir: string;
  readonly files: readonly string[];
}

export function writeScaffold(dir: string, modelId: string): ScaffoldResult {
  const root = path.resolve(dir);
  if (existsSync(root) && !statSync(root).isDirectory()) throw new HarnessError('USAGE', `--dir ${displayPath(root)}: not a folder`, { key: 'dir' });
  const files: ScaffoldFile[] = planScaffold({
    hilVersion: HIL_VERSION,
    modelId,
    configSchema: relativeRef(root, CONFIG_SCHEMA),
    manifestSchema: relativeRef(path.join(root, 'vectors', 'smoke'), MANIFEST_SCHEMA),
    templates: readTree(TEMPLATES),
    agentSources: new Map(AGENT_FILES.map((f) => [f, readFileSync(path.join(AGENT, f), 'utf8')])),
    encodeWav,
  });
  const taken = files.map((f) => f.path).filter((p) => existsSync(path.join(root, p)));
  if (taken.length) {
    const named = taken.length > 3 ? `${taken.slice(0, 3).join(', ')} and ${taken.length - 3} more of its files` : taken.join(', ');
    throw new HarnessError('USAGE', `hil init: ${displayPath(root)} already has ${named}; nothing was written (hil init never overwrites: move them away or init another folder)`, { file: path.join(root, taken[0]!) });
  }
  for (const f of files) {
    const target = path.join(root, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content, { flag: 'wx' }); // wx: fail rather than overwrite, even in a race
  }
  return { dir: root, files: files.map((f) => f.path) };
}
