import { expect } from 'chai';

import { failingRun, HOSTILE } from '../../test/fixtures/failing-run.ts';
import { passingRun } from '../../test/fixtures/passing-run.ts';
import { simRun } from '../../test/fixtures/sim-run.ts';
import { escapeHtml } from './escape.ts';
import { REPORT_CSP, renderHtml } from './render-html.ts';

/** Markup written by the renderer itself; anything else would have come from data. */
const OUR_TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'main', 'section', 'footer', 'div', 'span', 'strong', 'code', 'p', 'br',
  'h1', 'h2', 'h3', 'a', 'ul', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'pre', 'figure',
  'figcaption', 'svg', 'g', 'path', 'line', 'rect', 'circle', 'text',
]);
const OUR_ATTRS = new Set([
  'lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'href', 'style', 'open', 'title', 'role', 'aria-label', 'data-verdict',
  'xmlns', 'width', 'height', 'viewbox', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'd', 'dy', 'transform', 'text-anchor',
]);

/** Every start tag: its name and attribute names (attribute values skipped, quoted or not). */
function tags(html: string): Array<{ name: string; attrs: string[] }> {
  const out: Array<{ name: string; attrs: string[] }> = [];
  const body = html.replace(/^<!DOCTYPE html>/, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  const re = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g;
  for (const m of body.matchAll(re)) {
    const attrs = [...m[2]!.matchAll(/\s+([^\s=>"'/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?/g)].map((a) => a[1]!.toLowerCase());
    out.push({ name: m[1]!.toLowerCase(), attrs });
  }
  // Every '<' followed by a letter must have been a well-formed start tag matched above.
  expect(body.match(/<[a-zA-Z]/g)?.length ?? 0).to.equal(out.length);
  return out;
}

describe('renderHtml', () => {
  it('shows the overall verdict in a data attribute and in words', () => {
    const passing = renderHtml(passingRun);
    expect(passing).to.match(/<section class="verdict" data-verdict="passed"[^>]*><div class="word">PASSED<\/div>/);
    expect(renderHtml(failingRun)).to.include('data-verdict="error"');
    expect(renderHtml({ ...passingRun, status: 'failed' })).to.match(/data-verdict="failed"[^>]*><div class="word">FAILED/);
  });

  it('has a cases table with one row per case, in order', () => {
    const html = renderHtml(failingRun);
    const table = html.match(/<table id="cases">[\s\S]*?<\/table>/)![0];
    const rows = table.match(/<tbody>([\s\S]*)<\/tbody>/)![1]!.match(/<tr /g) ?? [];
    expect(rows).to.have.length(failingRun.cases.length);
    const ids = [...table.matchAll(/<td class="case"><a href="#case-\d+">([^<]*)<\/a>/g)].map((m) => m[1]);
    expect(ids[0]).to.equal('smoke/tone-1k');
    expect(ids[4]).to.equal('edge/&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('has no live markup from device, vector or config strings (every hostile string is escaped)', () => {
    const html = renderHtml(failingRun);
    for (const t of tags(html)) {
      expect(OUR_TAGS.has(t.name), `unexpected tag <${t.name}>`).to.equal(true);
      for (const a of t.attrs) expect(OUR_ATTRS.has(a), `unexpected attribute ${a} on <${t.name}>`).to.equal(true);
    }
    expect(html).to.not.match(/<script|<img|<svg onload|<b onmouseover/i);
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.include('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).to.include('gain_db&quot;&gt;&lt;svg onload=alert(3)&gt;=-12');
    expect(html).to.include('int16 denoiser &lt;img src=x onerror=alert(4)&gt; &quot;quoted&quot; &amp; &lt;script&gt;alert(&#39;desc&#39;)&lt;/script&gt;');
    expect(html).to.include('&lt;/pre&gt;&lt;script&gt;alert(5)&lt;/script&gt;');
    expect(html).to.include(HOSTILE.tag.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(html).to.include('\\x1b[31mFAULT');
  });

  it('links only safe relative output paths', () => {
    const c = failingRun.cases[2]!;
    const good = renderHtml({ ...failingRun, cases: [{ ...c, outputWav: 'outputs/speech--en-gb.wav' }] });
    expect(good).to.include('<a href="outputs/speech--en-gb.wav">');
    const bad = renderHtml({ ...failingRun, cases: [{ ...c, outputWav: 'javascript:alert(1)' }] });
    expect(bad).to.not.include('href="javascript:');
    expect(bad).to.include('javascript:alert(1)');
  });

  it('is self-contained: no scripts, no external resources, a CSP that forbids network', () => {
    const html = renderHtml(failingRun);
    expect(html).to.not.match(/<script|<link|<iframe|<object|<embed|@import|url\(/i);
    expect(html).to.not.match(/(src|href)="(https?:)?\/\//i);
    expect(REPORT_CSP).to.match(/^default-src 'none';/);
    expect(html).to.include(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
  });

  it('draws a cycles chart and a histogram per measured case, and the waveform for the bit-exact failure', () => {
    const html = renderHtml(failingRun);
    const measured = failingRun.cases.filter((c) => c.counts.length > 0).length;
    expect(html.match(/<svg class="chart cycles-chart"/g)).to.have.length(measured);
    expect(html.match(/<svg class="chart cycles-histogram"/g)).to.have.length(measured);
    expect(html.match(/<svg class="chart waveform-chart"/g)).to.have.length(1);
    expect(html).to.include('first mismatch at sample 5925 (frame 37');
    expect(html).to.include('got <strong>8005</strong>, want <strong>8002</strong>');
  });

  it('labels estimated cycles and the budget', () => {
    const html = renderHtml(passingRun);
    expect(html).to.include('estimated cycles (instructions × CPI 1.25)');
    expect(html).to.include('<span class="badge"');
    expect(html).to.include('budget 1,000,000 per frame');
  });

  it('shows "not applicable" (never passed) for margins without a counter, and no cycle charts', () => {
    const html = renderHtml(simRun);
    const table = html.match(/<table id="cases">[\s\S]*?<\/table>/)![0];
    const marginCells = [...table.matchAll(/<tr class="status-passed">(?:<td[^>]*>[\s\S]*?<\/td>){6}<td class="tone-(\w+)">([^<]*)/g)];
    expect(marginCells).to.have.length(simRun.cases.length);
    for (const m of marginCells) expect([m[1], m[2]]).to.deep.equal(['muted', 'not applicable']);
    expect(html).to.not.include('cycles-chart');
    expect(html).to.include('real-time margins are <strong>not applicable</strong>');
    expect(html).to.not.include('class="badge"');
  });

  it('shows the environment: firmware build id, model, weights hash, counter source', () => {
    const html = renderHtml(passingRun);
    const env = html.match(/<section class="card" id="environment">[\s\S]*?<\/section>/)![0];
    expect(env).to.include('<code>b7e3f19a0c42</code>');
    expect(env).to.include('<strong>model-s</strong> 1.2.0');
    expect(env).to.include('<code>9f2c4a1b7e0d3c58</code>');
    expect(env).to.include('icount (instruction count on an emulator; cycles estimated as instructions × CPI 1.25)');
  });

  it('shows levels, the baseline comparison and a collapsed device log', () => {
    const html = renderHtml(failingRun);
    expect(html).to.match(/<td>output<\/td><td class="num">-11\.\d dBFS/);
    expect(html).to.match(/<td>max<\/td><td class="num">251,228<\/td><td class="num">742,000<\/td><td class="num tone-fail">\+195\.3 %/);
    expect(html).to.include('<th>baseline <span class="unit">(instructions)</span></th>');
    expect(html).to.match(/<details class="log"><summary>Device log · 4 lines<\/summary>/);
    expect(html).to.not.match(/<details class="log" open/);
  });

  it('opens failed and errored cases, keeps passed ones collapsed', () => {
    const html = renderHtml(failingRun);
    const opened = [...html.matchAll(/<details class="case status-(\w+)" id="case-(\d+)"( open)?>/g)].map((m) => [m[1], Boolean(m[3])]);
    expect(opened).to.deep.equal([
      ['passed', false], ['failed', true], ['failed', true], ['error', true], ['passed', false], ['skipped', false],
    ]);
  });

  it('flags an incomplete run and an exceeded resource budget', () => {
    const html = renderHtml({
      ...passingRun,
      status: 'incomplete',
      complete: false,
      resources: { ...passingRun.resources!, status: 'fail', message: 'RAM 2000000 B exceeds the 1048576 B budget' },
    });
    expect(html).to.match(/data-verdict="incomplete"[^>]*><div class="word">INCOMPLETE/);
    expect(html).to.include('<strong>Incomplete run:</strong>');
    expect(html).to.include('<strong>Resource budget exceeded:</strong> RAM 2000000 B exceeds the 1048576 B budget');
  });

  it('renders a report read back from JSON (Infinity became null) without throwing', () => {
    const back = JSON.parse(JSON.stringify(failingRun));
    const html = renderHtml(back);
    expect(html).to.include('data-verdict="error"');
  });
});
