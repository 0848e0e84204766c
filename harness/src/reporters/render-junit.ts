/**
 * JUnit XML for CI test tabs: one <testsuite> per vector suite, one <testcase> per case.
 * <failure> carries the failed verdicts' messages (bit-exactness, real-time margin, baseline
 * regression), <error> an infrastructure error, <skipped/> a case not run; each case's device log
 * goes to <system-out>. Run-level resource budgets appear as a testcase of a `hil` suite. The
 * XML is built with xmlbuilder2 (escaping); strings are first cleared of characters XML 1.0
 * forbids. Pure.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

import type { CaseResult, RunReport, TargetRecord } from '../core/results.ts';
import { xmlSafe } from './escape.ts';
import { caseCycles, cycleUnit, fmtInt, fmtPct, failureReasons, isNum, retryNote } from './report-format.ts';

type Outcome =
  | { kind: 'passed' }
  | { kind: 'failure'; type: string; message: string; body: string }
  | { kind: 'error'; type: string; message: string; body: string }
  | { kind: 'skipped'; message: string };

function failureType(c: CaseResult): string {
  if (c.output?.status === 'fail') return c.output.tolerance.mode === 'bit-exact' ? 'bit-exact' : `output-${c.output.tolerance.mode}`;
  if (c.margin?.status === 'fail') return 'real-time-margin';
  if (c.baseline?.regression) return 'baseline-regression';
  return 'failed';
}

/** How a case appears in JUnit. A baseline regression fails the case, as it fails the run. */
export function junitOutcome(c: CaseResult, t: TargetRecord): Outcome {
  const reasons = failureReasons(c, t);
  const body = reasons.join('\n');
  switch (c.status) {
    case 'skipped':
      return { kind: 'skipped', message: c.error?.message ?? 'not run' };
    case 'error': {
      const detail = c.error?.detail ? Object.entries(c.error.detail).map(([k, v]) => `${k}: ${v}`).join('\n') : '';
      return {
        kind: 'error',
        type: c.error?.code ?? 'ERROR',
        message: c.error?.message ?? 'the case did not finish',
        body: [body, detail].filter((s) => s.length > 0).join('\n\n'),
      };
    }
    case 'failed':
    case 'passed':
      if (reasons.length === 0) return c.status === 'failed' ? { kind: 'failure', type: 'failed', message: 'failed', body: '' } : { kind: 'passed' };
      return { kind: 'failure', type: failureType(c), message: reasons[0]!, body };
  }
}

function deviceLogText(c: CaseResult): string {
  return c.deviceLog.map((l) => `[${isNum(l.t) ? l.t.toFixed(3).padStart(8) : '       ?'} s] ${l.text}`).join('\n');
}

function runProperties(r: RunReport): Array<[string, string]> {
  const d = r.device;
  const t = r.target;
  const props: Array<[string, string]> = [
    ['hil.runId', r.runId],
    ['hil.status', r.status],
    ['firmware.build', d?.build ?? 'unknown (no handshake)'],
    ['firmware.sha256', t.firmwareSha256 || 'unknown'],
    ['firmware.version', d ? `${d.fw} ${d.fwVersion}` : 'unknown'],
    ['model', d ? `${d.model} ${d.modelVersion}` : 'unknown'],
    ['model.weights', d?.weights ?? 'unknown'],
    ['target', `${t.profile} (${t.kind})`],
    ['target.description', t.description],
    ['counter', t.counter],
    ['counter.unit', cycleUnit(t) ?? 'none: real-time margin not applicable'],
    ['clockHz', String(t.clockHz)],
    ['requiredMargin', String(t.requiredMargin)],
  ];
  if (t.cpi !== null) props.push(['cpi', String(t.cpi)]);
  if (r.environment.gitCommit) props.push(['git.commit', r.environment.gitCommit]);
  return props;
}

function addCase(suite: XMLBuilder, c: CaseResult, r: RunReport): void {
  const tc = suite.ele('testcase', { name: xmlSafe(c.name), classname: xmlSafe(c.suite), time: (Math.max(0, c.wallMs) / 1000).toFixed(3) });
  const o = junitOutcome(c, r.target);
  if (o.kind === 'failure') tc.ele('failure', { message: xmlSafe(o.message), type: xmlSafe(o.type) }).txt(xmlSafe(o.body));
  else if (o.kind === 'error') tc.ele('error', { message: xmlSafe(o.message), type: xmlSafe(o.type) }).txt(xmlSafe(o.body));
  else if (o.kind === 'skipped') tc.ele('skipped', { message: xmlSafe(o.message) });
  const cyc = caseCycles(c, r.target);
  const summary: string[] = [];
  if (c.output) summary.push(`output: ${c.output.message}`);
  if (c.margin) summary.push(`real-time: ${c.margin.message}`);
  if (cyc) summary.push(`per frame: median ${fmtInt(cyc.median)}, max ${fmtInt(cyc.max)} ${cycleUnit(r.target) ?? ''}`.trimEnd());
  if (c.margin && isNum(c.margin.margin)) summary.push(`margin ${fmtPct(c.margin.margin)}`);
  const retry = retryNote(c);
  if (retry) summary.push(`${c.status} ${retry}`);
  const log = deviceLogText(c);
  const out = [...summary, ...(log ? ['device log:', log] : [])].join('\n');
  if (out.length > 0) tc.ele('system-out').txt(xmlSafe(out));
}

function counts(outcomes: readonly Outcome[]): { failures: number; errors: number; skipped: number } {
  return {
    failures: outcomes.filter((o) => o.kind === 'failure').length,
    errors: outcomes.filter((o) => o.kind === 'error').length,
    skipped: outcomes.filter((o) => o.kind === 'skipped').length,
  };
}

export function renderJunit(r: RunReport): string {
  const suites = new Map<string, CaseResult[]>();
  for (const c of r.cases) {
    const list = suites.get(c.suite) ?? [];
    list.push(c);
    suites.set(c.suite, list);
  }
  const all = r.cases.map((c) => junitOutcome(c, r.target));
  const res = r.resources;
  const resOutcome: Outcome | null = res
    ? res.status === 'fail'
      ? { kind: 'failure', type: 'resources', message: res.message, body: res.message }
      : res.status === 'not-applicable'
        ? { kind: 'skipped', message: `not applicable: ${res.message}` }
        : { kind: 'passed' }
    : null;
  const total = counts(resOutcome ? [...all, resOutcome] : all);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: xmlSafe(`hil ${r.runId}`),
    tests: String(r.cases.length + (resOutcome ? 1 : 0)),
    failures: String(total.failures),
    errors: String(total.errors),
    skipped: String(total.skipped),
    time: (isNum(r.summary.wallSeconds) ? r.summary.wallSeconds : 0).toFixed(3),
    timestamp: r.startedAt,
  });
  const props = runProperties(r);
  const addSuite = (name: string, n: number, o: readonly Outcome[], time: number): XMLBuilder => {
    const k = counts(o);
    const s = root.ele('testsuite', {
      name: xmlSafe(name),
      tests: String(n),
      failures: String(k.failures),
      errors: String(k.errors),
      skipped: String(k.skipped),
      time: time.toFixed(3),
      timestamp: r.startedAt,
      hostname: xmlSafe(r.environment.host),
    });
    const p = s.ele('properties');
    for (const [k2, v] of props) p.ele('property', { name: k2, value: xmlSafe(v) });
    return s;
  };
  for (const [name, list] of suites) {
    const s = addSuite(name, list.length, list.map((c) => junitOutcome(c, r.target)), list.reduce((a, c) => a + Math.max(0, c.wallMs), 0) / 1000);
    for (const c of list) addCase(s, c, r);
  }
  if (res && resOutcome) {
    const s = addSuite('hil', 1, [resOutcome], 0);
    const tc = s.ele('testcase', { name: 'resource budgets', classname: 'hil', time: '0.000' });
    if (resOutcome.kind === 'failure') tc.ele('failure', { message: xmlSafe(resOutcome.message), type: 'resources' }).txt(xmlSafe(resOutcome.body));
    else if (resOutcome.kind === 'skipped') tc.ele('skipped', { message: xmlSafe(resOutcome.message) });
    tc.ele('system-out').txt(xmlSafe(res.message));
  }
  return root.end({ prettyPrint: true });
}
