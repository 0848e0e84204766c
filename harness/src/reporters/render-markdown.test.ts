import { expect } from 'chai';

import { failingRun } from '../../test/fixtures/failing-run.ts';
import { passingRun } from '../../test/fixtures/passing-run.ts';
import { simRun } from '../../test/fixtures/sim-run.ts';
import { renderMarkdown } from './render-markdown.ts';

/** Rows of the cases table (lines starting with "| " after the header separator). */
function caseRows(md: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|---|---|---|'));
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(lines[i]!.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

describe('renderMarkdown', () => {
  it('starts with the verdict line', () => {
    expect(renderMarkdown(passingRun).split('\n')[0]).to.equal('## ✅ hil run 20261124-091502Z-3f1a: PASSED');
    expect(renderMarkdown(failingRun).split('\n')[0]).to.equal('## ⛔ hil run 20261124-101733Z-9c2e: ERROR');
  });

  it('has one table row per case with status, output verdict, cycles, margin and baseline change', () => {
    const md = renderMarkdown(failingRun);
    const rows = caseRows(md);
    expect(rows).to.have.length(failingRun.cases.length);
    for (const r of rows) expect(r).to.have.length(7);
    const sweep = rows.find((r) => r[1] === 'smoke/sweep')!;
    expect(sweep[0]).to.include('failed');
    expect(sweep[3]).to.equal('243,559 / 927,500');
    expect(md).to.include('cycle regression against the baseline (instructions per frame): median 189,733 → 194,847 (+2.7 %), max 251,228 → 742,000 (+195.3 %)');
    expect(sweep[4]).to.equal('7.3 % (required ≥ 10.0 %)');
    expect(sweep[5]).to.include('+195.3 %').and.include('regression');
    const speech = rows.find((r) => r[1] === 'speech/en-gb-m-babble-0db')!;
    expect(speech[2]).to.equal('mismatch at sample 5,925 (frame 37)');
  });

  it('labels estimated cycles and lists the failures with their messages', () => {
    const md = renderMarkdown(failingRun);
    expect(md).to.include('estimated cycles (instructions × CPI 1.25)');
    expect(md).to.include('### Failures');
    expect(md).to.match(/\*\*edge\/white-full-scale\*\* \(error\): DEVICE: device reported a fault in frame 212/);
  });

  it('escapes HTML and Markdown in device-supplied strings', () => {
    const md = renderMarkdown(failingRun);
    expect(md).to.not.match(/<script|<img|<svg|<b /i);
    expect(md).to.include('edge/&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).to.include('&lt;img src=x onerror=alert(4)&gt;');
    const odd = { ...passingRun, cases: [{ ...passingRun.cases[0]!, id: 'smoke/a|b\n| x | y |' }] };
    const rows = caseRows(renderMarkdown(odd));
    expect(rows).to.have.length(1);
    expect(rows[0]).to.have.length(7);
  });

  it('says "not applicable" for margins without a counter, never passed', () => {
    const md = renderMarkdown(simRun);
    const rows = caseRows(md);
    for (const r of rows) {
      expect(r[4]).to.equal('not applicable');
      expect(r[3]).to.equal('no counter');
    }
    expect(md).to.include('real-time margins are **not applicable** (not passed)');
  });

  it('shows environment: firmware build, model, weights, counter', () => {
    const md = renderMarkdown(passingRun);
    expect(md).to.include('| Firmware build | `b7e3f19a0c42`');
    expect(md).to.include('| Weights | `9f2c4a1b7e0d3c58` |');
    expect(md).to.include('| Counter | icount (instruction count on an emulator; cycles estimated as instructions × CPI 1.25) |');
  });
});
