/**
 * The first-divergence part of a failed case's HTML section: which stage of the model first
 * computed something else than the reference, in which frame, which element, and both values
 * (runner/diagnose-divergence.ts). Stage names and messages come from the device and the
 * reference and go through the escaping `html` tag. Pure.
 */
import { divergenceLine } from '../assertions/stage-divergence.ts';
import type { CaseResult } from '../core/results.ts';
import { fmtInt } from './report-format.ts';
import { html, type SafeHtml } from './safe-html.ts';

export function caseFirstDivergence(c: CaseResult): SafeHtml | null {
  const d = c.firstDivergence;
  if (!d) return null;
  const kind = d.status === 'stage' || d.status === 'after-model' ? 'fail' : 'info';
  const head = html`<h3>First divergent stage</h3><p class="notice ${kind}">${divergenceLine(d)}</p>`;
  if (d.status !== 'stage') return html`${head}<p class="muted">reference: ${d.reference ?? '–'}; ${fmtInt(d.framesCompared)} frames compared</p>`;
  const cell = (v: number | string | undefined): string => (v === undefined ? '–' : typeof v === 'number' ? fmtInt(v) : v);
  const rows: Array<[string, SafeHtml | string]> = [
    ['frame', `${d.frame} (output diverges from frame ${d.outputFrame})`],
    ['stage', html`<strong>${d.stage}</strong> (stage ${(d.stageIndex ?? 0) + 1})`],
    ['element', d.element === undefined ? '–' : `${d.element} (${fmtInt(d.differing ?? 0)} of ${fmtInt(d.elements ?? 0)} elements differ)`],
    ['target', cell(d.targetValue)],
    ['reference', cell(d.referenceValue)],
    ['earlier stages, identical', d.identicalBefore?.length ? d.identicalBefore.join(', ') : '– (first stage)'],
    ...(d.untappedBefore?.length ? ([['earlier stages, no tap', d.untappedBefore.join(', ')]] as Array<[string, string]>) : []),
    ['reference image', d.reference ?? '–'],
  ];
  return html`${head}<dl class="kv">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}
