import { z } from 'zod';

const id = z.string().min(1).max(64);

export const createWarehouseBody = z.object({ name: z.string().min(1).max(128) }).strict();
export const setStockBody = z.object({ warehouse_id: id, sku_id: id, on_hand: z.number().int().min(0).max(10_000_000) }).strict();
