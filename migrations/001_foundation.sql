-- Tenancy, identity, catalog, B nodes, orders, payments, refunds, idempotency, jobs, audit.
-- Every business table carries tenant_id as the first key column so the schema can be distributed by it.

CREATE TABLE tenants (
  id          text PRIMARY KEY,
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name        text NOT NULL,
  time_zone   text NOT NULL DEFAULT 'Asia/Shanghai',
  order_payment_timeout_minutes integer NOT NULL DEFAULT 15 CHECK (order_payment_timeout_minutes BETWEEN 1 AND 1440),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  tenant_id     text NOT NULL REFERENCES tenants(id),
  id            text NOT NULL,
  login         text NOT NULL,
  display_name  text NOT NULL,
  password_hash text,
  role          text NOT NULL CHECK (role IN ('platform_operator', 'supplier_operator', 'tenant_admin', 'b_owner', 'staff', 'consumer')),
  supplier_id   text,
  b_node_id     text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, login)
);

-- Session tokens (from login) and API tokens (for integrations) share one table; only hashes are stored.
CREATE TABLE auth_tokens (
  tenant_id   text NOT NULL,
  token_hash  text NOT NULL,
  user_id     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('session', 'api')),
  name        text,
  expires_at  timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, token_hash),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id)
);
-- A bearer token arrives without its tenant; this lookup finds it (a reference table under Citus).
CREATE UNIQUE INDEX auth_tokens_by_hash ON auth_tokens (token_hash);

CREATE TABLE suppliers (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE products (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  supplier_id text NOT NULL,
  title       text NOT NULL,
  description text NOT NULL DEFAULT '',
  category    text NOT NULL DEFAULT 'general',
  image_url   text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers(tenant_id, id)
);

CREATE TABLE skus (
  tenant_id       text NOT NULL,
  id              text NOT NULL,
  product_id      text NOT NULL,
  code            text NOT NULL,
  name            text NOT NULL,
  supply_price    bigint NOT NULL CHECK (supply_price >= 0),
  suggested_price bigint NOT NULL,
  retail_floor    bigint NOT NULL,
  retail_ceiling  bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code),
  FOREIGN KEY (tenant_id, product_id) REFERENCES products(tenant_id, id),
  CHECK (retail_floor > 0 AND retail_floor <= suggested_price AND suggested_price <= retail_ceiling)
);

CREATE TABLE warehouses (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  name       text NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- reserved = Σ active stock_reservations; the CHECKs make overselling impossible whatever the code does.
CREATE TABLE stock (
  tenant_id    text NOT NULL,
  warehouse_id text NOT NULL,
  sku_id       text NOT NULL,
  on_hand      integer NOT NULL CHECK (on_hand >= 0),
  reserved     integer NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  PRIMARY KEY (tenant_id, warehouse_id, sku_id),
  FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses(tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id)
);

CREATE TABLE b_nodes (
  tenant_id    text NOT NULL REFERENCES tenants(id),
  id           text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('store', 'leader', 'koc')),
  name         text NOT NULL,
  slug         text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  warehouse_id text NOT NULL,
  pickup_address text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, slug),
  FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses(tenant_id, id)
);
-- Shop URLs (/s/{slug}) carry no tenant; this global map resolves them (a reference table under Citus).
CREATE TABLE shop_routes (
  slug      text PRIMARY KEY,
  tenant_id text NOT NULL,
  b_node_id text NOT NULL
);

CREATE TABLE listings (
  tenant_id    text NOT NULL,
  b_node_id    text NOT NULL,
  sku_id       text NOT NULL,
  retail_price bigint NOT NULL CHECK (retail_price > 0),
  active       boolean NOT NULL DEFAULT true,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, b_node_id, sku_id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id)
);

CREATE TABLE customers (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  user_id    text,
  b_node_id  text,
  name       text NOT NULL,
  phone      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, phone)
);

CREATE TABLE orders (
  tenant_id      text NOT NULL,
  id             text NOT NULL,
  number         text NOT NULL,
  b_node_id      text NOT NULL,
  customer_id    text NOT NULL,
  warehouse_id   text NOT NULL,
  status         text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'ready_for_pickup', 'completed', 'partially_refunded', 'refunded', 'expired', 'cancelled')),
  fulfillment    text NOT NULL DEFAULT 'pickup' CHECK (fulfillment IN ('pickup', 'delivery')),
  pickup_code    text NOT NULL,
  subtotal       bigint NOT NULL CHECK (subtotal >= 0),
  discount       bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
  total          bigint NOT NULL CHECK (total >= 0),
  supply_cost    bigint NOT NULL CHECK (supply_cost >= 0),
  refunded_total bigint NOT NULL DEFAULT 0 CHECK (refunded_total >= 0 AND refunded_total <= total),
  shipped        boolean NOT NULL DEFAULT false,
  note           text NOT NULL DEFAULT '',
  expires_at     timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  paid_at        timestamptz,
  closed_at      timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, number),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);
CREATE INDEX orders_by_created ON orders (tenant_id, created_at DESC, id DESC);
CREATE INDEX orders_by_node ON orders (tenant_id, b_node_id, created_at DESC);
CREATE INDEX orders_by_customer ON orders (tenant_id, customer_id, created_at DESC);
CREATE INDEX orders_awaiting_payment ON orders (expires_at) WHERE status = 'pending_payment';

-- Price, cost and name are copied at checkout so later catalog changes never rewrite history.
CREATE TABLE order_lines (
  tenant_id         text NOT NULL,
  order_id          text NOT NULL,
  line_no           integer NOT NULL CHECK (line_no > 0),
  sku_id            text NOT NULL,
  sku_code          text NOT NULL,
  title             text NOT NULL,
  quantity          integer NOT NULL CHECK (quantity > 0),
  unit_price        bigint NOT NULL CHECK (unit_price >= 0),
  unit_supply_cost  bigint NOT NULL CHECK (unit_supply_cost >= 0),
  line_total        bigint NOT NULL CHECK (line_total >= 0),
  refunded_quantity integer NOT NULL DEFAULT 0 CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity),
  refunded_amount   bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= line_total),
  PRIMARY KEY (tenant_id, order_id, line_no),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
CREATE INDEX order_lines_by_sku ON order_lines (tenant_id, sku_id);

CREATE TABLE stock_reservations (
  tenant_id    text NOT NULL,
  order_id     text NOT NULL,
  sku_id       text NOT NULL,
  warehouse_id text NOT NULL,
  quantity     integer NOT NULL CHECK (quantity >= 0),
  status       text NOT NULL CHECK (status IN ('active', 'released', 'consumed')),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id, sku_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
CREATE INDEX stock_reservations_active ON stock_reservations (tenant_id, sku_id) WHERE status = 'active';

CREATE TABLE payments (
  tenant_id           text NOT NULL,
  id                  text NOT NULL,
  order_id            text NOT NULL,
  provider            text NOT NULL,
  amount              bigint NOT NULL CHECK (amount > 0),
  status              text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'partially_refunded', 'refunded')),
  refunded_amount     bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  provider_trade_no   text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  succeeded_at        timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
CREATE INDEX payments_by_order ON payments (tenant_id, order_id);

-- Raw inbound notifications, deduplicated by the provider's event id before anything is applied.
CREATE TABLE payment_events (
  tenant_id   text NOT NULL,
  provider    text NOT NULL,
  event_id    text NOT NULL,
  payment_id  text NOT NULL,
  event_type  text NOT NULL,
  raw         jsonb NOT NULL,
  outcome     text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider, event_id)
);

CREATE TABLE refunds (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  order_id    text NOT NULL,
  payment_id  text NOT NULL,
  amount      bigint NOT NULL CHECK (amount > 0),
  status      text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  reason      text NOT NULL DEFAULT '',
  restocked   boolean NOT NULL,
  lines       jsonb NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  settled_at  timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments(tenant_id, id)
);
CREATE INDEX refunds_by_order ON refunds (tenant_id, order_id);

-- Stored inside the same transaction as the effect, so one key gives one effect and one response.
CREATE TABLE idempotency_keys (
  tenant_id       text NOT NULL,
  scope           text NOT NULL,
  key             text NOT NULL,
  request_hash    text NOT NULL,
  response_status integer NOT NULL,
  response_body   text NOT NULL,  -- text, not jsonb: a replay must be byte-identical
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, scope, key)
);

-- Outbox: side effects enqueued in the business transaction and drained with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
  id          bigserial PRIMARY KEY,
  tenant_id   text NOT NULL,
  kind        text NOT NULL,
  payload     jsonb NOT NULL,
  run_at      timestamptz NOT NULL DEFAULT now(),
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,
  done_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;

CREATE TABLE audit_log (
  tenant_id  text NOT NULL,
  id         bigserial,
  actor      text,
  action     text NOT NULL,
  entity     text NOT NULL,
  entity_id  text NOT NULL,
  details    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
