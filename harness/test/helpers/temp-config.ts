/** A hil.config.json in a fresh temp folder whose reports go to that folder (never reports/). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { HilConfigFile } from '../../src/config/config-types.ts';

export function tempConfig(extra: HilConfigFile = {}, prefix = 'hil-cfg-'): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const config = path.join(dir, 'hil.config.json');
  const file: HilConfigFile = { ...extra, defaults: { reportsDir: path.join(dir, 'reports'), ...extra.defaults } };
  writeFileSync(config, JSON.stringify(file, null, 2));
  return { dir, config };
}
