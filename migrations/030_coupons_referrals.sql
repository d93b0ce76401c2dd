-- Coupons and promotions: templates an operator creates (judged by the economics guard), coupons
-- claimed into a buyer's wallet, and their redemptions against orders. Budgets in count and in
-- money are taken at checkout by conditional updates in checkout's one write, as subsidies are.

CREATE TABLE coupon_templates (
  tenant_id          text NOT NULL REFERENCES tenants(id),
  id                 text NOT NULL,
  name               text NOT NULL,
  -- fixed: `amount` off; percent: `percent_bps` of the eligible goods, rounded down to the fen and
  -- capped at `max_discount` when set; threshold (满减): `amount` off once eligible goods reach `min_total`.
  kind               text NOT NULL CHECK (kind IN ('fixed', 'percent', 'threshold')),
  amount             bigint CHECK (amount > 0),
  percent_bps        int CHECK (percent_bps BETWEEN 1 AND 10000),
  max_discount       bigint CHECK (max_discount > 0),
  min_total          bigint NOT NULL DEFAULT 0 CHECK (min_total >= 0),
  -- What the coupon applies to: the whole order, listed SKUs, categories (with their subtrees) or B nodes.
  target             text NOT NULL CHECK (target IN ('order', 'skus', 'categories', 'b_nodes')),
  target_ids         text[] NOT NULL DEFAULT '{}',
  stacks_with_subsidy boolean NOT NULL DEFAULT false,
  stacks_with_coupons boolean NOT NULL DEFAULT false,
  -- Claimable between claim_starts_at and claim_ends_at; a claimed coupon is valid until
  -- valid_until, or for valid_days after its claim.
  claim_starts_at    timestamptz NOT NULL,
  claim_ends_at      timestamptz NOT NULL CHECK (claim_ends_at > claim_starts_at),
  valid_until        timestamptz,
  valid_days         int CHECK (valid_days BETWEEN 1 AND 3650),
  per_customer_limit int NOT NULL DEFAULT 1 CHECK (per_customer_limit BETWEEN 1 AND 100),
  total_count        int NOT NULL CHECK (total_count > 0),
  used_count         int NOT NULL DEFAULT 0 CHECK (used_count >= 0 AND used_count <= total_count),
  claimed_count      int NOT NULL DEFAULT 0 CHECK (claimed_count >= 0),
  budget             bigint NOT NULL CHECK (budget > 0),
  spent              bigint NOT NULL DEFAULT 0 CHECK (spent >= 0 AND spent <= budget),
  -- Only the tenant's own campaigns (NULL) or one B node's.
  b_node_id          text,
  status             text NOT NULL CHECK (status IN ('active', 'ended')),
  verdict            text NOT NULL CHECK (verdict IN ('accept', 'warn')),
  guard              jsonb NOT NULL,
  override_reason    text,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  CHECK ((valid_until IS NULL) <> (valid_days IS NULL)),
  CHECK (CASE kind WHEN 'percent' THEN percent_bps IS NOT NULL AND amount IS NULL
                   WHEN 'threshold' THEN amount IS NOT NULL AND percent_bps IS NULL AND min_total > amount
                   ELSE amount IS NOT NULL AND percent_bps IS NULL END)
);

-- How many coupons of a template each customer claimed: the personal limit, taken by one upsert.
CREATE TABLE coupon_holders (
  tenant_id   text NOT NULL,
  template_id text NOT NULL,
  customer_id text NOT NULL,
  claimed     int NOT NULL CHECK (claimed >= 1),
  PRIMARY KEY (tenant_id, template_id, customer_id),
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates(tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);

-- The buyer's wallet: one row per claimed coupon.
CREATE TABLE coupons (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  template_id text NOT NULL,
  customer_id text NOT NULL,
  source      text NOT NULL CHECK (source IN ('claim', 'reward')),
  status      text NOT NULL CHECK (status IN ('available', 'used')),
  order_id    text,
  claimed_at  timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates(tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id),
  CHECK ((status = 'used') = (order_id IS NOT NULL))
);
CREATE INDEX coupons_wallet ON coupons (tenant_id, customer_id, status);

-- Each use of a coupon by an order; returned_at set once, when the order is cancelled, expires or is
-- refunded in full. A coupon has at most one use standing.
CREATE TABLE coupon_redemptions (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  coupon_id   text NOT NULL,
  template_id text NOT NULL,
  order_id    text NOT NULL,
  customer_id text NOT NULL,
  amount      bigint NOT NULL CHECK (amount > 0),
  created_at  timestamptz NOT NULL,
  returned_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, coupon_id) REFERENCES coupons(tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id)
);
CREATE UNIQUE INDEX coupon_redemptions_one_standing ON coupon_redemptions (tenant_id, coupon_id) WHERE returned_at IS NULL;
CREATE INDEX coupon_redemptions_by_order ON coupon_redemptions (tenant_id, order_id);
CREATE INDEX coupon_redemptions_by_template ON coupon_redemptions (tenant_id, template_id, created_at);

-- The part of an order's discount that came from a subsidy campaign (what goes back to its budget
-- when the order closes unpaid); the rest of `discount` is coupons'.
ALTER TABLE orders ADD COLUMN subsidy_discount bigint NOT NULL DEFAULT 0 CHECK (subsidy_discount >= 0);
UPDATE orders SET subsidy_discount = discount WHERE campaign_id IS NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_subsidy_within_discount CHECK (subsidy_discount <= discount);

-- Referral tasks (任务宝): invite N friends who place a first paid order, get a coupon or points.
-- Never cash: the economics guard refuses a reward paid per recruit in money.
CREATE TABLE referral_tasks (
  tenant_id          text NOT NULL REFERENCES tenants(id),
  id                 text NOT NULL,
  name               text NOT NULL,
  invites_required   int NOT NULL CHECK (invites_required BETWEEN 1 AND 100),
  reward_kind        text NOT NULL CHECK (reward_kind IN ('coupon', 'points')),
  reward_template_id text,
  reward_points      int CHECK (reward_points > 0),
  starts_at          timestamptz NOT NULL,
  ends_at            timestamptz NOT NULL CHECK (ends_at > starts_at),
  status             text NOT NULL CHECK (status IN ('active', 'ended')),
  verdict            text NOT NULL CHECK (verdict IN ('accept', 'warn')),
  guard              jsonb NOT NULL,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, reward_template_id) REFERENCES coupon_templates(tenant_id, id),
  CHECK (CASE reward_kind WHEN 'coupon' THEN reward_template_id IS NOT NULL AND reward_points IS NULL
                          ELSE reward_points IS NOT NULL AND reward_template_id IS NULL END)
);

-- Each invitee counts once per task, for the first inviter whose link brought their first paid
-- order; `counted` false records why not (self-invite, duplicate identity, refunded).
CREATE TABLE referral_invites (
  tenant_id   text NOT NULL,
  task_id     text NOT NULL,
  invitee_id  text NOT NULL,
  inviter_id  text NOT NULL,
  order_id    text NOT NULL,
  counted     boolean NOT NULL,
  reason      text CHECK (reason IN ('self_invite', 'duplicate_identity', 'refunded')),
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, task_id, invitee_id),
  FOREIGN KEY (tenant_id, task_id) REFERENCES referral_tasks(tenant_id, id),
  CHECK (counted = (reason IS NULL))
);
CREATE INDEX referral_invites_by_inviter ON referral_invites (tenant_id, task_id, inviter_id);
CREATE INDEX referral_invites_by_order ON referral_invites (tenant_id, order_id);

-- Rewards given: one per inviter and task and each full multiple of invites_required.
CREATE TABLE referral_rewards (
  tenant_id  text NOT NULL,
  task_id    text NOT NULL,
  inviter_id text NOT NULL,
  round      int NOT NULL CHECK (round >= 1),
  coupon_id  text,
  points     int,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, task_id, inviter_id, round),
  FOREIGN KEY (tenant_id, task_id) REFERENCES referral_tasks(tenant_id, id)
);

-- Points: a balance per customer and the ledger rows that make it.
CREATE TABLE points_balances (
  tenant_id   text NOT NULL,
  customer_id text NOT NULL,
  balance     bigint NOT NULL CHECK (balance >= 0),
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);
CREATE TABLE points_ledger (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  customer_id text NOT NULL,
  delta       bigint NOT NULL CHECK (delta <> 0),
  reason      text NOT NULL,
  ref         text NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, reason, ref)
);
CREATE INDEX points_ledger_by_customer ON points_ledger (tenant_id, customer_id, created_at);
