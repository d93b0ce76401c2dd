import { randomBytes, randomFillSync, createHash } from 'node:crypto';

// Ids take their random part from a pool refilled 512 ids at a time: one call into the CSPRNG
// instead of one per id (every request takes one for its request id, most take several more).
const POOL_IDS = 512;
const pool = Buffer.alloc(8 * POOL_IDS);
let next = POOL_IDS;

/** Sortable, URL-safe ids: time prefix keeps B-tree inserts local, random suffix avoids collisions across processes. */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  if (next === POOL_IDS) { randomFillSync(pool); next = 0; }
  const at = 8 * next++;
  return `${prefix}_${time}${pool.toString('hex', at, at + 8)}`;
}

export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
