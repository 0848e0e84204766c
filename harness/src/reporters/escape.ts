/**
 * Escaping for strings that come from devices, vectors and configuration (case names, device log,
 * model description, error messages, parameter names). Every renderer passes such strings through
 * here; none is ever trusted as markup. Pure.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Control characters other than tab and newline, plus lone surrogates, DEL and C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Make control characters visible (`\x1b`), keeping tab and newline; lone surrogates become U+FFFD. */
export function visibleControls(s: string): string {
  return s.replace(CONTROL, (ch) => {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) return '\ufffd';
    if (c === 0xfffe || c === 0xffff) return '\ufffd';
    return `\\x${c.toString(16).padStart(2, '0')}`;
  });
}

/** Text or attribute value for HTML: escapes & < > " ' ` and makes control characters visible. */
export function escapeHtml(value: unknown): string {
  return visibleControls(String(value)).replace(/[&<>"'`]/g, (ch) => HTML[ch]!);
}

/**
 * Inline text for Markdown (GitHub/GitLab job summaries, which also accept raw HTML): HTML
 * metacharacters become entities, Markdown punctuation is backslash-escaped, and line breaks
 * become spaces so a value cannot break out of a table cell (`$` too: GitHub renders math).
 */
export function escapeMarkdown(value: unknown): string {
  return visibleControls(String(value))
    .replace(/\r\n|\r|\n|\t/g, ' ')
    .replace(/[\\`*_[\]#!|~$]/g, (ch) => `\\${ch}`)
    .replace(/[&<>"]/g, (ch) => HTML[ch]!);
}

/** Characters XML 1.0 allows; others (NUL, most C0 controls, lone surrogates) become visible escapes. */
export function xmlSafe(value: unknown): string {
  return visibleControls(String(value));
}

/** A fragment identifier or file name made only of [A-Za-z0-9._-]. */
export function slug(value: string, max = 80): string {
  const s = value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return (s.length > 0 ? s : 'case').slice(0, max);
}
