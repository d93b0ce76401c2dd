/**
 * A tenant's cost assumptions, the settings its orders, policies, campaigns and break-evens are
 * costed with. The defaults live here and nowhere else: a tenant without a settings row uses
 * them, and a new row is written with them for every field it does not set.
 */
export interface EconomicsSettings {
  payment_fee_bps: number;
  platform_take_bps: number;
  /** Fen per order. */
  fulfillment_per_order: number;
  /** Fen per order. */
  delivery_per_order: number;
  spoilage_bps: number;
  expected_refund_bps: number;
}

/** WeChat Pay's standard 0.6% fee, ¥1.50 pickup handling, 3% spoilage, 5% refunds expected. */
export const DEFAULT_SETTINGS: Readonly<EconomicsSettings> = Object.freeze({
  payment_fee_bps: 60,
  platform_take_bps: 0,
  fulfillment_per_order: 150,
  delivery_per_order: 0,
  spoilage_bps: 300,
  expected_refund_bps: 500,
});

/** Stored settings with the defaults for what is missing (no row, or a column left null by a join). */
export function settingsOrDefaults(row: { [K in keyof EconomicsSettings]?: number | null } | undefined): EconomicsSettings {
  const pick = (k: keyof EconomicsSettings) => row?.[k] ?? DEFAULT_SETTINGS[k];
  return {
    payment_fee_bps: pick('payment_fee_bps'), platform_take_bps: pick('platform_take_bps'),
    fulfillment_per_order: pick('fulfillment_per_order'), delivery_per_order: pick('delivery_per_order'),
    spoilage_bps: pick('spoilage_bps'), expected_refund_bps: pick('expected_refund_bps'),
  };
}

/**
 * The plan's cost block from a tenant's settings. Order-level costs (fulfilment, delivery) are
 * left out when the plan stands for one unit rather than an order.
 */
export function planCosts(settings: EconomicsSettings, perOrder = true) {
  return {
    payment_fee_bps: settings.payment_fee_bps, platform_take_bps: settings.platform_take_bps,
    fulfillment: perOrder ? settings.fulfillment_per_order : 0, delivery: perOrder ? settings.delivery_per_order : 0,
    spoilage_bps: settings.spoilage_bps, refund_rate_bps: settings.expected_refund_bps,
  };
}
