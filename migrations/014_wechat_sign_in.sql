-- WeChat sign-in: each tenant's WeChat apps, the server access tokens they share across processes,
-- the official account's OAuth states, mini-program session keys; customers without a phone.

-- A tenant's official account and mini-program. The secret is sealed (AES-256-GCM) under a key
-- derived from SIYU_SECRET_KEY and never returned by the API; api_base is WeChat's host in live
-- mode, the built-in simulator's in the sandbox.
CREATE TABLE wechat_apps (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  app        text NOT NULL CHECK (app IN ('official_account', 'mini_program')),
  appid      text NOT NULL CHECK (appid <> ''),
  secret     text NOT NULL,
  api_base   text NOT NULL CHECK (api_base ~ '^https?://'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, app)
);

-- The server access token of each app (sealed), shared by every process. A process refreshes it
-- only while it holds the lease (one conditional UPDATE); the others wait and read again.
-- version grows with each new token, so "refresh the token I was refused with" refreshes once.
CREATE TABLE wechat_access_tokens (
  tenant_id    text NOT NULL,
  app          text NOT NULL,
  access_token text,
  expires_at   timestamptz,
  version      integer NOT NULL DEFAULT 0,
  lease_holder text,
  lease_until  timestamptz,
  refreshed_at timestamptz,
  PRIMARY KEY (tenant_id, app),
  FOREIGN KEY (tenant_id, app) REFERENCES wechat_apps(tenant_id, app) ON DELETE CASCADE,
  CHECK ((access_token IS NULL) = (expires_at IS NULL)),
  CHECK ((lease_holder IS NULL) = (lease_until IS NULL))
);

-- Official-account web authorisation: `state` is a single-use nonce bound to the browser that
-- started it (a keyed hash of a cookie's value), living 10 minutes.
CREATE TABLE wechat_oauth_states (
  tenant_id    text NOT NULL REFERENCES tenants(id),
  state        text NOT NULL CHECK (octet_length(state) <= 128),
  b_node_id    text NOT NULL,
  browser_hash text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL CHECK (expires_at > created_at),
  consumed_at  timestamptz,
  PRIMARY KEY (tenant_id, state)
);
CREATE INDEX wechat_oauth_states_created ON wechat_oauth_states (created_at);

-- The mini-program's session_key per openid: sealed, kept on the server, never sent to a client.
CREATE TABLE wechat_mini_program_sessions (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  openid      text NOT NULL,
  session_key text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, openid)
);

-- A buyer who signs in through WeChat may not have shared a phone yet.
ALTER TABLE customers ALTER COLUMN phone DROP NOT NULL;
-- When two customers turn out to be one person, the younger is merged into the older and kept for
-- the record, pointing at the survivor; it has no way in any more.
ALTER TABLE customers ADD COLUMN merged_into text;
ALTER TABLE customers ADD CONSTRAINT customers_merged_into FOREIGN KEY (tenant_id, merged_into) REFERENCES customers(tenant_id, id);
ALTER TABLE customers ADD CONSTRAINT customers_not_merged_into_self CHECK (merged_into IS NULL OR merged_into <> id);

-- The sandbox's WeChat OAuth / mini-program simulator keeps WeChat's side here, so that every
-- server process answers alike (its routes exist in sandbox mode only; in live mode these stay empty).
CREATE TABLE wechat_sim_apps (
  appid  text PRIMARY KEY,
  secret text NOT NULL
);
CREATE TABLE wechat_sim_users (
  user_key   text PRIMARY KEY CHECK (user_key ~ '^[A-Za-z0-9_.-]{1,32}$'),
  phone      text NOT NULL,
  blocked    boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE wechat_sim_codes (
  code       text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('oauth', 'login', 'phone')),
  appid      text NOT NULL,
  user_key   text NOT NULL REFERENCES wechat_sim_users(user_key),
  snapshot   boolean NOT NULL DEFAULT false,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE TABLE wechat_sim_tokens (
  access_token text PRIMARY KEY,
  appid        text NOT NULL,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX wechat_sim_tokens_appid ON wechat_sim_tokens (appid, expires_at DESC);
-- Errors to answer on purpose (system busy, …) the next `remaining` times a path is called.
CREATE TABLE wechat_sim_faults (
  path      text PRIMARY KEY,
  errcode   integer NOT NULL,
  remaining integer NOT NULL CHECK (remaining >= 0)
);
