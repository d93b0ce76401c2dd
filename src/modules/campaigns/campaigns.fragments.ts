import { sql, type RawBuilder } from 'kysely';

/**
 * The richest subsidy campaign running now for a shop (or for all shops) with budget left for one
 * more discount: a LATERAL subquery of one row or none, correlated on the shop id expression.
 */
export function runningCampaign(tenantId: string, bNodeId: RawBuilder<unknown>, now: Date) {
  return sql`(SELECT id, name, discount_per_order, min_order_total FROM campaigns
       WHERE tenant_id = ${tenantId} AND (b_node_id IS NULL OR b_node_id = ${bNodeId}) AND status = 'active'
         AND starts_at <= ${now} AND ends_at > ${now} AND spent + discount_per_order <= budget
       ORDER BY discount_per_order DESC, id LIMIT 1)`;
}

/**
 * The body of a CTE taking an order's subsidy from its campaign's budget with one conditional
 * update (`spent + discount <= budget`); it returns the campaign id, or nothing when the budget is
 * gone or there is no campaign.
 */
export function takeSubsidy(tenantId: string, campaignId: string | null, discount: number) {
  return sql`(UPDATE campaigns SET spent = spent + ${discount}
       WHERE tenant_id = ${tenantId} AND id = ${campaignId} AND status = 'active'
         AND spent + ${discount} <= budget
      RETURNING id)`;
}
