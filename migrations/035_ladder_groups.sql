-- Ladder groups (阶梯团): a group buy may set tiers, size → member price, sizes increasing and prices
-- decreasing. A group forms when its paid members reach the first tier (buyers pay the first tier's
-- price), climbs tiers as more members pay before its timer ends, and settles at the highest tier
-- reached: each paid member gets the difference back as a partial refund, once (`refund_back` is
-- written by the one conditional update that settles the group). The campaign's group_size is the
-- top tier's size and its member_price the first tier's.
ALTER TABLE group_buys
  ADD COLUMN tiers jsonb CHECK (tiers IS NULL OR (jsonb_typeof(tiers) = 'array' AND jsonb_array_length(tiers) BETWEEN 2 AND 5));

-- tier_size / tier_price: the highest tier the group's paid members reached (null: none yet, or no ladder).
-- withdrawn: paid members who took their money back through after-sales after the group formed.
ALTER TABLE group_buy_groups
  ADD COLUMN tier_size integer CHECK (tier_size IS NULL OR tier_size BETWEEN 2 AND 50),
  ADD COLUMN tier_price bigint CHECK (tier_price IS NULL OR tier_price > 0),
  ADD COLUMN withdrawn integer NOT NULL DEFAULT 0 CHECK (withdrawn >= 0);

-- withdrawn: a paid member refunded in full through after-sales (before the group formed the slot
-- was given back; after, the group stays formed). refund_back: a ladder's difference given back.
ALTER TABLE group_buy_members DROP CONSTRAINT group_buy_members_status_check;
ALTER TABLE group_buy_members
  ADD CONSTRAINT group_buy_members_status_check CHECK (status IN ('pending', 'paid', 'released', 'refunded', 'withdrawn')),
  ADD COLUMN refund_back bigint NOT NULL DEFAULT 0 CHECK (refund_back >= 0 AND refund_back < price);
-- A member who withdrew before the group formed no longer holds a place in it.
DROP INDEX group_buy_members_once;
CREATE UNIQUE INDEX group_buy_members_once ON group_buy_members (tenant_id, group_id, customer_id) WHERE status NOT IN ('released', 'withdrawn');

-- Campaign costs the operator funds on an order beyond its discount — a group formed under the
-- disclosed fill rule books the missing members' price concession on its paid orders — kept by
-- the economics module so every recomputation of the order's waterfall counts it.
CREATE TABLE order_campaign_costs (
  tenant_id     text NOT NULL,
  order_id      text NOT NULL,
  campaign_kind text NOT NULL CHECK (campaign_kind IN ('group_buy')),
  campaign_ref  text NOT NULL,
  amount        bigint NOT NULL CHECK (amount > 0),
  booked_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id, campaign_kind),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);

ALTER TABLE order_line_economics ADD COLUMN campaign_subsidy bigint NOT NULL DEFAULT 0;
ALTER TABLE order_line_economics DROP CONSTRAINT order_line_economics_check;
ALTER TABLE order_line_economics ADD CONSTRAINT order_line_economics_margin CHECK (contribution_margin = paid - refunds - supply_cost - payment_fee
  - platform_take - fulfillment - delivery - spoilage - commission_l1 - commission_l2 - leader - expected_refunds - campaign_subsidy);

-- A share code may open one group's page (a group buy's share link and poster): the joiner's order
-- records the sharer as any shared order does. One code per sharer and target, the group included.
ALTER TABLE share_codes ADD COLUMN group_id text;
DROP INDEX share_codes_one_per_target;
CREATE UNIQUE INDEX share_codes_one_per_target ON share_codes (tenant_id, sharer_user_id, b_node_id, coalesce(product_id, ''), coalesce(campaign_id, ''), coalesce(group_id, ''));
