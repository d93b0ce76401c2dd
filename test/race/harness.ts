/**
 * The setup every race and bad-input suite shares: a fresh database with a pool sized for the
 * concurrency, the app on a settable clock (closed when the file ends), one client shape over real
 * sockets or in-process requests, and shops to race in — a tenant with SKUs, stock and consumers
 * who each have their own session.
 */
import { afterAll } from 'vitest';
import type { Siyu } from '../../src/app.js';
import type { Db } from '../../src/database.js';
import { manualClock, seedWorld, startSiyu, type World } from '../fixtures.js';
import { createTestDatabase } from '../test-db.js';
import { consumerTokens, fetchApi, injectApi, type Api } from './helpers.js';

export interface RaceOptions {
  /** Pool size: at least the number of requests a test puts in flight at once. */
  pool: number;
  /** 'sockets' (default) listens on an ephemeral port and talks over fetch; 'inject' stays in process. */
  transport?: 'sockets' | 'inject';
}

export interface ShopOptions {
  skuCount: number;
  /** Units of each SKU on hand. */
  stock: number;
  /** Consumers with a session in the shop (default none). */
  buyers?: number;
  /** Phone prefix of the consumers, to keep several groups in one tenant apart (default '139'). */
  phonePrefix?: string;
}

export interface RaceShop extends World {
  /** One session token per consumer, in order. */
  tokens: string[];
  /** The consumers in turn, starting with the first. */
  buyer(): string;
}

export interface Race {
  db: Db;
  url: string;
  clock: ReturnType<typeof manualClock>;
  siyu: Siyu;
  api: Api;
  /** A new tenant with one shop listing `skuCount` SKUs, `stock` units each, and `buyers` consumers. */
  shop(options: ShopOptions): Promise<RaceShop>;
}

export async function raceHarness(options: RaceOptions): Promise<Race> {
  const { db, url } = await createTestDatabase({ max: options.pool });
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const api = options.transport === 'inject' ? injectApi(siyu) : await fetchApi(siyu);
  afterAll(() => siyu.close());

  async function shop(o: ShopOptions): Promise<RaceShop> {
    const world = await seedWorld(db, clock, { skuCount: o.skuCount, stock: o.stock });
    const tokens = o.buyers ? await consumerTokens(siyu, world.shop, o.buyers, o.phonePrefix) : [];
    let next = 0;
    return { ...world, tokens, buyer: () => tokens[next++ % tokens.length]! };
  }

  return { db, url, clock, siyu, api, shop };
}
