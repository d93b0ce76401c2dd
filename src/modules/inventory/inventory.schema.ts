import { z } from 'zod';

const id = z.string().min(1).max(64);

export const createWarehouseBody = z.object({
  name: z.string().min(1).max(128),
  supplier_id: id.optional().describe('The supplier whose stock it holds (a supplier operator\'s own, whatever is sent); absent: the tenant\'s'),
}).strict();
export const setStockBody = z.object({ warehouse_id: id, sku_id: id, on_hand: z.number().int().min(0).max(10_000_000) }).strict();

export const warehouseSchema = z.object({ id: z.string(), name: z.string(), supplier_id: z.string().nullable().optional() }).meta({ id: 'Warehouse' });

export const stockLevelSchema = z.object({
  warehouse_id: z.string(),
  sku_id: z.string(),
  on_hand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
}).meta({ id: 'StockLevel' });

export const stockRowSchema = z.object({
  sku_id: z.string(),
  code: z.string(),
  name: z.string(),
  on_hand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
}).meta({ id: 'StockRow' });
