import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';

export const wechatAppKindSchema = z.enum(['official_account', 'mini_program']).meta({ id: 'WechatAppKind' });

/** A tenant's WeChat app as the console sees it: whether a secret is set, never the secret. */
export const wechatAppSchema = z.object({
  app: wechatAppKindSchema,
  appid: z.string(),
  has_secret: z.boolean(),
  /** WeChat's API host, or the built-in simulator's in the sandbox. */
  api_base: z.string(),
  updated_at: timestamp,
}).meta({ id: 'WechatApp' });
