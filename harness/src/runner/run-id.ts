/** Run ids: sortable UTC timestamp plus a short random suffix, safe as a folder name. */
import { randomBytes } from 'node:crypto';

export function newRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return `${t}-${randomBytes(2).toString('hex')}`;
}
