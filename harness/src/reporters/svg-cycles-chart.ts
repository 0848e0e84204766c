/**
 * Cycles per frame over the case, against the cycle budget and the required-margin limit
 * (budget × (1 − required margin)); the worst frame is marked. Scales from d3-scale, the
 * line and area paths from d3-shape. Pure: returns inline SVG.
 */
import { max } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';

import { fmtInt } from './report-format.ts';
import { html, n2, type SafeHtml } from './safe-html.ts';
import { haloText, innerBottom, innerLeft, innerRight, innerTop, svgFrame, xAxis, yAxis, type ChartBox } from './svg-axes.ts';

export interface CyclesChartInput {
  /** Cycles (or estimated cycles) per frame. */
  readonly cycles: readonly number[];
  /** Cycles available per frame; null when no clock is configured. */
  readonly budget: number | null;
  /** Required margin as a fraction (0.1 = 10 %). */
  readonly requiredMargin: number;
  /** Axis label, e.g. `estimated cycles (instructions × CPI 1.25)`. */
  readonly unit: string;
  readonly title: string;
}

const BOX: ChartBox = { width: 720, height: 240, margin: { top: 16, right: 16, bottom: 38, left: 76 } };

export function cyclesChart(input: CyclesChartInput): SafeHtml {
  const { cycles, budget } = input;
  const n = cycles.length;
  const peak = max(cycles) ?? 0;
  let worst = 0;
  for (let i = 1; i < n; i++) if (cycles[i]! > cycles[worst]!) worst = i;
  const top = Math.max(peak, budget ?? 0) * 1.06 || 1;
  const x = scaleLinear()
    .domain([0, Math.max(1, n - 1)])
    .range([innerLeft(BOX), innerRight(BOX)]);
  const y = scaleLinear().domain([0, top]).nice().range([innerBottom(BOX), innerTop(BOX)]);
  const path = line<number>()
    .x((_, i) => x(i))
    .y((v) => y(v))(cycles as number[]);
  const fill = area<number>()
    .x((_, i) => x(i))
    .y0(y(0))
    .y1((v) => y(v))(cycles as number[]);
  const limit = budget !== null && input.requiredMargin > 0 ? budget * (1 - input.requiredMargin) : null;
  const overLimit = limit !== null && peak > limit;
  const left = innerLeft(BOX);
  const right = innerRight(BOX);
  const body: SafeHtml[] = [
    yAxis(y, BOX, { format: fmtInt, label: input.unit.length > 28 ? 'cycles / frame' : input.unit }),
    xAxis(x, BOX, { format: 'd', label: 'frame' }),
    html`<path class="series-area" d="${fill ?? ''}"></path><path class="series-line" d="${path ?? ''}"></path>`,
  ];
  if (limit !== null) {
    body.push(html`<line class="limit-line" x1="${n2(left)}" x2="${n2(right)}" y1="${n2(y(limit))}" y2="${n2(y(limit))}"></line>`);
    body.push(haloText(left + 6, y(limit) + 13, `required-margin limit ${fmtInt(limit)} (${Math.round(input.requiredMargin * 100)} % margin)`, 'limit-label'));
  }
  if (budget !== null) {
    body.push(html`<line class="budget-line" x1="${n2(left)}" x2="${n2(right)}" y1="${n2(y(budget))}" y2="${n2(y(budget))}"></line>`);
    body.push(haloText(left + 6, y(budget) - 5, `budget ${fmtInt(budget)} per frame`, 'budget-label'));
  }
  if (n > 0) {
    const wx = x(worst);
    const wy = y(cycles[worst]!);
    const anchor = wx > (left + right) / 2 ? 'end' : 'start';
    body.push(html`<circle class="${overLimit ? 'worst worst-bad' : 'worst'}" cx="${n2(wx)}" cy="${n2(wy)}" r="4"></circle>`);
    body.push(haloText(wx + (anchor === 'end' ? -9 : 9), Math.max(innerTop(BOX) + 10, wy + 4), `worst: frame ${worst}, ${fmtInt(cycles[worst]!)}`, 'worst-label', anchor));
  }
  return svgFrame(BOX, 'cycles-chart', input.title, body);
}
