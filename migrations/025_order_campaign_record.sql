-- Every order records the campaign it was bought under, whatever its kind, for analytics and
-- commissions: a subsidy (campaign_id, as before), or a group buy, flash sale, pre-sale, bargain,
-- coupon or referral task — their tables name the kind, campaign_ref their row.
ALTER TABLE orders
  ADD COLUMN campaign_kind text CHECK (campaign_kind IN ('subsidy', 'group_buy', 'flash_sale', 'presale', 'bargain')),
  ADD COLUMN campaign_ref text;
ALTER TABLE orders ADD CONSTRAINT orders_campaign_record CHECK ((campaign_kind IS NULL) = (campaign_ref IS NULL));
CREATE INDEX orders_by_campaign_ref ON orders (tenant_id, campaign_kind, campaign_ref) WHERE campaign_ref IS NOT NULL;
