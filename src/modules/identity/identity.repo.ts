import type { Conn } from '../../database.js';
import type { Insertable } from 'kysely';
import type { Role, UsersTable } from './identity.tables.js';
import { customersByUser } from '../customers/customers.fragments.js';

export interface TokenRow {
  tenant_id: string; user_id: string; role: Role; b_node_id: string | null; supplier_id: string | null; customer_id: string | null;
  expires_at: Date | null; revoked_at: Date | null;
}

export interface LoginSubject { kind: 'account' | 'address'; subject: string }

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

  insertToken: (db: Conn, row: { tenant_id: string; id: string; token_hash: string; user_id: string; kind: 'session' | 'api'; name: string | null; expires_at: Date | null }) =>
    db.insertInto('auth_tokens').values({ ...row, revoked_at: null }).execute(),

  /** Revokes the user's live tokens (of one kind, or all), keeping the one whose hash is `keepHash`; returns how many. */
  revokeUserTokens: async (db: Conn, tenantId: string, userId: string, at: Date, options: { kind?: 'session' | 'api'; keepHash?: string } = {}) => {
    let q = db.updateTable('auth_tokens').set({ revoked_at: at })
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (options.kind) q = q.where('kind', '=', options.kind);
    if (options.keepHash) q = q.where('token_hash', '!=', options.keepHash);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  },

  apiTokens: (db: Conn, tenantId: string) =>
    db.selectFrom('auth_tokens as t')
      .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 't.tenant_id').onRef('u.id', '=', 't.user_id'))
      .select(['t.id', 't.name', 't.user_id', 'u.login as user_login', 't.created_at', 't.expires_at', 't.revoked_at'])
      .where('t.tenant_id', '=', tenantId).where('t.kind', '=', 'api')
      .orderBy('t.created_at', 'desc').orderBy('t.id', 'desc')
      .execute(),

  revokeApiToken: (db: Conn, tenantId: string, id: string, at: Date) =>
    db.updateTable('auth_tokens').set({ revoked_at: at })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('kind', '=', 'api').where('revoked_at', 'is', null)
      .returning('id').executeTakeFirst(),

  apiTokenExists: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('auth_tokens').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).where('kind', '=', 'api').executeTakeFirst(),

  setPasswordHash: (db: Conn, tenantId: string, userId: string, passwordHash: string) =>
    db.updateTable('users').set({ password_hash: passwordHash }).where('tenant_id', '=', tenantId).where('id', '=', userId).execute(),

  /** The latest lock among the subjects that is still running at `now`, if any. */
  loginLockedUntil: async (db: Conn, tenantId: string, subjects: LoginSubject[], now: Date): Promise<Date | undefined> => {
    if (subjects.length === 0) return undefined;
    const row = await db.selectFrom('login_attempts').select((eb) => eb.fn.max('locked_until').as('until'))
      .where('tenant_id', '=', tenantId).where('locked_until', '>', now)
      .where((eb) => eb.or(subjects.map((s) => eb.and([eb('kind', '=', s.kind), eb('subject', '=', s.subject)]))))
      .executeTakeFirst();
    return row?.until ?? undefined;
  },

  /** Counts one more failure for the subject (starting over after a quiet spell) and returns the count. */
  countLoginFailure: async (db: Conn, tenantId: string, subject: LoginSubject, now: Date, forgetBefore: Date): Promise<number> => {
    const row = await db.insertInto('login_attempts')
      .values({ tenant_id: tenantId, kind: subject.kind, subject: subject.subject, failures: 1, locked_until: null, last_failed_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'subject']).doUpdateSet((eb) => ({
        failures: eb.case().when('login_attempts.last_failed_at', '<', forgetBefore).then(1).else(eb('login_attempts.failures', '+', 1)).end(),
        last_failed_at: now,
      })))
      .returning('failures').executeTakeFirstOrThrow();
    return row.failures;
  },

  lockLogin: (db: Conn, tenantId: string, subject: LoginSubject, until: Date) =>
    db.updateTable('login_attempts').set({ locked_until: until })
      .where('tenant_id', '=', tenantId).where('kind', '=', subject.kind).where('subject', '=', subject.subject).execute(),

  clearLoginFailures: (db: Conn, tenantId: string, subject: LoginSubject) =>
    db.deleteFrom('login_attempts').where('tenant_id', '=', tenantId).where('kind', '=', subject.kind).where('subject', '=', subject.subject).execute(),

  revokeToken: (db: Conn, tenantId: string, tokenHash: string, at: Date) =>
    db.updateTable('auth_tokens').set({ revoked_at: at })
      .where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null)
      .executeTakeFirst(),
};
