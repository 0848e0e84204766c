/**
 * One case's section of the HTML report: verdict messages, cycles-over-time chart against the
 * budget, cycles histogram, the waveform around the first divergence of a failed output, levels,
 * baseline comparison, parameters, link statistics and the (collapsed) device log. Every string
 * from the device, the vectors or the configuration goes through the escaping `html` tag. Pure.
 */
import type { CaseResult, LevelFigures, RunReport } from '../core/results.ts';
import {
  baselineSummary,
  caseBudget,
  caseCycleSeries,
  caseCycles,
  caseTone,
  counterUnit,
  cycleUnit,
  fmtDb,
  fmtInt,
  fmtSeconds,
  fmtSignedPct,
  isNum,
  marginSummary,
  outputSummary,
  retryNote,
  type Tone,
} from './report-format.ts';
import { caseFirstDivergence } from './html-divergence-section.ts';
import { caseStages } from './html-stage-sections.ts';
import { html, type SafeHtml } from './safe-html.ts';
import { cyclesHistogram } from './svg-cycles-histogram.ts';
import { cyclesChart } from './svg-cycles-chart.ts';
import { waveformChart } from './svg-waveform-chart.ts';

/** The fragment id of a case's section (index-based: case ids are untrusted). */
export function caseAnchor(index: number): string {
  return `case-${index + 1}`;
}

/** Only plain relative paths inside the report folder become links (no schemes, no `..`). */
export function isSafeRelativeLink(p: string): boolean {
  return /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(p) && !p.split('/').some((seg) => seg === '..' || seg === '.');
}

export function pill(text: string, tone: Tone): SafeHtml {
  return html`<span class="pill tone-${tone}">${text}</span>`;
}

export function estimatedBadge(r: RunReport): SafeHtml | null {
  return r.target.counter === 'icount' ? html` <span class="badge" title="${cycleUnit(r.target) ?? ''}">estimated</span>` : null;
}

function messages(c: CaseResult): SafeHtml {
  const items: SafeHtml[] = [];
  if (c.error) {
    const detail = c.error.detail ? Object.entries(c.error.detail).map(([k, v]) => `${k}=${v}`).join(', ') : '';
    items.push(html`<li class="tone-error"><strong>${c.error.code}</strong>: ${c.error.message}${detail ? html`<br>${detail}` : null}</li>`);
  }
  if (c.output) items.push(html`<li class="tone-${c.output.status === 'fail' ? 'fail' : c.output.status === 'pass' ? 'pass' : 'muted'}">output: ${c.output.message}</li>`);
  if (c.margin) items.push(html`<li class="tone-${c.margin.status === 'fail' ? 'fail' : c.margin.status === 'pass' ? 'pass' : 'muted'}">real-time: ${c.margin.message}</li>`);
  if (c.baseline?.regression) items.push(html`<li class="tone-fail">baseline: cycle regression, ${baselineSummary(c).text}</li>`);
  if (c.status === 'skipped' && !c.error) items.push(html`<li class="tone-muted">not run</li>`);
  const retry = retryNote(c);
  if (retry) items.push(html`<li class="tone-error">${c.status} ${retry}</li>`);
  return items.length ? html`<ul class="messages">${items}</ul>` : html``;
}

function charts(c: CaseResult, r: RunReport): SafeHtml | null {
  const series = caseCycleSeries(c, r.target);
  if (series.length === 0) {
    if (c.status === 'skipped' || c.frames === 0) return null;
    return html`<p class="notice info">No per-frame counts: the target has no cycle counter (host time is not target time), so the real-time margin is <strong>not applicable</strong>.</p>`;
  }
  const unit = cycleUnit(r.target) ?? 'cycles';
  const budget = caseBudget(c, r);
  const required = c.margin?.requiredMargin ?? r.target.requiredMargin;
  return html`<h3>Cycles per frame</h3><div class="charts"><figure><figcaption>${unit} per frame over the case, against the budget</figcaption>${cyclesChart({
    cycles: series,
    budget,
    requiredMargin: required,
    unit,
    title: `${c.id}: ${unit} per frame`,
  })}</figure><figure><figcaption>distribution over ${series.length} frames</figcaption>${cyclesHistogram({ cycles: series, budget, median: caseCycles(c, r.target)?.median, unit, title: `${c.id}: histogram of ${unit} per frame` })}</figure></div>`;
}

function divergence(c: CaseResult, r: RunReport): SafeHtml | null {
  const d = c.divergence;
  if (!d || c.output?.status !== 'fail') return null;
  const fm = c.output.firstMismatch;
  return html`<h3>Output vs golden around the first divergence</h3><div class="charts single"><figure><figcaption>samples ${d.start}–${d.start + Math.max(d.output.length, d.golden.length) - 1}${fm ? html`; first mismatch at sample ${fm.sample} (frame ${fm.frame}, ${isNum(fm.timeS) ? fm.timeS.toFixed(4) : '?'} s): got <strong>${fm.got}</strong>, want <strong>${fm.want}</strong>` : null}</figcaption>${waveformChart({
    start: d.start,
    output: d.output,
    golden: d.golden,
    firstMismatch: fm?.sample ?? null,
    hop: r.device?.hop ?? null,
    title: `${c.id}: output against golden from sample ${d.start}`,
  })}</figure></div>`;
}

/** A level bar from −90 to 0 dBFS; a peak within 0.1 dB of full scale (clipping risk) shows red. */
function meter(db: number | null, peak = false): SafeHtml {
  const pct = isNum(db) ? Math.max(0, Math.min(100, ((db + 90) / 90) * 100)) : 0;
  return html`<span class="meter block${peak && isNum(db) && db > -0.1 ? ' hot' : ''}" title="${fmtDb(db)} on a −90…0 dBFS scale"><span style="width:${pct.toFixed(1)}%"></span></span>`;
}

function levels(c: CaseResult): SafeHtml | null {
  if (!c.levels) return null;
  const row = (name: string, l: LevelFigures) =>
    html`<tr><td>${name}</td><td class="num">${fmtDb(l.rmsDbfs)}${meter(l.rmsDbfs)}</td><td class="num">${fmtDb(l.peakDbfs)}${meter(l.peakDbfs, true)}</td></tr>`;
  const gain = isNum(c.levels.output.rmsDbfs) && isNum(c.levels.input.rmsDbfs) ? c.levels.output.rmsDbfs - c.levels.input.rmsDbfs : null;
  return html`<div><h3>Levels</h3><table class="mini"><thead><tr><th></th><th class="num">RMS</th><th class="num">peak</th></tr></thead><tbody>${row('input', c.levels.input)}${row('output', c.levels.output)}</tbody></table>${gain !== null ? html`<p class="muted">output − input RMS: ${gain >= 0 ? '+' : ''}${gain.toFixed(1)} dB</p>` : null}</div>`;
}

function cyclesFacts(c: CaseResult, r: RunReport): SafeHtml | null {
  const cyc = caseCycles(c, r.target);
  const b = c.baseline;
  if (!cyc && !b) return null;
  const m = marginSummary(c);
  return html`<div><h3>Real time</h3><dl class="kv">${cyc ? html`<dt>median / p95 / max</dt><dd class="mono">${fmtInt(cyc.median)} / ${fmtInt(cyc.p95)} / ${fmtInt(cyc.max)}${estimatedBadge(r)}</dd>` : null}${c.margin && isNum(c.margin.budgetCycles) && c.margin.budgetCycles > 0 ? html`<dt>budget</dt><dd class="mono">${fmtInt(c.margin.budgetCycles)} per frame</dd>` : null}${c.margin?.worstFrame !== null && c.margin?.worstFrame !== undefined ? html`<dt>worst frame</dt><dd>${c.margin.worstFrame}</dd>` : null}<dt>margin</dt><dd class="tone-${m.tone}">${m.text}</dd></dl>${b ? html`<table class="mini" style="margin-top:10px"><thead><tr><th>baseline${counterUnit(r.target) ? html` <span class="unit">(${counterUnit(r.target)})</span>` : null}</th><th class="num">before</th><th class="num">now</th><th class="num">change</th></tr></thead><tbody><tr><td>median</td><td class="num">${fmtInt(b.medianBefore)}</td><td class="num">${fmtInt(b.medianAfter)}</td><td class="num tone-${b.regression && b.medianChange > 0 ? 'fail' : 'muted'}">${fmtSignedPct(b.medianChange)}</td></tr><tr><td>max</td><td class="num">${fmtInt(b.maxBefore)}</td><td class="num">${fmtInt(b.maxAfter)}</td><td class="num tone-${b.regression && b.maxChange > 0 ? 'fail' : 'muted'}">${fmtSignedPct(b.maxChange)}</td></tr></tbody></table>${b.regression ? html`<p class="tone-fail">regression against the baseline</p>` : null}` : null}</div>`;
}

function runFacts(c: CaseResult): SafeHtml {
  const params = Object.entries(c.params);
  const o = c.output;
  return html`<div><h3>Case</h3><dl class="kv"><dt>input</dt><dd class="mono">${c.input}</dd><dt>golden</dt><dd class="mono">${c.golden ?? '(none)'}</dd>${c.outputWav ? html`<dt>output</dt><dd class="mono">${isSafeRelativeLink(c.outputWav) ? html`<a href="${c.outputWav}">${c.outputWav}</a>` : c.outputWav}</dd>` : null}<dt>frames</dt><dd>${c.frames > 0 ? `${fmtInt(c.frames)} (${fmtSeconds(c.audioSeconds)} of audio in ${fmtSeconds(c.wallMs / 1000)})` : c.status === 'skipped' ? 'none: not run' : 'none: the case did not finish'}</dd><dt>attempts</dt><dd>${c.attempts}</dd>${c.board ? html`<dt>board</dt><dd>${c.board.name} (${c.board.port ?? 'no port'}${c.board.serialNumber ? `, serial ${c.board.serialNumber}` : ''})</dd>` : null}${c.tags.length ? html`<dt>tags</dt><dd>${c.tags.join(', ')}</dd>` : null}<dt>parameters</dt><dd class="mono">${params.length ? params.map(([k, v], i) => html`${i ? ', ' : ''}${k}=${v}`) : '(defaults)'}</dd>${o ? html`<dt>hashes</dt><dd class="mono">out ${o.outputHash} · golden ${o.goldenHash}</dd>` : null}<dt>link</dt><dd>${c.link.resentLines} re-sent, ${c.link.corruptLines} corrupt, ${c.link.naks} NAKs, ${c.link.timeouts} timeouts</dd></dl></div>`;
}

function deviceLog(c: CaseResult): SafeHtml {
  if (c.deviceLog.length === 0) return html`<p class="muted" style="margin-top:12px">No device log lines.</p>`;
  return html`<details class="log"><summary>Device log · ${c.deviceLog.length} line${c.deviceLog.length === 1 ? '' : 's'}</summary><pre>${c.deviceLog.map(
    (l) => html`<span class="t">[${isNum(l.t) ? l.t.toFixed(3).padStart(8) : '       ?'} s]</span> ${l.text}\n`,
  )}</pre></details>`;
}

export function caseDetail(c: CaseResult, index: number, r: RunReport): SafeHtml {
  const out = outputSummary(c);
  const m = marginSummary(c);
  const open = c.status === 'failed' || c.status === 'error' || c.baseline?.regression === true;
  return html`<details class="case status-${c.status}" id="${caseAnchor(index)}"${open ? html` open` : null}><summary>${pill(c.status, caseTone(c.status))}<span class="id">${c.id}</span><span class="brief">output: <span class="tone-${out.tone}">${out.text}</span> · margin: <span class="tone-${m.tone}">${m.text}</span></span></summary><div class="case-body">${messages(c)}${charts(c, r)}${caseStages(c)}${caseFirstDivergence(c)}${divergence(c, r)}<div class="facts">${cyclesFacts(c, r)}${levels(c)}${runFacts(c)}</div>${deviceLog(c)}</div></details>`;
}
