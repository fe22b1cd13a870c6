import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// The table lives in the `currency` schema (set once in the ORM config); migrations.ts has the DDL,
// including what an entity definition cannot express (the checks). Reads and writes go through the
// plain SQL of rate.queries.ts (bulk arrays, COPY-sized loads); this definition gives the ORM the shape.

/**
 * One published EUR reference rate: on `day`, 1 EUR = `value` units of `currency`, exactly as the
 * ECB published it. A day/currency the ECB marked N/A has no row.
 */
export const RateEntity = defineEntity({
  name: 'Rate',
  tableName: 'rate',
  properties: {
    day: p.date().primary(),
    currency: p.string().length(3).primary(),
    /** numeric keeps the digits as written ("0.58231", "13168"): read back as text it is the published string. */
    value: p.decimal('string'),
  },
});
export type Rate = InferEntity<typeof RateEntity>;

export const currencyEntities = [RateEntity];
