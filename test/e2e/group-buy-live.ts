import type { Browser, Page } from 'playwright-core';
import type { World } from '../fixtures.js';
import { loginToConsole, waitForAttribute } from './browser.js';
import { liveServer, type LiveServer } from './live-server.js';

/** The console's operator in the group-buy browser tests. */
export const OPS = { login: 'ops', password: 'ops-password-12', name: '运营小李' };

/**
 * The live server of the group-buy browser tests: the seeded tenant with its operator (a tenant
 * admin), its one shop renamed 幸福里团购 with a pickup address, and its product given a real name.
 */
export function groupBuyLiveServer(options: { skuCount: number; productTitle: string }): LiveServer {
  return liveServer({
    skuCount: options.skuCount,
    user: () => ({ login: OPS.login, display_name: OPS.name, role: 'tenant_admin', password: OPS.password }),
    prepare: async (db, world) => {
      await db.updateTable('products').set({ title: options.productTitle }).where('tenant_id', '=', world.tenantId).execute();
      await db.updateTable('b_nodes').set({ name: '幸福里团购', pickup_address: '幸福里 3 号楼' }).where('tenant_id', '=', world.tenantId).execute();
    },
  });
}

/** The operator signed in on a fresh desktop context, on the sales campaigns page; close the context when done. */
export async function openSalesCampaigns(browser: Browser, base: string, world: World): Promise<{ close: () => Promise<void>; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToConsole(page, base, world.tenantSlug, OPS.login, OPS.password, OPS.name);
  await page.goto(`${base}/admin/economics/campaigns/sales`);
  return { page, close: () => context.close() };
}

/** At checkout on the buyer's phone: places the order, pays at the sandbox cashier, waits for it paid; the order's id. */
export async function placeAndPay(page: Page): Promise<string> {
  await page.getByTestId('place-order').click();
  await page.getByTestId('sandbox-pay').click();
  await page.waitForURL(/\/orders\/ord/);
  await waitForAttribute(page.getByTestId('order-status'), 'data-status', 'paid');
  return page.url().split('/orders/')[1]!;
}
