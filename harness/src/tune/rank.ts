/**
 * Rank measured settings against the goal. Pure.
 *
 * Order (first difference decides); silence (no measurable level) ranks after every setting
 * with a level:
 *  1. fewer violated constraints;
 *  2. smaller total shortfall in dB (level outside its tolerance + peak over its limit + noise
 *     reduction under its minimum);
 *  3. fewer clipped samples beyond the allowance;
 *  4. smaller |level error| (closest to the target level);
 *  5. more peak headroom;
 *  6. earlier in the sweep (stable).
 */
import type { GoalVerdict } from './goal.ts';

export interface Rankable {
  readonly verdict: GoalVerdict;
}

function key(v: GoalVerdict): number[] {
  const m = v.margins;
  const silent = v.silent;
  const shortfall = Math.max(0, -(m.level ?? 0)) + Math.max(0, -(m.peak ?? 0)) + Math.max(0, -(m.snrGain ?? 0));
  return [
    silent ? 1 : 0,
    v.violations.length,
    shortfall,
    Math.max(0, -(m.clipped ?? 0)),
    silent ? 1e9 : Math.abs(v.levelErrorDb ?? 0),
    -(m.peak ?? 0),
  ];
}

/** Indices of `points`, best first. */
export function rankSettings(points: readonly Rankable[]): number[] {
  const keys = points.map((p) => key(p.verdict));
  return points
    .map((_, i) => i)
    .sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      for (let i = 0; i < ka.length; i++) {
        const d = ka[i]! - kb[i]!;
        if (Math.abs(d) > 1e-9) return d;
      }
      return a - b;
    });
}
