import type { Generated } from 'kysely';

import type { Role } from '../../platform/http/auth.js';

export type { Role };

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  time_zone: Generated<string>;
  order_payment_timeout_minutes: Generated<number>;
  /** HMAC key of the tenant's sandbox payment notifications; drawn by the database, never returned by the API. */
  sandbox_pay_secret: Generated<string>;
  created_at: Generated<Date>;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  login: string;
  display_name: string;
  password_hash: string | null;
  role: Role;
  supplier_id: string | null;
  b_node_id: string | null;
  created_at: Generated<Date>;
}

export interface AuthTokensTable {
  tenant_id: string;
  /** Public id (tok_…): lists and revocation name a token by it, never by its hash. */
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  kind: 'session' | 'api';
  name: string | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}

/** Failed sign-ins in a row per account (the login as typed) and per client address; see migration 010. */
export interface LoginAttemptsTable {
  tenant_id: string;
  kind: 'account' | 'address';
  subject: string;
  failures: number;
  locked_until: Date | null;
  last_failed_at: Date;
}

export interface IdentityTables {
  tenants: TenantsTable;
  users: UsersTable;
  auth_tokens: AuthTokensTable;
  login_attempts: LoginAttemptsTable;
}
