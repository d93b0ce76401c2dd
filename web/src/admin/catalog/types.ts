import type { components } from '../../api/schema.gen.js';

type Schemas = components['schemas'];
export type Product = Schemas['Product'];
export type Sku = Schemas['Sku'];
export type ProductImage = Schemas['ProductImage'];
export type Category = Schemas['Category'];
export type Supplier = Schemas['Supplier'];
export type Warehouse = Schemas['Warehouse'];
export type StockRow = Schemas['StockRow'];

/** "¥12.50" typed by a person → 1250 fen, exactly (no floating point); null when it is not an amount. */
export function fenFromYuan(text: string): number | null {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 1250 → "12.50", for an input's value. */
export const yuanInput = (fen: number | undefined) => (fen === undefined ? '' : `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`);

/** "产地=杭州" lines ↔ { 产地: '杭州' }. */
export function attributesFromText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}
export const attributesToText = (a: Record<string, string> | undefined) => Object.entries(a ?? {}).map(([k, v]) => `${k}=${v}`).join('\n');

/** Categories as "水果 › 柑橘" paths, in tree order, for a select. */
export function categoryOptions(categories: Category[]): { id: string; label: string }[] {
  const byParent = new Map<string | null, Category[]>();
  for (const c of categories) byParent.set(c.parent_id, [...(byParent.get(c.parent_id) ?? []), c]);
  const out: { id: string; label: string }[] = [];
  const walk = (parent: string | null, prefix: string) => {
    for (const c of byParent.get(parent) ?? []) {
      out.push({ id: c.id, label: `${prefix}${c.name}` });
      walk(c.id, `${prefix}${c.name} › `);
    }
  };
  walk(null, '');
  return out;
}
