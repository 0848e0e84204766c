/** Well-known repository paths, resolved from this file's location (not the working directory). */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIRMWARE_BUILD = path.join(REPO_ROOT, 'firmware', 'build');
export const VECTORS_DIR = path.join(REPO_ROOT, 'vectors');
export const REPORTS_DIR = path.join(REPO_ROOT, 'reports');

/** A path for messages: relative to the working directory when shorter. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.length > 0 && !rel.startsWith('..') && rel.length < p.length ? rel : p;
}
