/**
 * Distribution of cycles per frame: a histogram (bins from d3-array over a d3-scale domain) with
 * the median and, when it falls on the chart, the budget marked. Far outliers (beyond
 * max(Q3 + 5·IQR, 1.5 × median)) are gathered in one separate bar at the right so a few spikes do
 * not squash the body of the distribution; the cycles-over-time chart shows them in full.
 * Pure: returns inline SVG.
 */
import { bin, extent, max, median, quantile } from 'd3-array';
import { scaleLinear } from 'd3-scale';

import { fmtInt } from './report-format.ts';
import { html, n2, type SafeHtml } from './safe-html.ts';
import { haloText, innerBottom, innerLeft, innerRight, innerTop, svgFrame, xAxis, yAxis, type ChartBox } from './svg-axes.ts';

export interface HistogramInput {
  readonly cycles: readonly number[];
  readonly budget: number | null;
  /** The median to mark (the report's own figure); computed from `cycles` when absent. */
  readonly median?: number;
  readonly unit: string;
  readonly title: string;
}

const BOX: ChartBox = { width: 420, height: 240, margin: { top: 16, right: 16, bottom: 38, left: 44 } };
const OUTLIER_BAR = 46;

/** The value above which frames count as far outliers (null when there are none). */
export function outlierCut(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const med = median(sorted);
  if (q1 === undefined || q3 === undefined || med === undefined) return null;
  const cut = Math.max(q3 + 5 * (q3 - q1), 1.5 * med);
  return sorted[sorted.length - 1]! > cut ? cut : null;
}

export function cyclesHistogram(input: HistogramInput): SafeHtml {
  const all = input.cycles as number[];
  const cut = outlierCut(all);
  const body = cut === null ? all : all.filter((v) => v <= cut);
  const outliers = cut === null ? [] : all.filter((v) => v > cut);
  const box: ChartBox = outliers.length ? { ...BOX, margin: { ...BOX.margin, right: BOX.margin.right + OUTLIER_BAR } } : BOX;
  const [lo = 0, hi = 1] = extent(body);
  const span = hi - lo || Math.max(1, hi * 0.02);
  const x = scaleLinear()
    .domain([lo - span * 0.02, hi + span * 0.02])
    .nice(20)
    .range([innerLeft(box), box.width - box.margin.right]);
  const [d0, d1] = x.domain() as [number, number];
  const bins = bin()
    .domain([d0, d1])
    .thresholds(x.ticks(24))(body);
  const y = scaleLinear()
    .domain([0, Math.max(max(bins, (b) => b.length) ?? 1, outliers.length)])
    .nice()
    .range([innerBottom(box), innerTop(box)]);
  const parts: SafeHtml[] = [
    yAxis(y, { ...box, margin: { ...box.margin, right: BOX.margin.right } }, { ticks: 4, format: 'd', label: 'frames' }),
    xAxis(x, box, { ticks: 5, label: input.unit.length > 40 ? 'cycles / frame' : input.unit }),
    html`<g class="bars">${bins.map((b) => {
      const bx0 = x(b.x0 ?? d0);
      const bx1 = x(b.x1 ?? d1);
      return b.length > 0
        ? html`<rect x="${n2(bx0 + 0.5)}" y="${n2(y(b.length))}" width="${n2(Math.max(1, bx1 - bx0 - 1))}" height="${n2(innerBottom(box) - y(b.length))}"><title>${fmtInt(b.x0 ?? d0)}–${fmtInt(b.x1 ?? d1)}: ${b.length} frames</title></rect>`
        : null;
    })}</g>`,
  ];
  if (outliers.length && cut !== null) {
    const ox = box.width - box.margin.right + 14;
    const w = OUTLIER_BAR - 20;
    const top = y(outliers.length);
    parts.push(
      html`<g class="outliers"><rect x="${n2(ox)}" y="${n2(top)}" width="${n2(w)}" height="${n2(Math.max(1.5, innerBottom(box) - top))}"><title>${outliers.length} frames above ${fmtInt(cut)} (max ${fmtInt(max(outliers) ?? 0)})</title></rect><text x="${n2(ox + w / 2)}" y="${n2(top - 4)}" text-anchor="middle">${outliers.length}</text><text x="${n2(ox + w / 2)}" y="${n2(innerBottom(box) + 16)}" text-anchor="middle">&gt; ${fmtInt(cut / 1000)}k</text></g>`,
    );
  }
  const med = input.median ?? median(all);
  if (med !== undefined && med >= d0 && med <= d1) {
    parts.push(html`<line class="median-line" x1="${n2(x(med))}" x2="${n2(x(med))}" y1="${n2(innerTop(box))}" y2="${n2(innerBottom(box))}"></line>`);
    // Label on the side with room: right of the line in the left half, left of it in the right half.
    const leftSide = x(med) > (innerLeft(box) + innerRight(box)) / 2;
    parts.push(haloText(x(med) + (leftSide ? -4 : 4), innerTop(box) + 10, `median ${fmtInt(med)}`, 'median-label', leftSide ? 'end' : 'start'));
  }
  if (input.budget !== null && input.budget >= d0 && input.budget <= d1) {
    const bx = x(input.budget);
    parts.push(html`<line class="budget-line" x1="${n2(bx)}" x2="${n2(bx)}" y1="${n2(innerTop(box))}" y2="${n2(innerBottom(box))}"></line>`);
    parts.push(haloText(bx - 4, innerTop(box) + 24, 'budget', 'budget-label', 'end'));
  }
  return svgFrame(box, 'cycles-histogram', input.title, parts);
}
