import { deriveKey, keyedHash, seal, unseal } from '../../platform/secrets.js';

/**
 * A customer's phone at rest: sealed (AES-256-GCM, a key of its own derived from SIYU_SECRET_KEY),
 * a keyed blind index (HMAC-SHA256) for equality — sign-in, merges, duplicate-identity checks — and
 * the masked form lists show (138****5678). No column holds the plain number; the database refuses
 * anything else in them (migration 032's CHECKs). Only the buyer's own session, an order's detail and
 * a tenant admin's audited reveal open the sealed value.
 */
export interface PhoneVault {
  /** The blind index: equal phones, equal index; without the key it reveals nothing. */
  index(phone: string): string;
  seal(phone: string): string;
  open(sealed: string): string;
  /** The blind index of a phone's last digits, as the search looks them up (tailIndexes() for each tail). */
  tailIndex(digits: string): string;
}

/**
 * Staff search orders by a phone's tail (its last 4 digits and more, up to the whole number). A
 * blind index of each tail, shorter hashes of a key of their own, answers that without the number:
 * what it gives away is which customers share a tail, never the digits.
 */
export const PHONE_TAIL_MIN = 4;
export function tailIndexes(vault: PhoneVault, phone: string): string[] {
  const tails: string[] = [];
  for (let n = PHONE_TAIL_MIN; n <= phone.length; n++) tails.push(vault.tailIndex(phone.slice(-n)));
  return tails;
}

export const PHONE_SEAL_PURPOSE = 'customer-phone';
export const PHONE_INDEX_PURPOSE = 'customer-phone-index';
export const PHONE_TAIL_PURPOSE = 'customer-phone-tail';

const vaults = new Map<string, PhoneVault>();

export function phoneVault(secretKey: string): PhoneVault {
  let vault = vaults.get(secretKey);
  if (!vault) {
    const sealKey = deriveKey(secretKey, PHONE_SEAL_PURPOSE);
    const indexKey = deriveKey(secretKey, PHONE_INDEX_PURPOSE);
    const tailKey = deriveKey(secretKey, PHONE_TAIL_PURPOSE);
    vault = {
      index: (phone) => keyedHash(indexKey, phone), seal: (phone) => seal(sealKey, phone), open: (sealed) => unseal(sealKey, sealed),
      tailIndex: (digits) => keyedHash(tailKey, digits).slice(0, 16),
    };
    vaults.set(secretKey, vault);
  }
  return vault;
}

/** A phone as shown to everyone but a tenant admin revealing it: the first three and last four digits. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** The columns a phone is stored as. */
export function phoneColumns(vault: PhoneVault, phone: string) {
  return { phone_sealed: vault.seal(phone), phone_index: vault.index(phone), phone_masked: maskPhone(phone)!, phone_tails: tailIndexes(vault, phone) };
}

/** The unmasked phone behind a sealed one, or null. */
export function openPhone(vault: PhoneVault, sealed: string | null): string | null {
  return sealed === null ? null : vault.open(sealed);
}
