/**
 * Atomic file operations for report folders: write via a temporary file and rename, and point
 * `reports/latest` at a run folder with a relative symlink swapped in by rename (a reader never
 * sees a missing or half-written `latest`). Where symlinks are not possible, `latest` becomes a
 * copy of the folder, swapped in the same way.
 */
import { randomBytes } from 'node:crypto';
import { cp, lstat, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Write `data` to `file` atomically (same folder temp file + rename). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempName(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export interface LinkResult {
  readonly kind: 'symlink' | 'copy';
  /** Why the symlink was not made, when `kind` is `copy`. */
  readonly reason?: string;
}

/** Signature for tests to simulate a filesystem without symlinks. */
export type SymlinkFn = (target: string, file: string) => Promise<void>;

/**
 * Make `linkPath` (e.g. reports/latest) point at `targetDir` (a sibling folder): a relative
 * symlink replaced atomically, or, if symlinks fail, a copy of the folder swapped in.
 */
export async function pointLatest(linkPath: string, targetDir: string, makeSymlink: SymlinkFn = (t, f) => symlink(t, f, 'dir')): Promise<LinkResult> {
  const relative = path.relative(path.dirname(linkPath), targetDir) || '.';
  const tmp = tempName(linkPath);
  let reason: string;
  try {
    await makeSymlink(relative, tmp);
    try {
      const existing = await lstat(linkPath).catch(() => null);
      // rename() cannot replace a directory with a symlink: a previous copy must go first.
      if (existing && existing.isDirectory() && !existing.isSymbolicLink()) await rm(linkPath, { recursive: true, force: true });
      await rename(tmp, linkPath);
      return { kind: 'symlink' };
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  await cp(targetDir, tmp, { recursive: true });
  try {
    const existing = await lstat(linkPath).catch(() => null);
    if (existing) {
      // Swap: move the old one aside first so `latest` is missing only between two renames.
      const old = tempName(linkPath);
      await rename(linkPath, old);
      await rename(tmp, linkPath);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, linkPath);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { kind: 'copy', reason };
}

/** Where `linkPath` points (for tests and messages); null when it is not a symlink. */
export async function latestTarget(linkPath: string): Promise<string | null> {
  return readlink(linkPath).catch(() => null);
}
