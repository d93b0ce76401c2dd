-- The economics defaults have one source, the engine's DEFAULT_SETTINGS: the code writes every
-- column of a new settings row and falls back to the same values for a tenant without one.
-- Column defaults here would be a second copy that could drift, so they go.

ALTER TABLE economics_settings
  ALTER COLUMN payment_fee_bps DROP DEFAULT,
  ALTER COLUMN platform_take_bps DROP DEFAULT,
  ALTER COLUMN fulfillment_per_order DROP DEFAULT,
  ALTER COLUMN delivery_per_order DROP DEFAULT,
  ALTER COLUMN spoilage_bps DROP DEFAULT,
  ALTER COLUMN expected_refund_bps DROP DEFAULT;
