import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The phone buyers and leaders use the shop and the leader's screens on: 390 CSS px wide, twice the density, touch. */
export const PHONE_WIDTH = 390;
export const phoneDevice = { viewport: { width: PHONE_WIDTH, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The page's full width in CSS px: no wider than the phone means nothing scrolls sideways. */
export const pageWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * Debian's chromium driven by playwright-core. Playwright gives every launch a fresh temporary
 * profile and deletes it on close, so runs never share cookies, storage or caches.
 * A missing browser fails loudly: a skipped browser test would read as a pass in CI.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium, or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Builds web/dist when it is missing or older than any web source, so the test never drives a stale bundle. */
export async function ensureWebBuilt(): Promise<void> {
  // The project's build script: it rebuilds only when a web source is newer than the last build,
  // and one build at a time, so test files starting together do not write web/dist at once.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/build.mjs', '--if-stale', 'web'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`web build failed (exit ${code}):\n${stderr}`))));
  });
}

/** Waits until the locator's text matches; playwright-core has no auto-waiting `expect`. */
export async function waitForText(locator: Locator, expected: string | RegExp, timeout = 10_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = (await locator.first().textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)) ?? '';
    if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`expected ${String(expected)} in ${locator.toString()}, last text: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the locator's attribute has the value, e.g. a status badge's data-status. */
export async function waitForAttribute(locator: Locator, name: string, value: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const got = await locator.first().getAttribute(name, { timeout: Math.max(1, deadline - Date.now()) }).catch(() => null);
    if (got === value) return;
    if (Date.now() > deadline) throw new Error(`expected ${name}="${value}" on ${locator.toString()}, got ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Signs in to the console as `login` of `tenant`; with `greeting`, waits until the console greets
 * that name (without, a test can look at a refusal).
 */
export async function loginToConsole(page: Page, base: string, tenant: string, login: string, password: string, greeting?: string): Promise<void> {
  await page.goto(`${base}/admin`);
  await page.getByTestId('login-tenant').fill(tenant);
  await page.getByTestId('login-user').fill(login);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  if (greeting !== undefined) await waitForText(page.getByTestId('admin-user'), greeting);
}

/** A datetime-local input's value `ms` from now, in the browser's (this machine's) time zone. */
export const localInput = (ms: number) => {
  const d = new Date(Date.now() + ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};
