-- Community pre-sale (社区团购): a pre-sale binds SKUs to a sales window of fulfilment's. Orders
-- under it are ordinary pickup orders of the buyer's node (campaign_kind 'presale'), taken until the
-- window's cutoff, and aggregated by that cutoff like any other.
CREATE TABLE presales (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  window_id  text NOT NULL,
  title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, window_id) REFERENCES sales_windows(tenant_id, id)
);
CREATE INDEX presales_by_window ON presales (tenant_id, window_id);

CREATE TABLE presale_items (
  tenant_id  text NOT NULL,
  presale_id text NOT NULL,
  sku_id     text NOT NULL,
  position   int  NOT NULL CHECK (position >= 0),
  PRIMARY KEY (tenant_id, presale_id, sku_id),
  FOREIGN KEY (tenant_id, presale_id) REFERENCES presales(tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id)
);

-- The leader's day. Partial pickup: what of each order line the buyer has taken so far; never more
-- than the line holds after refunds (checked by the one conditional upsert that adds to it).
CREATE TABLE pickup_line_picks (
  tenant_id  text NOT NULL,
  order_id   text NOT NULL,
  line_no    int  NOT NULL,
  picked     int  NOT NULL CHECK (picked > 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, order_id, line_no),
  FOREIGN KEY (tenant_id, order_id, line_no) REFERENCES order_lines(tenant_id, order_id, line_no)
);

-- Goods of an order arrived at its pickup point (the leader said so); the no-show rule runs from
-- here, and settles each arrival once (no_show_at set by one conditional UPDATE).
CREATE TABLE pickup_arrivals (
  tenant_id   text NOT NULL,
  order_id    text NOT NULL,
  b_node_id   text NOT NULL,
  customer_id text NOT NULL,
  arrived_at  timestamptz NOT NULL,
  no_show_at  timestamptz,
  no_show_outcome text CHECK (no_show_outcome IN ('refunded', 'nothing_left')),
  PRIMARY KEY (tenant_id, order_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id),
  CHECK ((no_show_at IS NULL) = (no_show_outcome IS NULL))
);
CREATE INDEX pickup_arrivals_due ON pickup_arrivals (arrived_at) WHERE no_show_at IS NULL;
CREATE INDEX pickup_arrivals_by_node ON pickup_arrivals (tenant_id, b_node_id, arrived_at DESC);

-- "The goods arrived": one notice per buyer, node and day, however often the leader presses it.
CREATE TABLE arrival_notices (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  b_node_id   text NOT NULL,
  customer_id text NOT NULL,
  notice_day  date NOT NULL,
  order_count int  NOT NULL CHECK (order_count > 0),
  messages_queued int NOT NULL CHECK (messages_queued >= 0),
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, b_node_id, customer_id, notice_day)
);

-- The tenant's no-show rule: hold the goods, or refund what was not picked up N days after arrival.
CREATE TABLE presale_settings (
  tenant_id    text PRIMARY KEY REFERENCES tenants(id),
  no_show_rule text NOT NULL DEFAULT 'hold' CHECK (no_show_rule IN ('hold', 'refund')),
  no_show_days int  NOT NULL DEFAULT 3 CHECK (no_show_days BETWEEN 1 AND 60),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Bargain (砍价): friends cut a SKU's price toward a floor. The cuts of a bargain are drawn once
-- from its stored seed when it starts (positive fen summing to start − floor); help n takes cut n,
-- so the last helper reaches the floor exactly.
CREATE TABLE bargain_campaigns (
  tenant_id      text NOT NULL REFERENCES tenants(id),
  id             text NOT NULL,
  b_node_id      text NOT NULL,
  sku_id         text NOT NULL,
  title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
  start_price    bigint NOT NULL CHECK (start_price > 0),
  floor_price    bigint NOT NULL CHECK (floor_price > 0),
  helpers_needed int NOT NULL CHECK (helpers_needed BETWEEN 1 AND 100),
  valid_hours    int NOT NULL CHECK (valid_hours BETWEEN 1 AND 168),
  starts_at      timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id),
  CHECK (ends_at > starts_at),
  CHECK (start_price - floor_price >= helpers_needed)
);

CREATE TABLE bargains (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  campaign_id text NOT NULL,
  customer_id text NOT NULL,
  seed        bigint NOT NULL,
  cuts        bigint[] NOT NULL,
  helped      int NOT NULL DEFAULT 0,
  price       bigint NOT NULL,
  expires_at  timestamptz NOT NULL,
  order_id    text,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, campaign_id, customer_id),
  FOREIGN KEY (tenant_id, campaign_id) REFERENCES bargain_campaigns(tenant_id, id),
  CHECK (helped BETWEEN 0 AND cardinality(cuts)),
  CHECK (price > 0)
);

CREATE TABLE bargain_helps (
  tenant_id   text NOT NULL,
  bargain_id  text NOT NULL,
  helper_id   text NOT NULL,
  seq         int NOT NULL CHECK (seq > 0),
  cut         bigint NOT NULL CHECK (cut > 0),
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, bargain_id, helper_id),
  UNIQUE (tenant_id, bargain_id, seq),
  FOREIGN KEY (tenant_id, bargain_id) REFERENCES bargains(tenant_id, id)
);
