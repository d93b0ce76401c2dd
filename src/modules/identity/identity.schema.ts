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

export const createApiTokenBody = z.object({
  name: z.string().min(1).max(128),
  expires_in_days: z.number().int().min(1).max(3650).optional().describe('The token stops working after this many days; absent: until revoked'),
}).strict();

export const changePasswordBody = z.object({
  current_password: z.string().min(1).max(256),
  new_password: z.string().min(8).max(256),
}).strict();

export const apiTokenParams = z.object({ id: z.string().min(1).max(64) });

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  user_id: z.string().describe('The user the token acts as'),
  user_login: z.string(),
  created_at: z.string().meta({ format: 'date-time' }),
  expires_at: z.string().meta({ format: 'date-time' }).nullable(),
  revoked_at: z.string().meta({ format: 'date-time' }).nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
}).meta({ id: 'ApiToken' });

export const apiTokenListSchema = z.object({ items: z.array(apiTokenSchema) }).meta({ id: 'ApiTokenList' });

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

/** A bearer token as issued; it is shown once and stored only as a hash. API tokens expire only when asked to. */
export const issuedTokenSchema = z.object({
  id: z.string(),
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
