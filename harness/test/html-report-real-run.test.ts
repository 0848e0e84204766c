/**
 * The report.html of a REAL failing run in headless Chromium: `hil run --target qemu` over the
 * smoke and edge suites with the deliberately wrong firmware (output off by 1 LSB from frame 40,
 * helpers/hil-run.ts). The page must show the FAILED verdict, one table row per case, the charts
 * of every failed case with a real size (cycles per frame against the budget line, histogram,
 * waveform around the first divergence at the derived sample), log no console error and fetch
 * nothing. Saves harness/test/artifacts/real-failing-run.png (full page) and
 * real-failing-run-divergence.png (the waveform of smoke/tone-1k).
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { RunReport } from '../src/core/results.ts';
import { ARTIFACTS, chromiumMissing, openInChromium, type OpenedPage } from './helpers/browser.ts';
import { expectedCorruption, hilRun, QEMU_WRONG_ELF, WRONG, type HilRun } from './helpers/hil-run.ts';

describe('report.html of a real failing qemu run in headless Chromium', function () {
  let tmp: string;
  let run: HilRun;
  let report: RunReport;
  let b: OpenedPage;

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.warn(`skipping the browser test: ${missing}`);
      this.skip();
    }
    tmp = await mkdtemp(path.join(tmpdir(), 'hil-real-html-'));
    run = await hilRun(path.join(tmp, 'reports'), 'real-failing', ['--target', 'qemu', '--suite', 'smoke', 'edge', '--firmware', QEMU_WRONG_ELF]);
    expect(run.code, run.stderr).to.equal(1);
    report = run.report!;
    b = await openInChromium(run.file('report.html'), tmp);
  });

  after(async () => {
    await b?.context.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const failed = () => report.cases.filter((c) => c.status === 'failed');

  it('shows the FAILED verdict at the top of the page', async () => {
    const verdict = b.page.locator('[data-verdict]');
    expect(await verdict.getAttribute('data-verdict')).to.equal('failed');
    expect((await verdict.locator('.word').innerText()).trim()).to.equal('FAILED');
    expect(await verdict.isVisible()).to.equal(true);
    expect((await verdict.boundingBox())!.y).to.be.lessThan(200);
    expect(await verdict.innerText()).to.include(`${report.summary.failed} failed`);
  });

  it('has one row per case in the cases table, failed rows naming the first mismatch', async () => {
    expect(await b.page.locator('#cases tbody tr').count()).to.equal(report.cases.length);
    expect((await b.page.locator('#cases td.case').allInnerTexts()).map((s) => s.trim())).to.deep.equal(report.cases.map((c) => c.id));
    const row = b.page.locator('#cases tbody tr', { has: b.page.locator('td.case', { hasText: /^smoke\/tone-1k$/ }) });
    const want = expectedCorruption(report.cases.find((c) => c.id === 'smoke/tone-1k')!.output!.goldenSamples, report.device!.hop, report.device!.rate)!;
    expect(await row.innerText()).to.include(`mismatch at sample ${want.sample.toLocaleString('en-US')} (frame ${want.frame})`);
    expect(await b.page.locator('#cases tr.status-failed').count()).to.equal(failed().length);
    expect(await b.page.locator('#cases tr.status-passed').count()).to.equal(report.cases.length - failed().length);
  });

  it('renders every failed case open with its cycles chart, histogram and divergence waveform, each with a real size', async () => {
    const open = b.page.locator('details.case[open]');
    expect(await open.count()).to.equal(failed().length);
    const charts = b.page.locator('details.case[open] svg.chart');
    expect(await charts.count()).to.equal(3 * failed().length);
    for (let i = 0; i < (await charts.count()); i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box, `chart ${i}`).to.not.equal(null);
      expect(box!.width).to.be.greaterThan(100);
      expect(box!.height).to.be.greaterThan(60);
    }
    const cycles = b.page.locator('details.case[open] svg.cycles-chart');
    expect(await cycles.count()).to.equal(failed().length);
    const line = cycles.first().locator('path.series-line');
    expect(await line.evaluate((p) => (p as unknown as { getTotalLength(): number }).getTotalLength())).to.be.greaterThan(100);
    // The budget line sits above the series: the margin held, only the output was wrong.
    const budget = (await cycles.first().locator('line.budget-line').boundingBox())!;
    const series = (await line.boundingBox())!;
    expect(budget.width).to.be.greaterThan(100);
    expect(budget.y).to.be.lessThan(series.y);
  });

  it('draws the waveform of smoke/tone-1k around the derived first divergence', async () => {
    const c = report.cases.find((x) => x.id === 'smoke/tone-1k')!;
    const { hop } = report.device!;
    const want = expectedCorruption(c.output!.goldenSamples, hop, report.device!.rate)!;
    const details = b.page.locator('details.case', { has: b.page.locator('summary .id', { hasText: /^smoke\/tone-1k$/ }) });
    const wave = details.locator('svg.waveform-chart');
    expect(await wave.isVisible()).to.equal(true);
    expect(await wave.locator('.mismatch-line').count()).to.equal(1);
    const text = await wave.textContent();
    expect(text).to.include(`first mismatch: sample ${want.sample}`);
    expect(text).to.include(`frame ${want.frame}`);
    // One difference stem per corrupted sample inside the excerpt.
    const { start, output } = c.divergence!;
    let inside = 0;
    for (let f = WRONG.fromFrame; f * hop + WRONG.sample < start + output.length; f++) if (f * hop + WRONG.sample >= start) inside++;
    expect(await wave.locator('g.diff-stems line').count()).to.equal(inside);
    expect(await details.innerText()).to.include(`first at sample ${want.sample} (frame ${want.frame}, ${want.timeS.toFixed(4)} s)`);
    await mkdir(ARTIFACTS, { recursive: true });
    await wave.screenshot({ path: path.join(ARTIFACTS, 'real-failing-run-divergence.png') });
  });

  it('logs no console errors and makes no network request', async () => {
    await b.page.waitForLoadState('networkidle');
    expect(b.consoleErrors).to.deep.equal([]);
    expect(b.failedRequests).to.deep.equal([]);
    expect(b.dialogs).to.deep.equal([]);
    expect(b.requests).to.deep.equal([pathToFileURL(run.file('report.html')).href]);
  });

  it('saves a full-page screenshot of the failing run as a test artifact', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'real-failing-run.png');
    const png = await b.page.screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).to.equal('PNG');
    expect(existsSync(file)).to.equal(true);
  });
});
