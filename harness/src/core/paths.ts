/**
 * Where things are. Two roots, never mixed up:
 * - the **project**: the user's repository, i.e. the folder of the config file in use, or the
 *   working directory when there is none. Every default of a run (vectors/, reports/,
 *   firmware/build/, a model's stage table) resolves against it, never against where hil is
 *   installed (projectPaths).
 * - the **package**: where hil itself is (a checkout of this repository, or node_modules/hil). Only
 *   hil's own assets come from there: the config schema, the `hil init` templates, the agent's C
 *   sources, the version.
 * REPO_ROOT and the folders below it are the package's own; inside this repository they are the
 * project too, which the tests and benchmarks rely on.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** This checkout (tests and benchmarks); the same folder as PACKAGE_ROOT. */
export const REPO_ROOT = PACKAGE_ROOT;
export const FIRMWARE_BUILD = path.join(REPO_ROOT, 'firmware', 'build');
export const VECTORS_DIR = path.join(REPO_ROOT, 'vectors');
export const REPORTS_DIR = path.join(REPO_ROOT, 'reports');

/** hil's version, from its package.json. */
export const HIL_VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The project folder: the config file's folder, or the working directory without a config file. */
export function projectDir(configPath: string | null, cwd = process.cwd()): string {
  return configPath ? path.dirname(path.resolve(cwd, configPath)) : path.resolve(cwd);
}

export interface ProjectPaths {
  readonly root: string;
  readonly vectors: string;
  readonly reports: string;
  readonly firmwareBuild: string;
}

/** The folders of a project: vectors/, reports/ and firmware/build/ in `root`, unless the config
 *  file's `defaults` set them (relative to `root`). */
export function projectPaths(root: string, set: { vectorsDir?: string; reportsDir?: string; firmwareBuild?: string } = {}): ProjectPaths {
  return {
    root,
    vectors: path.resolve(root, set.vectorsDir ?? 'vectors'),
    reports: path.resolve(root, set.reportsDir ?? 'reports'),
    firmwareBuild: path.resolve(root, set.firmwareBuild ?? path.join('firmware', 'build')),
  };
}

/** A path for messages: relative to the working directory when shorter. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.length > 0 && !rel.startsWith('..') && rel.length < p.length ? rel : p;
}
