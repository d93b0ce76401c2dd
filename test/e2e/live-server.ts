import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { createSiyu, type Siyu } from '../../src/app.js';
import { injectPost } from '../../src/providers/sandboxpay.unit.js';
import { systemClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/database.js';
import { createUser, type NewUser } from '../../src/modules/identity/identity.service.js';
import { createTestDatabase } from '../test-db.js';
import { seedWorld, testConfig, type World } from '../fixtures.js';
import { ensureWebBuilt, launchChromium } from './browser.js';

export interface LiveServer { db: Db; world: World; siyu: Siyu; browser: Browser; base: string }

/**
 * A browser test's world: a seeded tenant (plus the named console user), the real server listening
 * on loopback in real time with its background worker delivering the sandbox's notifications and
 * texts, and chromium. Set up before the file's tests and closed after them; the fields are there
 * once `beforeAll` has run.
 */
export function liveServer(options: {
  skuCount: number;
  /** The console user the test signs in as, made once the world exists. */
  user: (world: World) => NewUser & { password: string };
  /** Renames and other touches to the seeded world, before the server starts. */
  prepare?: (db: Db, world: World) => Promise<void>;
}): LiveServer {
  const live = {} as LiveServer;
  beforeAll(async () => {
    await ensureWebBuilt();
    ({ db: live.db } = await createTestDatabase());
    live.world = await seedWorld(live.db, systemClock, { skuCount: options.skuCount, stock: 20 });
    await createUser(live.db, live.world.tenantId, options.user(live.world));
    await options.prepare?.(live.db, live.world);
    live.siyu = await createSiyu(live.db, testConfig, { clock: systemClock, sandboxNotifyPost: injectPost });
    live.siyu.startBackground(200);
    live.base = await live.siyu.server.listen({ port: 0, host: '127.0.0.1' });
    live.browser = await launchChromium();
  });
  afterAll(async () => {
    await live.browser?.close();
    await live.siyu?.close();
  });
  return live;
}
