/**
 * A hil.config.json in a fresh temp folder whose reports go to that folder (never reports/). A
 * config file's folder is its project: without these defaults, vectors and the built-in images
 * would be looked for beside the temp file, so they name this repository's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { HilConfigFile } from '../../src/config/config-types.ts';
import { FIRMWARE_BUILD, VECTORS_DIR } from '../../src/core/paths.ts';

/** `defaults` that point a config file outside the repository at its vectors and firmware build. */
export const REPO_DEFAULTS = { vectorsDir: VECTORS_DIR, firmwareBuild: FIRMWARE_BUILD } as const;

export function tempConfig(extra: HilConfigFile = {}, prefix = 'hil-cfg-'): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const config = path.join(dir, 'hil.config.json');
  const file: HilConfigFile = { ...extra, defaults: { ...REPO_DEFAULTS, reportsDir: path.join(dir, 'reports'), ...extra.defaults } };
  writeFileSync(config, JSON.stringify(file, null, 2));
  return { dir, config };
}
