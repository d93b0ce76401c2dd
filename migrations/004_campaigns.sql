-- Subsidy campaigns: a fixed discount per order, funded from a budget, for a time window, in one
-- shop or all of a tenant's shops. The budget is taken at checkout and given back when an unpaid
-- order expires or is cancelled.

CREATE TABLE campaigns (
  tenant_id          text NOT NULL REFERENCES tenants(id),
  id                 text NOT NULL,
  name               text NOT NULL,
  b_node_id          text,
  funded_by          text NOT NULL CHECK (funded_by IN ('platform', 'supplier', 'b_node')),
  discount_per_order bigint NOT NULL CHECK (discount_per_order > 0),
  min_order_total    bigint NOT NULL CHECK (min_order_total > discount_per_order),
  budget             bigint NOT NULL CHECK (budget > 0),
  spent              bigint NOT NULL DEFAULT 0 CHECK (spent >= 0 AND spent <= budget),
  starts_at          timestamptz NOT NULL,
  ends_at            timestamptz NOT NULL CHECK (ends_at > starts_at),
  status             text NOT NULL CHECK (status IN ('active', 'ended')),
  verdict            text NOT NULL CHECK (verdict IN ('accept', 'warn')),
  guard              jsonb NOT NULL,
  override_reason    text,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id)
);
CREATE INDEX campaigns_running ON campaigns (tenant_id, ends_at) WHERE status = 'active';

ALTER TABLE orders ADD COLUMN campaign_id text;
ALTER TABLE orders ADD FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns(tenant_id, id);
-- The order's discount split over its lines, so refunds by line return what was really paid.
ALTER TABLE order_lines ADD COLUMN discount bigint NOT NULL DEFAULT 0 CHECK (discount >= 0);
ALTER TABLE order_lines ADD CHECK (discount <= line_total AND refunded_amount <= line_total - discount);
