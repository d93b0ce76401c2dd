import type { Conn } from '../../database.js';
import type { Insertable } from 'kysely';
import type { Role, UsersTable } from './identity.tables.js';
import { customersByUser } from '../customers/customers.fragments.js';

export interface TokenRow {
  tenant_id: string; user_id: string; role: Role; b_node_id: string | null; supplier_id: string | null; customer_id: string | null;
  expires_at: Date | null; revoked_at: Date | null;
}

export const identityRepo = {
  tenantBySlug: (db: Conn, slug: string) =>
    db.selectFrom('tenants').select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst(),

  userByLogin: (db: Conn, tenantId: string, login: string) =>
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('login', '=', login).executeTakeFirst(),

  userById: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

  /** One indexed lookup per request: token → user with its role and scope (and, for a consumer, its customer). */
  tokenActor: (db: Conn, tokenHash: string): Promise<TokenRow | undefined> =>
    db.selectFrom('auth_tokens as t')
      .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 't.tenant_id').onRef('u.id', '=', 't.user_id'))
      .leftJoin(customersByUser().as('c'), (j) => j.onRef('c.tenant_id', '=', 'u.tenant_id').onRef('c.user_id', '=', 'u.id'))
      .select(['t.tenant_id', 't.user_id', 'u.role', 'u.b_node_id', 'u.supplier_id', 'c.id as customer_id', 't.expires_at', 't.revoked_at'])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst(),

  insertUser: (db: Conn, row: Insertable<UsersTable>) => db.insertInto('users').values(row).execute(),

  insertToken: (db: Conn, row: { tenant_id: string; token_hash: string; user_id: string; kind: 'session' | 'api'; name: string | null; expires_at: Date | null }) =>
    db.insertInto('auth_tokens').values({ ...row, revoked_at: null }).execute(),

  revokeToken: (db: Conn, tenantId: string, tokenHash: string, at: Date) =>
    db.updateTable('auth_tokens').set({ revoked_at: at })
      .where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null)
      .executeTakeFirst(),
};
