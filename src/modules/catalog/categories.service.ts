import type { Conn, Db } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { catalogError } from './catalog.errors.js';
import { catalogRepo } from './catalog.repo.js';

/** The category tree nests at most this deep: enough for 生鲜 › 水果 › 柑橘 › 橙子 › 脐橙, shallow enough for a phone. */
export const MAX_CATEGORY_DEPTH = 5;

export const listCategories = (db: Conn, tenantId: string) => catalogRepo.categories(db, tenantId);

/** Refuses an unknown category (404). */
export async function assertCategory(db: Conn, tenantId: string, id: string) {
  const category = await catalogRepo.category(db, tenantId, id);
  if (!category) throw catalogError('category_not_found');
  return category;
}

function nameTaken(error: unknown): boolean {
  return (error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'categories_name_per_parent';
}

export async function createCategory(db: Db, tenantId: string, input: { name: string; parent_id: string | null; position?: number | undefined }) {
  return inTransaction(db, async (tx) => {
    await catalogRepo.lockCategoryTree(tx, tenantId);
    if (input.parent_id !== null) {
      await assertCategory(tx, tenantId, input.parent_id);
      if ((await catalogRepo.ancestry(tx, tenantId, input.parent_id)).length >= MAX_CATEGORY_DEPTH) throw catalogError('category_too_deep');
    }
    const row = { tenant_id: tenantId, id: newId('cat'), name: input.name, parent_id: input.parent_id, position: input.position ?? 0 };
    try {
      await tx.insertInto('categories').values(row).execute();
    } catch (error) {
      if (nameTaken(error)) throw catalogError('category_name_taken');
      throw error;
    }
    return { id: row.id, parent_id: row.parent_id, name: row.name, position: row.position };
  });
}

/**
 * Renames, reorders or moves a category with everything under it. A move under itself or its own
 * descendant would make a cycle and is refused (422); so is one past the depth limit. Changes to a
 * tenant's tree are serialised, so two moves that are each fine alone cannot make a cycle together.
 */
export async function updateCategory(db: Db, tenantId: string, id: string, patch: { name?: string | undefined; parent_id?: string | null | undefined; position?: number | undefined }) {
  return inTransaction(db, async (tx) => {
    await catalogRepo.lockCategoryTree(tx, tenantId);
    const current = await assertCategory(tx, tenantId, id);
    if (patch.parent_id !== undefined && patch.parent_id !== null && patch.parent_id !== current.parent_id) {
      await assertCategory(tx, tenantId, patch.parent_id);
      const above = await catalogRepo.ancestry(tx, tenantId, patch.parent_id);
      if (above.includes(id)) throw catalogError('category_cycle');
      if (above.length + 1 + (await catalogRepo.subtreeHeight(tx, tenantId, id)) > MAX_CATEGORY_DEPTH) throw catalogError('category_too_deep');
    }
    const set = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.parent_id !== undefined ? { parent_id: patch.parent_id } : {}),
      ...(patch.position !== undefined ? { position: patch.position } : {}),
    };
    if (Object.keys(set).length > 0) {
      try {
        await tx.updateTable('categories').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
      } catch (error) {
        if (nameTaken(error)) throw catalogError('category_name_taken');
        throw error;
      }
    }
    return { ...current, ...set };
  });
}

/** Deletes an empty category; one with subcategories or products is refused (409) rather than orphaning them. */
export async function deleteCategory(db: Db, tenantId: string, id: string) {
  await inTransaction(db, async (tx) => {
    await catalogRepo.lockCategoryTree(tx, tenantId);
    await assertCategory(tx, tenantId, id);
    if (await catalogRepo.categoryInUse(tx, tenantId, id)) throw catalogError('category_not_empty');
    await tx.deleteFrom('categories').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  });
}
