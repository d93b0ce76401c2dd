import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { newId } from '../../platform/ids.js';
import { exportRows, runImport } from './catalog-io.service.js';
import { readRecords } from './catalog-io.files.js';

const HEADER = 'supplier,product_title,category_path,sku_code,sku_name,barcode,case_pack,min_order_qty,supply_price,suggested_price,retail_floor,retail_ceiling';

describe('catalog and stock files: import, report, export', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);
  const admin = auth(world.adminToken);
  const tenantId = world.tenantId;
  const csv = (...lines: string[]) => Buffer.from([HEADER, ...lines].join('\n'), 'utf8');
  const skuCount = async () => Number((await db.selectFrom('skus').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n);
  const importCatalog = (bytes: Buffer, mode: 'all_or_nothing' | 'good_rows', format: 'csv' | 'xlsx' = 'csv', supplierScope?: string) =>
    runImport(db, { tenantId, supplierScope, kind: 'catalog', format, mode, bytes });

  it('all or nothing: one bad row and nothing is written, the report naming its line and column', async () => {
    const before = await skuCount();
    const outcome = await importCatalog(csv(
      'Fresh Farm,梨,生鲜/水果,PEAR-1,1 kg,,1,1,5.00,8.00,7.00,10.00',
      'Fresh Farm,梨,生鲜/水果,PEAR-2,2 kg,,1,1,9.00,15.00,12.00,abc',
    ), 'all_or_nothing');
    expect(outcome.status).toBe('rejected');
    expect(outcome.problems).toEqual([{ line: 3, column: 'retail_ceiling', code: 'bad_price', value: 'abc' }]);
    expect(await skuCount()).toBe(before);
    expect(await db.selectFrom('categories').select('id').where('tenant_id', '=', tenantId).execute()).toHaveLength(0);
  });

  it('good rows: the rest is applied in one go, each bad row reported with line, column and reason', async () => {
    const before = await skuCount();
    const outcome = await importCatalog(csv(
      'Fresh Farm,梨,生鲜/水果,PEAR-1,1 kg,6901234567892,6,2,5.00,8.00,7.00,10.00',
      'No Such Farm,桃,生鲜/水果,PEACH-1,1 kg,,1,1,5.00,8.00,7.00,10.00',
      'Fresh Farm,梨,生鲜/水果,PEAR-2,2 kg,,1,1,9.00,20.00,12.00,18.00',
      'Fresh Farm,梨,生鲜/水果,PEAR-1,dup,,1,1,5.00,8.00,7.00,10.00',
      'Fresh Farm,梨,生鲜/水果,PEAR-3,3 kg,,x,1,5.00,8.00,7.00,10.00',
      'Fresh Farm,橙,生鲜/水果/柑橘,ORANGE-1,1 kg,,1,1,4.00,6.50,5.00,8.00',
    ), 'good_rows');
    expect(outcome.status).toBe('applied');
    expect(outcome.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [3, 'supplier', 'unknown_supplier'],
      [4, 'suggested_price', 'price_outside_band'],
      [5, 'sku_code', 'duplicate_code'],
      [6, 'case_pack', 'bad_number'],
    ]);
    expect(outcome.rows_applied).toBe(2);
    expect(await skuCount()).toBe(before + 2);
    const pear = await db.selectFrom('skus').selectAll().where('tenant_id', '=', tenantId).where('code', '=', 'PEAR-1').executeTakeFirstOrThrow();
    expect(pear).toMatchObject({ barcode: '6901234567892', case_pack: 6, min_order_qty: 2, supply_price: 500, suggested_price: 800, retail_floor: 700, retail_ceiling: 1000 });
    const cats = await db.selectFrom('categories').select(['name', 'parent_id']).where('tenant_id', '=', tenantId).orderBy('name').execute();
    expect(cats.map((c) => c.name).sort()).toEqual(['柑橘', '水果', '生鲜']);
  });

  it('a stock file: unknown SKU or warehouse rows reported, counts below what orders hold refused', async () => {
    await db.updateTable('stock').set({ reserved: 7 }).where('tenant_id', '=', tenantId).where('sku_id', '=', world.skus[1]!.id).execute();
    const file = Buffer.from(['warehouse,sku_code,on_hand', 'Central,SKU-0,40', 'Central,NOPE,5', 'Nowhere,SKU-0,5', 'Central,SKU-1,3', 'Central,PEAR-1,12'].join('\r\n'));
    const outcome = await runImport(db, { tenantId, supplierScope: undefined, kind: 'stock', format: 'csv', mode: 'good_rows', bytes: file });
    expect(outcome.problems.map((p) => [p.line, p.column, p.code])).toEqual([[3, 'sku_code', 'unknown_sku'], [4, 'warehouse', 'unknown_warehouse'], [5, 'on_hand', 'below_reserved']]);
    const stock = await db.selectFrom('stock').select(['sku_id', 'on_hand']).where('tenant_id', '=', tenantId).execute();
    expect(stock.find((s) => s.sku_id === world.skus[0]!.id)!.on_hand).toBe(40);
    expect(stock.find((s) => s.sku_id === world.skus[1]!.id)!.on_hand).toBe(100);
    expect(stock).toHaveLength(world.skus.length + 1);
  });

  it('reads a real .xlsx workbook the same as CSV', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('catalog');
    sheet.addRow(['供应商', '商品名称', '分类', 'SKU编码', '规格', '条码', '箱规', '起订量', '供货价', '建议零售价', '最低零售价', '最高零售价']);
    sheet.addRow(['Fresh Farm', '葡萄', '生鲜/水果', 'GRAPE-1', '500 g', '00012345', 12, 1, 6, 9.9, 8.5, 12]);
    sheet.addRow(['Fresh Farm', '葡萄', '生鲜/水果', 'GRAPE-2', '1 kg', '', 12, 1, 11, 19.9, 25, 30]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const outcome = await importCatalog(bytes, 'good_rows', 'xlsx');
    expect(outcome.problems.map((p) => [p.line, p.column, p.code])).toEqual([[3, 'suggested_price', 'price_outside_band']]);
    const grape = await db.selectFrom('skus').selectAll().where('tenant_id', '=', tenantId).where('code', '=', 'GRAPE-1').executeTakeFirstOrThrow();
    expect(grape).toMatchObject({ barcode: '00012345', case_pack: 12, supply_price: 600, suggested_price: 990, retail_floor: 850, retail_ceiling: 1200 });
  });

  it('an export imported again changes nothing (CSV and .xlsx)', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const before = await exportRows(db, tenantId, undefined, 'catalog');
      const file = await (await import('./catalog-io.files.js')).writeFile(format, 'catalog', (await import('./catalog-io.columns.js')).COLUMNS.catalog.map((c) => c.key), before);
      const outcome = await importCatalog(file, 'all_or_nothing', format);
      expect(outcome).toMatchObject({ status: 'applied', problems: [] });
      expect(await exportRows(db, tenantId, undefined, 'catalog')).toEqual(before);
      const stockBefore = await exportRows(db, tenantId, undefined, 'stock');
      const stockFile = await (await import('./catalog-io.files.js')).writeFile(format, 'stock', (await import('./catalog-io.columns.js')).COLUMNS.stock.map((c) => c.key), stockBefore);
      expect((await runImport(db, { tenantId, supplierScope: undefined, kind: 'stock', format, mode: 'all_or_nothing', bytes: stockFile })).status).toBe('applied');
      expect(await exportRows(db, tenantId, undefined, 'stock')).toEqual(stockBefore);
    }
    // The rows kept their identities: no product or SKU was added by the round trip.
    const rows = await exportRows(db, tenantId, undefined, 'catalog');
    expect(new Set(rows.map((r) => r[6])).size).toBe(rows.length);
  });

  it('a supplier operator imports only its own supplier\'s rows: another supplier reads as unknown', async () => {
    const otherSupplier = newId('sup');
    await db.insertInto('suppliers').values({ tenant_id: tenantId, id: otherSupplier, name: 'Dairy Co' }).execute();
    const outcome = await importCatalog(csv('Fresh Farm,牛奶,,MILK-1,1 L,,1,1,5.00,8.00,7.00,10.00', 'Dairy Co,牛奶,,MILK-2,1 L,,1,1,5.00,8.00,7.00,10.00'), 'good_rows', 'csv', otherSupplier);
    expect(outcome.problems.map((p) => [p.line, p.column, p.code])).toEqual([[2, 'supplier', 'unknown_supplier']]);
    // Its own SKU code may not take over another supplier's.
    const taken = await importCatalog(csv('Dairy Co,苹果,,SKU-0,1 L,,1,1,5.00,8.00,7.00,10.00'), 'good_rows', 'csv', otherSupplier);
    expect(taken.problems.map((p) => [p.line, p.column, p.code])).toEqual([[2, 'sku_code', 'sku_code_taken']]);
  });

  it('assortment items go into draft assortments; unknown SKUs, other suppliers\' SKUs and published assortments are reported', async () => {
    const draft = newId('asm');
    const published = newId('asm');
    const window = { valid_from: new Date('2026-11-01T00:00:00Z'), valid_until: new Date('2026-12-31T00:00:00Z') };
    await db.insertInto('assortments').values([
      { tenant_id: tenantId, id: draft, supplier_id: world.supplierId, name: '冬季货盘', ...window, published_at: null, closed_at: null },
      { tenant_id: tenantId, id: published, supplier_id: world.supplierId, name: '已发布', status: 'published', ...window, published_at: window.valid_from, closed_at: null },
    ]).execute();
    const file = Buffer.from([
      'assortment_id,sku_code,supply_price,retail_floor,retail_ceiling,commission_bp,node_cap',
      `${draft},SKU-0,6.00,8.00,15.00,800,50`,
      `${draft},NOPE,6.00,8.00,15.00,800,`,
      `${published},SKU-1,6.00,8.00,15.00,800,`,
      `${draft},MILK-2,6.00,8.00,15.00,800,`,
      `${draft},SKU-2,6.00,8.00,15.00,800,`,
    ].join('\n'));
    const outcome = await runImport(db, { tenantId, supplierScope: undefined, kind: 'assortment', format: 'csv', mode: 'good_rows', bytes: file });
    expect(outcome.problems.map((p) => [p.line, p.column, p.code])).toEqual([[3, 'sku_code', 'unknown_sku'], [4, 'assortment_id', 'assortment_not_draft'], [5, 'sku_code', 'unknown_sku']]);
    const items = await db.selectFrom('assortment_items').select(['assortment_id', 'sku_id', 'supply_price', 'commission_bp', 'node_cap']).where('tenant_id', '=', tenantId).orderBy('sku_id').execute();
    expect(items).toEqual([
      { assortment_id: draft, sku_id: world.skus[0]!.id, supply_price: 600, commission_bp: 800, node_cap: 50 },
      { assortment_id: draft, sku_id: world.skus[2]!.id, supply_price: 600, commission_bp: 800, node_cap: null },
    ].sort((a, b) => a.sku_id.localeCompare(b.sku_id)));
    const exported = await exportRows(db, tenantId, undefined, 'assortment');
    expect(exported.map((r) => [r[0], r[3], r[5], r[9]])).toEqual([[draft, 'SKU-0', '6.00', 50], [draft, 'SKU-2', '6.00', '']]);
  });

  it('a file missing a required column is refused whole, at line 1', async () => {
    const outcome = await importCatalog(Buffer.from('supplier,product_title\nFresh Farm,x\n'), 'good_rows');
    expect(outcome.status).toBe('rejected');
    expect(outcome.problems.map((p) => p.column)).toContain('sku_code');
    expect(outcome.problems[0]!.line).toBe(1);
  });

  it('Chinese text survives a large .xlsx both ways (a streaming reader once split characters at chunk boundaries)', async () => {
    const { writeFile } = await import('./catalog-io.files.js');
    const rows = Array.from({ length: 20_000 }, (_, i) => [`供应商${i % 20}`, `商品 B${i}`, '生鲜/类目']);
    const bytes = await writeFile('xlsx', 'x', ['a', 'b', 'c'], rows);
    let n = 0;
    for await (const r of readRecords(bytes, 'xlsx')) {
      if (r.line === 1) continue;
      expect(r.cells).toEqual(rows[r.line - 2]);
      n++;
    }
    expect(n).toBe(rows.length);
  });

  it('CSV records keep their file line across quoted newlines', async () => {
    const lines: number[] = [];
    for await (const r of readRecords(Buffer.from('a,b\n"x\ny",1\nz,2\n'), 'csv')) lines.push(r.line);
    expect(lines).toEqual([1, 3, 4]);
  });

  it('over HTTP: upload, progress polled to the end, report; templates and exports download; others refused', async () => {
    const started = await inject({ method: 'POST', url: '/api/v1/imports?kind=catalog&mode=good_rows&file_name=pears.csv', headers: { ...admin, 'content-type': 'text/csv' },
      payload: csv('Fresh Farm,梨,,PEAR-9,9 kg,,1,1,5.00,8.00,7.00,10.00', 'Ghost Farm,梨,,PEAR-8,8 kg,,1,1,5.00,8.00,7.00,10.00') });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ status: 'queued', percent: 0, file_name: 'pears.csv' });
    await siyu.tick();
    const run = (await inject({ method: 'GET', url: `/api/v1/imports/${started.json().id}`, headers: admin })).json();
    expect(run).toMatchObject({ status: 'applied', phase: 'done', percent: 100, rows_total: 2, rows_applied: 1, problem_count: 1 });
    expect(run.problems[0]).toMatchObject({ line: 3, column: 'supplier', code: 'unknown_supplier', reason: 'unknown supplier', reason_zh: '供应商不存在' });
    expect((await db.selectFrom('import_runs').select('file').where('id', '=', run.id).executeTakeFirstOrThrow()).file).toBeNull();

    const json = await inject({ method: 'POST', url: '/api/v1/imports?kind=catalog', headers: admin, payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
    const consumer = auth(await consumerToken(siyu, world.shop, '13900002222'));
    expect((await inject({ method: 'POST', url: '/api/v1/imports?kind=catalog', headers: { ...consumer, 'content-type': 'text/csv' }, payload: csv() })).statusCode).toBe(403);
    expect((await inject({ method: 'GET', url: `/api/v1/imports/${run.id}`, headers: consumer })).statusCode).toBe(403);

    const template = await inject({ method: 'GET', url: '/api/v1/exports/template?kind=catalog&format=xlsx', headers: admin });
    expect(template.headers['content-type']).toContain('spreadsheetml');
    const exported = await inject({ method: 'GET', url: '/api/v1/exports?kind=stock&format=csv', headers: admin });
    expect(exported.body.split('\n')[0]).toBe('\uFEFFwarehouse_id,warehouse,sku_code,sku_name,on_hand,reserved');

    // A supplier's operator sees neither the tenant's runs nor other suppliers' rows.
    const op = await createUser(db, tenantId, { login: `op-${newId('u').slice(-6)}`, display_name: 'Op', role: 'supplier_operator', password: 'operator-password', supplier_id: world.supplierId });
    const opAuth = auth((await issueToken(db, clock, tenantId, op.id, 'api', 'tests')).token);
    expect((await inject({ method: 'GET', url: `/api/v1/imports/${run.id}`, headers: opAuth })).statusCode).toBe(404);
    const own = (await inject({ method: 'GET', url: '/api/v1/exports?kind=catalog&format=csv', headers: opAuth })).body;
    expect(own).not.toContain('MILK-2');
  });
});
