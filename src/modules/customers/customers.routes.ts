import { perAddressLimit } from '../../platform/http/security.js';
import type { Database } from '../../database.js';
import type { RouteModule } from '../../platform/http/server.js';
import { deriveKey } from '../../platform/secrets.js';
import { OTP_KEY_PURPOSE, requestShopOtp } from '../../flows/shop-sign-in.flow.js';
import { shopOtpBody, shopOtpSchema, slugParams } from '../b-nodes/b-nodes.schema.js';
import type { Messaging } from '../messaging/messaging.service.js';

/** Consumer sign-in from a shop: the one-time code (the session itself is POST /shops/{slug}/session). */
export function customerRoutes(messaging: Messaging): RouteModule<Database> {
  return (app, { db, clock, config }) => {
    const hashKey = deriveKey(config.secretKey, OTP_KEY_PURPOSE);
    app.post('/shops/:slug/otp', { config: perAddressLimit(config.limits, config.limits.otp), schema: { tags: ['shop'], operationId: 'requestShopOtp', summary: 'Send a one-time sign-in code to a phone', description: 'The code has 6 digits, lives 5 minutes and allows 5 tries; a newer code replaces an older one. The answer is the same for every phone. Throttled per phone (one a minute, 10 a day) and per client address (20 an hour): 429 otp_throttled with `retry_after_s` and Retry-After.', params: slugParams, body: shopOtpBody, security: [], response: { 202: shopOtpSchema } } }, async (req, reply) => {
      try {
        return reply.status(202).send(await requestShopOtp(db, clock, hashKey, messaging, req.params.slug, { phone: req.body.phone, clientIp: req.ip }));
      } catch (err) {
        const retryAfter = (err as { details?: { retry_after_s?: number } }).details?.retry_after_s;
        if (retryAfter) reply.header('retry-after', String(retryAfter));
        throw err;
      }
    });
  };
}
