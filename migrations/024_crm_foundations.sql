-- The shared ground of the WeCom CRM: who the tenant's WeCom members are, which of them each
-- customer has added (follows), tags kept in step with WeCom's corp tags, customer groups and their
-- members, and one timeline per customer. Later migrations add the callback inbox, live codes,
-- welcome messages, handovers, mass messages and churn alerts on these.

-- A customer is also found by their WeCom external_userid.
ALTER TABLE customer_identities DROP CONSTRAINT customer_identities_provider_check;
ALTER TABLE customer_identities ADD CONSTRAINT customer_identities_provider_check
  CHECK (provider IN ('phone', 'wechat_openid', 'wechat_unionid', 'wecom_external_userid'));

-- Where a customer came from: a live code's state, a share, the shop.
ALTER TABLE customers ADD COLUMN channel text CHECK (length(channel) <= 64);

-- A WeCom member (企业成员) of the tenant's corp, known by WeCom's userid; bound to a Siyu user and
-- the B node they serve when the tenant links them. 'left' members' customers await handover.
CREATE TABLE wecom_members (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  userid     text NOT NULL CHECK (length(userid) BETWEEN 1 AND 64),
  name       text NOT NULL DEFAULT '',
  user_id    text,
  b_node_id  text,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, userid),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id)
);
CREATE UNIQUE INDEX wecom_members_user ON wecom_members (tenant_id, user_id) WHERE user_id IS NOT NULL;

-- A member following a customer (the customer added them, or they added the customer). A
-- follow ends when either side deletes the other or a handover moves it; the row stays for history.
CREATE TABLE customer_follows (
  tenant_id       text NOT NULL REFERENCES tenants(id),
  customer_id     text NOT NULL,
  userid          text NOT NULL,
  external_userid text NOT NULL,
  remark          text NOT NULL DEFAULT '',
  state           text CHECK (length(state) <= 30),
  add_way         integer,
  added_at        timestamptz NOT NULL,
  ended_at        timestamptz,
  ended_by        text CHECK (ended_by IN ('member', 'customer', 'transfer')),
  PRIMARY KEY (tenant_id, customer_id, userid),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id),
  FOREIGN KEY (tenant_id, userid) REFERENCES wecom_members(tenant_id, userid),
  CHECK ((ended_at IS NULL) = (ended_by IS NULL))
);
CREATE INDEX customer_follows_by_member ON customer_follows (tenant_id, userid) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX customer_follows_by_external ON customer_follows (tenant_id, external_userid, userid);

-- Tags in groups, mirrored with WeCom's corp tags (wecom_id set once WeCom knows it).
CREATE TABLE customer_tag_groups (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
  position   integer NOT NULL DEFAULT 0,
  wecom_id   text,
  deleted_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX customer_tag_groups_name ON customer_tag_groups (tenant_id, name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX customer_tag_groups_wecom ON customer_tag_groups (tenant_id, wecom_id) WHERE wecom_id IS NOT NULL;

CREATE TABLE customer_tags (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  group_id   text NOT NULL,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
  position   integer NOT NULL DEFAULT 0,
  wecom_id   text,
  deleted_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES customer_tag_groups(tenant_id, id)
);
CREATE UNIQUE INDEX customer_tags_name ON customer_tags (tenant_id, group_id, name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX customer_tags_wecom ON customer_tags (tenant_id, wecom_id) WHERE wecom_id IS NOT NULL;

CREATE TABLE customer_tag_links (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  customer_id text NOT NULL,
  tag_id      text NOT NULL,
  tagged_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id, tag_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id),
  FOREIGN KEY (tenant_id, tag_id) REFERENCES customer_tags(tenant_id, id)
);
-- The planner and the list filter by tag: customers of a tag, fast.
CREATE INDEX customer_tag_links_by_tag ON customer_tag_links (tenant_id, tag_id, customer_id);

-- A WeCom customer group (客户群), known by chat_id; attributed to the B node of its owner.
CREATE TABLE customer_groups (
  tenant_id      text NOT NULL REFERENCES tenants(id),
  id             text NOT NULL,
  chat_id        text NOT NULL,
  name           text NOT NULL DEFAULT '',
  owner_userid   text,
  b_node_id      text,
  notice         text NOT NULL DEFAULT '',
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dismissed')),
  member_count   integer NOT NULL DEFAULT 0 CHECK (member_count >= 0),
  member_version text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, chat_id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id)
);

-- member_type 1: a WeCom member (member_key = userid); 2: an external contact (member_key =
-- external_userid, customer_id once known). A member who leaves keeps the row with left_at.
CREATE TABLE customer_group_members (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  group_id    text NOT NULL,
  member_key  text NOT NULL,
  member_type smallint NOT NULL CHECK (member_type IN (1, 2)),
  customer_id text,
  join_time   timestamptz,
  join_scene  smallint,
  left_at     timestamptz,
  quit_scene  smallint,
  PRIMARY KEY (tenant_id, group_id, member_key),
  FOREIGN KEY (tenant_id, group_id) REFERENCES customer_groups(tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);
CREATE INDEX customer_group_members_by_customer ON customer_group_members (tenant_id, customer_id) WHERE customer_id IS NOT NULL;

-- The customer's timeline: one row per thing that happened to them, newest first when read.
CREATE TABLE customer_events (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  id          text NOT NULL,
  customer_id text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('added', 'removed_member', 'deleted_by_member', 'joined_group', 'left_group',
                                            'tagged', 'untagged', 'messaged', 'welcomed', 'ordered', 'refunded',
                                            'transferred', 'transfer_failed', 'merged', 'churn_alert')),
  userid      text,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);
CREATE INDEX customer_events_by_customer ON customer_events (tenant_id, customer_id, occurred_at DESC);
