-- Failed sign-ins, counted in the database so every server process sees the same count. One row
-- per account (`account`, the login as typed, known or not, so a lock says nothing about which
-- logins exist) and per client address (`address`). Enough failures in a row lock the subject
-- until `locked_until`, each further failure doubling the lock; a successful sign-in deletes the
-- account's row. A quiet hour forgets the count.
CREATE TABLE login_attempts (
  tenant_id      text NOT NULL REFERENCES tenants(id),
  kind           text NOT NULL CHECK (kind IN ('account', 'address')),
  subject        text NOT NULL,
  failures       integer NOT NULL CHECK (failures > 0),
  locked_until   timestamptz,
  last_failed_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, kind, subject)
);

-- Wrong pickup codes per order: after enough in a row the order's code verification is locked
-- for a while, so a code cannot be found by trying; the right code deletes the row.
CREATE TABLE pickup_code_attempts (
  tenant_id      text NOT NULL,
  order_id       text NOT NULL,
  failures       integer NOT NULL CHECK (failures > 0),
  locked_until   timestamptz,
  last_failed_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, order_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, id) ON DELETE CASCADE
);

-- Tokens get a public id, so an admin can list and revoke API tokens without ever seeing their
-- hash. The application draws the id; the default covers existing rows and bulk inserts.
ALTER TABLE auth_tokens ADD COLUMN id text NOT NULL DEFAULT 'tok_' || replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX auth_tokens_id ON auth_tokens (tenant_id, id);
-- Sign-out everywhere and a password change revoke a user's tokens in one statement.
CREATE INDEX auth_tokens_by_user ON auth_tokens (tenant_id, user_id) WHERE revoked_at IS NULL;
