/**
 * Open a file in Debian's headless Chromium (playwright-core, no bundled browser) with every
 * console error, page error, request and dialog recorded. Offline: a report must need nothing
 * from the network.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.HIL_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly failedRequests: string[];
  readonly requests: string[];
  readonly dialogs: string[];
}

/** Why the browser tests cannot run here, or null. Required in CI (.ci/install-deps installs it). */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set HIL_CHROMIUM)`;
  if (process.env.CI) throw new Error(why);
  return why;
}

export async function openInChromium(file: string, profileDir: string): Promise<OpenedPage> {
  const context = await chromium.launchPersistentContext(path.join(profileDir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const opened: OpenedPage = { context, page, consoleErrors: [], failedRequests: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') opened.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => opened.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => opened.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? '?'}`));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', async (d) => {
    opened.dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return opened;
}
