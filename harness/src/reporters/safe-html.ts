/**
 * A tagged template for HTML/SVG that escapes by construction: every interpolated value is
 * HTML-escaped unless it is already a `SafeHtml` produced by this tag (or `raw` for trusted
 * constants such as CSS). Arrays are joined after each element is treated the same way; null,
 * undefined and false render as nothing. Pure.
 */
import { escapeHtml } from './escape.ts';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function emit(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(emit).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += emit(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Trusted markup written in this codebase (never data). */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** Numbers for SVG attributes: finite, at most 2 decimals. */
export function n2(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '0';
}
