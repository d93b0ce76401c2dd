-- Staff and B node owners act for one B node, supplier operators for one supplier: a user of those
-- roles without one would otherwise fall through to the whole tenant. The checks and references
-- hold for every new or changed row; rows written before them are left as they are (NOT VALID)
-- and refused at sign-in with `no_b_node` / `no_supplier` until a tenant admin assigns one.

ALTER TABLE users
  ADD CONSTRAINT users_node_roles_have_b_node
    CHECK (role NOT IN ('b_owner', 'staff') OR b_node_id IS NOT NULL) NOT VALID,
  ADD CONSTRAINT users_supplier_operators_have_supplier
    CHECK (role <> 'supplier_operator' OR supplier_id IS NOT NULL) NOT VALID,
  ADD CONSTRAINT users_b_node_fk
    FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id) NOT VALID,
  ADD CONSTRAINT users_supplier_fk
    FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers(tenant_id, id) NOT VALID;
