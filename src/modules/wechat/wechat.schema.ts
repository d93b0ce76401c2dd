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

/** Which WeChat sign-ins a shop offers. */
export const wechatSignInOptionsSchema = z.object({ official_account: z.boolean(), mini_program: z.boolean() }).meta({ id: 'WechatSignInOptions' });

export const wechatOauthStartSchema = z.object({
  /** Send the browser here (WeChat's consent page; in the sandbox, the simulator's). */
  authorize_url: z.string(),
  state: z.string(),
  expires_in_s: z.number().int(),
}).meta({ id: 'WechatOauthStart' });

/** WeChat's redirect back, as the shop page received it. `state` is checked against the browser's cookie. */
export const wechatOauthSessionBody = z.object({
  code: z.string().min(1).max(512),
  state: z.string().max(128).optional(),
}).strict();

/** A snapshot (preview) visitor: WeChat did not really authorise them, so no customer and no session. */
export const wechatAnonymousSchema = z.object({ anonymous: z.literal(true) }).meta({ id: 'WechatAnonymous' });

export const wechatCodeBody = z.object({ code: z.string().min(1).max(512) }).strict();

export const wechatPhoneSharedSchema = z.object({
  customer: z.object({ id: z.string(), name: z.string(), phone: z.string().nullable() }),
  /** A new session when the phone merged this buyer into an older customer (their previous sessions are revoked); else null. */
  session: z.object({ token: z.string(), expires_at: z.string().meta({ format: 'date-time' }).nullable() }).nullable(),
}).meta({ id: 'WechatPhoneShared' });
