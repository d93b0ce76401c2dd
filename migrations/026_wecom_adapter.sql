-- The WeCom adapter: a tenant's corp settings (secrets sealed), the shared access token, and the
-- callback inbox where each event is kept once under WeCom's dedupe key. Then the simulator's own
-- state (wecom_sim_*), so every process of a sandbox answers alike; the server never reads it.

CREATE TABLE wecom_settings (
  tenant_id        text PRIMARY KEY REFERENCES tenants(id),
  corp_id          text NOT NULL CHECK (corp_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  agent_id         text,
  -- Sealed with a key derived from SIYU_SECRET_KEY; never returned by the API.
  token            text NOT NULL,
  encoding_aes_key text NOT NULL,
  secret           text NOT NULL,
  api_base         text NOT NULL CHECK (api_base ~ '^https?://'),
  -- The last URL verification: the console's "connection status" (with the inbox's latest event).
  verified_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
-- A callback carries the corp, not the tenant's slug alone: one corp belongs to one tenant.
CREATE UNIQUE INDEX wecom_settings_corp ON wecom_settings (corp_id);

-- The corp's access token (sealed), shared by every process; refreshed by the lease holder only
-- (one conditional UPDATE). version grows with each token, so a refused token is replaced once.
CREATE TABLE wecom_access_tokens (
  tenant_id    text PRIMARY KEY REFERENCES wecom_settings(tenant_id) ON DELETE CASCADE,
  access_token text,
  expires_at   timestamptz,
  version      integer NOT NULL DEFAULT 0,
  lease_holder text,
  lease_until  timestamptz,
  refreshed_at timestamptz,
  CHECK ((access_token IS NULL) = (expires_at IS NULL)),
  CHECK ((lease_holder IS NULL) = (lease_until IS NULL))
);

-- Each verified callback event once: WeCom retries (3 attempts) and events carry no id, so the key
-- is (ToUserName, FromUserName, CreateTime, Event, ChangeType, ExternalUserID|ChatId|Id, UserID).
-- The row and its wecom.event job are written in one transaction; applied_at when handlers ran.
CREATE TABLE wecom_callback_inbox (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  id          text NOT NULL,
  dedupe_key  text NOT NULL,
  event       jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  applied_at  timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX wecom_callback_inbox_received ON wecom_callback_inbox (tenant_id, received_at DESC);

-- The simulator. A corp it knows: its secret (gettoken), and where and how it signs callbacks.
CREATE TABLE wecom_sim_corps (
  corp_id          text PRIMARY KEY,
  secret           text NOT NULL,
  token            text NOT NULL DEFAULT '',
  encoding_aes_key text NOT NULL DEFAULT '',
  callback_url     text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE wecom_sim_tokens (
  access_token text PRIMARY KEY,
  corp_id      text NOT NULL REFERENCES wecom_sim_corps(corp_id) ON DELETE CASCADE,
  expires_at   timestamptz NOT NULL
);
-- Errors a tester injects: the next `remaining` calls of `api` (a path, or '*') answer errcode.
CREATE TABLE wecom_sim_faults (
  corp_id   text NOT NULL,
  api       text NOT NULL,
  errcode   integer NOT NULL,
  remaining integer NOT NULL CHECK (remaining >= 0),
  PRIMARY KEY (corp_id, api)
);
-- Members configured for customer contact, and external contacts with who follows them.
CREATE TABLE wecom_sim_members (
  corp_id text NOT NULL,
  userid  text NOT NULL,
  name    text NOT NULL DEFAULT '',
  PRIMARY KEY (corp_id, userid)
);
CREATE TABLE wecom_sim_contacts (
  corp_id         text NOT NULL,
  external_userid text NOT NULL,
  name            text NOT NULL,
  unionid         text,
  type            smallint NOT NULL DEFAULT 1,
  gender          smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (corp_id, external_userid)
);
CREATE TABLE wecom_sim_follows (
  corp_id         text NOT NULL,
  userid          text NOT NULL,
  external_userid text NOT NULL,
  remark          text NOT NULL DEFAULT '',
  state           text,
  add_way         integer NOT NULL DEFAULT 1,
  createtime      bigint NOT NULL,
  tag_ids         text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (corp_id, userid, external_userid)
);
CREATE TABLE wecom_sim_tag_groups (
  corp_id     text NOT NULL,
  group_id    text NOT NULL,
  group_name  text NOT NULL,
  sort_order  integer NOT NULL DEFAULT 0,
  create_time bigint NOT NULL,
  PRIMARY KEY (corp_id, group_id),
  UNIQUE (corp_id, group_name)
);
CREATE TABLE wecom_sim_tags (
  corp_id     text NOT NULL,
  tag_id      text NOT NULL,
  group_id    text NOT NULL,
  name        text NOT NULL,
  sort_order  integer NOT NULL DEFAULT 0,
  create_time bigint NOT NULL,
  PRIMARY KEY (corp_id, tag_id),
  FOREIGN KEY (corp_id, group_id) REFERENCES wecom_sim_tag_groups(corp_id, group_id) ON DELETE CASCADE
);
CREATE TABLE wecom_sim_groups (
  corp_id        text NOT NULL,
  chat_id        text NOT NULL,
  name           text NOT NULL,
  owner          text NOT NULL,
  notice         text NOT NULL DEFAULT '',
  create_time    bigint NOT NULL,
  member_version integer NOT NULL DEFAULT 1,
  -- groupchat/list's status: 0 normal, 1 owner left, 2 inheriting, 3 inherited; dismissed groups go.
  status         smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (corp_id, chat_id)
);
CREATE TABLE wecom_sim_group_members (
  corp_id    text NOT NULL,
  chat_id    text NOT NULL,
  userid     text NOT NULL,
  type       smallint NOT NULL,
  join_time  bigint NOT NULL,
  join_scene smallint NOT NULL,
  state      text,
  PRIMARY KEY (corp_id, chat_id, userid),
  FOREIGN KEY (corp_id, chat_id) REFERENCES wecom_sim_groups(corp_id, chat_id) ON DELETE CASCADE
);
CREATE TABLE wecom_sim_contact_ways (
  corp_id    text NOT NULL,
  config_id  text NOT NULL,
  request    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (corp_id, config_id)
);
-- A welcome code lives 20 s and works once; sent_by says who spent it (41051 for the next).
CREATE TABLE wecom_sim_welcome_codes (
  welcome_code    text PRIMARY KEY,
  corp_id         text NOT NULL,
  userid          text NOT NULL,
  external_userid text NOT NULL,
  expires_at      timestamptz NOT NULL,
  sent_at         timestamptz,
  message         jsonb
);
CREATE TABLE wecom_sim_msg_templates (
  corp_id    text NOT NULL,
  msgid      text NOT NULL,
  chat_type  text NOT NULL,
  request    jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (corp_id, msgid)
);
-- One row per (task, sender, recipient): status 0 until the sender confirms, then 1/2/3.
CREATE TABLE wecom_sim_msg_results (
  corp_id   text NOT NULL,
  msgid     text NOT NULL,
  userid    text NOT NULL,
  recipient text NOT NULL,
  is_group  boolean NOT NULL,
  status    smallint NOT NULL DEFAULT 0,
  send_time bigint,
  PRIMARY KEY (corp_id, msgid, userid, recipient)
);
CREATE TABLE wecom_sim_transfers (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  corp_id         text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('onjob', 'resigned')),
  handover_userid text NOT NULL,
  takeover_userid text NOT NULL,
  external_userid text NOT NULL,
  -- transfer_result status: 1 done, 2 waiting takeover, 3 refused, 4 limit exceeded.
  status          smallint NOT NULL DEFAULT 2,
  created_at      timestamptz NOT NULL,
  takeover_time   bigint
);
CREATE INDEX wecom_sim_transfers_customer ON wecom_sim_transfers (corp_id, external_userid, created_at);
