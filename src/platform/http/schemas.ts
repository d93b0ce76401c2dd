import { z } from 'zod';

/**
 * Building blocks of response schemas. Responses go through these schemas on the way out
 * (fastify-type-provider-zod parses before serializing), so they document and enforce at once.
 */

/** An instant as an ISO 8601 string; a `Date` read from the database is written out the same way. */
export const timestamp = z.union([z.date(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'string' ? v : v.toISOString()))
  .pipe(z.string().meta({ format: 'date-time' }));

/**
 * An amount in integer fen. Read from bigint columns, amounts are converted to numbers where they
 * are read (`fen()`), so a string here is a bug the schema reports instead of passing on.
 */
export const money = z.number().int().describe('integer fen (1/100 yuan)');

/** Rates are integer basis points. */
export const bps = z.number().int().describe('basis points (1/100 of a percent)');

/** The `{ items }` envelope of list responses. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
