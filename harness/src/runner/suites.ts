/**
 * Load vector suites (vectors/<suite>/manifest.json) and turn their cases into RunnableCases with
 * absolute paths and ids `suite/name`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import { loadManifest } from '../dsp/manifest.ts';
import type { RunnableCase } from './case-spec.ts';

export interface LoadedSuite {
  readonly name: string;
  readonly dir: string;
  readonly cases: RunnableCase[];
}

export async function loadSuites(vectorsDir: string, names: readonly string[], _o: { requireGoldens?: boolean } = {}): Promise<LoadedSuite[]> {
  const out: LoadedSuite[] = [];
  for (const name of [...new Set(names)]) {
    const manifestPath = path.join(vectorsDir, name, 'manifest.json');
    if (!existsSync(manifestPath)) {
      throw new HarnessError('INPUT', `suite "${name}": ${displayPath(manifestPath)} does not exist`, { file: manifestPath, key: 'suite' });
    }
    const suite = await loadManifest(manifestPath);
    out.push({
      name: suite.name,
      dir: suite.dir,
      cases: suite.cases.map((c) => ({
        id: `${suite.name}/${c.name}`,
        suite: suite.name,
        name: c.name,
        tags: c.tags,
        input: c.input,
        inputBytes: c.inputBytes,
        golden: c.golden,
        goldenExists: c.goldenExists,
        params: c.params,
        tolerance: c.tolerance,
        reference: c.reference,
      })),
    });
  }
  return out;
}
