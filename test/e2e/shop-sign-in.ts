import type { Page } from 'playwright-core';
import type { Db } from '../../src/database.js';
import { waitForText } from './browser.js';
import { smsTo } from '../outbox.js';

/** The newest sandbox text to a phone: its 6-digit code (the sandbox writes the text when the code is issued, sent or not). */
export async function sandboxCodeFor(db: Db, tenantId: string, phone: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await smsTo(db, tenantId, phone);
    const code = /\b(\d{6})\b/.exec(row?.body ?? '')?.[1];
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no sandbox code for ${phone} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fills the shop's sign-in form: phone (and name), the code from the sandbox outbox, done. */
export async function signInWithCode(page: Page, db: Db, tenantId: string, phone: string, name?: string): Promise<void> {
  await page.getByTestId('buyer-phone').fill(phone);
  if (name) await page.getByTestId('buyer-name').fill(name);
  await page.getByTestId('buyer-submit').click();
  await waitForText(page.getByTestId('sandbox-code-hint'), /./);
  await page.getByTestId('buyer-code').fill(await sandboxCodeFor(db, tenantId, phone));
  await page.getByTestId('buyer-verify').click();
}
