-- A text message's recipient at rest, as a customer's phone since migration 032: sealed with the
-- customers' phone key (AES-256-GCM), opened only by the send job to hand the number to the
-- provider, and masked for the outbox. Nothing looks messages up by their number, so no blind index.
-- SQL cannot seal with the application's key: the plain numbers move to sms_phones_unsealed, which
-- the start step (and `siyu migrate`) seals into the new columns and empties, before anything is
-- served — the same step that seals customers' phones.
CREATE TABLE sms_phones_unsealed (
  tenant_id  text NOT NULL,
  message_id text NOT NULL,
  phone      text NOT NULL,
  PRIMARY KEY (tenant_id, message_id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES sms_messages(tenant_id, id)
);
INSERT INTO sms_phones_unsealed (tenant_id, message_id, phone) SELECT tenant_id, id, phone FROM sms_messages;

ALTER TABLE sms_messages DROP COLUMN phone;
ALTER TABLE sms_messages
  ADD COLUMN phone_sealed text CHECK (phone_sealed ~ '^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$'),
  ADD COLUMN phone_masked text CHECK (phone_masked ~ '^\+?[0-9]{0,3}\*{4}[0-9]{0,4}$'),
  ADD CONSTRAINT sms_messages_phone_whole CHECK ((phone_sealed IS NULL) = (phone_masked IS NULL));
-- Every message written from now on carries its sealed number (NOT VALID skips the rows from
-- before); the start step validates it once it has sealed them all.
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_phone_sealed CHECK (phone_sealed IS NOT NULL) NOT VALID;
