-- A pre-sale is judged by the economics guard when it is created, as every other campaign kind:
-- each of its SKUs at every shop's listed price, with that shop's commission policy (the leader's
-- cut). A rejection is refused (or overridden by a tenant admin with a reason); what passed is kept
-- with it. Pre-sales made before the guard judged them keep no verdict (NULL: not judged).
ALTER TABLE presales
  ADD COLUMN verdict text CHECK (verdict IN ('accept', 'warn')),
  ADD COLUMN guard jsonb,
  ADD COLUMN override_reason text,
  ADD CONSTRAINT presales_guard_with_verdict CHECK ((verdict IS NULL) = (guard IS NULL));
