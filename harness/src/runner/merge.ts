/**
 * `hil merge`: combine the reports of shard runs into one report, as if one run had run every
 * case. Refuses reports of different firmware builds or targets, and overlapping shards. Pure.
 */
import { HarnessError } from '../core/errors.ts';
import { REPORT_SCHEMA, runOutcome, summarizeCases, type RunReport } from '../core/results.ts';
import { mergeReliability } from './reliability.ts';

export function mergeReports(reports: readonly RunReport[], runId: string, files: readonly string[] = []): RunReport {
  if (reports.length === 0) throw new HarnessError('USAGE', 'hil merge: name at least one report.json');
  const name = (i: number) => files[i] ?? `report ${i + 1}`;
  reports.forEach((r, i) => {
    if (r.schema !== REPORT_SCHEMA) throw new HarnessError('INPUT', `${name(i)}: schema ${JSON.stringify(r.schema)}, expected ${REPORT_SCHEMA}`, { file: files[i] });
  });
  const first = reports[0]!;
  reports.forEach((r, i) => {
    const a = first.device?.build ?? null;
    const b = r.device?.build ?? null;
    if (a !== b || r.target.firmwareSha256 !== first.target.firmwareSha256) {
      throw new HarnessError('INPUT', `${name(i)}: firmware build ${b} differs from ${name(0)}'s ${a}; shards must test the same image`, { file: files[i] });
    }
    if (r.target.kind !== first.target.kind || r.target.profile !== first.target.profile) {
      throw new HarnessError('INPUT', `${name(i)}: target ${r.target.profile} differs from ${name(0)}'s ${first.target.profile}`, { file: files[i] });
    }
  });
  const seen = new Map<string, number>();
  const cases = reports.flatMap((r, i) =>
    r.cases.map((c) => {
      const prev = seen.get(c.id);
      if (prev !== undefined) throw new HarnessError('INPUT', `case ${c.id} appears in both ${name(prev)} and ${name(i)}; shards overlap`);
      seen.set(c.id, i);
      return c;
    }),
  );
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const complete = reports.every((r) => r.complete);
  const starts = reports.map((r) => r.startedAt).sort();
  const ends = reports.map((r) => r.finishedAt).sort();
  const wall = reports.reduce((a, r) => a + r.summary.wallSeconds, 0);
  const { status, exitCode } = runOutcome(cases, complete);
  const regressions = cases.filter((c) => c.baseline?.regression).length;
  return {
    ...first,
    runId,
    startedAt: starts[0]!,
    finishedAt: ends[ends.length - 1]!,
    complete,
    status,
    exitCode,
    command: ['hil', 'merge', ...files],
    selection: { ...first.selection, shard: null },
    baseline: first.baseline ? { ...first.baseline, regressions } : null,
    summary: summarizeCases(cases, wall),
    cases,
    reliability: mergeReliability(reports, cases),
  };
}
