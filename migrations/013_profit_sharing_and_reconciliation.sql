-- Profit sharing (分账): the B node owners who receive commissions through WeChat Pay, the split
-- orders sent for paid orders, and the returns that take a split back after a refund.

-- A B node's owner as a WeChat Pay receiver. The name is personal data and leaves here only
-- OAEP-encrypted for WeChat; at rest it is sealed with a key derived from SIYU_SECRET_KEY.
CREATE TABLE profit_sharing_receivers (
  tenant_id       text NOT NULL REFERENCES tenants(id),
  id              text NOT NULL,
  b_node_id       text NOT NULL,
  type            text NOT NULL CHECK (type IN ('MERCHANT_ID', 'PERSONAL_OPENID')),
  account         text NOT NULL CHECK (length(account) BETWEEN 1 AND 64),
  name_sealed     text,
  relation_type   text NOT NULL CHECK (relation_type IN ('STORE_OWNER', 'STORE', 'STAFF', 'DISTRIBUTOR', 'PARTNER', 'HEADQUARTER', 'BRAND', 'USER', 'SUPPLIER', 'SERVICE_PROVIDER', 'CUSTOM')),
  custom_relation text CHECK (custom_relation IS NULL OR length(custom_relation) <= 10),
  status          text NOT NULL CHECK (status IN ('pending', 'active', 'failed', 'removing', 'removed')),
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  CHECK (relation_type <> 'CUSTOM' OR custom_relation IS NOT NULL),
  CHECK (type <> 'MERCHANT_ID' OR name_sealed IS NOT NULL)
);
-- One live receiver per B node: a node's commission goes to one account.
CREATE UNIQUE INDEX profit_sharing_receivers_one_per_node ON profit_sharing_receivers (tenant_id, b_node_id) WHERE status NOT IN ('removed', 'failed');

-- A request to WeChat Pay: a split of a paid order's frozen funds to its B node's receiver, or the
-- release of what is left (unfreeze). out_order_no is chosen and stored before the first call, so
-- every retry sends the same one and WeChat applies it once.
CREATE TABLE profit_sharing_orders (
  tenant_id        text NOT NULL REFERENCES tenants(id),
  id               text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('split', 'unfreeze')),
  order_id         text NOT NULL,
  payment_id       text NOT NULL,
  transaction_id   text NOT NULL,
  out_order_no     text NOT NULL CHECK (out_order_no ~ '^[0-9A-Za-z_|*@-]{1,64}$'),
  receiver_id      text,
  b_node_id        text,
  amount           bigint NOT NULL CHECK (amount >= 0),
  returned_amount  bigint NOT NULL DEFAULT 0 CHECK (returned_amount >= 0 AND returned_amount <= amount),
  unfreeze_unsplit boolean NOT NULL DEFAULT false,
  status           text NOT NULL CHECK (status IN ('pending', 'processing', 'finished', 'failed')),
  wechat_order_id  text,
  result           jsonb,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, out_order_no),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments(tenant_id, id),
  FOREIGN KEY (tenant_id, receiver_id) REFERENCES profit_sharing_receivers(tenant_id, id),
  CHECK (kind <> 'split' OR (receiver_id IS NOT NULL AND amount > 0))
);
-- One commission split per order: asking again returns the one already there.
CREATE UNIQUE INDEX profit_sharing_orders_one_split ON profit_sharing_orders (tenant_id, order_id) WHERE kind = 'split';
CREATE INDEX profit_sharing_orders_recent ON profit_sharing_orders (tenant_id, created_at DESC, id DESC);

-- A return (分账回退) of part or all of a split, after its order was refunded. out_return_no is
-- stored before the call, like out_order_no.
CREATE TABLE profit_sharing_returns (
  tenant_id        text NOT NULL REFERENCES tenants(id),
  id               text NOT NULL,
  split_id         text NOT NULL,
  out_return_no    text NOT NULL CHECK (out_return_no ~ '^[0-9A-Za-z_|*@-]{1,64}$'),
  amount           bigint NOT NULL CHECK (amount > 0),
  status           text NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'failed')),
  wechat_return_id text,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, out_return_no),
  FOREIGN KEY (tenant_id, split_id) REFERENCES profit_sharing_orders(tenant_id, id)
);
CREATE INDEX profit_sharing_returns_by_split ON profit_sharing_returns (tenant_id, split_id);

-- Daily reconciliation: one report per tenant, provider and bill day (a re-run replaces it), and
-- the differences it found between the provider's bill and our payments and refunds.
CREATE TABLE reconciliation_reports (
  tenant_id          text NOT NULL REFERENCES tenants(id),
  id                 text NOT NULL,
  provider           text NOT NULL,
  bill_date          date NOT NULL,
  status             text NOT NULL CHECK (status IN ('matched', 'differences', 'failed')),
  error              text,
  bill_payments      integer NOT NULL DEFAULT 0,
  bill_payment_total bigint NOT NULL DEFAULT 0,
  bill_refunds       integer NOT NULL DEFAULT 0,
  bill_refund_total  bigint NOT NULL DEFAULT 0,
  our_payments       integer NOT NULL DEFAULT 0,
  our_payment_total  bigint NOT NULL DEFAULT 0,
  our_refunds        integer NOT NULL DEFAULT 0,
  our_refund_total   bigint NOT NULL DEFAULT 0,
  fund_income_total  bigint,
  fund_outgoing_total bigint,
  differences        integer NOT NULL DEFAULT 0 CHECK (differences >= 0),
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, provider, bill_date),
  CHECK (status <> 'matched' OR differences = 0)
);
CREATE INDEX reconciliation_reports_recent ON reconciliation_reports (tenant_id, bill_date DESC);

CREATE TABLE reconciliation_differences (
  tenant_id    text NOT NULL,
  report_id    text NOT NULL,
  seq          integer NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('missing_here', 'missing_there', 'amount_mismatch', 'status_mismatch')),
  entry        text NOT NULL CHECK (entry IN ('payment', 'refund')),
  reference    text NOT NULL,
  provider_ref text,
  bill_amount  bigint,
  our_amount   bigint,
  bill_status  text,
  our_status   text,
  PRIMARY KEY (tenant_id, report_id, seq),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reconciliation_reports(tenant_id, id) ON DELETE CASCADE
);

-- The WeChat Pay simulator's profit sharing and bills (sandbox only): receivers a merchant added,
-- split and unfreeze orders by out_order_no, returns by out_return_no, bill files served once
-- applied for, and differences tests ask the next bills to carry.
CREATE TABLE wechatpay_sim_ps_receivers (
  mchid         text NOT NULL,
  type          text NOT NULL,
  account       text NOT NULL,
  appid         text NOT NULL,
  name          text,
  relation_type text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mchid, type, account)
);

CREATE TABLE wechatpay_sim_ps_orders (
  mchid            text NOT NULL,
  out_order_no     text NOT NULL,
  order_id         text NOT NULL UNIQUE,
  transaction_id   text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('split', 'unfreeze')),
  request          jsonb NOT NULL,
  receivers        jsonb NOT NULL,
  amount           integer NOT NULL CHECK (amount >= 0),
  unfreeze_unsplit boolean NOT NULL,
  state            text NOT NULL CHECK (state IN ('PROCESSING', 'FINISHED')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (mchid, out_order_no)
);
CREATE INDEX wechatpay_sim_ps_orders_by_transaction ON wechatpay_sim_ps_orders (mchid, transaction_id);

CREATE TABLE wechatpay_sim_ps_returns (
  mchid         text NOT NULL,
  out_return_no text NOT NULL,
  out_order_no  text NOT NULL,
  return_id     text NOT NULL UNIQUE,
  amount        integer NOT NULL CHECK (amount > 0),
  request       jsonb NOT NULL,
  result        text NOT NULL CHECK (result IN ('PROCESSING', 'SUCCESS', 'FAILED')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  PRIMARY KEY (mchid, out_return_no),
  FOREIGN KEY (mchid, out_order_no) REFERENCES wechatpay_sim_ps_orders (mchid, out_order_no)
);

CREATE TABLE wechatpay_sim_bill_files (
  token      text PRIMARY KEY,
  mchid      text NOT NULL,
  content    bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A difference the simulator's next bills for that day carry: a transaction left out, its amount
-- changed, an extra transaction we never made, or the file corrupted after its hash was taken.
CREATE TABLE wechatpay_sim_bill_tweaks (
  mchid        text NOT NULL,
  bill_date    date NOT NULL,
  seq          serial,
  kind         text NOT NULL CHECK (kind IN ('drop', 'amount', 'extra', 'corrupt')),
  out_trade_no text,
  amount       integer,
  PRIMARY KEY (mchid, bill_date, seq)
);
