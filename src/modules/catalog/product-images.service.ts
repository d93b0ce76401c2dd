import { sql } from 'kysely';
import type { Db } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import { inTransaction } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { ObjectStorage } from '../../platform/storage/storage.js';
import { imageFiles, imageView, resizeImage } from './catalog-images.js';
import { catalogError } from './catalog.errors.js';
import { catalogRepo } from './catalog.repo.js';
import { productOfScope } from './catalog.service.js';

export const MAX_IMAGES_PER_PRODUCT = 12;

/**
 * Adds an image at the end of a product's images: checked and resized first (415 for anything
 * that is not an image), both sizes stored, then the row written. Should the row fail, the stored
 * files are removed again; a crash in between leaves files no row names, never a row without files.
 */
export async function addProductImage(db: Db, storage: ObjectStorage, actor: Actor, productId: string, bytes: Buffer) {
  await productOfScope(db, actor, productId);
  const resized = await resizeImage(bytes);
  const id = newId('img');
  const key = `products/${actor.tenantId}/${productId}/${id}`;
  const files = imageFiles({ key, format: resized.format });
  await storage.put(files.thumb, resized.thumb, 'image/webp');
  await storage.put(files.detail, resized.detail, 'image/webp');
  try {
    const row = await inTransaction(db, async (tx) => {
      // The product row locked: two uploads at once take positions one after the other.
      const product = await tx.selectFrom('products').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', productId).forUpdate().executeTakeFirst();
      if (!product) throw catalogError('product_not_found');
      const { count, next } = await tx.selectFrom('product_images')
        .select([sql<number>`count(*)::int`.as('count'), sql<number>`coalesce(max(position) + 1, 0)::int`.as('next')])
        .where('tenant_id', '=', actor.tenantId).where('product_id', '=', productId).executeTakeFirstOrThrow();
      if (count >= MAX_IMAGES_PER_PRODUCT) throw catalogError('image_limit_reached');
      const image = { tenant_id: actor.tenantId, id, product_id: productId, position: next, key, format: resized.format, width: resized.width, height: resized.height };
      await tx.insertInto('product_images').values(image).execute();
      return image;
    });
    return imageView((k) => storage.publicUrl(k), row);
  } catch (error) {
    await Promise.allSettled([storage.delete(files.thumb), storage.delete(files.detail)]);
    throw error;
  }
}

/** Removes an image (row first, then its files). */
export async function deleteProductImage(db: Db, storage: ObjectStorage, actor: Actor, productId: string, imageId: string) {
  await productOfScope(db, actor, productId);
  const row = await db.deleteFrom('product_images').where('tenant_id', '=', actor.tenantId).where('product_id', '=', productId).where('id', '=', imageId)
    .returning(['key', 'format']).executeTakeFirst();
  if (!row) throw catalogError('image_not_found');
  const files = imageFiles(row);
  await Promise.allSettled([storage.delete(files.thumb), storage.delete(files.detail)]);
}

/** Puts a product's images in the order given, which must name each of them once; the first is the product's cover. */
export async function orderProductImages(db: Db, storage: ObjectStorage, actor: Actor, productId: string, imageIds: string[]) {
  await productOfScope(db, actor, productId);
  return inTransaction(db, async (tx) => {
    const current = await tx.selectFrom('product_images').select('id').where('tenant_id', '=', actor.tenantId).where('product_id', '=', productId).forUpdate().execute();
    const known = new Set(current.map((r) => r.id));
    if (imageIds.length !== known.size || new Set(imageIds).size !== imageIds.length || !imageIds.every((i) => known.has(i))) throw catalogError('image_order_invalid');
    // One statement; the unique position is checked at commit (deferred), so positions may swap.
    await sql`UPDATE product_images i SET position = o.position - 1
        FROM unnest(${imageIds}::text[]) WITH ORDINALITY AS o(id, position)
       WHERE i.tenant_id = ${actor.tenantId} AND i.product_id = ${productId} AND i.id = o.id`.execute(tx);
    const rows = await catalogRepo.imagesOfProducts(tx, actor.tenantId, [productId]);
    return rows.map((r) => imageView((k) => storage.publicUrl(k), r));
  });
}
