-- The shared ground of S2B2C supply: the catalog's category tree and per-SKU pack sizes, suppliers
-- as parties with their own warehouses, and the B-node hierarchy with each node's pickup point.
-- Later migrations build the screens' tables (images, assortments, sales windows) on these.

CREATE TABLE categories (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  parent_id  text,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  position   integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, parent_id) REFERENCES categories(tenant_id, id),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE UNIQUE INDEX categories_name_per_parent ON categories (tenant_id, coalesce(parent_id, ''), name);

ALTER TABLE products
  ADD COLUMN category_id text,
  ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(attributes) = 'object'),
  ADD CONSTRAINT products_category_fk FOREIGN KEY (tenant_id, category_id) REFERENCES categories(tenant_id, id);
CREATE INDEX products_by_category ON products (tenant_id, category_id);

-- case_pack: units per case a supplier ships; min_order_qty: the least a purchase order may ask.
ALTER TABLE skus
  ADD COLUMN barcode text CHECK (barcode ~ '^[0-9A-Za-z-]{4,32}$'),
  ADD COLUMN case_pack integer NOT NULL DEFAULT 1 CHECK (case_pack BETWEEN 1 AND 10000),
  ADD COLUMN min_order_qty integer NOT NULL DEFAULT 1 CHECK (min_order_qty BETWEEN 1 AND 1000000),
  ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(attributes) = 'object');
CREATE UNIQUE INDEX skus_barcode ON skus (tenant_id, barcode) WHERE barcode IS NOT NULL;

-- A supplier is the tenant itself (its own brand) or a third party with its own logins and stock.
ALTER TABLE suppliers
  ADD COLUMN kind text NOT NULL DEFAULT 'third_party' CHECK (kind IN ('tenant', 'third_party'));

-- A warehouse with a supplier holds that supplier's stock; one without is the tenant's.
ALTER TABLE warehouses
  ADD COLUMN supplier_id text,
  ADD CONSTRAINT warehouses_supplier_fk FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers(tenant_id, id);

CREATE TABLE regions (
  tenant_id  text NOT NULL REFERENCES tenants(id),
  id         text NOT NULL,
  parent_id  text,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, parent_id) REFERENCES regions(tenant_id, id),
  CHECK (parent_id IS NULL OR parent_id <> id)
);

-- Region → store → leaders: a leader's parent is its store. tier is the operator's grading of a
-- node (1 = entry), used to target assortments. A node's pickup point is where its buyers collect:
-- the address already kept, GCJ-02 coordinates (what Chinese maps use) and opening hours.
ALTER TABLE b_nodes
  ADD COLUMN region_id text,
  ADD COLUMN parent_id text,
  ADD COLUMN tier smallint NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 9),
  ADD COLUMN pickup_lat double precision CHECK (pickup_lat BETWEEN -90 AND 90),
  ADD COLUMN pickup_lng double precision CHECK (pickup_lng BETWEEN -180 AND 180),
  ADD COLUMN pickup_hours text NOT NULL DEFAULT '' CHECK (length(pickup_hours) <= 200),
  ADD CONSTRAINT b_nodes_region_fk FOREIGN KEY (tenant_id, region_id) REFERENCES regions(tenant_id, id),
  ADD CONSTRAINT b_nodes_parent_fk FOREIGN KEY (tenant_id, parent_id) REFERENCES b_nodes(tenant_id, id),
  ADD CONSTRAINT b_nodes_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id),
  ADD CONSTRAINT b_nodes_pickup_point_whole CHECK ((pickup_lat IS NULL) = (pickup_lng IS NULL));
CREATE INDEX b_nodes_by_region ON b_nodes (tenant_id, region_id);
CREATE INDEX b_nodes_by_parent ON b_nodes (tenant_id, parent_id);
