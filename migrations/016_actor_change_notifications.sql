-- Servers keep the actor behind each bearer token (token, user's role and scope, consumer's
-- customer) in memory for a short while, so a request need not look it up every time. A change
-- to any of those rows, a customer merged into another included, must reach every server at
-- once: these triggers notify channel siyu_actors on commit (one notification per transaction,
-- whatever it changed), and each server drops what it kept. Inserts need none: a new token or
-- user is not cached anywhere yet.
CREATE FUNCTION notify_actors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('siyu_actors', '');
  RETURN NULL;
END $$;

CREATE TRIGGER auth_tokens_changed AFTER UPDATE OR DELETE OR TRUNCATE ON auth_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION notify_actors_changed();
CREATE TRIGGER users_changed AFTER UPDATE OF tenant_id, id, role, b_node_id, supplier_id OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_actors_changed();
CREATE TRIGGER customers_user_changed AFTER UPDATE OF tenant_id, id, user_id, merged_into OR DELETE OR TRUNCATE ON customers
  FOR EACH STATEMENT EXECUTE FUNCTION notify_actors_changed();
