import type { Conn } from '../../database.js';
import { supplierScopeOf, type Actor } from '../../platform/http/auth.js';
import { catalogError } from './catalog.errors.js';
import { catalogRepo } from './catalog.repo.js';
import { suppliersRepo } from './suppliers.repo.js';

/**
 * Suppliers as parties: the tenant's own brand or a third party with its own operator logins,
 * warehouses and stock. A supplier operator sees its own supplier only; another's answers 404.
 */

export async function getSupplier(db: Conn, actor: Actor, id: string) {
  const scope = supplierScopeOf(actor);
  const supplier = scope === undefined || scope === id ? await catalogRepo.supplier(db, actor.tenantId, id) : undefined;
  if (!supplier) throw catalogError('supplier_not_found');
  return { id: supplier.id, name: supplier.name, kind: supplier.kind, created_at: supplier.created_at };
}

export async function updateSupplier(db: Conn, tenantId: string, id: string, patch: { name?: string | undefined; kind?: 'tenant' | 'third_party' | undefined }) {
  const row = Object.keys(patch).length ? await suppliersRepo.update(db, tenantId, id, patch) : await catalogRepo.supplier(db, tenantId, id);
  if (!row) throw catalogError('supplier_not_found');
  return { id: row.id, name: row.name, kind: row.kind, created_at: row.created_at };
}

/** The supplier must exist in the tenant (404 otherwise): before creating logins or assortments for it. */
export async function assertSupplier(db: Conn, tenantId: string, id: string): Promise<void> {
  if (!(await catalogRepo.supplier(db, tenantId, id))) throw catalogError('supplier_not_found');
}

/** Of the given SKUs, those of the supplier's own products (id, code, name, product title). */
export async function skusOfSupplier(db: Conn, tenantId: string, supplierId: string, skuIds: string[]) {
  if (skuIds.length === 0) return [];
  return suppliersRepo.skusOfSupplier(db, tenantId, supplierId, skuIds);
}
