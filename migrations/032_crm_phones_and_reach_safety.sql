-- A customer's phone at rest: sealed with the application's key (AES-256-GCM), a keyed blind index
-- (HMAC-SHA256) for equality, and the masked form lists show. No column keeps the plain number.
-- SQL cannot seal with the application's key: the plain phones move to customer_phones_unsealed,
-- which the first start after this migration seals into the new columns and empties
-- (sealUnsealedPhones, run by the primary right after migrating, before anything is served).
CREATE TABLE customer_phones_unsealed (
  tenant_id   text NOT NULL,
  customer_id text NOT NULL,
  phone       text NOT NULL,
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)
);
INSERT INTO customer_phones_unsealed (tenant_id, customer_id, phone)
SELECT tenant_id, id, phone FROM customers WHERE phone IS NOT NULL;

ALTER TABLE customers DROP COLUMN phone;
ALTER TABLE customers
  ADD COLUMN phone_sealed text CHECK (phone_sealed ~ '^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$'),
  ADD COLUMN phone_index  text CHECK (phone_index ~ '^[0-9a-f]{64}$'),
  ADD COLUMN phone_masked text CHECK (phone_masked ~ '^\+?[0-9]{0,3}\*{4}[0-9]{0,4}$'),
  -- Blind indexes of the phone's last 4, 5, … digits: staff find an order by a phone's tail.
  ADD COLUMN phone_tails  text[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT customers_phone_whole CHECK ((phone_sealed IS NULL) = (phone_index IS NULL) AND (phone_index IS NULL) = (phone_masked IS NULL)
                                              AND (phone_index IS NULL) = (cardinality(phone_tails) = 0));
CREATE INDEX customers_phone_tails ON customers USING gin (phone_tails);
-- One customer per phone per tenant, as the plain column's UNIQUE said.
CREATE UNIQUE INDEX customers_phone_index ON customers (tenant_id, phone_index);

-- A phone identity's subject is the blind index too. Plain subjects left from before are rewritten
-- by the same start step; the check holds every row written from now on (NOT VALID skips old rows),
-- and the step validates it once none is left.
ALTER TABLE customer_identities ADD CONSTRAINT customer_identities_phone_blind
  CHECK (provider <> 'phone' OR subject ~ '^[0-9a-f]{64}$') NOT VALID;

-- A one-time code's phone is kept as a keyed hash (the codes' own key): codes live 5 minutes, so
-- the few in flight are dropped rather than carried over (a buyer asks again).
DELETE FROM otp_challenges;
ALTER TABLE otp_challenges RENAME COLUMN phone TO phone_hash;
ALTER TABLE otp_challenges ADD CONSTRAINT otp_challenges_phone_hash CHECK (phone_hash ~ '^[0-9a-f]{64}$');

-- A mass message delivered to a customer is in their timeline once ('messaged', naming the broadcast).
CREATE UNIQUE INDEX customer_events_messaged_once ON customer_events (tenant_id, customer_id, (data->>'broadcast_id'))
  WHERE kind = 'messaged' AND data ? 'broadcast_id';

-- A handover belongs to the B node of the member handing over (or of the node role that made it):
-- a node's owner and staff see their own node's handovers only.
ALTER TABLE handovers ADD COLUMN b_node_id text;
UPDATE handovers h SET b_node_id = m.b_node_id FROM wecom_members m WHERE m.tenant_id = h.tenant_id AND m.userid = h.handover_userid;
ALTER TABLE handovers ADD FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id);
CREATE INDEX handovers_by_node ON handovers (tenant_id, b_node_id, created_at DESC);

-- WeCom reports adds, not scans. A live code's day counts `requests` (people who scanned and asked
-- to add a member: add_half or add, each person once a day, through live_code_requests) beside
-- `adds` (completed adds). The never-written `scans` column becomes `requests`.
ALTER TABLE live_code_days RENAME COLUMN scans TO requests;
CREATE TABLE live_code_requests (
  tenant_id       text NOT NULL,
  live_code_id    text NOT NULL,
  day             date NOT NULL,
  external_userid text NOT NULL,
  PRIMARY KEY (tenant_id, live_code_id, day, external_userid),
  FOREIGN KEY (tenant_id, live_code_id) REFERENCES live_codes(tenant_id, id)
);

-- A mass message is never sent twice by a crash: each add_msg_template call is recorded, with its
-- recipients marked 'submitting', and committed before WeCom is called. A retry finding a
-- submission without its msgid looks the task up at WeCom (get_groupmsg_list_v2) and adopts it, or
-- marks it 'uncertain' for the operator to resend explicitly. Both hold their cap slot.
CREATE TABLE broadcast_submissions (
  tenant_id     text NOT NULL,
  broadcast_id  text NOT NULL,
  id            text NOT NULL,
  sender_userid text NOT NULL,
  status        text NOT NULL CHECK (status IN ('submitting', 'submitted', 'uncertain', 'resent')),
  msgid         text,
  started_at    timestamptz NOT NULL,
  settled_at    timestamptz,
  PRIMARY KEY (tenant_id, broadcast_id, id),
  FOREIGN KEY (tenant_id, broadcast_id) REFERENCES broadcasts(tenant_id, id),
  CHECK ((status = 'submitted') = (msgid IS NOT NULL))
);
-- A msgid is adopted by one submission only.
CREATE UNIQUE INDEX broadcast_submissions_msgid ON broadcast_submissions (tenant_id, msgid) WHERE msgid IS NOT NULL;
CREATE INDEX broadcast_submissions_open ON broadcast_submissions (tenant_id, broadcast_id) WHERE status = 'submitting';

ALTER TABLE broadcast_recipients ADD COLUMN submission_id text;
DO $$
DECLARE c text;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'broadcast_recipients'::regclass AND contype = 'c'
             AND (pg_get_constraintdef(oid) LIKE '%refused_by_wecom%' OR pg_get_constraintdef(oid) LIKE '%counted_at IS NULL%')
  LOOP
    EXECUTE format('ALTER TABLE broadcast_recipients DROP CONSTRAINT %I', c);
  END LOOP;
END $$;
ALTER TABLE broadcast_recipients
  ADD CONSTRAINT broadcast_recipients_status CHECK (status IN ('planned', 'skipped', 'submitting', 'uncertain', 'pending', 'sent', 'failed', 'not_contact', 'refused_by_wecom', 'cancelled')),
  ADD CONSTRAINT broadcast_recipients_counted CHECK (counted_at IS NULL OR status IN ('planned', 'submitting', 'uncertain', 'pending', 'sent')),
  ADD CONSTRAINT broadcast_recipients_submitted CHECK (status NOT IN ('submitting', 'uncertain') OR submission_id IS NOT NULL);
