import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Conn, Db } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { audit } from '../../platform/audit.js';
import { isNodeRole, permissionsOf, type Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId, newSecret, sha256 } from '../../platform/ids.js';
import { identityError } from './identity.errors.js';
import { identityRepo, type LoginSubject } from './identity.repo.js';
import { defaultLimits, type LimitsConfig } from '../../platform/config.js';
import { FORGET_FAILURES_AFTER_MS, lockSeconds, secondsUntil } from '../../platform/lockout.js';
import type { Role } from './identity.tables.js';
import type { ActorCache } from './identity.cache.js';

const SESSION_DAYS = 7;
// The package exports Algorithm as a const enum, which isolated modules cannot read; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;
// A fixed hash verified when the login is unknown, so response time does not reveal which logins exist.
let decoyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export interface LoginGuard {
  limits?: LimitsConfig;
  /** The client's address: counted too, when per-address limits are on. */
  address?: string | undefined;
}

/**
 * Password sign-in. Wrong passwords are counted per account (the login as typed, known or not) and
 * per client address in the database, so every server process sees them; enough in a row lock
 * the account (and, far more, the address) with a lock that doubles per further failure. A locked
 * account is refused with 429 login_locked and Retry-After before its password is even checked, so
 * the right password does not get through either; a successful sign-in clears the account's count.
 */
export async function login(db: Db, clock: Clock, input: { tenant: string; login: string; password: string }, guard: LoginGuard = {}) {
  const tenant = await identityRepo.tenantBySlug(db, input.tenant);
  const limits = guard.limits ?? defaultLimits();
  const subjects = loginSubjects(input.login, limits, guard.address);
  if (tenant) await refuseLockedLogin(db, clock, tenant.id, subjects);
  const user = tenant ? await identityRepo.userByLogin(db, tenant.id, input.login) : undefined;
  const stored = user?.password_hash ?? (await (decoyHash ??= hashPassword('decoy-password')));
  const ok = await verify(stored, input.password).catch(() => false);
  if (!tenant || !user || !user.password_hash || !ok) {
    if (tenant) await countLoginFailure(db, clock, limits, tenant.id, subjects);
    throw identityError('invalid_credentials');
  }
  // Rows older than the database checks: a node role without a node would see the whole tenant.
  if (isNodeRole(user.role) && !user.b_node_id) throw identityError('no_b_node');
  if (user.role === 'supplier_operator' && !user.supplier_id) throw identityError('no_supplier');
  await identityRepo.clearLoginFailures(db, tenant.id, subjects[0]!);
  const { token, expires_at: expiresAt } = await issueToken(db, clock, tenant.id, user.id, 'session');
  return { token, expires_at: expiresAt!, user: { ...publicUser(user), permissions: permissionsOf(user.role) }, tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name } };
}

function loginSubjects(login: string, limits: LimitsConfig, address: string | undefined): LoginSubject[] {
  const subjects: LoginSubject[] = [{ kind: 'account', subject: login }];
  if (limits.perAddress && address) subjects.push({ kind: 'address', subject: address });
  return subjects;
}

async function refuseLockedLogin(db: Conn, clock: Clock, tenantId: string, subjects: LoginSubject[]) {
  const now = clock.now();
  const until = await identityRepo.loginLockedUntil(db, tenantId, subjects, now);
  if (until) throw identityError('login_locked', { retry_after_seconds: secondsUntil(until, now) });
}

async function countLoginFailure(db: Conn, clock: Clock, limits: LimitsConfig, tenantId: string, subjects: LoginSubject[]) {
  const now = clock.now();
  for (const subject of subjects) {
    const failures = await identityRepo.countLoginFailure(db, tenantId, subject, now, new Date(now.getTime() - FORGET_FAILURES_AFTER_MS));
    const threshold = subject.kind === 'account' ? limits.loginMaxFailures : limits.loginAddressMaxFailures;
    const seconds = lockSeconds(failures, { threshold, baseSeconds: limits.loginLockSeconds, maxSeconds: limits.loginLockMaxSeconds });
    if (seconds > 0) await identityRepo.lockLogin(db, tenantId, subject, new Date(now.getTime() + seconds * 1000));
  }
}

/**
 * Changes the signed-in user's password, given the current one (a wrong one counts towards the
 * account's lockout like a wrong sign-in), and revokes the user's other sessions: whoever knew
 * the old password is signed out. The session making the change stays.
 */
export async function changePassword(db: Db, clock: Clock, actor: Actor, currentToken: string, input: { current_password: string; new_password: string }, guard: LoginGuard = {}) {
  const user = await identityRepo.userById(db, actor.tenantId, actor.userId);
  if (!user) throw identityError('token_not_found');
  const limits = guard.limits ?? defaultLimits();
  const subjects = loginSubjects(user.login, limits, guard.address);
  await refuseLockedLogin(db, clock, actor.tenantId, subjects);
  const ok = user.password_hash ? await verify(user.password_hash, input.current_password).catch(() => false) : false;
  if (!ok) {
    await countLoginFailure(db, clock, limits, actor.tenantId, subjects);
    throw identityError('wrong_current_password');
  }
  const passwordHash = await hashPassword(input.new_password);
  await inTransaction(db, async (tx) => {
    await identityRepo.setPasswordHash(tx, actor.tenantId, actor.userId, passwordHash);
    await identityRepo.revokeUserTokens(tx, actor.tenantId, actor.userId, clock.now(), { kind: 'session', keepHash: sha256(currentToken) });
    await identityRepo.clearLoginFailures(tx, actor.tenantId, subjects[0]!);
    await audit(tx, actor.tenantId, 'user.password_changed', 'user', actor.userId, {}, actor.userId);
  });
}

/** Revokes every token of the signed-in user, sessions and API tokens alike, this one included. */
export async function signOutEverywhere(db: Db, clock: Clock, actor: Actor): Promise<number> {
  return inTransaction(db, async (tx) => {
    const revoked = await identityRepo.revokeUserTokens(tx, actor.tenantId, actor.userId, clock.now());
    await audit(tx, actor.tenantId, 'user.signed_out_everywhere', 'user', actor.userId, { revoked }, actor.userId);
    return revoked;
  });
}

export async function listApiTokens(db: Conn, clock: Clock, tenantId: string) {
  const now = clock.now();
  const rows = await identityRepo.apiTokens(db, tenantId);
  return {
    items: rows.map((r) => ({
      id: r.id, name: r.name ?? '', user_id: r.user_id, user_login: r.user_login,
      created_at: r.created_at.toISOString(), expires_at: r.expires_at?.toISOString() ?? null, revoked_at: r.revoked_at?.toISOString() ?? null,
      status: r.revoked_at ? 'revoked' as const : r.expires_at && r.expires_at <= now ? 'expired' as const : 'active' as const,
    })),
  };
}

/** Revokes one of the tenant's API tokens; revoking one already revoked changes nothing. */
export async function revokeApiToken(db: Db, clock: Clock, actor: Actor, id: string) {
  await inTransaction(db, async (tx) => {
    const revoked = await identityRepo.revokeApiToken(tx, actor.tenantId, id, clock.now());
    if (!revoked && !(await identityRepo.apiTokenExists(tx, actor.tenantId, id))) throw identityError('token_not_found');
    if (revoked) await audit(tx, actor.tenantId, 'api_token.revoked', 'api_token', id, {}, actor.userId);
  });
}

/**
 * Issues a token: sessions (password sign-in, consumer sessions from a shop) expire after
 * SESSION_DAYS; API tokens for integrations after `expiresInDays`, or never when it is absent.
 */
export async function issueToken(db: Conn, clock: Clock, tenantId: string, userId: string, kind: 'session' | 'api', name: string | null = null, expiresInDays?: number) {
  const token = `${kind === 'api' ? 'api' : 'ses'}_${newSecret()}`;
  const days = kind === 'session' ? SESSION_DAYS : expiresInDays;
  const expiresAt = days === undefined ? null : new Date(clock.now().getTime() + days * 86_400_000);
  const id = newId('tok');
  await identityRepo.insertToken(db, { tenant_id: tenantId, id, token_hash: sha256(token), user_id: userId, kind, name, expires_at: expiresAt });
  return { id, token, expires_at: expiresAt?.toISOString() ?? null };
}

/** The actor a bearer token stands for, or null; through `cache` when given (see identity.cache.ts). */
export async function authenticate(db: Db, clock: Clock, token: string, cache?: ActorCache): Promise<Actor | null> {
  const tokenHash = sha256(token);
  let row = cache?.get(tokenHash);
  if (!row) {
    const lookup = cache?.begin();
    row = await identityRepo.tokenActor(db, tokenHash);
    if (row) lookup?.store(tokenHash, row);
  }
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
  if (isNodeRole(input.role) && !input.b_node_id) throw identityError('b_node_required');
  if (input.role === 'supplier_operator' && !input.supplier_id) throw identityError('supplier_required');
  const existing = await identityRepo.userByLogin(db, tenantId, input.login);
  if (existing) throw identityError('login_taken');
  const id = newId('usr');
  const row = {
    tenant_id: tenantId, id, login: input.login, display_name: input.display_name, role: input.role,
    password_hash: input.password ? await hashPassword(input.password) : null,
    supplier_id: input.supplier_id ?? null, b_node_id: input.b_node_id ?? null,
  };
  try {
    await db.insertInto('users').values(row).execute();
  } catch (err) {
    // The database checks the node and supplier exist in the tenant (references, not a read first).
    const constraint = (err as { code?: string; constraint?: string }).code === '23503' ? (err as { constraint?: string }).constraint : undefined;
    if (constraint === 'users_b_node_fk') throw identityError('b_node_not_found');
    if (constraint === 'users_supplier_fk') throw identityError('supplier_not_found');
    throw err;
  }
  return publicUser(row);
}

/**
 * A consumer's password-less user; its login names how they first proved who they are
 * (`phone:<the phone's blind index>` — never the number —, `wechat:<openid>` or `wecom:<external_userid>`).
 */
export async function createConsumerUser(db: Conn, tenantId: string, userId: string, input: { name: string; proof: string }) {
  await identityRepo.insertUser(db, { tenant_id: tenantId, id: userId, login: `consumer:${input.proof}`, display_name: input.name, role: 'consumer', password_hash: null, supplier_id: null, b_node_id: null });
}

/** Consumer logins named by a plain phone (before phones were sealed) renamed to the blind index's form. */
export async function renameConsumerLogins(db: Conn, renames: { tenantId: string; from: string; to: string }[]): Promise<void> {
  if (!renames.length) return;
  await sql`UPDATE users u SET login = 'consumer:' || r.to_proof
              FROM unnest(${renames.map((r) => r.tenantId)}::text[], ${renames.map((r) => r.from)}::text[], ${renames.map((r) => r.to)}::text[]) AS r(tenant_id, from_proof, to_proof)
             WHERE u.tenant_id = r.tenant_id AND u.login = 'consumer:' || r.from_proof AND u.role = 'consumer'`.execute(db);
}

/** Revokes every token of a consumer merged into another person's record: their sessions no longer speak for anyone. */
export async function revokeMergedConsumerTokens(tx: Conn, clock: Clock, tenantId: string, userId: string): Promise<number> {
  return identityRepo.revokeUserTokens(tx, tenantId, userId, clock.now());
}

/** The signed-in user with what their role may do: the console shows only those screens and actions. */
export async function me(db: Conn, actor: Actor) {
  const user = await identityRepo.userById(db, actor.tenantId, actor.userId);
  if (!user) throw identityError('token_not_found');
  return { ...publicUser(user), permissions: permissionsOf(user.role) };
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

/** The tenant's staff accounts and the node each works for, for the hierarchy screen. */
export async function nodeStaff(db: Conn, tenantId: string) {
  const rows = await db.selectFrom('users').select(['id', 'display_name', 'b_node_id'])
    .where('tenant_id', '=', tenantId).where('role', '=', 'staff').where('b_node_id', 'is not', null).orderBy('display_name').execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, b_node_id: r.b_node_id! }));
}

/** A supplier's operator logins (never their password hashes). */
export async function supplierOperators(db: Conn, tenantId: string, supplierId: string) {
  return db.selectFrom('users').select(['id', 'login', 'display_name', 'supplier_id'])
    .where('tenant_id', '=', tenantId).where('role', '=', 'supplier_operator').where('supplier_id', '=', supplierId)
    .orderBy('login').execute();
}
