/**
 * Compile the harness for the package: harness/src -> harness/dist (JavaScript, declarations),
 * with the assets the compiled code reads beside it (the config schema). Run by `npm run
 * build:js` and before `npm pack` (prepack). A checkout runs the sources through tsx instead
 * (harness/bin/hil.js), so dist/ only matters for the package.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const harness = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(harness, 'dist');
const ASSETS = ['config/hil-config.schema.json'];

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(harness, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(dist, { recursive: true, force: true }); // never leave a half-built package behind
  process.stderr.write('build-dist: tsc failed; harness/dist removed\n');
  process.exit(r.status ?? 1);
}
for (const a of ASSETS) copyFileSync(path.join(harness, 'src', a), path.join(dist, a));
process.stdout.write(`build-dist: ${path.relative(process.cwd(), dist) || dist} built\n`);
