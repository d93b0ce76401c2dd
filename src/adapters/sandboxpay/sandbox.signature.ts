import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The sandbox signs like WeChat Pay v3 does in shape — a timestamp, a nonce and the exact body,
 * one per line — but with HMAC-SHA256 and a shared secret instead of an RSA platform certificate.
 */
export function signSandbox(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64');
}

export function verifySandbox(secret: string, timestamp: string, nonce: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signSandbox(secret, timestamp, nonce, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A notification whose timestamp is further than this from the server's clock is refused. */
export const SANDBOX_WINDOW_SECONDS = 300;

export const SANDBOX_HEADERS = { signature: 'siyu-sandbox-signature', timestamp: 'siyu-sandbox-timestamp', nonce: 'siyu-sandbox-nonce' } as const;
