// No imports: the web app bundles this file as is (the buyer's QR and the leader's scanner read the same text).

/** What a pickup QR carries: the order and its code, so a scan finds the order without typing. */
export const PICKUP_QR_PREFIX = 'SIYU-PICKUP';

export const pickupQrText = (orderId: string, code: string) => `${PICKUP_QR_PREFIX}:${orderId}:${code}`;

/** The order and code a scanned text names, or null when it is not a pickup QR. */
export function parsePickupQr(text: string): { orderId: string; code: string } | null {
  const m = /^SIYU-PICKUP:([A-Za-z0-9_-]{1,64}):([0-9]{6})$/.exec(text.trim());
  return m ? { orderId: m[1]!, code: m[2]! } : null;
}
