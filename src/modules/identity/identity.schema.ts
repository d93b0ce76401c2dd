import { z } from 'zod';

import { roleSchema } from '../../platform/http/auth.js';

export { roleSchema };

export const loginBody = z.object({
  tenant: z.string().min(1).max(64),
  login: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
}).strict();

export const createUserBody = z.object({
  login: z.string().min(1).max(128),
  display_name: z.string().min(1).max(128),
  role: roleSchema,
  password: z.string().min(8).max(256).optional(),
  supplier_id: z.string().max(64).optional(),
  b_node_id: z.string().max(64).optional(),
}).strict();

export const createApiTokenBody = z.object({ name: z.string().min(1).max(128) }).strict();

export const tenantSettingsBody = z.object({
  name: z.string().min(1).max(128),
  time_zone: z.string().min(1).max(64),
  /** Unpaid orders are cancelled and their stock released after this many minutes. */
  order_payment_timeout_minutes: z.number().int().min(1).max(1440),
}).partial().strict();
