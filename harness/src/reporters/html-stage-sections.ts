/**
 * Per-stage profile sections of the HTML report (`hil run --profile`): the run's "where the
 * cycles go" table with a stacked bar per case, and each case's stage table. Stage names come
 * from the device and go through the escaping `html` tag. Pure.
 */
import type { CaseResult, RunReport } from '../core/results.ts';
import type { StageProfile } from '../perf/stage-profile.ts';
import { caseAnchor } from './html-case-detail.ts';
import { fmtInt } from './report-format.ts';
import { html, type SafeHtml } from './safe-html.ts';
import { runStageSummary, stageColour } from './stage-summary.ts';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function swatch(k: number): SafeHtml {
  return html`<span class="swatch" style="background:${stageColour(k)}"></span>`;
}

/** One bar, a segment per stage with its share as width; the title says stage and share. */
export function stackedBar(stages: ReadonlyArray<{ readonly name: string; readonly share: number }>, title: string): SafeHtml {
  return html`<div class="stack" role="img" aria-label="${title}">${stages.map(
    (s, k) => html`<span style="width:${(Math.max(0, s.share) * 100).toFixed(2)}%;background:${stageColour(k)}" title="${s.name} ${pct(s.share)}"></span>`,
  )}</div>`;
}

function unitNote(p: Pick<StageProfile, 'unit' | 'label' | 'estimated'>): SafeHtml {
  return html`counts in ${p.unit}${p.estimated ? html`; cycles are <strong>${p.label}</strong>` : null}`;
}

export function runStagesSection(r: RunReport): SafeHtml | null {
  const s = runStageSummary(r);
  if (!s) return null;
  const body = s.rows.map(
    (row, k) =>
      html`<tr><td>${swatch(k)}${row.name}</td><td class="num">${fmtInt(row.median)}</td><td class="num">${row.cycles === null ? '–' : fmtInt(row.cycles)}</td><td class="num">${fmtInt(row.max)}</td><td class="num">${pct(row.share)}<span class="meter block"><span style="width:${(row.share * 100).toFixed(1)}%"></span></span></td></tr>`,
  );
  const bars = r.cases.map((c, i) =>
    c.profile ? html`<tr><td class="case"><a href="#${caseAnchor(i)}">${c.id}</a></td><td>${stackedBar(c.profile.stages, `${c.id}: share of the frame per stage`)}</td></tr>` : null,
  );
  return html`<section class="card" id="stages"><h2>Where the cycles go</h2><p class="muted" style="margin:-6px 0 10px">Per-stage counts from the model's stage probes over ${fmtInt(s.frames)} frames of ${s.cases} case${s.cases === 1 ? '' : 's'} (${unitNote(s)}). Median: of the per-case medians; share: of all profiled frames.${s.mismatched ? ` ${s.mismatched} case(s) with other stage names are left out.` : ''}</p><div class="table-wrap"><table class="mini"><thead><tr><th>stage</th><th class="num">median</th><th class="num">cycles</th><th class="num">max</th><th class="num">share</th></tr></thead><tbody>${body}</tbody></table></div><h3>Share of the frame per case</h3><table class="mini stacks"><tbody>${bars}</tbody></table></section>`;
}

export function caseStages(c: CaseResult): SafeHtml | null {
  const p = c.profile;
  if (!p) return null;
  const body = p.stages.map(
    (s, k) =>
      html`<tr><td>${swatch(k)}${s.name}</td><td class="num">${fmtInt(s.median)}</td><td class="num">${fmtInt(s.p99)}</td><td class="num">${fmtInt(s.max)}</td><td class="num">${s.cycles ? fmtInt(s.cycles.median) : '–'}</td><td class="num">${pct(s.share)}</td></tr>`,
  );
  return html`<h3>Stages</h3>${stackedBar(p.stages, `${c.id}: share of the frame per stage`)}<table class="mini"><thead><tr><th>stage</th><th class="num">median</th><th class="num">p99</th><th class="num">max</th><th class="num">cycles (median)</th><th class="num">share</th></tr></thead><tbody>${body}</tbody></table><p class="muted">${unitNote(p)}; stage sums are within ${pct(p.sumErrorMax)} of the frame counts.</p>`;
}
