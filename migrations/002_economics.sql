-- Economics: the tenant's cost assumptions, guarded commission policies, and every paid order's
-- money waterfall kept per line so P&L rolls up by SKU, supplier, B node, policy, campaign and day.

CREATE TABLE economics_settings (
  tenant_id             text PRIMARY KEY REFERENCES tenants(id),
  payment_fee_bps       integer NOT NULL DEFAULT 60 CHECK (payment_fee_bps BETWEEN 0 AND 10000),
  platform_take_bps     integer NOT NULL DEFAULT 0 CHECK (platform_take_bps BETWEEN 0 AND 10000),
  fulfillment_per_order bigint NOT NULL DEFAULT 150 CHECK (fulfillment_per_order >= 0),
  delivery_per_order    bigint NOT NULL DEFAULT 0 CHECK (delivery_per_order >= 0),
  spoilage_bps          integer NOT NULL DEFAULT 300 CHECK (spoilage_bps BETWEEN 0 AND 10000),
  expected_refund_bps   integer NOT NULL DEFAULT 500 CHECK (expected_refund_bps BETWEEN 0 AND 10000),
  updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE commission_policies (
  tenant_id       text NOT NULL REFERENCES tenants(id),
  id              text NOT NULL,
  name            text NOT NULL,
  commission_base text NOT NULL DEFAULT 'paid' CHECK (commission_base IN ('paid', 'margin')),
  levels_bps      integer[] NOT NULL DEFAULT '{}',
  leader_bps      integer NOT NULL DEFAULT 0 CHECK (leader_bps BETWEEN 0 AND 10000),
  hold_days       integer NOT NULL DEFAULT 8 CHECK (hold_days BETWEEN 0 AND 365),
  verdict         text NOT NULL CHECK (verdict IN ('accept', 'warn')),
  guard           jsonb NOT NULL,
  override_reason text,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  -- Three or more paid levels are refused whatever the guard says (DOMAIN: commission depth).
  CHECK (cardinality(levels_bps) <= 2)
);

ALTER TABLE b_nodes ADD COLUMN commission_policy_id text;
ALTER TABLE b_nodes ADD FOREIGN KEY (tenant_id, commission_policy_id) REFERENCES commission_policies(tenant_id, id);

CREATE TABLE order_line_economics (
  tenant_id           text NOT NULL,
  order_id            text NOT NULL,
  line_no             integer NOT NULL,
  day                 date NOT NULL,
  b_node_id           text NOT NULL,
  sku_id              text NOT NULL,
  supplier_id         text NOT NULL,
  policy_id           text,
  campaign_id         text,
  list_price          bigint NOT NULL,
  coupon              bigint NOT NULL,
  paid                bigint NOT NULL,
  refunds             bigint NOT NULL,
  supply_cost         bigint NOT NULL,
  payment_fee         bigint NOT NULL,
  platform_take       bigint NOT NULL,
  fulfillment         bigint NOT NULL,
  delivery            bigint NOT NULL,
  spoilage            bigint NOT NULL,
  commission_l1       bigint NOT NULL,
  commission_l2       bigint NOT NULL,
  leader              bigint NOT NULL,
  expected_refunds    bigint NOT NULL,
  contribution_margin bigint NOT NULL,
  computed_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id, line_no),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id),
  CHECK (contribution_margin = paid - refunds - supply_cost - payment_fee - platform_take - fulfillment
         - delivery - spoilage - commission_l1 - commission_l2 - leader - expected_refunds)
);
CREATE INDEX order_line_economics_by_day ON order_line_economics (tenant_id, day);
