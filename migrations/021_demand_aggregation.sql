-- Supplier split and demand aggregation (C2M): an order's supplier sub-orders, sales windows with a
-- cutoff in the tenant's time zone, and what each cutoff aggregates: purchase orders per supplier and
-- warehouse, pick lists per pickup point, and the refunds a short shipment makes.

-- One part of an order per supplier of its SKUs, for fulfilment and settlement. Amounts are sums of
-- the order's lines (whose discounts were split by largest remainder at checkout), so the parts of
-- an order always add up to its subtotal, discount and supply cost.
CREATE TABLE supplier_sub_orders (
  tenant_id    text NOT NULL REFERENCES tenants(id),
  order_id     text NOT NULL,
  supplier_id  text NOT NULL,
  line_count   integer NOT NULL CHECK (line_count > 0),
  goods_amount bigint NOT NULL CHECK (goods_amount >= 0),
  discount     bigint NOT NULL CHECK (discount >= 0 AND discount <= goods_amount),
  supply_cost  bigint NOT NULL CHECK (supply_cost >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id, supplier_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id),
  FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers(tenant_id, id)
);
CREATE INDEX supplier_sub_orders_by_supplier ON supplier_sub_orders (tenant_id, supplier_id, created_at DESC);

-- A sales window takes orders from opens_at until cutoff_at; at the cutoff its paid demand is
-- aggregated once. A daily window starts the next day's window (same local time) when it closes.
CREATE TABLE sales_windows (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  id          text NOT NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  recurrence  text NOT NULL DEFAULT 'once' CHECK (recurrence IN ('once', 'daily')),
  opens_at    timestamptz NOT NULL,
  cutoff_at   timestamptz NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
  closed_at   timestamptz,
  previous_id text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, previous_id) REFERENCES sales_windows(tenant_id, id),
  CHECK (cutoff_at > opens_at),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- A daily window has one successor, however many processes close it.
CREATE UNIQUE INDEX sales_windows_one_successor ON sales_windows (tenant_id, previous_id) WHERE previous_id IS NOT NULL;
CREATE INDEX sales_windows_due ON sales_windows (cutoff_at) WHERE status = 'open';

-- Which window's cutoff took an order: each order is aggregated once, by one window.
CREATE TABLE window_orders (
  tenant_id text NOT NULL,
  order_id  text NOT NULL,
  window_id text NOT NULL,
  b_node_id text NOT NULL,
  warehouse_id text NOT NULL,
  paid_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, order_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id),
  FOREIGN KEY (tenant_id, window_id) REFERENCES sales_windows(tenant_id, id)
);
CREATE INDEX window_orders_by_window ON window_orders (tenant_id, window_id, b_node_id);

CREATE TABLE purchase_orders (
  tenant_id    text NOT NULL,
  id           text NOT NULL,
  number       text NOT NULL,
  window_id    text NOT NULL,
  supplier_id  text NOT NULL,
  warehouse_id text NOT NULL,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  confirmed_by text,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, window_id, supplier_id, warehouse_id),
  FOREIGN KEY (tenant_id, window_id) REFERENCES sales_windows(tenant_id, id),
  FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers(tenant_id, id),
  FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses(tenant_id, id),
  CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
);
CREATE INDEX purchase_orders_by_supplier ON purchase_orders (tenant_id, supplier_id, created_at DESC);

-- demand_qty: what buyers paid for; ordered_qty: demand rounded up to whole cases, at least the
-- SKU's minimum order quantity; confirmed_qty: what the supplier will ship (below demand: short).
CREATE TABLE purchase_order_lines (
  tenant_id         text NOT NULL,
  purchase_order_id text NOT NULL,
  sku_id            text NOT NULL,
  demand_qty        integer NOT NULL CHECK (demand_qty > 0),
  case_pack         integer NOT NULL CHECK (case_pack > 0),
  ordered_qty       integer NOT NULL CHECK (ordered_qty >= demand_qty AND ordered_qty % case_pack = 0),
  unit_supply_cost  bigint NOT NULL CHECK (unit_supply_cost >= 0),
  confirmed_qty     integer CHECK (confirmed_qty >= 0),
  PRIMARY KEY (tenant_id, purchase_order_id, sku_id),
  FOREIGN KEY (tenant_id, purchase_order_id) REFERENCES purchase_orders(tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id)
);

-- A pickup point's list for a window: which orders it hands out is window_orders (the order's node);
-- what each buyer collects is read from those orders' lines as they stand, so a refund (a short
-- shipment's too) is off the list at once. units is the count at the cutoff.
CREATE TABLE pick_lists (
  tenant_id  text NOT NULL,
  id         text NOT NULL,
  window_id  text NOT NULL,
  b_node_id  text NOT NULL,
  order_count integer NOT NULL CHECK (order_count > 0),
  units      integer NOT NULL CHECK (units > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, window_id, b_node_id),
  FOREIGN KEY (tenant_id, window_id) REFERENCES sales_windows(tenant_id, id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id)
);
CREATE INDEX pick_lists_by_node ON pick_lists (tenant_id, b_node_id, created_at DESC);

-- What a short shipment refunded, line by line: the record of "latest payers first".
CREATE TABLE short_shipment_refunds (
  tenant_id         text NOT NULL,
  purchase_order_id text NOT NULL,
  order_id          text NOT NULL,
  line_no           integer NOT NULL,
  sku_id            text NOT NULL,
  quantity          integer NOT NULL CHECK (quantity > 0),
  amount            bigint NOT NULL CHECK (amount >= 0),
  refund_id         text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, purchase_order_id, order_id, line_no),
  FOREIGN KEY (tenant_id, purchase_order_id) REFERENCES purchase_orders(tenant_id, id)
);
