-- Reaching customers through WeCom: mass messages (broadcasts) planned within WeCom's caps, with
-- one row per recipient that is both the plan and the send history the caps count.

-- How many mass messages one customer or group may receive: 'month' (as many as the month has
-- days, WeCom's default), 'week' (7 per week) or 'day' (1 per day), in the tenant's time zone.
CREATE TABLE broadcast_settings (
  tenant_id  text PRIMARY KEY REFERENCES tenants(id),
  cap_period text NOT NULL DEFAULT 'month' CHECK (cap_period IN ('month', 'week', 'day')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A mass message: to single customers chosen by an audience, or to customer groups. 'corp'
-- messages go out through each customer's member (WeCom groups them by member); 'member' messages
-- are one member's own, to their own customers (≤ 20,000, one per customer per day).
CREATE TABLE broadcasts (
  tenant_id     text NOT NULL REFERENCES tenants(id),
  id            text NOT NULL,
  chat_type     text NOT NULL CHECK (chat_type IN ('single', 'group')),
  initiator     text NOT NULL DEFAULT 'corp' CHECK (initiator IN ('corp', 'member')),
  sender_userid text,
  audience      jsonb NOT NULL,
  content       jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'scheduled', 'sending', 'sent', 'cancelled')),
  send_at       timestamptz NOT NULL,
  planned_at    timestamptz NOT NULL,
  sent_at       timestamptz,
  results_at    timestamptz,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, sender_userid) REFERENCES wecom_members(tenant_id, userid),
  CHECK (initiator = 'corp' OR sender_userid IS NOT NULL)
);
CREATE INDEX broadcasts_due ON broadcasts (send_at) WHERE status = 'scheduled';

-- Each recipient of a broadcast: will receive (planned → pending at WeCom → sent / failed /
-- not_contact / refused_by_wecom) or skipped with its reason. `counted_at` is set while the row counts
-- against the recipient's cap (planned, pending, sent): a skipped, failed or cancelled row never
-- counts, and a row over the cap is never written as anything but skipped (the plan decides it in
-- one statement under the tenant's planning lock).
-- The tenant is the broadcast's (its foreign key): no second per-row check against tenants, which
-- a plan of 100,000 rows would pay for.
CREATE TABLE broadcast_recipients (
  tenant_id       text NOT NULL,
  broadcast_id    text NOT NULL,
  recipient_key   text NOT NULL,
  initiator       text NOT NULL CHECK (initiator IN ('corp', 'member')),
  customer_id     text,
  group_id        text,
  external_userid text,
  chat_id         text,
  sender_userid   text,
  skip_reason     text CHECK (skip_reason IN ('over_cap', 'not_contact', 'over_member_daily', 'over_member_task_limit',
                                              'over_group_task_limit', 'no_sender')),
  status          text NOT NULL CHECK (status IN ('planned', 'skipped', 'pending', 'sent', 'failed', 'not_contact', 'refused_by_wecom', 'cancelled')),
  counted_at      timestamptz,
  msgid           text,
  sent_time       timestamptz,
  PRIMARY KEY (tenant_id, broadcast_id, recipient_key),
  FOREIGN KEY (tenant_id, broadcast_id) REFERENCES broadcasts(tenant_id, id),
  CHECK ((status = 'skipped') = (skip_reason IS NOT NULL)),
  CHECK (counted_at IS NULL OR status IN ('planned', 'pending', 'sent')),
  CHECK ((customer_id IS NULL) <> (group_id IS NULL))
);
-- The caps read the sends of a window (a month at most) of the tenant, straight from the index.
CREATE INDEX broadcast_recipients_customer_history ON broadcast_recipients (tenant_id, counted_at) INCLUDE (customer_id, initiator)
  WHERE counted_at IS NOT NULL AND customer_id IS NOT NULL;
CREATE INDEX broadcast_recipients_group_history ON broadcast_recipients (tenant_id, counted_at) INCLUDE (group_id)
  WHERE counted_at IS NOT NULL AND group_id IS NOT NULL;

-- A live code (联系我): a WeCom contact way for a store, one or more members, or a campaign, whose
-- `state` comes back on every contact it brings — attributing them (B node, channel), tagging
-- them and choosing their welcome message. A group live code points at a list of customer groups
-- and sends people to the first that has room (QR joining stops at 200 members).
CREATE TABLE live_codes (
  tenant_id      text NOT NULL REFERENCES tenants(id),
  id             text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('store', 'member', 'campaign', 'group')),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  state          text NOT NULL CHECK (length(state) BETWEEN 1 AND 30),
  b_node_id      text,
  campaign_id    text,
  userids        text[] NOT NULL DEFAULT '{}',
  config_id      text,
  qr_code        text,
  tag_ids        text[] NOT NULL DEFAULT '{}',
  welcome        jsonb,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
  full_warned_at timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, state),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id),
  CHECK (kind = 'group' OR cardinality(userids) >= 1),
  CHECK (kind <> 'member' OR cardinality(userids) = 1)
);

CREATE TABLE live_code_groups (
  tenant_id    text NOT NULL,
  live_code_id text NOT NULL,
  position     integer NOT NULL CHECK (position >= 0),
  group_id     text NOT NULL,
  PRIMARY KEY (tenant_id, live_code_id, position),
  UNIQUE (tenant_id, live_code_id, group_id),
  FOREIGN KEY (tenant_id, live_code_id) REFERENCES live_codes(tenant_id, id)
);

-- Contacts a live code brought, per day in the tenant's time zone (group codes: joins).
CREATE TABLE live_code_days (
  tenant_id    text NOT NULL,
  live_code_id text NOT NULL,
  day          date NOT NULL,
  scans        integer NOT NULL DEFAULT 0 CHECK (scans >= 0),
  adds         integer NOT NULL DEFAULT 0 CHECK (adds >= 0),
  PRIMARY KEY (tenant_id, live_code_id, day),
  FOREIGN KEY (tenant_id, live_code_id) REFERENCES live_codes(tenant_id, id)
);

-- A welcome message owed to a new contact: one row per welcome_code, so the code is used at most
-- once whatever replays; tried only within WeCom's 20 s, the delay from the event kept.
CREATE TABLE welcome_messages (
  tenant_id       text NOT NULL REFERENCES tenants(id),
  welcome_code    text NOT NULL,
  live_code_id    text,
  userid          text NOT NULL,
  external_userid text NOT NULL,
  customer_id     text,
  content         jsonb NOT NULL,
  event_at        timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'expired', 'sent_by_other', 'failed')),
  attempted_at    timestamptz,
  delay_ms        integer,
  errcode         integer,
  PRIMARY KEY (tenant_id, welcome_code),
  FOREIGN KEY (tenant_id, live_code_id) REFERENCES live_codes(tenant_id, id)
);

-- A handover (在职/离职继承): a member's customers and groups moved to another member. Each item
-- is decided before WeCom is asked — a customer handed over twice in 90 days is refused with the
-- reason — then submitted, then settled by WeCom's takeover (24 h) or a transfer_fail event.
CREATE TABLE handovers (
  tenant_id       text NOT NULL REFERENCES tenants(id),
  id              text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('onjob', 'resigned')),
  handover_userid text NOT NULL,
  takeover_userid text NOT NULL,
  created_by      text,
  created_at      timestamptz NOT NULL,
  submitted_at    timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, handover_userid) REFERENCES wecom_members(tenant_id, userid),
  FOREIGN KEY (tenant_id, takeover_userid) REFERENCES wecom_members(tenant_id, userid),
  CHECK (handover_userid <> takeover_userid)
);

CREATE TABLE handover_items (
  tenant_id       text NOT NULL,
  handover_id     text NOT NULL,
  item_key        text NOT NULL,
  customer_id     text,
  external_userid text,
  group_id        text,
  chat_id         text,
  status          text NOT NULL CHECK (status IN ('queued', 'refused', 'waiting', 'done', 'failed')),
  reason          text,
  errcode         integer,
  created_at      timestamptz NOT NULL,
  settled_at      timestamptz,
  PRIMARY KEY (tenant_id, handover_id, item_key),
  FOREIGN KEY (tenant_id, handover_id) REFERENCES handovers(tenant_id, id),
  CHECK ((customer_id IS NULL) <> (group_id IS NULL)),
  CHECK (status NOT IN ('refused', 'failed') OR reason IS NOT NULL)
);
-- WeCom's limit reads a customer's handovers of the last 90 days.
CREATE INDEX handover_items_by_customer ON handover_items (tenant_id, customer_id, created_at) WHERE customer_id IS NOT NULL;
CREATE INDEX handover_items_waiting ON handover_items (tenant_id, external_userid) WHERE status = 'waiting';
