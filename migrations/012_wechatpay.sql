-- WeChat Pay API v3 (direct merchant): each tenant's merchant settings, and the state of the
-- sandbox's WeChat Pay simulator.

-- One merchant per tenant. The private key and the APIv3 key are sealed (AES-256-GCM under a key
-- derived from SIYU_SECRET_KEY) and never returned by the API. Platform verification keys are
-- listed by serial: a WeChat Pay public key (`PUB_KEY_ID_…`) or a platform certificate.
-- api_base is WeChat's host, or 'simulator' for this server's own simulator (sandbox only).
CREATE TABLE wechatpay_merchants (
  tenant_id        text PRIMARY KEY REFERENCES tenants(id),
  mchid            text NOT NULL UNIQUE CHECK (mchid ~ '^[0-9]{6,32}$'),
  appids           text[] NOT NULL CHECK (cardinality(appids) BETWEEN 1 AND 4),
  merchant_serial  text NOT NULL CHECK (merchant_serial ~ '^[0-9A-Fa-f]{8,64}$'),
  private_key      text NOT NULL,
  apiv3_key        text NOT NULL,
  platform_keys    jsonb NOT NULL CHECK (jsonb_typeof(platform_keys) = 'array' AND jsonb_array_length(platform_keys) >= 1),
  api_base         text NOT NULL,
  profit_sharing   boolean NOT NULL DEFAULT false,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Which WeChat Pay order a payment became: the prepay id and the appid it was made for, so the
-- query job and close know what to ask, and a notification is checked against it.
ALTER TABLE payments
  ADD COLUMN wechatpay_appid text,
  ADD COLUMN wechatpay_prepay_id text,
  ADD COLUMN prepaid_at timestamptz,
  ADD COLUMN closed_at timestamptz;
-- The query job's work list: prepaid WeChat Pay payments still pending, oldest first.
CREATE INDEX payments_wechatpay_pending ON payments (prepaid_at) WHERE provider = 'wechatpay' AND status = 'pending' AND closed_at IS NULL;

-- A refund's WeChat-side state when it is neither done nor failed (ABNORMAL: the money could not
-- reach the buyer's account; staff must act).
ALTER TABLE refunds ADD COLUMN provider_status text;

-- The simulator (sandbox only): WeChat Pay's own records, kept in the database because the
-- sandbox runs one process per core and the pay sheet, the API and the delivery jobs may each be
-- served by a different one.
CREATE TABLE wechatpay_sim_transactions (
  mchid          text NOT NULL,
  out_trade_no   text NOT NULL,
  appid          text NOT NULL,
  prepay_id      text NOT NULL UNIQUE,
  transaction_id text NOT NULL UNIQUE,
  description    text NOT NULL,
  amount_total   integer NOT NULL CHECK (amount_total > 0),
  payer_openid   text NOT NULL,
  notify_url     text NOT NULL,
  time_expire    timestamptz,
  profit_sharing boolean NOT NULL DEFAULT false,
  -- the exact prepay request, for idempotency: the same out_trade_no with other parameters is refused
  request        jsonb NOT NULL,
  trade_state    text NOT NULL DEFAULT 'NOTPAY' CHECK (trade_state IN ('NOTPAY', 'SUCCESS', 'CLOSED', 'REFUND', 'PAYERROR')),
  success_time   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mchid, out_trade_no)
);

CREATE TABLE wechatpay_sim_refunds (
  mchid          text NOT NULL,
  out_refund_no  text NOT NULL,
  out_trade_no   text NOT NULL,
  refund_id      text NOT NULL UNIQUE,
  amount_refund  integer NOT NULL CHECK (amount_refund > 0),
  notify_url     text,
  status         text NOT NULL DEFAULT 'PROCESSING' CHECK (status IN ('PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL')),
  success_time   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mchid, out_refund_no),
  FOREIGN KEY (mchid, out_trade_no) REFERENCES wechatpay_sim_transactions (mchid, out_trade_no)
);

-- How the simulator behaves for one merchant: retry schedule compressed by time_scale (1 = WeChat's
-- own timing; 60 = a minute becomes a second), notifications delivered normally, twice, or dropped,
-- and the outcome of the next refunds.
CREATE TABLE wechatpay_sim_settings (
  mchid          text PRIMARY KEY,
  time_scale     integer NOT NULL DEFAULT 1 CHECK (time_scale BETWEEN 1 AND 100000),
  notify_mode    text NOT NULL DEFAULT 'normal' CHECK (notify_mode IN ('normal', 'duplicate', 'drop')),
  refund_outcome text NOT NULL DEFAULT 'SUCCESS' CHECK (refund_outcome IN ('SUCCESS', 'CLOSED', 'ABNORMAL'))
);

-- A WeChat Pay refund reported ABNORMAL (the buyer's card or account refused the money) is not
-- final: it goes on the staff's "needs action" list beside failed refunds.
ALTER TABLE after_sales_actions DROP CONSTRAINT after_sales_actions_kind_check;
ALTER TABLE after_sales_actions ADD CONSTRAINT after_sales_actions_kind_check CHECK (kind IN ('refund_failed', 'refund_abnormal'));
