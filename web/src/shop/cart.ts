import { readStored, useStored, writeStored } from '../storage.js';

/** A cart line keeps what was shown when added; the server reprices every line at checkout anyway. */
export interface CartLine { sku_id: string; product_id: string; title: string; sku_name: string; price: number; quantity: number }

const EMPTY: CartLine[] = [];
const key = (slug: string) => `siyu.cart.${slug}`;
export const MAX_QUANTITY = 999;

export function useCart(slug: string): CartLine[] {
  return useStored<CartLine[]>(key(slug)) ?? EMPTY;
}

function current(slug: string): CartLine[] {
  const lines = readStored<CartLine[]>(key(slug));
  return Array.isArray(lines) ? lines : EMPTY;
}

export function addToCart(slug: string, line: CartLine) {
  const lines = current(slug);
  const existing = lines.find((l) => l.sku_id === line.sku_id);
  const next = existing
    ? lines.map((l) => (l.sku_id === line.sku_id ? { ...line, quantity: Math.min(MAX_QUANTITY, l.quantity + line.quantity) } : l))
    : [...lines, line];
  writeStored(key(slug), next);
}

export function setQuantity(slug: string, skuId: string, quantity: number) {
  if (quantity <= 0) return removeLine(slug, skuId);
  writeStored(key(slug), current(slug).map((l) => (l.sku_id === skuId ? { ...l, quantity: Math.min(MAX_QUANTITY, quantity) } : l)));
}

export function removeLine(slug: string, skuId: string) {
  writeStored(key(slug), current(slug).filter((l) => l.sku_id !== skuId));
}

export function clearCart(slug: string) {
  writeStored(key(slug), null);
}

export const cartCount = (lines: CartLine[]) => lines.reduce((a, l) => a + l.quantity, 0);
export const cartTotal = (lines: CartLine[]) => lines.reduce((a, l) => a + l.price * l.quantity, 0);
