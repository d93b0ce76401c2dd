import type { components } from '../../api/schema.gen.js';

type Schemas = components['schemas'];
export type Assortment = Schemas['Assortment'];
export type AssortmentOffer = Schemas['AssortmentOffer'];
export type AssortmentChange = Schemas['AssortmentChange'];
export type TargetOptions = Schemas['AssortmentTargetOptions'];
export type ReachedNode = Schemas['ReachedNode'];
export type Listing = Schemas['Listing'];
export type ListingNotice = Schemas['ListingNotice'];
export type Supplier = Schemas['Supplier'];
export type Warehouse = Schemas['Warehouse'];
export type StockRow = Schemas['StockRow'];
export type Product = Schemas['Product'];
export type BNodeKind = Schemas['BNodeKind'];

/** Yuan typed in a form → integer fen; NaN for anything that is not an amount. */
export function toFen(text: string): number {
  const t = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** Integer fen → the yuan text a form field shows ("12.5" → "12.50"). */
export const fenText = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
