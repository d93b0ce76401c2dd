-- When the buyer took the goods: the return window runs from here, and a refund that fails after
-- pickup puts the order back to completed. closed_at cannot tell, since a full refund overwrites it.
ALTER TABLE orders ADD COLUMN picked_up_at timestamptz;
UPDATE orders SET picked_up_at = closed_at WHERE status = 'completed';

-- Each tenant's after-sales rules. No row: the defaults (auto-approve before the goods are ready,
-- seven days to ask after pickup).
CREATE TABLE after_sales_settings (
  tenant_id                 text PRIMARY KEY REFERENCES tenants(id),
  auto_approve_before_ready boolean NOT NULL DEFAULT true,
  return_window_days        integer NOT NULL DEFAULT 7 CHECK (return_window_days BETWEEN 0 AND 365),
  updated_at                timestamptz NOT NULL DEFAULT now()
);

-- A buyer's refund request: lines and quantities asked, why, and what staff decided. An approved
-- request names the refund it started; the refund's outcome moves it to refunded or failed.
CREATE TABLE after_sales_requests (
  tenant_id     text NOT NULL,
  id            text NOT NULL,
  order_id      text NOT NULL,
  b_node_id     text NOT NULL,
  customer_id   text NOT NULL,
  status        text NOT NULL CHECK (status IN ('requested', 'approved', 'refunded', 'failed', 'rejected', 'cancelled')),
  lines         jsonb NOT NULL,
  amount        bigint NOT NULL CHECK (amount >= 0),
  reason        text NOT NULL,
  decision_note text NOT NULL DEFAULT '',
  auto_approved boolean NOT NULL DEFAULT false,
  refund_id     text,
  requested_by  text NOT NULL,
  decided_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  decided_at    timestamptz,
  closed_at     timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
CREATE INDEX after_sales_requests_by_status ON after_sales_requests (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX after_sales_requests_by_node ON after_sales_requests (tenant_id, b_node_id, created_at DESC, id DESC);
CREATE INDEX after_sales_requests_by_order ON after_sales_requests (tenant_id, order_id);
CREATE UNIQUE INDEX after_sales_requests_by_refund ON after_sales_requests (tenant_id, refund_id) WHERE refund_id IS NOT NULL;

-- What staff must act on: a refund the provider reported failed, after the order was put back to
-- what was really refunded. Open until someone resolves it (or retries the request it came from).
CREATE TABLE after_sales_actions (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('refund_failed')),
  order_id    text NOT NULL,
  b_node_id   text NOT NULL,
  refund_id   text NOT NULL,
  request_id  text,
  amount      bigint NOT NULL,
  details     jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolved_by text,
  resolution  text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, refund_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
CREATE INDEX after_sales_actions_open ON after_sales_actions (tenant_id, created_at DESC) WHERE resolved_at IS NULL;
