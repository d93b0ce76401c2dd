import type { Conn } from '../../database.js';
import { supplierScopeOf, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { skuOfScope } from '../catalog/catalog.service.js';
import { catalogError } from '../catalog/catalog.errors.js';
import { inventoryError } from './inventory.errors.js';
import type { StockWant } from './inventory.fragments.js';
import { inventoryRepo } from './inventory.repo.js';

export type { StockWant };

/**
 * A warehouse of the tenant or of one supplier. A supplier operator creates its own supplier's
 * only; an admin names the supplier, which must exist (the reference is checked by the database).
 */
export async function createWarehouse(db: Conn, actor: Actor, input: { name: string; supplier_id?: string | undefined }) {
  const id = newId('wh');
  const supplierId = supplierScopeOf(actor) ?? input.supplier_id ?? null;
  try {
    await inventoryRepo.insertWarehouse(db, { tenant_id: actor.tenantId, id, name: input.name, supplier_id: supplierId });
  } catch (err) {
    if ((err as { constraint?: string }).constraint === 'warehouses_supplier_fk') throw catalogError('supplier_not_found');
    throw err;
  }
  return { id, name: input.name, supplier_id: supplierId };
}

/** The warehouses the actor sees: a supplier operator the tenant's and its own, never another supplier's. */
export const listWarehouses = (db: Conn, actor: Actor) => inventoryRepo.warehouses(db, actor.tenantId, supplierScopeOf(actor));

/** Refuses an unknown warehouse (404), e.g. for a B node being set up to ship from it. */
export async function assertWarehouse(db: Conn, tenantId: string, warehouseId: string): Promise<void> {
  if (!(await inventoryRepo.warehouse(db, tenantId, warehouseId))) throw inventoryError('warehouse_not_found');
}

/** A warehouse the actor may use: another supplier's is not found (404), like an unknown one. */
async function assertWarehouseOfScope(db: Conn, actor: Actor, warehouseId: string): Promise<void> {
  const warehouse = await inventoryRepo.warehouse(db, actor.tenantId, warehouseId);
  const scope = supplierScopeOf(actor);
  if (!warehouse || (scope !== undefined && warehouse.supplier_id !== null && warehouse.supplier_id !== scope)) throw inventoryError('warehouse_not_found');
}

export async function setStock(db: Conn, actor: Actor, input: { warehouse_id: string; sku_id: string; on_hand: number }) {
  await assertWarehouseOfScope(db, actor, input.warehouse_id);
  await skuOfScope(db, actor, input.sku_id);
  const { rows } = await inventoryRepo.setOnHand(db, actor.tenantId, input.warehouse_id, input.sku_id, input.on_hand);
  if (!rows[0]) throw inventoryError('stock_below_reserved');
  return { warehouse_id: input.warehouse_id, sku_id: input.sku_id, on_hand: rows[0].on_hand, reserved: rows[0].reserved, available: rows[0].on_hand - rows[0].reserved };
}

/** A warehouse's stock: a supplier operator sees its own supplier's SKUs only. */
export async function listStock(db: Conn, actor: Actor, warehouseId: string) {
  await assertWarehouseOfScope(db, actor, warehouseId);
  const rows = await inventoryRepo.stockList(db, actor.tenantId, warehouseId, supplierScopeOf(actor));
  return rows.map((r) => ({ ...r, available: r.on_hand - r.reserved }));
}

/** Releases the active reservations of unpaid orders that closed, giving their stock back; idempotent. */
export const releaseOrders = (db: Conn, tenantId: string, orderIds: string[]) => inventoryRepo.settleReservations(db, tenantId, orderIds, 'release');

/** Goods leave the warehouse: the orders' reservations are consumed, on hand and reserved both drop; idempotent. */
export const shipOrders = (db: Conn, tenantId: string, orderIds: string[]) => inventoryRepo.settleReservations(db, tenantId, orderIds, 'consume');

/** Gives back part of an order's reservation (a refund of goods not yet shipped). */
export const releasePartial = (db: Conn, tenantId: string, orderId: string, wants: StockWant[]) => inventoryRepo.releasePartial(db, tenantId, orderId, wants);

/** The reservations an expired order released, if any: what reviving it must take again. */
export const releasedReservations = (db: Conn, tenantId: string, orderId: string) => inventoryRepo.releasedReservations(db, tenantId, orderId);

/** Takes stock with the checkout rule; returns the SKUs taken (a short set means the caller rolls back). */
export const reserveStock = (db: Conn, tenantId: string, warehouseId: string, wants: StockWant[]) => inventoryRepo.reserveStock(db, tenantId, warehouseId, wants);

/** Re-activates the released reservations of a revived order (after `reserveStock` took their stock again). */
export const reactivateReservations = (db: Conn, tenantId: string, orderId: string) => inventoryRepo.reactivateReservations(db, tenantId, orderId);

/** Reserves again, all or nothing, what a failed refund of an unshipped order had given back; false when stock ran short. */
export const holdAgain = (db: Conn, tenantId: string, orderId: string, wants: StockWant[]) => inventoryRepo.holdAgain(db, tenantId, orderId, wants);
