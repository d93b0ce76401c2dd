import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';

export const createPaymentBody = z.object({ provider: z.enum(['sandbox']).default('sandbox') }).strict();
export const providerParams = z.object({ provider: z.string().min(1).max(32) });
export const sandboxPayBody = z.object({
  outcome: z.enum(['success', 'fail']).default('success'),
  copies: z.number().int().min(1).max(5).default(1),
  delay_ms: z.number().int().min(0).max(86_400_000).default(0),
}).strict();
export const paymentParams = z.object({ id });
