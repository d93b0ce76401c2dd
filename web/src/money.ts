/** Formats integer fen as yuan: 1234 → "¥12.34". Integer arithmetic only, so no float rounding. */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) return '¥—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
