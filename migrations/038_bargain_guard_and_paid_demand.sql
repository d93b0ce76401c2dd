-- A bargain campaign is judged by the economics guard when it is created, as every other campaign
-- kind: at its floor price, the worst price a buyer can end up paying, with the shop's commission
-- policy, the tenant's fees, spoilage and refunds. A rejection is refused (or overridden by a
-- tenant admin with a written reason); what passed is kept with it. Campaigns made before the
-- guard judged bargains keep no verdict (NULL: not judged).
ALTER TABLE bargain_campaigns
  ADD COLUMN verdict text CHECK (verdict IN ('accept', 'warn')),
  ADD COLUMN guard jsonb,
  ADD COLUMN override_reason text,
  ADD CONSTRAINT bargain_campaigns_guard_with_verdict CHECK ((verdict IS NULL) = (guard IS NULL));

-- A sales window aggregates the orders paid while it was open (an order created before a cutoff
-- and paid after it belongs to the next window): its demand is read by payment time, among the
-- paid orders not yet shipped.
CREATE INDEX orders_paid_unshipped ON orders (tenant_id, paid_at) WHERE status IN ('paid', 'partially_refunded') AND NOT shipped;
