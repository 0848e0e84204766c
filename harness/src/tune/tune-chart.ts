/**
 * Level-vs-setting chart for one swept parameter: the output level (the goal's metric, solid)
 * and sample peak (dashed) against the parameter's value, one colour per combination of the
 * other swept parameters; the target band, the peak limit and the best setting are marked.
 * Scales from d3-scale, paths from d3-shape, axes and escaping from the report helpers. Pure.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

import { html, n2, type SafeHtml } from '../reporters/safe-html.ts';
import { haloText, innerBottom, innerLeft, innerRight, innerTop, svgFrame, xAxis, yAxis, type ChartBox } from '../reporters/svg-axes.ts';
import { levelOf, levelUnit, type TuneGoal } from './goal.ts';
import type { SweepPoint } from './run-sweep.ts';
import { describeSetting, type SweepAxis } from './sweep-spec.ts';

const BOX: ChartBox = { width: 720, height: 280, margin: { top: 16, right: 16, bottom: 40, left: 60 } };
export const MAX_SERIES = 8;
const PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#0a7f85', '#bf3989', '#57606a'];

export interface ChartSeries {
  readonly label: string;
  readonly points: readonly SweepPoint[];
}

/** Group the points by the values of every axis but `axis`; the series holding the best point comes first. */
export function seriesFor(axis: SweepAxis, axes: readonly SweepAxis[], points: readonly SweepPoint[], best: SweepPoint | null): { series: ChartSeries[]; hidden: number } {
  const others = axes.filter((a) => a.name !== axis.name && a.values.length > 1).map((a) => a.name);
  const groups = new Map<string, SweepPoint[]>();
  for (const p of points) {
    const key = describeSetting(Object.fromEntries(others.map((n) => [n, p.setting[n]!])));
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  let series = [...groups.entries()].map(([label, pts]) => ({
    label: others.length === 0 ? 'output' : label,
    points: [...pts].sort((a, b) => a.setting[axis.name]! - b.setting[axis.name]!),
  }));
  if (best) series.sort((a, b) => Number(b.points.includes(best)) - Number(a.points.includes(best)));
  const hidden = Math.max(0, series.length - MAX_SERIES);
  series = series.slice(0, MAX_SERIES);
  return { series, hidden };
}

export function levelChart(axis: SweepAxis, axes: readonly SweepAxis[], points: readonly SweepPoint[], best: SweepPoint | null, goal: TuneGoal): SafeHtml {
  const { series, hidden } = seriesFor(axis, axes, points, best);
  const lv = (p: SweepPoint) => levelOf(p.levels, goal.metric);
  const ys: number[] = [];
  for (const s of series) for (const p of s.points) ys.push(...[lv(p), p.levels.peakDbfs].filter((v): v is number => v !== null));
  if (goal.level !== null) ys.push(goal.level - goal.tolerance, goal.level + goal.tolerance);
  if (goal.maxPeak !== null) ys.push(goal.maxPeak);
  const lo = Math.min(...ys, -6);
  const hi = Math.min(0, Math.max(...ys, lo + 6));
  const x = scaleLinear()
    .domain([Math.min(...axis.values), Math.max(...axis.values)])
    .range([innerLeft(BOX), innerRight(BOX)]);
  const y = scaleLinear().domain([lo - 2, hi + 1]).nice().range([innerBottom(BOX), innerTop(BOX)]);
  const left = innerLeft(BOX);
  const right = innerRight(BOX);
  const unit = levelUnit(goal.metric);
  const body: SafeHtml[] = [yAxis(y, BOX, { format: 'd', label: `level (${unit} / dBFS)` }), xAxis(x, BOX, { format: '~g', label: axis.name })];
  if (goal.level !== null) {
    const top = y(goal.level + goal.tolerance);
    body.push(html`<rect class="target-band" x="${n2(left)}" y="${n2(top)}" width="${n2(right - left)}" height="${n2(y(goal.level - goal.tolerance) - top)}"></rect>`);
    body.push(haloText(right - 4, y(goal.level - goal.tolerance) + 13, `target ${goal.level} ± ${goal.tolerance} ${unit}`, 'target-label', 'end'));
  }
  if (goal.maxPeak !== null) {
    body.push(html`<line class="limit-line" x1="${n2(left)}" x2="${n2(right)}" y1="${n2(y(goal.maxPeak))}" y2="${n2(y(goal.maxPeak))}"></line>`);
    body.push(haloText(right - 4, y(goal.maxPeak) - 4, `max peak ${goal.maxPeak} dBFS`, 'limit-label', 'end'));
  }
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const solid = line<SweepPoint>()
      .defined((p) => lv(p) !== null)
      .x((p) => x(p.setting[axis.name]!))
      .y((p) => y(lv(p)!))(s.points as SweepPoint[]);
    const dashed = line<SweepPoint>()
      .defined((p) => p.levels.peakDbfs !== null)
      .x((p) => x(p.setting[axis.name]!))
      .y((p) => y(p.levels.peakDbfs!))(s.points as SweepPoint[]);
    body.push(html`<path class="level-line" stroke="${colour}" d="${solid ?? ''}"></path><path class="peak-line" stroke="${colour}" d="${dashed ?? ''}"></path>`);
    body.push(html`${s.points.filter((p) => lv(p) !== null).map((p) => html`<circle class="${p.verdict.pass ? 'pt pt-pass' : 'pt'}" fill="${colour}" cx="${n2(x(p.setting[axis.name]!))}" cy="${n2(y(lv(p)!))}" r="3"><title>${describeSetting(p.setting)}: ${lv(p)!.toFixed(2)} ${unit}, peak ${p.levels.peakDbfs?.toFixed(2) ?? '-'} dBFS</title></circle>`)}`);
  });
  if (best && lv(best) !== null && axis.name in best.setting) {
    const bx = x(best.setting[axis.name]!);
    const by = y(lv(best)!);
    body.push(html`<circle class="best-mark" cx="${n2(bx)}" cy="${n2(by)}" r="7"></circle>`);
    body.push(haloText(bx + 9, by - 8, 'best', 'best-label', bx > right - 60 ? 'end' : 'start'));
  }
  const legend = series.map((s, i) => html`<span class="key"><i style="background:${PALETTE[i % PALETTE.length]!}"></i>${s.label}</span>`);
  const title = `${goal.metric === 'active' ? 'Active level' : 'RMS level'} and peak vs ${axis.name}`;
  return html`<figure><figcaption>${title} — solid: ${goal.metric === 'active' ? 'P.56 active level' : 'RMS'}, dashed: sample peak${hidden > 0 ? ` (${hidden} more series in the table)` : ''}</figcaption>${svgFrame(BOX, 'tune-chart', title, body)}<div class="legend-keys">${legend}</div></figure>`;
}
