import { z } from 'zod';

const ref = z.string().min(1).max(64);
const list = (item: z.ZodString) => z.union([z.array(item), item.transform((s) => s.split(',').filter(Boolean))]).pipe(z.array(item).max(50));

/**
 * Which customers: every condition given must hold. Tags: any of `tags_any`, all of `tags_all`.
 * `owner` is a WeCom member (userid) the customer follows now; `group` a customer group they are
 * in now; the order conditions read paid orders (spend is paid less refunded, in fen).
 */
export const customerFilter = z.object({
  tags_any: list(ref).optional(),
  tags_all: list(ref).optional(),
  b_node_id: ref.optional(),
  owner: ref.optional().describe('A WeCom member userid the customer currently follows'),
  group_id: ref.optional().describe('A customer group the customer is in now'),
  last_order_before: z.coerce.date().optional(),
  last_order_after: z.coerce.date().optional(),
  min_spend: z.coerce.number().int().min(0).optional().describe('Fen: paid less refunded, at least'),
  q: z.string().max(64).optional().describe('Part of the name or of the remark a member gave'),
}).strict();
export type CustomerFilter = z.infer<typeof customerFilter>;
