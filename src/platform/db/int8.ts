import pg from 'pg';

const INT8_OID = 20;

/**
 * Parses int8 (bigint) as a JavaScript number. Money is integer fen in bigint columns; a value
 * past Number.MAX_SAFE_INTEGER (about 90 trillion yuan) cannot be a real amount, so it fails the
 * query loudly instead of arriving rounded.
 */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is outside JavaScript's exact integer range (±${Number.MAX_SAFE_INTEGER})`);
  return n;
}

/** pg's type parsers with int8 → number; given per pool, so the process-global pg.types stay untouched. */
export const siyuTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
