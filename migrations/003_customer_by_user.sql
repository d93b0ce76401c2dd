-- Every consumer request resolves its customer from the signed-in user; without this index that
-- lookup scans all of a tenant's customers.
CREATE INDEX customers_by_user ON customers (tenant_id, user_id);
