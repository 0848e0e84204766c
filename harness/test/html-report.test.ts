/**
 * The failing run's report.html in a real browser (Debian's headless Chromium via
 * playwright-core): the verdict is visible, the cases table has one row per case, the SVG charts
 * render with a non-zero size, hostile strings stayed text, and the page logs no errors and makes
 * no network request. Saves a screenshot to harness/test/artifacts/failing-report.png.
 * The run is a synthetic fixture (fixtures/failing-run.ts: every status, hostile strings); the
 * report of a real failing qemu run is checked in html-report-real-run.test.ts.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';

import { writeReports, type WrittenReports } from '../src/reporters/write-reports.ts';
import { failingOutputs, failingRun, HOSTILE } from './fixtures/failing-run.ts';
import { ARTIFACTS, chromiumMissing, openInChromium, type OpenedPage } from './helpers/browser.ts';

describe('report.html in headless Chromium (failing run)', function () {
  let tmp: string;
  let written: WrittenReports;
  let b: OpenedPage;
  let page: Page;

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.warn(`skipping the browser test: ${missing}`);
      this.skip();
    }
    tmp = await mkdtemp(path.join(tmpdir(), 'hil-html-'));
    written = await writeReports(failingRun, { reportsDir: path.join(tmp, 'reports'), failedOutputs: failingOutputs() });
    b = await openInChromium(written.html, tmp);
    page = b.page;
  });

  after(async () => {
    await b?.context.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('shows the overall verdict prominently', async () => {
    const verdict = page.locator('[data-verdict]');
    expect(await verdict.count()).to.equal(1);
    expect(await verdict.getAttribute('data-verdict')).to.equal(failingRun.status);
    expect(await verdict.isVisible()).to.equal(true);
    expect((await verdict.locator('.word').innerText()).trim()).to.equal('ERROR');
    const box = await verdict.boundingBox();
    expect(box!.y).to.be.lessThan(200);
    expect(await page.title()).to.match(/^ERROR · hil 20261124-101733Z-9c2e$/);
  });

  it('has one row per case in the cases table', async () => {
    expect(await page.locator('#cases tbody tr').count()).to.equal(failingRun.cases.length);
    const ids = await page.locator('#cases td.case').allInnerTexts();
    expect(ids.map((s) => s.replace(/\s+/g, ''))).to.deep.equal(failingRun.cases.map((c) => c.id.replace(/\s+/g, '')));
  });

  it('renders the SVG charts of the open (failed) cases with a non-zero size', async () => {
    const measured = failingRun.cases.filter((c) => c.counts.length > 0).length;
    expect(await page.locator('svg.chart').count()).to.equal(2 * measured + 1);
    const visible = page.locator('details.case[open] svg.chart');
    const n = await visible.count();
    expect(n).to.equal(2 * 2 + 1); // two failed cases with counts: cycles + histogram each; one waveform
    for (let i = 0; i < n; i++) {
      const box = await visible.nth(i).boundingBox();
      expect(box, `chart ${i}`).to.not.equal(null);
      expect(box!.width).to.be.greaterThan(100);
      expect(box!.height).to.be.greaterThan(60);
    }
    const wave = page.locator('svg.waveform-chart');
    expect(await wave.isVisible()).to.equal(true);
    expect(await wave.locator('.mismatch-line').count()).to.equal(1);
    const pathLen = await page.locator('details.case[open] svg.cycles-chart path.series-line').first().evaluate((p) => (p as unknown as { getTotalLength(): number }).getTotalLength());
    expect(pathLen).to.be.greaterThan(100);
  });

  it('keeps hostile strings as text: no script, image or event handler from data', async () => {
    await page.locator('details').evaluateAll((els) => els.forEach((e) => e.setAttribute('open', '')));
    // Browser-side code as a string: the harness compiles without the DOM library.
    const live = await page.evaluate<{ bad: number; handlers: number }>(`(() => {
      const bad = document.querySelectorAll('script, img, iframe, object, embed, link, base, form');
      let handlers = 0;
      for (const el of document.querySelectorAll('*')) for (const a of el.attributes) if (a.name.toLowerCase().startsWith('on')) handlers++;
      return { bad: bad.length, handlers };
    })()`);
    expect(live).to.deep.equal({ bad: 0, handlers: 0 });
    expect(b.dialogs).to.deep.equal([]);
    const text = await page.locator('body').innerText();
    expect(text).to.include(HOSTILE.caseName);
    expect(text).to.include(HOSTILE.deviceLog);
    expect(text).to.include('int16 denoiser <img src=x onerror=alert(4)>');
  });

  it('logs no console errors and makes no network request', async () => {
    await page.waitForLoadState('networkidle');
    expect(b.consoleErrors).to.deep.equal([]);
    expect(b.failedRequests).to.deep.equal([]);
    expect(b.requests).to.deep.equal([pathToFileURL(written.html).href]);
  });

  it('writes well-formed JUnit XML (checked by the browser\'s XML parser)', async () => {
    const xml = await readFile(written.junit, 'utf8');
    const result = await page.evaluate<{ error: number; cases: number }>(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml');
      return { error: doc.getElementsByTagName('parsererror').length, cases: doc.getElementsByTagName('testcase').length };
    })()`);
    expect(result).to.deep.equal({ error: 0, cases: failingRun.cases.length + 1 });
  });

  it('saves a screenshot of the page as a reader first sees it', async () => {
    await page.reload({ waitUntil: 'load' });
    await mkdir(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'failing-report.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).to.equal('PNG');
    expect(existsSync(file)).to.equal(true);
  });
});
