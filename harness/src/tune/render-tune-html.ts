/**
 * The tuning report page (index.html): verdict, best setting with its margins, level-vs-setting
 * charts, every setting in a ranked table, device and case facts. Self-contained (inline CSS and
 * SVG, no scripts; same Content-Security-Policy as the run report). Every string from the device,
 * the case or the command line is escaped by the `html` tag. Pure.
 */
import { REPORT_CSS } from '../reporters/html-styles.ts';
import { REPORT_CSP } from '../reporters/render-html.ts';
import { html, raw, type SafeHtml } from '../reporters/safe-html.ts';
import { levelOf, levelUnit } from './goal.ts';
import type { SweepPoint } from './run-sweep.ts';
import { describeSetting } from './sweep-spec.ts';
import { levelChart } from './tune-chart.ts';
import type { TuneReport } from './tune-report.ts';

const TUNE_CSS = `
svg.chart .target-band { fill: rgba(26, 127, 55, .12); }
svg.chart .target-label { fill: #1a7f37; font-weight: 600; }
svg.chart .level-line { fill: none; stroke-width: 1.8; }
svg.chart .peak-line { fill: none; stroke-width: 1.1; stroke-dasharray: 5 3; opacity: .75; }
svg.chart .pt-pass { stroke: #1a7f37; stroke-width: 1.5; }
svg.chart .best-mark { fill: none; stroke: #1f2328; stroke-width: 2; }
svg.chart .best-label { fill: #1f2328; font-weight: 700; }
.legend-keys { font-size: 12px; margin: 4px 0 14px; display: flex; flex-wrap: wrap; gap: 4px 14px; }
.legend-keys .key i { display: inline-block; width: 14px; height: 3px; margin-right: 5px; vertical-align: middle; }
tr.best td { background: #dafbe1; font-weight: 600; }
td.why { font-size: 12px; color: var(--muted); min-width: 260px; }
`;

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const signed = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);

function goalText(r: TuneReport): string {
  const g = r.goal;
  const parts: string[] = [];
  if (g.level !== null) parts.push(`${g.metric === 'active' ? 'active level' : 'RMS'} ${g.level} ± ${g.tolerance} ${levelUnit(g.metric)}`);
  if (g.maxPeak !== null) parts.push(`peak ≤ ${g.maxPeak} dBFS`);
  if (g.maxClipped !== null) parts.push(`≤ ${g.maxClipped} clipped samples`);
  if (g.minSnrGain !== null) parts.push(`noise reduction ≥ ${g.minSnrGain} dB`);
  return parts.join(', ') || 'no constraints';
}

function banner(r: TuneReport): SafeHtml {
  const b = r.best;
  const state = r.met ? 'passed' : b ? 'failed' : 'error';
  const word = r.met ? 'MET' : b ? 'NOT MET' : 'NO DATA';
  const lines: SafeHtml[] = [html`<div><strong>Goal:</strong> ${goalText(r)}</div>`];
  if (b) {
    lines.push(html`<div><strong>Best setting:</strong> <code>${describeSetting(b.setting)}</code></div>`);
    const m = b.verdict.margins;
    lines.push(
      html`<div>Margins: level ${signed(m.level)} dB, peak headroom ${signed(m.peak)} dB, clipped ${m.clipped === null ? '–' : m.clipped}${b.verdict.violations.length ? html` · <span class="tone-fail">${b.verdict.violations.join('; ')}</span>` : null}</div>`,
    );
  }
  if (r.interrupted) lines.push(html`<div class="tone-warn">Interrupted: ${r.points.length} settings measured.</div>`);
  if (r.reproducible === false) lines.push(html`<div class="tone-fail">Replaying the best setting measured different levels: the device does not reset its state cleanly.</div>`);
  return html`<section class="verdict" data-verdict="${state}"><div class="word">${word}</div><div class="what">${lines}</div></section>`;
}

function tiles(r: TuneReport): SafeHtml {
  const b = r.best;
  const unit = levelUnit(r.goal.metric);
  const tile = (k: string, v: string, s: string, tone = '') => html`<div class="tile ${tone}"><div class="k">${k}</div><div class="v">${v}</div><div class="s">${s}</div></div>`;
  const inLvl = levelOf(r.inputLevels, r.goal.metric);
  return html`<section class="tiles">
${tile('settings measured', String(r.points.length), `${r.points.filter((p) => p.verdict.pass).length} meet the goal`)}
${tile('input level', f(inLvl), `${unit}, peak ${f(r.inputLevels.peakDbfs)} dBFS`)}
${b ? tile('best output level', f(levelOf(b.levels, r.goal.metric)), `${unit}, activity ${f(b.levels.activity, 2)}`, b.verdict.pass ? 'pass' : 'fail') : null}
${b ? tile('best peak', f(b.levels.peakDbfs), `dBFS, crest ${f(b.levels.crestDb, 1)} dB`) : null}
${b ? tile('clipped samples', String(b.levels.clipped), `${b.levels.clippedAtRails} at the rails`, b.levels.clipped > 0 ? 'fail' : 'pass') : null}
${b?.snr ? tile('SNR improvement', signed(b.snr.improvementDb), `dB (segmental ${signed(b.snr.segImprovementDb)} dB)`) : null}
</section>`;
}

function table(r: TuneReport): SafeHtml {
  const axes = r.axes.map((a) => a.name);
  const hasSnr = r.points.some((p) => p.snr);
  const row = (p: SweepPoint, rank: number) => html`<tr class="${rank === 1 ? 'best' : ''}">
<td class="num">${rank}</td>${axes.map((a) => html`<td class="num">${f(p.applied[a] ?? p.setting[a], 2)}</td>`)}
<td class="num">${f(p.levels.activeDbov)}</td><td class="num">${f(p.levels.activity, 3)}</td><td class="num">${f(p.levels.rmsDbfs)}</td><td class="num">${f(p.levels.peakDbfs)}</td>
<td class="num">${f(p.levels.crestDb, 1)}</td><td class="num">${f(p.levels.noiseFloorDbfs, 1)}</td><td class="num">${p.levels.clipped}</td>
${hasSnr ? html`<td class="num">${f(p.snr?.outputSnrDb)}</td><td class="num">${signed(p.snr?.improvementDb)}</td>` : null}
<td class="num">${signed(p.verdict.margins.level)}</td><td class="num">${signed(p.verdict.margins.peak)}</td>
<td class="why"><span class="pill ${p.verdict.pass ? 'tone-pass' : 'tone-fail'}">${p.verdict.pass ? 'meets' : 'misses'}</span> ${p.verdict.violations.join('; ')}</td></tr>`;
  return html`<section class="card"><h2>Every setting, best first</h2><div class="table-wrap"><table id="settings">
<thead><tr><th>rank</th>${axes.map((a) => html`<th class="num">${a}</th>`)}<th class="num">active dBov</th><th class="num">activity</th><th class="num">RMS dBFS</th><th class="num">peak dBFS</th><th class="num">crest dB</th><th class="num">noise floor dBFS</th><th class="num">clipped</th>${hasSnr ? html`<th class="num">SNR out dB</th><th class="num">SNR gain dB</th>` : null}<th class="num">level margin dB</th><th class="num">peak margin dB</th><th>goal</th></tr></thead>
<tbody>${r.ranking.map((i, k) => row(r.points[i]!, k + 1))}</tbody></table></div></section>`;
}

function facts(r: TuneReport): SafeHtml {
  const kv = (k: string, v: string | number) => html`<dt>${k}</dt><dd>${v}</dd>`;
  const d = r.device;
  return html`<section class="card facts">
<div><h3>Device</h3><dl class="kv">${kv('target', `${r.target.profile} (${r.target.description})`)}${kv('firmware', `${d.fw} ${d.fwVersion}, build ${d.build}`)}${kv('board', d.board)}${kv('model', `${d.model} ${d.modelVersion}, weights ${d.weights}`)}${kv('audio', `${d.rate} Hz, hop ${d.hop}, latency ${d.latency} samples`)}</dl></div>
<div><h3>Case</h3><dl class="kv">${kv('case', r.case.id)}${kv('length', `${r.case.seconds} s`)}${kv('reference', r.case.reference ?? '(none: no SNR)')}${kv('held parameters', describeSetting(r.base))}${kv('command', r.command.join(' '))}</dl></div>
<div><h3>Input levels</h3><dl class="kv">${kv('active level', `${f(r.inputLevels.activeDbov)} dBov (activity ${f(r.inputLevels.activity, 3)})`)}${kv('RMS / peak', `${f(r.inputLevels.rmsDbfs)} / ${f(r.inputLevels.peakDbfs)} dBFS`)}${kv('noise floor', `${f(r.inputLevels.noiseFloorDbfs, 1)} dBFS`)}${kv('clipped', r.inputLevels.clipped)}</dl></div>
</section>`;
}

export function renderTuneHtml(r: TuneReport): string {
  const swept = r.axes.filter((a) => a.values.length > 1);
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${r.met ? 'MET' : 'NOT MET'} · hil tune ${r.id}</title>
<style>${raw(REPORT_CSS)}${raw(TUNE_CSS)}</style>
</head>
<body>
<header class="topbar"><div class="inner"><span class="brand">hil tune</span><span class="run">${r.id}</span><span class="run">${r.case.id}</span><span class="when">${r.createdAt}</span></div></header>
<main>
${banner(r)}
${tiles(r)}
${swept.length > 0 ? html`<section class="card"><h2>Level vs setting</h2>${swept.map((a) => levelChart(a, r.axes, r.points, r.best, r.goal))}</section>` : null}
${table(r)}
${facts(r)}
<footer>Generated by hil tune from tune.json (schema ${r.schema}). Active level: ITU-T P.56 method B (dBov, 0 dBov = full-scale square). Self-contained: no scripts, no network.</footer>
</main>
</body>
</html>
`.value;
}
