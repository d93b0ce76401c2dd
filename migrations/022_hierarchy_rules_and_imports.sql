-- The B-node hierarchy's rules kept by the database (region → store → leaders), and the imports of
-- catalog and stock files run in the background with their progress and row-level report.

-- A region may not sit under itself, however deep: walking up from the new parent must not meet it.
CREATE FUNCTION regions_no_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL AND EXISTS (
    WITH RECURSIVE up(id, parent_id) AS (
      SELECT id, parent_id FROM regions WHERE tenant_id = NEW.tenant_id AND id = NEW.parent_id
      UNION
      SELECT r.id, r.parent_id FROM regions r JOIN up ON r.tenant_id = NEW.tenant_id AND r.id = up.parent_id
    ) SELECT 1 FROM up WHERE id = NEW.id
  ) THEN
    RAISE EXCEPTION 'region % would be its own ancestor', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'regions_no_cycle';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER regions_no_cycle BEFORE INSERT OR UPDATE OF parent_id ON regions
  FOR EACH ROW EXECUTE FUNCTION regions_no_cycle();

-- Only a leader or KOC hangs under another node, and that node is a store; a store with nodes under
-- it stays a store. One level deep, so no cycle can form.
CREATE FUNCTION b_nodes_parent_is_store() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL AND (NEW.kind = 'store' OR NOT EXISTS (
      SELECT 1 FROM b_nodes WHERE tenant_id = NEW.tenant_id AND id = NEW.parent_id AND kind = 'store')) THEN
    RAISE EXCEPTION 'the parent of B node % must be a store, and a store has no parent', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'b_nodes_parent_is_store';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.kind <> 'store' AND OLD.kind = 'store' AND EXISTS (
      SELECT 1 FROM b_nodes WHERE tenant_id = NEW.tenant_id AND parent_id = NEW.id) THEN
    RAISE EXCEPTION 'B node % has nodes under it and must stay a store', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'b_nodes_parent_is_store';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER b_nodes_parent_is_store BEFORE INSERT OR UPDATE OF parent_id, kind ON b_nodes
  FOR EACH ROW EXECUTE FUNCTION b_nodes_parent_is_store();

-- An uploaded file waits here (file) until its job reads it; the row then carries the progress the
-- console polls and, at the end, the report. The file is dropped once read.
CREATE TABLE import_runs (
  tenant_id    text NOT NULL REFERENCES tenants(id),
  id           text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('catalog', 'stock', 'assortment')),
  format       text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  mode         text NOT NULL CHECK (mode IN ('all_or_nothing', 'good_rows')),
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'applied', 'rejected', 'failed')),
  file_name    text NOT NULL DEFAULT '' CHECK (length(file_name) <= 200),
  file         bytea,
  -- A supplier operator's import touches only its own supplier's rows.
  supplier_id  text,
  created_by   text NOT NULL,
  -- parsing → checking → applying; percent feeds the console's progress bar.
  phase        text NOT NULL DEFAULT 'queued' CHECK (phase IN ('queued', 'parsing', 'checking', 'applying', 'done')),
  percent      smallint NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
  rows_total   integer,
  rows_done    integer NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
  rows_applied integer NOT NULL DEFAULT 0 CHECK (rows_applied >= 0),
  problems     jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(problems) = 'array'),
  problem_count integer NOT NULL DEFAULT 0,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX import_runs_recent ON import_runs (tenant_id, created_at DESC);
