import type { FastifyRequest } from 'fastify';
import { platformError } from '../errors.js';
import type { Role } from '../../modules/identity/identity.tables.js';

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

export const STAFF_ROLES = ['platform_operator', 'tenant_admin', 'b_owner', 'staff'] as const satisfies readonly Role[];
export const ADMIN_ROLES = ['platform_operator', 'tenant_admin'] as const satisfies readonly Role[];
