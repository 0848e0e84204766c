/**
 * Find, read, parse and validate hil.config.json. An explicit --config that is missing is an
 * error; without --config, ./hil.config.json is used if present, else built-in defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import type { HilConfigFile } from './config-types.ts';
import { validateConfig } from './validate-config.ts';

export const CONFIG_NAME = 'hil.config.json';

/** Parse JSON text; a syntax error names the file, line and column. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw new HarnessError('CONFIG', `${file}: not valid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, { file });
  }
}

export function loadConfig(explicit: string | undefined, cwd = process.cwd()): { file: HilConfigFile | null; path: string | null } {
  const p = explicit ? path.resolve(cwd, explicit) : path.join(cwd, CONFIG_NAME);
  if (!existsSync(p)) {
    if (explicit) throw new HarnessError('CONFIG', `--config ${explicit}: file not found`, { file: p, key: 'config' });
    return { file: null, path: null };
  }
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (e) {
    throw new HarnessError('CONFIG', `${p}: cannot read: ${(e as Error).message}`, { file: p });
  }
  const rel = path.relative(cwd, p);
  const shown = rel && !rel.startsWith('..') ? rel : p;
  return { file: validateConfig(parseJsonFile(text, shown), shown), path: p };
}
