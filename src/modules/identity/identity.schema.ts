import { z } from 'zod';

import { PERMISSIONS, roleSchema, type Permission } from '../../platform/http/auth.js';

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

export const userSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  login: z.string(),
  display_name: z.string(),
  role: roleSchema,
  supplier_id: z.string().nullable(),
  b_node_id: z.string().nullable(),
}).meta({ id: 'User' });

export const permissionSchema = z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]]).meta({ id: 'Permission' });

/** The signed-in user and what their role may do (the console's navigation and buttons follow it). */
export const meSchema = userSchema.extend({
  permissions: z.array(permissionSchema),
}).meta({ id: 'Me' });

export const sessionSchema = z.object({
  token: z.string(),
  expires_at: z.string().meta({ format: 'date-time' }),
  user: meSchema,
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
}).meta({ id: 'Session' });

/** A bearer token as issued; it is shown once and stored only as a hash. API tokens do not expire. */
export const issuedTokenSchema = z.object({
  token: z.string(),
  expires_at: z.string().meta({ format: 'date-time' }).nullable(),
}).meta({ id: 'IssuedToken' });

export const tenantSettingsSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  time_zone: z.string(),
  order_payment_timeout_minutes: z.number().int(),
}).meta({ id: 'TenantSettings' });
