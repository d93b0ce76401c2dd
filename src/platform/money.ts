/** Money is integer fen end to end (bigint columns; the driver parses them to exact numbers, see platform/db/int8.ts). */
export type Fen = number;

export function fen(value: string | number | bigint): Fen {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an exact fen amount: ${String(value)}`);
  return n;
}

/** Splits `total` in proportion to `weights` so the parts always sum to `total` (largest remainder). */
export function allocate(total: Fen, weights: readonly number[]): Fen[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (BigInt(total) * BigInt(w)));
  const base = exact.map((e) => e / BigInt(sum));
  let left = total - base.reduce((a, b) => a + Number(b), 0);
  const order = exact
    .map((e, i) => ({ i, rem: e % BigInt(sum) }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  const parts = base.map(Number);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

export interface YuanFormat {
  /** Thousands separators, "¥12,345.60" (the default); false for a bare "¥12345.60". */
  grouped?: boolean;
  /** Whole yuan, rounded (chart axes): "¥123". */
  whole?: boolean;
}

/**
 * The one formatter of amounts, for the server, the CLI and the web app alike (this module imports
 * nothing, so the browser bundles it): 1234567 fen → "¥12,345.67", -5 → "-¥0.05". Integer arithmetic, so
 * no float rounding; anything but an exact integer shows as "¥—" rather than a wrong figure.
 */
export function formatYuan(fen: Fen, options: YuanFormat = {}): string {
  // Chart axes ask for ticks between whole fen; those are rounded, since only whole yuan are shown.
  const amount = options.whole ? Math.round(fen) : fen;
  if (!Number.isSafeInteger(amount)) return '¥—';
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const units = options.whole ? Math.round(abs / 100) : Math.floor(abs / 100);
  const digits = options.grouped === false ? String(units) : units.toLocaleString('en-US');
  return options.whole ? `${sign}¥${digits}` : `${sign}¥${digits}.${String(abs % 100).padStart(2, '0')}`;
}
