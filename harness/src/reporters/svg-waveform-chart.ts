/**
 * Output against golden around the first divergence: both waveforms in the upper panel (frame
 * boundaries and the first mismatch marked), the difference in LSB below. Scales from d3-scale,
 * paths from d3-shape. Pure: returns inline SVG.
 */
import { extent, max } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

import { html, n2, type SafeHtml } from './safe-html.ts';
import { haloText, innerLeft, innerRight, svgFrame, xAxis, yAxis, type ChartBox } from './svg-axes.ts';

export interface WaveformInput {
  /** Sample index of the first excerpt sample. */
  readonly start: number;
  readonly output: readonly number[];
  readonly golden: readonly number[];
  /** Sample index of the first mismatch (absolute), if known. */
  readonly firstMismatch: number | null;
  /** Samples per frame, to draw frame boundaries. */
  readonly hop: number | null;
  readonly title: string;
}

const W = 1080;
const H = 340;
const WAVE: ChartBox = { width: W, height: H, margin: { top: 34, right: 16, bottom: 120, left: 64 } };
const DIFF: ChartBox = { width: W, height: H, margin: { top: 238, right: 16, bottom: 38, left: 64 } };

export function waveformChart(input: WaveformInput): SafeHtml {
  const len = Math.max(input.output.length, input.golden.length);
  const end = input.start + Math.max(1, len - 1);
  const x = scaleLinear().domain([input.start, end]).range([innerLeft(WAVE), innerRight(WAVE)]);
  const [lo = -1, hi = 1] = extent([...input.output, ...input.golden]);
  const pad = Math.max(1, (hi - lo) * 0.08);
  const y = scaleLinear()
    .domain([lo - pad, hi + pad])
    .nice()
    .range([WAVE.height - WAVE.margin.bottom, WAVE.margin.top]);
  const n = Math.min(input.output.length, input.golden.length);
  const diff = Array.from({ length: n }, (_, i) => input.output[i]! - input.golden[i]!);
  const dmax = Math.max(1, max(diff, (d) => Math.abs(d)) ?? 1);
  const yd = scaleLinear()
    .domain([-dmax, dmax])
    .nice()
    .range([DIFF.height - DIFF.margin.bottom, DIFF.margin.top]);
  const wave = line<number>()
    .x((_, i) => x(input.start + i))
    .y((v) => y(v));
  const body: SafeHtml[] = [yAxis(y, WAVE, { ticks: 5, format: 'd', label: 'sample value', integer: true })];
  if (input.hop && input.hop > 0) {
    const first = Math.ceil(input.start / input.hop) * input.hop;
    for (let s = first; s <= end; s += input.hop) {
      body.push(html`<line class="frame-line" x1="${n2(x(s))}" x2="${n2(x(s))}" y1="${n2(WAVE.margin.top)}" y2="${n2(DIFF.height - DIFF.margin.bottom)}"></line>`);
      body.push(html`<text class="frame-label" x="${n2(x(s) + 3)}" y="${n2(WAVE.margin.top + 9)}">frame ${s / input.hop}</text>`);
    }
  }
  body.push(html`<path class="golden-line" d="${wave(input.golden as number[]) ?? ''}"></path>`);
  body.push(html`<path class="output-line" d="${wave(input.output as number[]) ?? ''}"></path>`);
  body.push(yAxis(yd, DIFF, { ticks: 3, format: 'd', label: 'Δ LSB', integer: true }));
  body.push(html`<line class="zero-line" x1="${n2(innerLeft(DIFF))}" x2="${n2(innerRight(DIFF))}" y1="${n2(yd(0))}" y2="${n2(yd(0))}"></line>`);
  body.push(
    html`<g class="diff-stems">${diff.map((d, i) =>
      d !== 0 ? html`<line x1="${n2(x(input.start + i))}" x2="${n2(x(input.start + i))}" y1="${n2(yd(0))}" y2="${n2(yd(d))}"></line>` : null,
    )}</g>`,
  );
  body.push(xAxis(x, DIFF, { ticks: 10, format: 'd', label: 'sample index' }));
  if (input.firstMismatch !== null && input.firstMismatch >= input.start && input.firstMismatch <= end) {
    const fx = x(input.firstMismatch);
    body.push(html`<line class="mismatch-line" x1="${n2(fx)}" x2="${n2(fx)}" y1="${n2(WAVE.margin.top)}" y2="${n2(DIFF.height - DIFF.margin.bottom)}"></line>`);
    body.push(haloText(fx + 5, WAVE.margin.top + 24, `first mismatch: sample ${input.firstMismatch}`, 'mismatch-label'));
  }
  body.push(
    html`<g class="legend" transform="translate(${n2(innerLeft(WAVE))} 12)"><line class="golden-line" x1="0" x2="22" y1="0" y2="0"></line><text x="28" y="0" dy="0.32em">golden</text><line class="output-line" x1="90" x2="112" y1="0" y2="0"></line><text x="118" y="0" dy="0.32em">device output</text><line class="diff-key" x1="230" x2="230" y1="-6" y2="6"></line><text x="238" y="0" dy="0.32em">difference (output − golden), LSB</text></g>`,
  );
  return svgFrame(WAVE, 'waveform-chart', input.title, body);
}
