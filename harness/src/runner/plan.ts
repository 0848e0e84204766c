/**
 * Case selection and sharding. Pure: deterministic for the same inputs, so CI matrix jobs with
 * `--shard i/n` partition the same selection without overlap or gaps.
 */
import { HarnessError } from '../core/errors.ts';

export interface Selectable {
  readonly suite: string;
  readonly name: string;
  readonly tags: readonly string[];
}

export interface Selection {
  /** Only cases carrying at least one of these tags (empty: all). */
  readonly tags: readonly string[];
  /** Case id (`suite/name`) pattern: a regular expression, or a glob with `*` and `?`. */
  readonly grep: string | null;
  readonly shard: Shard | null;
}

export interface Shard {
  readonly index: number; // 1-based
  readonly count: number;
}

export function caseId(c: Selectable): string {
  return `${c.suite}/${c.name}`;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new HarnessError('USAGE', `--shard ${JSON.stringify(s)}: expected i/n with 1 <= i <= n, e.g. --shard 1/4`, { key: 'shard' });
  }
  return { index, count };
}

/** Turn a user pattern into a RegExp: globs when the pattern has only * and ? as specials. */
export function compilePattern(p: string): RegExp {
  const globOnly = /^[^\\^$+()[\]{}|]*$/.test(p) && /[*?]/.test(p) && !/\.\*/.test(p);
  try {
    if (globOnly) {
      const re = p.replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
      return new RegExp(`^${re}$`);
    }
    return new RegExp(p);
  } catch (e) {
    throw new HarnessError('USAGE', `--grep ${JSON.stringify(p)}: not a valid pattern (${(e as Error).message})`, { key: 'grep' });
  }
}

/** Select cases (sorted by id), then keep the shard's slice: every n-th case from offset i-1. */
export function selectCases<T extends Selectable>(cases: readonly T[], sel: Selection): T[] {
  const re = sel.grep ? compilePattern(sel.grep) : null;
  const chosen = cases
    .filter((c) => sel.tags.length === 0 || c.tags.some((t) => sel.tags.includes(t)))
    .filter((c) => !re || re.test(caseId(c)))
    .slice()
    .sort((a, b) => (caseId(a) < caseId(b) ? -1 : caseId(a) > caseId(b) ? 1 : 0));
  if (!sel.shard) return chosen;
  const { index, count } = sel.shard;
  return chosen.filter((_, i) => i % count === index - 1);
}
