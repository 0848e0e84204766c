/**
 * Axes, grid lines and the chart frame for the inline SVG charts. Tick positions and labels come
 * from d3-scale (`ticks`, `tickFormat`); this file only lays them out as SVG. Pure.
 */
import type { ScaleLinear } from 'd3-scale';

import { html, n2, type SafeHtml } from './safe-html.ts';

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly top: number; readonly right: number; readonly bottom: number; readonly left: number };
}

export function innerLeft(b: ChartBox): number {
  return b.margin.left;
}
export function innerRight(b: ChartBox): number {
  return b.width - b.margin.right;
}
export function innerTop(b: ChartBox): number {
  return b.margin.top;
}
export function innerBottom(b: ChartBox): number {
  return b.height - b.margin.bottom;
}

/** Horizontal grid lines and left-hand labels for a y scale. */
export type TickFormat = string | ((v: number) => string);

function formatter(scale: ScaleLinear<number, number>, count: number, f: TickFormat | undefined): (v: number) => string {
  return typeof f === 'function' ? f : scale.tickFormat(count, f ?? '~s');
}

/** `integer`: only whole-number ticks (sample values, LSB), so a small range never repeats a label. */
export function yAxis(y: ScaleLinear<number, number>, b: ChartBox, opts: { ticks?: number; format?: TickFormat; label?: string; integer?: boolean } = {}): SafeHtml {
  const count = opts.ticks ?? 5;
  const fmt = formatter(y, count, opts.format);
  const ticks = y.ticks(count).filter((t) => !opts.integer || Number.isInteger(t));
  const x0 = innerLeft(b);
  const x1 = innerRight(b);
  return html`<g class="axis axis-y">${ticks.map(
    (t) => html`<line class="grid" x1="${n2(x0)}" x2="${n2(x1)}" y1="${n2(y(t))}" y2="${n2(y(t))}"></line><text x="${n2(x0 - 6)}" y="${n2(y(t))}" dy="0.32em" text-anchor="end">${fmt(t)}</text>`,
  )}${opts.label ? html`<text class="axis-label" transform="translate(12 ${n2((innerTop(b) + innerBottom(b)) / 2)}) rotate(-90)" text-anchor="middle">${opts.label}</text>` : null}</g>`;
}

/** Bottom axis: baseline, tick marks and labels for an x scale. */
export function xAxis(x: ScaleLinear<number, number>, b: ChartBox, opts: { ticks?: number; format?: TickFormat; label?: string } = {}): SafeHtml {
  const count = opts.ticks ?? 8;
  const fmt = formatter(x, count, opts.format);
  const ticks = x.ticks(count);
  const y0 = innerBottom(b);
  return html`<g class="axis axis-x"><line class="domain" x1="${n2(innerLeft(b))}" x2="${n2(innerRight(b))}" y1="${n2(y0)}" y2="${n2(y0)}"></line>${ticks.map(
    (t) => html`<line class="tick" x1="${n2(x(t))}" x2="${n2(x(t))}" y1="${n2(y0)}" y2="${n2(y0 + 4)}"></line><text x="${n2(x(t))}" y="${n2(y0 + 16)}" text-anchor="middle">${fmt(t)}</text>`,
  )}${opts.label ? html`<text class="axis-label" x="${n2((innerLeft(b) + innerRight(b)) / 2)}" y="${n2(b.height - 4)}" text-anchor="middle">${opts.label}</text>` : null}</g>`;
}

/** The <svg> element: fixed intrinsic size, scales down with CSS; titled for screen readers. */
export function svgFrame(b: ChartBox, cls: string, title: string, body: SafeHtml | readonly SafeHtml[]): SafeHtml {
  return html`<svg class="chart ${cls}" xmlns="http://www.w3.org/2000/svg" width="${b.width}" height="${b.height}" viewBox="0 0 ${b.width} ${b.height}" role="img" aria-label="${title}"><title>${title}</title>${body}</svg>`;
}

/** A label with a white halo so it stays readable over lines. */
export function haloText(x: number, y: number, text: string, cls: string, anchor: 'start' | 'middle' | 'end' = 'start'): SafeHtml {
  return html`<text class="halo ${cls}" x="${n2(x)}" y="${n2(y)}" text-anchor="${anchor}">${text}</text><text class="${cls}" x="${n2(x)}" y="${n2(y)}" text-anchor="${anchor}">${text}</text>`;
}
