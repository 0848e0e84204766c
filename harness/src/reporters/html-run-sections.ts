/**
 * Run-level sections of the HTML report: top bar, verdict banner, key figures, what failed,
 * the cases table (`id="cases"`) and the environment (target, firmware, model, host). Pure.
 */
import { describeBoardRecord } from '../core/board-record.ts';
import type { CaseResult, RunReport } from '../core/results.ts';
import { caseAnchor, estimatedBadge, pill } from './html-case-detail.ts';
import {
  RUN_STATUS_LABEL,
  caseBudget,
  calibrationText,
  caseCycles,
  caseTone,
  counterDescription,
  countsSentence,
  cycleUnit,
  cycleUnitShort,
  failureReasons,
  fmtHz,
  fmtInt,
  fmtPct,
  fmtSignedPct,
  fmtSeconds,
  isNum,
  marginSummary,
  outputSummary,
  realTimeFactor,
  worstMargin,
} from './report-format.ts';
import { html, type SafeHtml } from './safe-html.ts';
import { QUALITY_NOTE, enhancementCell, fmtQ, inOut, reportQuality } from './quality-summary.ts';
import type { SignalQuality } from '../dsp/quality.ts';

export function topBar(r: RunReport): SafeHtml {
  return html`<header class="topbar"><div class="inner"><span class="brand">hil · regression report</span><span class="run">${r.runId}</span><span class="when">${r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} · ${fmtSeconds(r.summary.wallSeconds)}</span></div></header>`;
}

function verdictLine(r: RunReport): string {
  switch (r.status) {
    case 'passed':
      return 'Every case passed every applicable check.';
    case 'failed':
      return 'A test verdict failed: see the failures below.';
    case 'error':
      return 'An infrastructure error kept at least one case from finishing.';
    case 'incomplete':
      return 'The run was interrupted before every selected case ran.';
  }
}

export function verdictBanner(r: RunReport): SafeHtml {
  const t = r.target;
  const d = r.device;
  return html`<section class="verdict" data-verdict="${r.status}" aria-label="overall verdict"><div class="word">${RUN_STATUS_LABEL[r.status]}</div><div class="what"><div><strong>${countsSentence(r)}</strong></div><div>${verdictLine(r)}</div><div class="muted">target <strong>${t.profile}</strong> (${t.kind}) · firmware build <code>${d?.build ?? 'unknown'}</code> · model ${d ? `${d.model} ${d.modelVersion}` : 'unknown'} · exit code ${r.exitCode}</div></div></section>`;
}

export function keyFigures(r: RunReport): SafeHtml {
  const s = r.summary;
  const rtf = realTimeFactor(r);
  const wm = worstMargin(r);
  const tile = (k: string, v: string, cls = '', sub: SafeHtml | string | null = null) =>
    html`<div class="tile ${cls}"><div class="k">${k}</div><div class="v">${v}</div>${sub ? html`<div class="s">${sub}</div>` : null}</div>`;
  return html`<section class="tiles">${[
    tile('cases', String(s.total)),
    tile('passed', String(s.passed), s.passed > 0 ? 'pass' : ''),
    tile('failed', String(s.failed), s.failed > 0 ? 'fail' : ''),
    tile('errors', String(s.error), s.error > 0 ? 'error' : ''),
    tile('skipped', String(s.skipped)),
    tile('audio streamed', fmtSeconds(s.audioSeconds), '', rtf !== null ? `${rtf.toFixed(1)}× real time` : null),
    tile(
      'worst margin',
      wm ? fmtPct(wm.margin) : 'n/a',
      wm ? (wm.margin >= r.target.requiredMargin ? 'pass' : 'fail') : '',
      wm ? html`required ≥ ${fmtPct(r.target.requiredMargin)}${estimatedBadge(r)}` : 'not applicable: no cycle counter',
    ),
  ]}</section>`;
}

export function failureList(r: RunReport): SafeHtml | null {
  const bad = r.cases.map((c, i) => ({ c, i })).filter(({ c }) => c.status !== 'skipped' && failureReasons(c, r.target).length > 0);
  const notes: SafeHtml[] = [];
  if (!r.complete) notes.push(html`<p class="notice warn"><strong>Incomplete run:</strong> interrupted before every selected case ran; cases not run are marked skipped.</p>`);
  if (r.resources?.status === 'fail') notes.push(html`<p class="notice fail"><strong>Resource budget exceeded:</strong> ${r.resources.message}</p>`);
  if (r.target.counter === 'none') notes.push(html`<p class="notice info">This target has no cycle counter (host time is not target time): real-time margins are <strong>not applicable</strong> — they are not passes.</p>`);
  if (bad.length === 0 && notes.length === 0) return null;
  return html`<section class="card"><h2>${bad.length ? `What failed (${bad.length})` : 'Notes'}</h2>${notes}${bad.length ? html`<ul class="failures">${bad.map(
    ({ c, i }) => html`<li>${pill(c.status, caseTone(c.status))} <a href="#${caseAnchor(i)}"><code>${c.id}</code></a>${failureReasons(c, r.target).map((why) => html`<span class="why">${why}</span>`)}</li>`,
  )}</ul>` : null}</section>`;
}

function loadMeter(c: CaseResult, r: RunReport): SafeHtml | null {
  const cyc = caseCycles(c, r.target);
  const budget = caseBudget(c, r);
  if (!cyc || !budget || c.margin?.status === 'not-applicable') return null;
  const load = Math.min(1, cyc.max / budget);
  const limit = 1 - (c.margin?.requiredMargin ?? r.target.requiredMargin);
  return html`<span class="meter load${cyc.max > limit * budget ? ' hot' : ''}" title="worst frame uses ${fmtPct(cyc.max / budget)} of the budget"><span style="width:${(load * 100).toFixed(1)}%"></span></span>`;
}

export function casesTable(r: RunReport): SafeHtml {
  const unit = cycleUnitShort(r.target);
  const rows = r.cases.map((c, i) => {
    const out = outputSummary(c);
    const m = marginSummary(c);
    const b = c.baseline;
    const cyc = caseCycles(c, r.target);
    const marginText = c.margin && c.margin.status !== 'not-applicable' && isNum(c.margin.margin) ? fmtPct(c.margin.margin) : m.text;
    const change = (x: number) => html`<span class="tone-${b?.regression && x > (r.baseline?.threshold ?? 0) ? 'fail' : 'muted'}">${fmtSignedPct(x)}</span>`;
    return html`<tr class="status-${c.status}"><td class="num muted">${i + 1}</td><td>${pill(c.status, caseTone(c.status))}</td><td class="case"><a href="#${caseAnchor(i)}">${c.id}</a></td><td class="tone-${out.tone}">${out.text}</td><td class="num">${cyc ? fmtInt(cyc.median) : '–'}</td><td class="num">${cyc ? fmtInt(cyc.max) : '–'}</td><td class="tone-${m.tone}">${marginText}${loadMeter(c, r)}</td><td class="num">${b ? html`${change(b.medianChange)} / ${change(b.maxChange)}${b.regression ? html`<br><span class="tone-fail">regression</span>` : null}` : '–'}</td><td class="num">${enhancementCell(c)}</td><td class="num">${c.frames > 0 ? fmtSeconds(c.wallMs / 1000) : '–'}</td></tr>`;
  });
  const unitNote = cycleUnit(r.target);
  return html`<section class="card"><h2>Cases</h2><p class="muted" style="margin:-6px 0 10px">${unitNote ? html`Cycle columns are ${unitNote} per frame${estimatedBadge(r)}.` : 'No cycle counter on this target: cycle columns and margins are not applicable.'}</p><div class="table-wrap"><table id="cases"><thead><tr><th class="num">#</th><th>status</th><th>case</th><th class="out">output</th><th class="num">median<span class="unit">${unit}</span></th><th class="num">max<span class="unit">${unit}</span></th><th>margin<span class="unit">${r.target.counter !== 'none' ? `required ≥ ${fmtPct(r.target.requiredMargin, 0)}` : 'no counter'}</span></th><th class="num">baseline Δ<span class="unit">median / max</span></th><th class="num">quality<span class="unit">SI-SDR Δ or float SNR</span></th><th class="num">wall time</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function kv(rows: ReadonlyArray<readonly [string, SafeHtml | string | number | null]>): SafeHtml {
  return html`<dl class="kv">${rows.filter(([, v]) => v !== null && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

export function environment(r: RunReport): SafeHtml {
  const t = r.target;
  const d = r.device;
  const e = r.environment;
  const res = r.resources;
  const sel = r.selection;
  const target = kv([
    ['profile', html`<strong>${t.profile}</strong> (${t.kind})`],
    ['description', t.description],
    ['port', t.port],
    ['board', t.board ? describeBoardRecord(t.board) : null],
    ['labgrid', t.labgrid ? `place ${t.labgrid.place} via ${t.labgrid.coordinator ?? 'the default coordinator'}: ${t.labgrid.port}, ${t.labgrid.released ? 'released' : 'NOT released'}` : null],
    ['pool', t.pool ? t.pool.map((m) => `${m.name} (${m.port ?? '?'}): ${m.status}${m.reason ? ` (${m.reason})` : ''}, ${m.cases} cases`).join('; ') : null],
    ['clock', fmtHz(t.clockHz)],
    ['counter', html`${counterDescription(t)}${estimatedBadge(r)}`],
    ['CPI', t.counter === 'icount' && isNum(t.cpi) ? String(t.cpi) : null],
    ['CPI calibration', t.cpiCalibration ? calibrationText(t.cpiCalibration) : null],
    ['required margin', fmtPct(t.requiredMargin)],
  ]);
  const firmware = kv([
    ['build id', html`<code>${d?.build ?? 'unknown (no handshake)'}</code>`],
    ['agent', d ? `${d.fw} ${d.fwVersion}` : null],
    ['board', d?.board ?? null],
    ['image', html`<code>${t.firmware}</code>`],
    ['image sha256', t.firmwareSha256 ? html`<code>${t.firmwareSha256}</code>` : 'unknown'],
    ['model', d ? html`<strong>${d.model}</strong> ${d.modelVersion}` : 'unknown'],
    ['model description', d?.modelDesc ?? null],
    ['weights hash', d ? html`<code>${d.weights}</code>` : null],
    ['audio', d ? `${d.rate} Hz, hop ${d.hop} samples, latency ${d.latency} samples, window ${d.window} frames` : null],
    ['link framing', d ? (d.framing === 2 ? 'v2: binary frames (COBS, CRC-32)' : 'v1: base64 lines') : null],
    ['resources', res ? html`<span class="tone-${res.status === 'fail' ? 'fail' : res.status === 'pass' ? 'pass' : 'muted'}">${res.status === 'not-applicable' ? 'not applicable' : res.status}</span>: ${res.message}` : null],
  ]);
  const run = kv([
    ['run id', html`<code>${r.runId}</code>`],
    ['started', r.startedAt],
    ['finished', r.finishedAt],
    ['command', html`<code>${r.command.join(' ')}</code>`],
    ['selection', `suites ${sel.suites.join(', ') || 'all'}${sel.tags.length ? `; tags ${sel.tags.join(', ')}` : ''}${sel.grep ? `; grep ${sel.grep}` : ''}${sel.shard ? `; shard ${sel.shard}` : ''}; ${sel.jobs} job${sel.jobs === 1 ? '' : 's'}`],
    ['baseline', r.baseline ? `${r.baseline.path} (threshold ${fmtPct(r.baseline.threshold)}, ${r.baseline.regressions} regression${r.baseline.regressions === 1 ? '' : 's'})` : 'none'],
    ['host', `${e.host} · ${e.platform} · Node ${e.node}`],
    ['hil', e.hilVersion],
    ['git commit', e.gitCommit ? html`<code>${e.gitCommit}</code>` : 'unknown'],
  ]);
  return html`<section class="card" id="environment"><h2>Environment and target</h2><div class="env-grid"><div><h3>Target</h3>${target}</div><div><h3>Firmware and model</h3>${firmware}</div><div><h3>Run</h3>${run}</div></div></section>`;
}

/** Float-model SNR and enhancement figures per case, with per-suite means (quality-summary.ts). */
export function qualityTable(r: RunReport): SafeHtml | null {
  const { rows, suites } = reportQuality(r);
  if (rows.length === 0) return null;
  const cells = (i: SignalQuality | null, o: SignalQuality | null, d: SignalQuality | null) =>
    (['siSdrDb', 'snrDb', 'segSnrDb', 'stoi'] as const).map((k) => html`<td class="num">${inOut(i, o, d, k)}</td>`);
  const body = rows.map((q) => html`<tr><td class="case">${q.id}</td><td class="num">${q.deploymentSnrDb === null ? '–' : `${fmtQ(q.deploymentSnrDb)} (${fmtQ(q.activationSnrDb)})`}</td>${cells(q.input, q.output, q.improvement)}</tr>`);
  const means = suites.map((s) => html`<tr class="mean"><td class="case"><b>${s.suite}</b>: mean of ${s.withReference} with reference</td><td class="num">min ${fmtQ(s.minDeploymentSnrDb)}</td>${cells(s.input, s.output, s.improvement)}</tr>`);
  return html`<section class="card" id="quality"><h2>Quality</h2><p class="muted" style="margin:-6px 0 10px">${QUALITY_NOTE}</p><div class="table-wrap"><table><thead><tr><th>case</th><th class="num">float SNR<span class="unit">dB (activations only)</span></th><th class="num">SI-SDR<span class="unit">dB in → out (Δ)</span></th><th class="num">SNR<span class="unit">dB</span></th><th class="num">seg. SNR<span class="unit">dB</span></th><th class="num">STOI</th></tr></thead><tbody>${body}${means}</tbody></table></div></section>`;
}
