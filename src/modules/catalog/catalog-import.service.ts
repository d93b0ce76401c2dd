import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { newId } from '../../platform/ids.js';
import { formatYuan } from '../../platform/money.js';

/**
 * The catalog's side of file imports: rows already well-formed (numbers parsed, fields present) are
 * checked against the tenant's suppliers, products and SKUs, then applied set-based — one statement
 * per table whatever the file's size. The file formats live in the catalog-io module.
 */

/** One SKU line of a catalog file, parsed; `line` is the file's line (1 = header). */
export interface CatalogRow {
  line: number;
  supplier_id: string | null;
  supplier: string | null;
  product_id: string | null;
  product_title: string;
  category_path: string | null;
  description: string;
  sku_code: string;
  sku_name: string;
  barcode: string | null;
  case_pack: number;
  min_order_qty: number;
  supply_price: number;
  suggested_price: number;
  retail_floor: number;
  retail_ceiling: number;
}

/** A row refused, naming the column at fault and why (a stable code, turned into words by the caller). */
export interface RowProblem { line: number; column: string; code: string; value?: string | number; detail?: Record<string, unknown> }

export const CATEGORY_SEPARATOR = '/';
/** Rows past which an import refreshes the planner's statistics of the tables its foreign keys check. */
export const LARGE_IMPORT = 1000;

interface Plan {
  categories: { id: string; parent_id: string | null; name: string }[];
  products: { id: string; supplier_id: string; title: string; description: string; category_id: string | null; category: string }[];
  skus: {
    id: string; product_id: string; code: string; name: string; barcode: string | null; case_pack: number; min_order_qty: number;
    supply_price: number; suggested_price: number; retail_floor: number; retail_ceiling: number;
  }[];
}

/**
 * Checks rows against the database: the supplier exists (and is the operator's own when `supplierScope`
 * is set), a named product exists and is the supplier's, a SKU code already used belongs to the same
 * supplier, codes and barcodes are not repeated, prices respect 0 < floor ≤ suggested ≤ ceiling.
 * Returns the problems and the plan that applies the good rows.
 */
export async function planCatalogImport(db: Conn, tenantId: string, supplierScope: string | undefined, rows: CatalogRow[]) {
  const problems: RowProblem[] = [];
  const codes = [...new Set(rows.map((r) => r.sku_code))];
  const barcodes = [...new Set(rows.flatMap((r) => (r.barcode ? [r.barcode] : [])))];
  const productIds = [...new Set(rows.flatMap((r) => (r.product_id ? [r.product_id] : [])))];
  const titles = [...new Set(rows.map((r) => r.product_title))];
  const [suppliers, categories, namedProducts, titledProducts, existingSkus, barcodeOwners] = await Promise.all([
    db.selectFrom('suppliers').select(['id', 'name']).where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('categories').select(['id', 'parent_id', 'name']).where('tenant_id', '=', tenantId).execute(),
    productIds.length === 0 ? [] : db.selectFrom('products').select(['id', 'supplier_id', 'title']).where('tenant_id', '=', tenantId).where('id', '=', sql<string>`ANY(${productIds}::text[])`).execute(),
    titles.length === 0 ? [] : db.selectFrom('products').select(['id', 'supplier_id', 'title']).where('tenant_id', '=', tenantId).where('title', '=', sql<string>`ANY(${titles}::text[])`).orderBy('created_at').orderBy('id').execute(),
    codes.length === 0 ? [] : db.selectFrom('skus as s').innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'))
      .select(['s.id', 's.code', 's.product_id', 'p.supplier_id']).where('s.tenant_id', '=', tenantId).where('s.code', '=', sql<string>`ANY(${codes}::text[])`).execute(),
    barcodes.length === 0 ? [] : db.selectFrom('skus').select(['code', 'barcode']).where('tenant_id', '=', tenantId).where('barcode', '=', sql<string>`ANY(${barcodes}::text[])`).execute(),
  ]);

  const supplierById = new Map(suppliers.map((s) => [s.id, s]));
  const suppliersByName = new Map<string, string[]>();
  for (const s of suppliers) suppliersByName.set(s.name, [...(suppliersByName.get(s.name) ?? []), s.id]);
  const productById = new Map(namedProducts.map((p) => [p.id, p]));
  const productByTitle = new Map<string, string>();
  for (const p of titledProducts) if (!productByTitle.has(`${p.supplier_id}\u0000${p.title}`)) productByTitle.set(`${p.supplier_id}\u0000${p.title}`, p.id);
  const skuByCode = new Map(existingSkus.map((s) => [s.code, s]));
  const barcodeOwner = new Map(barcodeOwners.map((b) => [b.barcode!, b.code]));
  const categoryByKey = new Map(categories.map((c) => [`${c.parent_id ?? ''}\u0000${c.name}`, c.id]));

  const plan: Plan = { categories: [], products: [], skus: [] };
  const productPlan = new Map<string, Plan['products'][number]>();
  const seenCodes = new Set<string>();
  const seenBarcodes = new Set<string>();

  const categoryOf = (path: string): string => {
    let parent: string | null = null;
    for (const name of path.split(CATEGORY_SEPARATOR).map((s) => s.trim())) {
      const key = `${parent ?? ''}\u0000${name}`;
      let found = categoryByKey.get(key);
      if (!found) {
        found = newId('cat');
        categoryByKey.set(key, found);
        plan.categories.push({ id: found, parent_id: parent, name });
      }
      parent = found;
    }
    return parent!;
  };

  for (const row of rows) {
    const before = problems.length;
    const problem = (column: string, code: string, value?: string | number, detail?: Record<string, unknown>) =>
      problems.push({ line: row.line, column, code, ...(value === undefined ? {} : { value }), ...(detail ? { detail } : {}) });

    let supplierId: string | undefined;
    if (row.supplier_id) supplierId = supplierById.has(row.supplier_id) ? row.supplier_id : undefined;
    else if (row.supplier) {
      const named = suppliersByName.get(row.supplier) ?? [];
      if (named.length > 1) problem('supplier', 'ambiguous_supplier', row.supplier);
      supplierId = named.length === 1 ? named[0] : undefined;
    }
    if (supplierScope !== undefined && supplierId !== supplierScope) supplierId = undefined;
    if (supplierId === undefined && problems.length === before) problem(row.supplier_id ? 'supplier_id' : 'supplier', 'unknown_supplier', row.supplier_id ?? row.supplier ?? '');

    const existing = skuByCode.get(row.sku_code);
    if (seenCodes.has(row.sku_code)) problem('sku_code', 'duplicate_code', row.sku_code);
    seenCodes.add(row.sku_code);
    if (existing && supplierId !== undefined && existing.supplier_id !== supplierId) problem('sku_code', 'sku_code_taken', row.sku_code);

    let productId: string | undefined;
    if (row.product_id) {
      const p = productById.get(row.product_id);
      if (!p || (supplierId !== undefined && p.supplier_id !== supplierId) || (supplierScope !== undefined && p.supplier_id !== supplierScope)) problem('product_id', 'unknown_product', row.product_id);
      else productId = p.id;
      if (p && existing && existing.product_id !== p.id) problem('sku_code', 'sku_code_taken', row.sku_code);
    } else if (existing) productId = existing.product_id;

    if (row.barcode) {
      if (seenBarcodes.has(row.barcode)) problem('barcode', 'duplicate_barcode', row.barcode);
      seenBarcodes.add(row.barcode);
      const owner = barcodeOwner.get(row.barcode);
      if (owner !== undefined && owner !== row.sku_code) problem('barcode', 'barcode_taken', row.barcode);
    }
    if (!(row.retail_floor > 0 && row.retail_floor <= row.retail_ceiling)) problem('retail_floor', 'band_invalid', formatYuan(row.retail_floor), { retail_floor: row.retail_floor, retail_ceiling: row.retail_ceiling });
    else if (row.suggested_price < row.retail_floor || row.suggested_price > row.retail_ceiling) {
      problem('suggested_price', 'price_outside_band', formatYuan(row.suggested_price), { retail_floor: row.retail_floor, retail_ceiling: row.retail_ceiling });
    }
    if (problems.length > before || supplierId === undefined) continue;

    const categoryId = row.category_path ? categoryOf(row.category_path) : null;
    const leaf = row.category_path ? row.category_path.split(CATEGORY_SEPARATOR).at(-1)!.trim().slice(0, 64) : 'general';
    const key = productId ?? `${supplierId}\u0000${row.product_title}`;
    let product = productPlan.get(key);
    if (!product) {
      const id = productId ?? productByTitle.get(key) ?? newId('prd');
      product = { id, supplier_id: supplierId, title: row.product_title, description: row.description, category_id: categoryId, category: leaf };
      productPlan.set(key, product);
    }
    plan.skus.push({
      id: existing?.id ?? newId('sku'), product_id: product.id, code: row.sku_code, name: row.sku_name, barcode: row.barcode,
      case_pack: row.case_pack, min_order_qty: row.min_order_qty, supply_price: row.supply_price, suggested_price: row.suggested_price,
      retail_floor: row.retail_floor, retail_ceiling: row.retail_ceiling,
    });
  }
  plan.products = [...productPlan.values()];
  return { problems, plan, applicable: plan.skus.length };
}

export type CatalogImportPlan = Awaited<ReturnType<typeof planCatalogImport>>['plan'];

/** Applies a plan in the caller's transaction: categories, products, SKUs, one statement each. */
export async function applyCatalogImport(tx: Conn, tenantId: string, plan: CatalogImportPlan) {
  if (plan.categories.length > 0) {
    // Parents come before children in the plan, and one INSERT checks its foreign keys at its end.
    await sql`INSERT INTO categories (tenant_id, id, parent_id, name)
      SELECT ${tenantId}, c.id, c.parent_id, c.name FROM json_to_recordset(${JSON.stringify(plan.categories)}::json) AS c(id text, parent_id text, name text)`.execute(tx);
  }
  if (plan.products.length > 0) {
    await sql`INSERT INTO products (tenant_id, id, supplier_id, title, description, category_id, category)
      SELECT ${tenantId}, p.id, p.supplier_id, p.title, p.description, p.category_id, p.category
        FROM json_to_recordset(${JSON.stringify(plan.products)}::json) AS p(id text, supplier_id text, title text, description text, category_id text, category text)
      ON CONFLICT (tenant_id, id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
        category_id = EXCLUDED.category_id, category = EXCLUDED.category
        WHERE (products.title, products.description, products.category_id, products.category)
              IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.description, EXCLUDED.category_id, EXCLUDED.category)`.execute(tx);
  }
  // A first import into a nearly empty catalog: the planner still believes products is tiny and checks
  // each SKU's foreign key by scanning it, turning the insert quadratic (20,000 rows: 45 s instead of
  // under 1). Fresh statistics, taken inside this transaction, give the checks their index.
  if (plan.products.length >= LARGE_IMPORT) await sql`ANALYZE products`.execute(tx);
  if (plan.skus.length > 0) {
    await sql`INSERT INTO skus (tenant_id, id, product_id, code, name, barcode, case_pack, min_order_qty, supply_price, suggested_price, retail_floor, retail_ceiling)
      SELECT ${tenantId}, s.id, s.product_id, s.code, s.name, s.barcode, s.case_pack, s.min_order_qty, s.supply_price, s.suggested_price, s.retail_floor, s.retail_ceiling
        FROM json_to_recordset(${JSON.stringify(plan.skus)}::json)
          AS s(id text, product_id text, code text, name text, barcode text, case_pack int, min_order_qty int, supply_price bigint, suggested_price bigint, retail_floor bigint, retail_ceiling bigint)
      ON CONFLICT (tenant_id, code) DO UPDATE SET name = EXCLUDED.name, barcode = EXCLUDED.barcode, case_pack = EXCLUDED.case_pack,
        min_order_qty = EXCLUDED.min_order_qty, supply_price = EXCLUDED.supply_price, suggested_price = EXCLUDED.suggested_price,
        retail_floor = EXCLUDED.retail_floor, retail_ceiling = EXCLUDED.retail_ceiling
        WHERE (skus.name, skus.barcode, skus.case_pack, skus.min_order_qty, skus.supply_price, skus.suggested_price, skus.retail_floor, skus.retail_ceiling)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.barcode, EXCLUDED.case_pack, EXCLUDED.min_order_qty, EXCLUDED.supply_price, EXCLUDED.suggested_price, EXCLUDED.retail_floor, EXCLUDED.retail_ceiling)`.execute(tx);
  }
}

/** Every SKU of the tenant (of one supplier when scoped) as catalog file rows, with category paths. */
export async function catalogExportRows(db: Conn, tenantId: string, supplierScope: string | undefined) {
  let q = db.selectFrom('skus as s')
    .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'))
    .innerJoin('suppliers as sup', (j) => j.onRef('sup.tenant_id', '=', 'p.tenant_id').onRef('sup.id', '=', 'p.supplier_id'))
    .select(['sup.id as supplier_id', 'sup.name as supplier', 'p.id as product_id', 'p.title as product_title', 'p.category_id', 'p.description',
      's.code as sku_code', 's.name as sku_name', 's.barcode', 's.case_pack', 's.min_order_qty', 's.supply_price', 's.suggested_price', 's.retail_floor', 's.retail_ceiling'])
    .where('s.tenant_id', '=', tenantId);
  if (supplierScope !== undefined) q = q.where('p.supplier_id', '=', supplierScope);
  const [rows, categories] = await Promise.all([
    q.orderBy('sup.name').orderBy('p.title').orderBy('p.id').orderBy('s.code').execute(),
    db.selectFrom('categories').select(['id', 'parent_id', 'name']).where('tenant_id', '=', tenantId).execute(),
  ]);
  const byId = new Map(categories.map((c) => [c.id, c]));
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const c = byId.get(id)!;
    const path = c.parent_id ? `${pathOf(c.parent_id)}${CATEGORY_SEPARATOR}${c.name}` : c.name;
    paths.set(id, path);
    return path;
  };
  return rows.map(({ category_id, ...r }) => ({ ...r, category_path: category_id ? pathOf(category_id) : '' }));
}

/** Before a large stock import: fresh statistics of skus for the stock rows' foreign-key checks (see applyCatalogImport). */
export async function refreshSkuStatistics(tx: Conn) {
  await sql`ANALYZE skus`.execute(tx);
}

/** SKUs by code with their supplier: what a stock file's codes name. */
export async function skusByCodes(db: Conn, tenantId: string, codes: string[]) {
  if (codes.length === 0) return [];
  return db.selectFrom('skus as s').innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'))
    .select(['s.id', 's.code', 'p.supplier_id']).where('s.tenant_id', '=', tenantId).where('s.code', '=', sql<string>`ANY(${codes}::text[])`).execute();
}
