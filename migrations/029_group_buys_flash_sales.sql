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

-- Group buys (拼团): a campaign on one SKU of one shop; a buyer opens a group at the opener's price,
-- others join at the member's price. A slot is taken in checkout's write by one conditional update
-- (`members < size` on an open group), so a group never has more members than its size. The
-- opener's payment opens the group (visible from then on) and starts its timer; it forms when
-- `size` members have paid. An unformed group fails at its expiry or when the campaign ends: its
-- status moves open → failed once, and each paid member's row paid → refunded once, with the refund.
CREATE TABLE group_buys (
  tenant_id          text NOT NULL REFERENCES tenants(id),
  id                 text NOT NULL,
  name               text NOT NULL,
  b_node_id          text NOT NULL,
  sku_id             text NOT NULL,
  group_size         integer NOT NULL CHECK (group_size BETWEEN 2 AND 50),
  timer_minutes      integer NOT NULL CHECK (timer_minutes BETWEEN 5 AND 10080),
  opener_price       bigint NOT NULL CHECK (opener_price > 0),
  member_price       bigint NOT NULL CHECK (member_price > 0),
  per_customer_limit integer NOT NULL CHECK (per_customer_limit BETWEEN 1 AND 99),
  stock_cap          integer NOT NULL CHECK (stock_cap BETWEEN 2 AND 1000000),
  taken              integer NOT NULL DEFAULT 0,
  -- Disclosed rule: at expiry a group with at least this share of its members paid forms anyway,
  -- the missing members' price concession booked as the operator's subsidy.
  form_at_pct        integer CHECK (form_at_pct BETWEEN 1 AND 99),
  subsidy_booked     bigint NOT NULL DEFAULT 0 CHECK (subsidy_booked >= 0),
  starts_at          timestamptz NOT NULL,
  ends_at            timestamptz NOT NULL CHECK (ends_at > starts_at),
  status             text NOT NULL CHECK (status IN ('active', 'ended')),
  verdict            text NOT NULL CHECK (verdict IN ('accept', 'warn')),
  guard              jsonb NOT NULL,
  override_reason    text,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CHECK (taken >= 0 AND taken <= stock_cap),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id)
);

CREATE TABLE group_buy_groups (
  tenant_id          text NOT NULL,
  id                 text NOT NULL,
  group_buy_id       text NOT NULL,
  opener_customer_id text NOT NULL,
  size               integer NOT NULL,
  members            integer NOT NULL DEFAULT 1,
  paid               integer NOT NULL DEFAULT 0,
  status             text NOT NULL CHECK (status IN ('pending', 'open', 'formed', 'failed')),
  expires_at         timestamptz,
  opened_at          timestamptz,
  settled_at         timestamptz,
  subsidy            bigint NOT NULL DEFAULT 0 CHECK (subsidy >= 0),
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CHECK (members >= 0 AND members <= size AND paid >= 0 AND paid <= members),
  CHECK ((status = 'open') <= (expires_at IS NOT NULL)),
  FOREIGN KEY (tenant_id, group_buy_id) REFERENCES group_buys(tenant_id, id)
);
CREATE INDEX group_buy_groups_open ON group_buy_groups (expires_at) WHERE status = 'open';
CREATE INDEX group_buy_groups_by_campaign ON group_buy_groups (tenant_id, group_buy_id, status);

CREATE TABLE group_buy_members (
  tenant_id     text NOT NULL,
  order_id      text NOT NULL,
  group_id      text NOT NULL,
  group_buy_id  text NOT NULL,
  customer_id   text NOT NULL,
  role          text NOT NULL CHECK (role IN ('opener', 'member')),
  price         bigint NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'paid', 'released', 'refunded')),
  -- The share of the group's booked subsidy this member's order carries (form-at-expiry groups).
  subsidy       bigint NOT NULL DEFAULT 0 CHECK (subsidy >= 0),
  joined_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES group_buy_groups(tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
-- A buyer is in a group once (a released slot does not count).
CREATE UNIQUE INDEX group_buy_members_once ON group_buy_members (tenant_id, group_id, customer_id) WHERE status <> 'released';
CREATE INDEX group_buy_members_by_group ON group_buy_members (tenant_id, group_id);

-- Groups each customer is in for a campaign (placed, not released): the personal limit holds on this row.
CREATE TABLE group_buy_buyers (
  tenant_id    text NOT NULL,
  group_buy_id text NOT NULL,
  customer_id  text NOT NULL,
  joined       integer NOT NULL CHECK (joined >= 0),
  PRIMARY KEY (tenant_id, group_buy_id, customer_id),
  FOREIGN KEY (tenant_id, group_buy_id) REFERENCES group_buys(tenant_id, id)
);
