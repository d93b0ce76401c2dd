-- Flash sales (秒杀): a price on one SKU of one shop from a start time, with its own unit cap and a
-- per-customer limit. Units are taken in checkout's one write statement by conditional updates
-- (`sold + qty <= stock_cap`; a buyer's `bought + qty <= per_customer_limit`) and given back once,
-- with the order's stock, when an unpaid order expires or is cancelled (`released_at` flips once).

CREATE TABLE flash_sales (
  tenant_id          text NOT NULL REFERENCES tenants(id),
  id                 text NOT NULL,
  name               text NOT NULL,
  b_node_id          text NOT NULL,
  sku_id             text NOT NULL,
  price              bigint NOT NULL CHECK (price > 0),
  stock_cap          integer NOT NULL CHECK (stock_cap BETWEEN 1 AND 1000000),
  sold               integer NOT NULL DEFAULT 0,
  per_customer_limit integer NOT NULL CHECK (per_customer_limit BETWEEN 1 AND 999),
  starts_at          timestamptz NOT NULL,
  ends_at            timestamptz NOT NULL CHECK (ends_at > starts_at),
  status             text NOT NULL CHECK (status IN ('active', 'ended')),
  verdict            text NOT NULL CHECK (verdict IN ('accept', 'warn')),
  guard              jsonb NOT NULL,
  override_reason    text,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CHECK (sold >= 0 AND sold <= stock_cap),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id)
);
CREATE INDEX flash_sales_by_shop ON flash_sales (tenant_id, b_node_id, ends_at) WHERE status = 'active';

-- Units each customer holds of a sale (placed, not released): the limit is enforced on this row.
CREATE TABLE flash_sale_buyers (
  tenant_id     text NOT NULL,
  flash_sale_id text NOT NULL,
  customer_id   text NOT NULL,
  bought        integer NOT NULL CHECK (bought >= 0),
  PRIMARY KEY (tenant_id, flash_sale_id, customer_id),
  FOREIGN KEY (tenant_id, flash_sale_id) REFERENCES flash_sales(tenant_id, id)
);

-- What each order took, so closing it gives back exactly that, once.
CREATE TABLE flash_sale_orders (
  tenant_id     text NOT NULL,
  order_id      text NOT NULL,
  flash_sale_id text NOT NULL,
  customer_id   text NOT NULL,
  quantity      integer NOT NULL CHECK (quantity > 0),
  released_at   timestamptz,
  PRIMARY KEY (tenant_id, order_id),
  FOREIGN KEY (tenant_id, flash_sale_id) REFERENCES flash_sales(tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
