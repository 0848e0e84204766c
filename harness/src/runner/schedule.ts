/**
 * The order in which parallel workers take cases. With one worker the run follows the manifest
 * order (what a reader of the log expects). With several, the longest cases go first
 * (longest-processing-time-first list scheduling): a long case picked up last would keep one
 * instance busy while the others sit idle, which is what limits `--jobs N` scaling on a
 * regression that mixes 10 s speech files with 0.1 s edge cases. Ties keep manifest order.
 * Results are reported in manifest order either way.
 */
export interface Scheduled<T> {
  readonly c: T;
  /** Position in the manifest order (the case's number in progress lines and reports). */
  readonly i: number;
}

export function scheduleCases<T>(cases: readonly T[], jobs: number, weight: (c: T) => number): Array<Scheduled<T>> {
  const queue = cases.map((c, i) => ({ c, i, w: jobs > 1 ? weight(c) : 0 }));
  if (jobs > 1) queue.sort((a, b) => b.w - a.w || a.i - b.i);
  return queue.map(({ c, i }) => ({ c, i }));
}
