-- Consumer sign-in that proves the phone: a one-time code sent by SMS, then a session.

-- How a customer signs in, one row per (provider, subject): the phone today, WeChat's openid or
-- unionid later, each pointing at the one customer it proves. A second way in is a second row.
CREATE TABLE customer_identities (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  provider    text NOT NULL CHECK (provider IN ('phone', 'wechat_openid', 'wechat_unionid')),
  subject     text NOT NULL,
  customer_id text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider, subject),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);
CREATE INDEX customer_identities_customer ON customer_identities (tenant_id, customer_id);
INSERT INTO customer_identities (tenant_id, provider, subject, customer_id)
SELECT tenant_id, 'phone', phone, id FROM customers;

-- One-time codes: only a keyed hash is kept. A code serves once, for 5 minutes, and dies after
-- 5 wrong tries; only the newest code of a phone counts. The rows are also the throttle's memory
-- (per phone and per client address), so every server process sees the same counts.
CREATE TABLE otp_challenges (
  tenant_id   text NOT NULL REFERENCES tenants(id),
  id          text NOT NULL,
  phone       text NOT NULL,
  client_ip   text NOT NULL,
  code_hash   text NOT NULL,
  attempts    integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 5),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL CHECK (expires_at > created_at),
  consumed_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX otp_challenges_phone ON otp_challenges (tenant_id, phone, created_at DESC);
CREATE INDEX otp_challenges_ip ON otp_challenges (tenant_id, client_ip, created_at DESC);

-- Each tenant's SMS provider and its credentials; the secret is sealed (AES-256-GCM) under a key
-- derived from SIYU_SECRET_KEY and never returned by the API.
CREATE TABLE sms_settings (
  tenant_id         text PRIMARY KEY REFERENCES tenants(id),
  provider          text NOT NULL CHECK (provider IN ('sandbox', 'aliyun', 'tencent')),
  access_key_id     text NOT NULL DEFAULT '',
  access_key_secret text,
  sign_name         text NOT NULL DEFAULT '',
  template_code     text NOT NULL DEFAULT '',
  sdk_app_id        text NOT NULL DEFAULT '',
  region            text NOT NULL DEFAULT '',
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Every text message: written in the business transaction, sent by a job. The sandbox provider's
-- messages keep their text (the console's outbox is where a tester reads the code); a real
-- provider's template parameters are cleared once the provider has taken the message.
CREATE TABLE sms_messages (
  tenant_id           text NOT NULL REFERENCES tenants(id),
  id                  text NOT NULL,
  provider            text NOT NULL CHECK (provider IN ('sandbox', 'aliyun', 'tencent')),
  phone               text NOT NULL,
  purpose             text NOT NULL CHECK (purpose IN ('otp')),
  body                text,
  params              jsonb,
  status              text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  provider_message_id text,
  error               text,
  created_at          timestamptz NOT NULL,
  sent_at             timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sms_messages_recent ON sms_messages (tenant_id, created_at DESC);
