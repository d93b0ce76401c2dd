import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';

export const smsProviderSchema = z.enum(['sandbox', 'aliyun', 'tencent']).meta({ id: 'SmsProviderName' });

/** A tenant's SMS provider. The secret is write-only: leave it out to keep the stored one. */
export const putSmsSettingsBody = z.object({
  provider: smsProviderSchema,
  access_key_id: z.string().trim().max(128).default(''),
  access_key_secret: z.string().min(1).max(256).optional(),
  sign_name: z.string().trim().max(64).default(''),
  template_code: z.string().trim().max(64).default(''),
  sdk_app_id: z.string().trim().max(64).default(''),
  region: z.string().trim().max(64).default(''),
}).strict();

export const smsSettingsSchema = z.object({
  provider: smsProviderSchema.nullable(),
  access_key_id: z.string(),
  /** Whether a secret is stored; the secret itself is never returned. */
  has_secret: z.boolean(),
  sign_name: z.string(),
  template_code: z.string(),
  sdk_app_id: z.string(),
  region: z.string(),
  /** Providers this server offers in its mode (no sandbox in live mode). */
  available: z.array(smsProviderSchema),
}).meta({ id: 'SmsSettings' });

export const smsMessageSchema = z.object({
  id: z.string(),
  provider: smsProviderSchema,
  /** The recipient's number masked (138****5678): the outbox keeps it sealed and never shows it whole. */
  phone: z.string(),
  purpose: z.enum(['otp']),
  /** The text as sent; kept for the sandbox provider only. */
  body: z.string().nullable(),
  status: z.enum(['queued', 'sent', 'failed']),
  error: z.string().nullable(),
  created_at: timestamp,
  sent_at: timestamp.nullable(),
}).meta({ id: 'SmsMessage' });

export const listMessagesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
