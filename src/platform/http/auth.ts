import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { platformError } from '../errors.js';

/** Every role a user can hold: the one list, from which the type and the API's enum come. */
export const roleSchema = z.enum(['platform_operator', 'supplier_operator', 'tenant_admin', 'b_owner', 'staff', 'consumer']);
export type Role = z.infer<typeof roleSchema>;

export interface Actor {
  tenantId: string;
  userId: string;
  role: Role;
  bNodeId: string | null;
  supplierId: string | null;
  /** Set for consumers: the customer record they act as. */
  customerId?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest { actor: Actor | null }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** The signed-in actor, refused with 401 when absent and 403 when the role is not in `roles`. */
export function requireActor(request: FastifyRequest, roles?: readonly Role[]): Actor {
  const actor = request.actor;
  if (!actor) throw platformError('unauthenticated');
  if (roles && !roles.includes(actor.role)) throw platformError('forbidden', { role: actor.role });
  return actor;
}

/**
 * A consumer acts as their customer record (resolved with the token); other roles act as
 * themselves and get undefined. A consumer token without a customer is refused.
 */
export function customerIdOf(actor: Actor): string | undefined {
  if (actor.role !== 'consumer') return undefined;
  if (!actor.customerId) throw platformError('forbidden');
  return actor.customerId;
}

export const STAFF_ROLES = ['platform_operator', 'tenant_admin', 'b_owner', 'staff'] as const satisfies readonly Role[];
export const ADMIN_ROLES = ['platform_operator', 'tenant_admin'] as const satisfies readonly Role[];
