import { z } from 'zod';
import { id, supplierKindSchema } from './catalog.schema.js';

export const updateSupplierBody = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  kind: supplierKindSchema.optional(),
}).strict();
export const supplierParams = z.object({ id });

/** A supplier operator's login, created for one supplier by a tenant admin. */
export const createOperatorBody = z.object({
  login: z.string().trim().min(1).max(128),
  display_name: z.string().trim().min(1).max(128),
  password: z.string().min(8).max(256),
}).strict();

export const operatorSchema = z.object({
  id: z.string(),
  login: z.string(),
  display_name: z.string(),
  supplier_id: z.string().nullable(),
}).meta({ id: 'SupplierOperator' });
