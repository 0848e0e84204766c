/**
 * hil as a user gets it: `npm pack` this repository (prepack builds harness/dist) and install the
 * tarball into `dir`, a fresh npm project. The dependencies come from npm's cache (filled by
 * `npm ci`) or the registry. Used by package-install.test.ts and the cli-startup benchmark.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../../src/core/paths.ts';

export interface Installed {
  /** node_modules/hil in `dir` */
  readonly pkg: string;
  /** the installed CLI launcher, node_modules/hil/harness/bin/hil.js */
  readonly bin: string;
}

const npm = (args: readonly string[], cwd: string): string =>
  execFileSync('npm', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });

export function packAndInstall(dir: string): Installed {
  const tgz = npm(['pack', '--silent', '--pack-destination', dir], REPO_ROOT).trim().split('\n').pop()!;
  npm(['init', '-y'], dir);
  npm(['install', '-D', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, tgz)], dir);
  const pkg = path.join(dir, 'node_modules', 'hil');
  return { pkg, bin: path.join(pkg, 'harness', 'bin', 'hil.js') };
}

/** Remove the harness/dist that `npm pack` built in this repository (a checkout runs the sources). */
export function removeBuiltDist(): void {
  rmSync(path.join(REPO_ROOT, 'harness', 'dist'), { recursive: true, force: true });
}
