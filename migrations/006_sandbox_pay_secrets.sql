-- The sandbox payment provider signs each tenant's notifications with that tenant's own secret,
-- as a real provider signs with each merchant's key; one process-wide secret with a published
-- default let anyone forge a payment. The column default draws 244 random bits (two v4 UUIDs,
-- PostgreSQL's strong random source) for every new tenant; adding the column with a volatile
-- default gives every existing tenant its own value too. Encryption at rest comes later.
ALTER TABLE tenants
  ADD COLUMN sandbox_pay_secret text NOT NULL
  DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');

-- A nonce is accepted once per message: a signed notification's (nonce, signature) is kept while
-- its timestamp is inside the acceptance window, so a nonce seen with another message is refused.
-- Older rows are pruned: a notification that old is refused for its timestamp anyway.
CREATE TABLE payment_notification_nonces (
  tenant_id   text NOT NULL,
  provider    text NOT NULL,
  nonce       text NOT NULL,
  fingerprint text NOT NULL,
  signed_at   timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider, nonce)
);
CREATE INDEX payment_notification_nonces_signed_at ON payment_notification_nonces (signed_at);
