import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';

/** The tenant's WeCom corp as the console sees it: whether each secret is set, never a secret. */
export const wecomSettingsSchema = z.object({
  connected: z.boolean(),
  corp_id: z.string().nullable(),
  agent_id: z.string().nullable(),
  /** WeCom's API host, or the built-in simulator's in the sandbox. */
  api_base: z.string().nullable(),
  has_token: z.boolean(),
  has_encoding_aes_key: z.boolean(),
  has_secret: z.boolean(),
  /** The URL to enter in WeCom's admin console as the callback (接收事件服务器) URL. */
  callback_url: z.string(),
  /** When WeCom last verified the callback URL, and when the last event arrived. */
  verified_at: timestamp.nullable(),
  last_event_at: timestamp.nullable(),
  /** The sandbox's simulated WeCom client, when this server runs one. */
  simulator_url: z.string().nullable(),
}).meta({ id: 'WecomSettings' });

export const wecomSettingsBody = z.object({
  corp_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  agent_id: z.string().regex(/^\d{1,16}$/).optional(),
  token: z.string().regex(/^[A-Za-z0-9]{1,32}$/).describe('The callback Token (up to 32 letters or digits); write-only'),
  encoding_aes_key: z.string().regex(/^[A-Za-z0-9]{43}$/).describe('The callback EncodingAESKey, exactly 43 letters or digits; write-only'),
  secret: z.string().min(1).max(256).describe('The customer-contact (客户联系) secret; write-only'),
  api_base: z.string().url().optional().describe('WeCom\'s API host; by default WeCom live, the built-in simulator in the sandbox'),
}).meta({ id: 'WecomConnection' });

export const wecomEventSchema = z.object({
  id: z.string(),
  event: z.string(),
  change_type: z.string(),
  subject: z.string().nullable().describe('ExternalUserID, ChatId or tag Id'),
  userid: z.string().nullable(),
  received_at: timestamp,
  applied_at: timestamp.nullable(),
}).meta({ id: 'WecomEventReceived' });
