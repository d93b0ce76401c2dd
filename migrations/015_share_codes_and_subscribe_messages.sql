-- Share codes: a short code stands for who shares (a customer's or a staff member's user), for
-- which B node, and optionally which product or campaign. The code is what a short link, a QR code
-- and a mini-program code's `scene` carry (≤ 32 characters of WeChat's set); the server resolves it.
-- It always starts with an upper-case letter, so /s/{code} never collides with a shop's slug
-- (lower case only). The same sharer, node, product and campaign always get the same code, so the
-- mini-program code generated for it once is reused.
CREATE TABLE share_codes (
  tenant_id      text NOT NULL REFERENCES tenants(id),
  code           text NOT NULL CHECK (code ~ '^[A-Z][0-9A-Za-z]{15}$'),
  sharer_user_id text NOT NULL,
  sharer_name    text NOT NULL,
  b_node_id      text NOT NULL,
  product_id     text,
  campaign_id    text,
  -- The mini-program code (getwxacodeunlimit PNG), stored the first time it is asked for.
  wxacode_png    bytea,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, code),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  FOREIGN KEY (tenant_id, sharer_user_id) REFERENCES users(tenant_id, id)
);
-- A short link and a scene name no tenant: the code alone finds its row (as shop_routes does for slugs).
CREATE UNIQUE INDEX share_codes_by_code ON share_codes (code);
CREATE UNIQUE INDEX share_codes_one_per_target ON share_codes (tenant_id, sharer_user_id, b_node_id, coalesce(product_id, ''), coalesce(campaign_id, ''));

-- Each arrival through a code. A short link records the visit before anyone is signed in; the shop
-- claims it for the buyer once they are (customer_id set once). A sharer opening their own code is
-- a self-share: recorded, never attributed.
CREATE TABLE share_visits (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  code        text NOT NULL,
  channel     text NOT NULL CHECK (channel IN ('link', 'mini_program', 'shop')),
  customer_id text,
  self_share  boolean NOT NULL DEFAULT false,
  visited_at  timestamptz NOT NULL,
  claimed_at  timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, code) REFERENCES share_codes(tenant_id, code),
  CHECK ((customer_id IS NULL) = (claimed_at IS NULL))
);
CREATE INDEX share_visits_attributable ON share_visits (tenant_id, customer_id, visited_at DESC) WHERE customer_id IS NOT NULL AND NOT self_share;
CREATE INDEX share_visits_by_code ON share_visits (tenant_id, code, visited_at DESC);

-- How long a visit through a code attributes the buyer's orders to its sharer. No row: 7 days.
CREATE TABLE share_settings (
  tenant_id        text PRIMARY KEY REFERENCES tenants(id),
  attribution_days integer NOT NULL DEFAULT 7 CHECK (attribution_days BETWEEN 0 AND 90),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The order remembers whom it is attributed to: the code last visited within the window, its
-- sharer and B node (which may differ from the shop that sold: commissions follow the sharer).
ALTER TABLE orders
  ADD COLUMN share_code       text,
  ADD COLUMN sharer_user_id   text,
  ADD COLUMN sharer_b_node_id text,
  ADD CONSTRAINT orders_attribution_whole CHECK ((share_code IS NULL) = (sharer_user_id IS NULL) AND (share_code IS NULL) = (sharer_b_node_id IS NULL));
CREATE INDEX orders_by_sharer ON orders (tenant_id, sharer_user_id, created_at DESC) WHERE sharer_user_id IS NOT NULL;

-- Subscribe messages (订阅消息): a tenant's template for each order event, chosen by an admin in
-- WeChat's console. `fields` maps each template key (thing1, character_string2 …) to what of the
-- order fills it.
CREATE TABLE subscribe_templates (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  event       text NOT NULL CHECK (event IN ('order_paid', 'ready_for_pickup', 'refund_done')),
  template_id text NOT NULL CHECK (length(template_id) BETWEEN 1 AND 128),
  page        text NOT NULL DEFAULT '',
  fields      jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, event)
);

-- One-time opt-ins left per customer and template: each acceptance in wx.requestSubscribeMessage
-- allows one message; a send takes one, never below zero.
CREATE TABLE subscribe_opt_ins (
  tenant_id   text NOT NULL,
  customer_id text NOT NULL,
  template_id text NOT NULL,
  remaining   integer NOT NULL CHECK (remaining >= 0),
  accepted    integer NOT NULL CHECK (accepted >= remaining),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id, template_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);

-- Every message an order event asked for, once per event and subject (the order, or the refund
-- for refund_done): queued → sending (opt-in taken) → sent | failed; skipped without an opt-in.
CREATE TABLE subscribe_messages (
  tenant_id    text NOT NULL,
  id           text NOT NULL,
  event        text NOT NULL CHECK (event IN ('order_paid', 'ready_for_pickup', 'refund_done')),
  subject_id   text NOT NULL,
  order_id     text NOT NULL,
  customer_id  text NOT NULL,
  template_id  text NOT NULL,
  status       text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
  opt_in_taken boolean NOT NULL DEFAULT false,
  touser       text,
  errcode      integer,
  error        text NOT NULL DEFAULT '',
  attempts     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL,
  settled_at   timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, event, subject_id),
  CHECK (status NOT IN ('sending', 'sent') OR opt_in_taken)
);
CREATE INDEX subscribe_messages_newest ON subscribe_messages (tenant_id, created_at DESC, id DESC);

-- The sandbox's WeChat keeps its own count of opt-ins, fed by the sandbox shop's subscribe step,
-- and refuses a send without one (43101) as WeChat does. Simulator state: never read by the server.
CREATE TABLE wechat_sim_subscribe_quotas (
  appid       text NOT NULL,
  openid      text NOT NULL,
  template_id text NOT NULL,
  remaining   integer NOT NULL CHECK (remaining >= 0),
  PRIMARY KEY (appid, openid, template_id)
);
