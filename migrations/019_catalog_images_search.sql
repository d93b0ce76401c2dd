-- The browsable catalog: product images, search that works for Chinese, the shop's own order of
-- its listings, and sales counts cheap enough to show on every product card.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Chinese titles sort by pinyin (ICU's default for zh), not by the code point of their first character.
CREATE COLLATION IF NOT EXISTS catalog_zh (provider = icu, locale = 'zh');

-- pg_trgm takes its trigrams from "word" characters, and under a C ctype (the embedded database's,
-- and many servers') no CJK character is one: a trigram index on a Chinese title holds nothing. The
-- search key spells every character as six hex digits of its code point, so any query of one
-- character or more has trigrams and the index narrows the rows; a match across two characters'
-- digits is possible, so callers recheck the title itself with ILIKE.
CREATE FUNCTION catalog_search_key(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT coalesce(string_agg(lpad(to_hex(ascii(c)), 6, '0'), '' ORDER BY i), '')
          FROM unnest(regexp_split_to_array(lower(t), '')) WITH ORDINALITY AS u(c, i) $$;

CREATE INDEX products_title_search ON products USING gin (catalog_search_key(title) gin_trgm_ops);

-- Several images per product, in the owner's order. Each is stored twice (thumbnail, detail) under
-- storage keys derived from `key`; the original upload is not kept.
CREATE TABLE product_images (
  tenant_id  text NOT NULL,
  id         text NOT NULL,
  product_id text NOT NULL,
  position   integer NOT NULL CHECK (position >= 0),
  key        text NOT NULL CHECK (key ~ '^[A-Za-z0-9/_-]{1,200}$'),
  format     text NOT NULL CHECK (format IN ('webp', 'jpeg')),
  width      integer NOT NULL CHECK (width > 0),
  height     integer NOT NULL CHECK (height > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, product_id) REFERENCES products(tenant_id, id) ON DELETE CASCADE,
  UNIQUE (tenant_id, product_id, position) DEFERRABLE INITIALLY DEFERRED
);

-- A shop's own order of its listings (lower first); the owner sets it.
ALTER TABLE listings ADD COLUMN position integer NOT NULL DEFAULT 0 CHECK (position >= 0);

-- Units sold per shop and SKU: paid, less refunded. Refreshed from the orders by periodic work, so
-- a product card reads one row per SKU instead of scanning order lines on every view.
CREATE TABLE listing_sales (
  tenant_id  text NOT NULL,
  b_node_id  text NOT NULL,
  sku_id     text NOT NULL,
  sold       integer NOT NULL CHECK (sold >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, b_node_id, sku_id)
);
