-- Assortments (货盘): a supplier's offer of its SKUs at a supply price and a retail band, for a
-- segment of B nodes, for a while. B nodes curate listings from the assortments aimed at them.

CREATE TABLE assortments (
  tenant_id    text NOT NULL REFERENCES tenants(id),
  id           text NOT NULL,
  supplier_id  text NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn', 'expired')),
  valid_from   timestamptz NOT NULL,
  valid_until  timestamptz NOT NULL,
  -- Targeting, read at query time so a node that moves region, kind or tier sees the new set: a node
  -- is aimed at when it is named in target_node_ids, or when at least one of region, kinds and
  -- tiers is set and it meets every one set (region: the region or any region below it).
  target_region_id text,
  target_kinds     text[] CHECK (target_kinds <@ ARRAY['store', 'leader', 'koc']),
  target_tiers     smallint[] CHECK (target_tiers <@ ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9]::smallint[]),
  target_node_ids  text[] NOT NULL DEFAULT '{}',
  published_at timestamptz,
  closed_at    timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers(tenant_id, id),
  FOREIGN KEY (tenant_id, target_region_id) REFERENCES regions(tenant_id, id),
  CHECK (valid_from < valid_until),
  CHECK (status = 'draft' OR published_at IS NOT NULL)
);
CREATE INDEX assortments_by_supplier ON assortments (tenant_id, supplier_id, created_at);
CREATE INDEX assortments_live ON assortments (tenant_id, valid_until) WHERE status = 'published';

-- commission_bp: the B node's commission in basis points of the retail price. node_cap: the most
-- units one B node may sell of the SKU from this assortment (NULL: no cap).
CREATE TABLE assortment_items (
  tenant_id      text NOT NULL,
  assortment_id  text NOT NULL,
  sku_id         text NOT NULL,
  supply_price   bigint NOT NULL CHECK (supply_price >= 0),
  retail_floor   bigint NOT NULL CHECK (retail_floor > 0),
  retail_ceiling bigint NOT NULL,
  commission_bp  integer NOT NULL CHECK (commission_bp BETWEEN 0 AND 10000),
  node_cap       integer CHECK (node_cap > 0),
  PRIMARY KEY (tenant_id, assortment_id, sku_id),
  FOREIGN KEY (tenant_id, assortment_id) REFERENCES assortments(tenant_id, id),
  FOREIGN KEY (tenant_id, sku_id) REFERENCES skus(tenant_id, id),
  CHECK (retail_floor <= retail_ceiling)
);
CREATE INDEX assortment_items_by_sku ON assortment_items (tenant_id, sku_id);

-- A listing curated from an assortment remembers it, with the supply price it was offered at
-- (checkout snapshots that cost); a listing the system paused says why (the owner's own pause
-- says 'owner'; 'untargeted': the assortment no longer aims at the node). cap_left counts down the assortment's per-node cap at checkout, in checkout's
-- one write statement, and never goes below zero.
ALTER TABLE listings
  ADD COLUMN assortment_id text,
  ADD COLUMN supply_price bigint CHECK (supply_price >= 0),
  ADD COLUMN pause_reason text CHECK (pause_reason IN ('owner', 'outside_band', 'withdrawn', 'expired', 'untargeted')),
  ADD COLUMN cap_left integer CHECK (cap_left >= 0),
  ADD CONSTRAINT listings_assortment_fk FOREIGN KEY (tenant_id, assortment_id) REFERENCES assortments(tenant_id, id),
  ADD CONSTRAINT listings_active_has_no_pause CHECK (NOT active OR pause_reason IS NULL);
CREATE INDEX listings_by_assortment ON listings (tenant_id, assortment_id, sku_id) WHERE assortment_id IS NOT NULL;

-- What the system did to a node's listings and why: the owner's inbox of supply changes.
CREATE TABLE listing_notices (
  tenant_id     text NOT NULL,
  id            text NOT NULL,
  b_node_id     text NOT NULL,
  sku_id        text NOT NULL,
  assortment_id text,
  reason        text NOT NULL CHECK (reason IN ('outside_band', 'withdrawn', 'expired', 'untargeted')),
  details       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, b_node_id) REFERENCES b_nodes(tenant_id, id)
);
CREATE INDEX listing_notices_by_node ON listing_notices (tenant_id, b_node_id, created_at DESC);
