import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { Conn, Db } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId, newSecret, sha256 } from '../../platform/ids.js';
import { identityError } from './identity.errors.js';
import { identityRepo } from './identity.repo.js';
import type { Role } from './identity.tables.js';

const SESSION_DAYS = 7;
// The package exports Algorithm as a const enum, which isolated modules cannot read; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;
// A fixed hash verified when the login is unknown, so response time does not reveal which logins exist.
let decoyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export async function login(db: Db, clock: Clock, input: { tenant: string; login: string; password: string }) {
  const tenant = await identityRepo.tenantBySlug(db, input.tenant);
  const user = tenant ? await identityRepo.userByLogin(db, tenant.id, input.login) : undefined;
  const stored = user?.password_hash ?? (await (decoyHash ??= hashPassword('decoy-password')));
  const ok = await verify(stored, input.password).catch(() => false);
  if (!tenant || !user || !user.password_hash || !ok) throw identityError('invalid_credentials');
  const token = `ses_${newSecret()}`;
  const expiresAt = new Date(clock.now().getTime() + SESSION_DAYS * 86_400_000);
  await identityRepo.insertToken(db, { tenant_id: tenant.id, token_hash: sha256(token), user_id: user.id, kind: 'session', name: null, expires_at: expiresAt });
  return { token, expires_at: expiresAt.toISOString(), user: publicUser(user), tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name } };
}

/** Issues a token for a user without a password: consumer sessions from a shop, API tokens for integrations. */
export async function issueToken(db: Conn, clock: Clock, tenantId: string, userId: string, kind: 'session' | 'api', name: string | null = null) {
  const token = `${kind === 'api' ? 'api' : 'ses'}_${newSecret()}`;
  const expiresAt = kind === 'session' ? new Date(clock.now().getTime() + SESSION_DAYS * 86_400_000) : null;
  await identityRepo.insertToken(db, { tenant_id: tenantId, token_hash: sha256(token), user_id: userId, kind, name, expires_at: expiresAt });
  return { token, expires_at: expiresAt?.toISOString() ?? null };
}

export async function authenticate(db: Db, clock: Clock, token: string): Promise<Actor | null> {
  const row = await identityRepo.tokenActor(db, sha256(token));
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= clock.now())) return null;
  return { tenantId: row.tenant_id, userId: row.user_id, role: row.role, bNodeId: row.b_node_id, supplierId: row.supplier_id, customerId: row.customer_id };
}

export async function revokeToken(db: Db, clock: Clock, tenantId: string, token: string) {
  const result = await identityRepo.revokeToken(db, tenantId, sha256(token), clock.now());
  if (Number(result.numUpdatedRows) === 0) throw identityError('token_not_found');
}

export async function createTenant(db: Conn, input: { slug: string; name: string; time_zone?: string }) {
  const id = newId('ten');
  await db.insertInto('tenants').values({ id, slug: input.slug, name: input.name, ...(input.time_zone ? { time_zone: input.time_zone } : {}) }).execute();
  return { id, slug: input.slug, name: input.name };
}

/**
 * The key the tenant's sandbox payment notifications are signed with, for the sandbox provider
 * alone: no route returns it. Undefined for an unknown tenant.
 */
export async function sandboxPaySecretOf(db: Conn, tenantId: string): Promise<string | undefined> {
  const row = await db.selectFrom('tenants').select('sandbox_pay_secret').where('id', '=', tenantId).executeTakeFirst();
  return row?.sandbox_pay_secret;
}

export interface NewUser {
  login: string; display_name: string; role: Role; password?: string | null;
  supplier_id?: string | null; b_node_id?: string | null;
}

export async function createUser(db: Conn, tenantId: string, input: NewUser) {
  const existing = await identityRepo.userByLogin(db, tenantId, input.login);
  if (existing) throw identityError('login_taken');
  const id = newId('usr');
  const row = {
    tenant_id: tenantId, id, login: input.login, display_name: input.display_name, role: input.role,
    password_hash: input.password ? await hashPassword(input.password) : null,
    supplier_id: input.supplier_id ?? null, b_node_id: input.b_node_id ?? null,
  };
  await db.insertInto('users').values(row).execute();
  return publicUser(row);
}

/** The password-less user a consumer signs in as (through a shop session); its login is its phone. */
export async function createConsumerUser(db: Conn, tenantId: string, userId: string, input: { name: string; phone: string }) {
  await identityRepo.insertUser(db, { tenant_id: tenantId, id: userId, login: `consumer:${input.phone}`, display_name: input.name, role: 'consumer', password_hash: null, supplier_id: null, b_node_id: null });
}

export async function me(db: Conn, actor: Actor) {
  const user = await identityRepo.userById(db, actor.tenantId, actor.userId);
  if (!user) throw identityError('token_not_found');
  return publicUser(user);
}

function publicUser(u: { id: string; login: string; display_name: string; role: Role; supplier_id: string | null; b_node_id: string | null; tenant_id: string }) {
  return { id: u.id, tenant_id: u.tenant_id, login: u.login, display_name: u.display_name, role: u.role, supplier_id: u.supplier_id, b_node_id: u.b_node_id };
}

/**
 * The tenant a site's home page speaks for: the one named, else the only tenant there is, else the
 * demo tenant when it exists; undefined when none of those is found.
 */
export async function homeTenant(db: Conn, slug: string | undefined, demoSlug: string) {
  if (slug) return identityRepo.tenantBySlug(db, slug);
  const two = await db.selectFrom('tenants').select(['id', 'slug', 'name']).orderBy('created_at').limit(2).execute();
  if (two.length === 1) return two[0];
  return identityRepo.tenantBySlug(db, demoSlug);
}

export async function tenantSettings(db: Conn, tenantId: string) {
  return db.selectFrom('tenants').select(['id', 'slug', 'name', 'time_zone', 'order_payment_timeout_minutes']).where('id', '=', tenantId).executeTakeFirstOrThrow();
}

export async function updateTenantSettings(db: Conn, tenantId: string, patch: { name?: string | undefined; time_zone?: string | undefined; order_payment_timeout_minutes?: number | undefined }) {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length) await db.updateTable('tenants').set(set).where('id', '=', tenantId).execute();
  return tenantSettings(db, tenantId);
}
