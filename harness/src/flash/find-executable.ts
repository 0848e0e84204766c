/** Look an executable up on PATH the way execvp would (no shell), for defaults and clear errors. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Full path of `name` (a bare name is searched on PATH, a path is checked as is), or null. */
export function findExecutable(name: string, envPath = process.env.PATH ?? ''): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, name);
    if (isExecutable(full)) return full;
  }
  return null;
}

/** The first of `names` found on PATH (the name, not the full path), or null. */
export function firstExecutable(names: readonly string[], envPath?: string): string | null {
  return names.find((n) => findExecutable(n, envPath) !== null) ?? null;
}
