import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { createSiyu } from '../../src/app.js';
import { injectPost } from '../../src/providers/sandboxpay.unit.js';
import { systemClock } from '../../src/platform/clock.js';
import { seedDemo } from '../../src/cli/seed/demo-seed.js';
import { createTestDatabase } from '../test-db.js';
import { testConfig } from '../fixtures.js';
import { ensureWebBuilt, launchChromium, loginToConsole, waitForText } from './browser.js';

/**
 * The admin console over the demo tenant in a database of its own: the server on a free port and
 * a desktop-sized Chromium page. Call from `beforeAll`; `close()` from `afterAll`.
 */
export async function openDemoConsole(seed = 3) {
  await ensureWebBuilt();
  const { db } = await createTestDatabase();
  const seeded = await seedDemo(db, { seed });
  const siyu = await createSiyu(db, testConfig, { clock: systemClock, sandboxNotifyPost: injectPost });
  const base = await siyu.server.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return {
    db, tenantId: seeded.tenantId!, siyu, browser, context, page, base,
    async close() {
      await context.close();
      await browser.close();
      await siyu.close();
    },
  };
}

export type DemoConsole = Awaited<ReturnType<typeof openDemoConsole>>;

/**
 * The demo console for a whole test file: opened before its tests, closed after them. The fields
 * are there once `beforeAll` has run.
 */
export function demoConsoleForFile(seed = 3): DemoConsole {
  const c = {} as DemoConsole;
  beforeAll(async () => { Object.assign(c, await openDemoConsole(seed)); });
  afterAll(async () => { if (c.close) await c.close(); });
  return c;
}

/** Signs in as the demo tenant's admin and waits for the console to greet them. */
export async function loginAsDemoAdmin(page: Page, base: string): Promise<void> {
  await loginAsDemo(page, base, 'admin', 'admin123', '赵敏');
}

/** Signs in to the demo tenant with one of its printed logins and waits for the console to greet `greeting`. */
export async function loginAsDemo(page: Page, base: string, login: string, password: string, greeting: string): Promise<void> {
  await loginToConsole(page, base, 'demo', login, password, greeting);
}

/** Keeps a full-page screenshot when E2E_SCREENSHOT_DIR names a directory (CI artifacts). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
