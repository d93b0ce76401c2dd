import { randomBytes, createHash } from 'node:crypto';

/** Sortable, URL-safe ids: time prefix keeps B-tree inserts local, random suffix avoids collisions across processes. */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomBytes(8).toString('hex')}`;
}

export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
