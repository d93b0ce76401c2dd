-- Churn alerts: a customer deleted a member (del_follow_user). The alert goes to the B node the
-- member serves (its owner and staff see it; admins see all) until someone acknowledges it.
-- One alert per follow that ended: a replayed event finds it there and adds nothing.
CREATE TABLE churn_alerts (
  tenant_id       text NOT NULL REFERENCES tenants(id),
  id              text NOT NULL,
  customer_id     text NOT NULL,
  userid          text NOT NULL,
  b_node_id       text,
  raised_at       timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, customer_id, userid, raised_at),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id),
  FOREIGN KEY (tenant_id, userid) REFERENCES wecom_members(tenant_id, userid),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  FOREIGN KEY (tenant_id, acknowledged_by) REFERENCES users(tenant_id, id),
  CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE INDEX churn_alerts_open ON churn_alerts (tenant_id, b_node_id, raised_at DESC) WHERE acknowledged_at IS NULL;

-- The timeline names the order it speaks of, so an order's event is written once whatever retries.
CREATE UNIQUE INDEX customer_events_once ON customer_events (tenant_id, customer_id, kind, (data->>'order_id'))
  WHERE kind IN ('ordered', 'refunded') AND data ? 'order_id' AND NOT data ? 'refund_id';
CREATE UNIQUE INDEX customer_events_refund_once ON customer_events (tenant_id, kind, (data->>'refund_id'))
  WHERE data ? 'refund_id';

-- Customers of a member's node and of a group, fast for the list and the planner.
CREATE INDEX customer_follows_by_customer ON customer_follows (tenant_id, customer_id) WHERE ended_at IS NULL;
CREATE INDEX customer_group_members_by_group ON customer_group_members (tenant_id, group_id) WHERE left_at IS NULL;
