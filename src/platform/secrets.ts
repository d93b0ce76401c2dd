import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keys derived from SIYU_SECRET_KEY, one per purpose (HKDF-SHA256), so a key used to hash one-time
 * codes never also encrypts credentials, and adding a purpose changes no existing key.
 */
export function deriveKey(secretKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.alloc(0), Buffer.from(`siyu:${purpose}`, 'utf8'), 32));
}

/** Keyed hash (HMAC-SHA256, hex): a stolen table of hashed one-time codes cannot be brute-forced without the key. */
export function keyedHash(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

const SEALED_PREFIX = 'v1';

/** AES-256-GCM with a random nonce: `v1.<nonce>.<tag>.<ciphertext>`, base64url parts. For secrets stored at rest. */
export function seal(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [SEALED_PREFIX, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Opens what seal() wrote; throws if the key differs or the value was altered. */
export function unseal(key: Buffer, sealed: string): string {
  const [prefix, nonce, tag, body] = sealed.split('.');
  if (prefix !== SEALED_PREFIX || nonce === undefined || tag === undefined || body === undefined) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
