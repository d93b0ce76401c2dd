import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type AppContext } from '../../src/platform/http/server.js';
import { firstLoad, measureEntry, readChunkModules, readManifest, WEB_ENTRIES, type Manifest } from '../../bench/web.bench.js';
import { ensureWebBuilt } from './browser.js';

// The shop opens on phones inside WeChat: what its page loads before use must stay small.
const SHOP_FIRST_LOAD_BUDGET_KB = 150;

let manifest: Manifest;
let modules: Record<string, string[]>;

beforeAll(async () => {
  await ensureWebBuilt();
  manifest = readManifest();
  modules = readChunkModules();
});

const modulesLoadedUpFront = (html: string) => firstLoad(manifest, html).js.flatMap((file) => modules[file] ?? []);

describe('web entries', () => {
  it('the shop page loads no console screen, no ECharts and no second language before use', () => {
    const shop = modulesLoadedUpFront(WEB_ENTRIES.shop);
    expect(shop).toContain('web/src/shop/ShopApp.tsx');
    expect(shop.filter((id) => /node_modules\/(echarts|zrender)\//.test(id))).toEqual([]);
    expect(shop.filter((id) => id.startsWith('web/src/admin/'))).toEqual([]);
    expect(shop.filter((id) => id.startsWith('web/src/locales/') && !id.endsWith('zh-CN.ts'))).toEqual([]);
  });

  it('the console loads ECharts only when an economics screen opens', () => {
    const admin = modulesLoadedUpFront(WEB_ENTRIES.console);
    expect(admin).toContain('web/src/admin/AdminApp.tsx');
    expect(admin.filter((id) => id.startsWith('web/src/shop/'))).toEqual([]);
    expect(admin.filter((id) => /node_modules\/(echarts|zrender)\//.test(id))).toEqual([]);
    const lazily = Object.values(modules).flat();
    expect(lazily.some((id) => id.includes('node_modules/echarts/'))).toBe(true);
  });

  it(`the shop's first load stays within ${SHOP_FIRST_LOAD_BUDGET_KB} kB gzipped`, () => {
    expect(measureEntry(manifest, WEB_ENTRIES.shop).kb_gzip).toBeLessThanOrEqual(SHOP_FIRST_LOAD_BUDGET_KB);
  });

  it('the server answers each path with its page, compressed as built, and caches only content-hashed files for good', async () => {
    // Pages and static files need no database: the context is never touched on these paths.
    const app = await buildServer({} as AppContext, []);
    try {
      const get = (url: string) => app.inject({ method: 'GET', url });
      const title = (body: string) => /<title>(.*)<\/title>/.exec(body)?.[1];
      const shopJs = `/${manifest[WEB_ENTRIES.shop]!.file}`;
      const consoleJs = `/${manifest[WEB_ENTRIES.console]!.file}`;

      for (const url of ['/s/demo', '/s/demo/p/prd_1', '/s/demo/orders/ord_1?x=1']) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type'], url).toMatch(/^text\/html/);
        expect(res.body, url).toContain(shopJs);
        expect(res.headers['cache-control'], url).toBe('no-cache');
      }
      for (const url of ['/', '/admin', '/admin/login', '/admin/economics/check', '/no-such-page']) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toContain(consoleJs);
        expect(res.body, url).not.toContain(shopJs);
        expect(res.headers['cache-control'], url).toBe('no-cache');
      }
      expect(title((await get('/s/demo')).body)).not.toBe(title((await get('/admin')).body));

      const asset = await get(shopJs);
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-type']).toMatch(/javascript/);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');

      // Sent compressed as built, to whoever accepts it; caches keep the variants apart.
      const brotli = await app.inject({ method: 'GET', url: shopJs, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotli.headers.vary).toMatch(/accept-encoding/i);
      expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(brotli.rawPayload.length).toBeLessThan(asset.rawPayload.length / 2);
      const page = await app.inject({ method: 'GET', url: '/s/demo', headers: { 'accept-encoding': 'gzip' } });
      expect(page.headers['content-encoding']).toBe('gzip');
      expect(zlib.gunzipSync(page.rawPayload).toString()).toContain(shopJs);
      expect(page.headers['cache-control']).toBe('no-cache');

      const missingAsset = await get('/assets/shop-gone.js');
      expect(missingAsset.statusCode).toBe(404);
      expect(missingAsset.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await get('/api/v1/no-such-route')).statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: '/s/demo' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
