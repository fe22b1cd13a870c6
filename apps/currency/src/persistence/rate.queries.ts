import type { IsoDate } from '@finance/calendar';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { PublishedRates } from '../domain/published-rates.js';

// Rates in plain SQL over the pool's own connections (node-postgres): the bundled history is
// ~220,000 rows, sent as three arrays and unnested by PostgreSQL in a handful of statements, and read
// back as one row per currency; the ORM's per-row machinery would dominate both.

/** Rows per insert statement: three arrays of this many elements (~1.5 MB of parameters). */
const INSERT_BATCH = 60_000;

/** Held while the bundled history is loaded: a second process starting at once waits, then finds it loaded. */
const LOAD_LOCK_KEY = 'currency.rate:load';

type Pool = Awaited<ReturnType<ReturnType<MikroORM['em']['getConnection']>['getNativeClient']>>;
// node-postgres' PoolClient without depending on pg's types: the client its callback form hands over.
type PoolClient = NonNullable<Parameters<Parameters<Pool['connect']>[0]>[1]>;

async function withClient<T>(orm: MikroORM, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const pool = await orm.em.getConnection().getNativeClient();
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

async function inTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await fn();
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

const INSERT = `insert into currency.rate (day, currency, value)
  select * from unnest($1::date[], $2::text[], $3::numeric[])
  on conflict (day, currency) do nothing`;

/**
 * A PostgreSQL array literal of values that need no quoting (dates, currency codes and decimals the
 * domain checked): joined by hand, ~3× faster than the driver's element-by-element quoting.
 */
function plainArray(values: readonly string[], from: number, to: number): string {
  for (let i = from; i < to; i++) if (!/^[0-9A-Z.-]+$/.test(values[i]!)) throw new Error(`not a plain array element: ${JSON.stringify(values[i])}`);
  return `{${values.slice(from, to).join(',')}}`;
}

/** Inserts in batches; an existing (day, currency) is left as it is. Returns how many rows were new. */
async function insertRows(client: PoolClient, rates: PublishedRates): Promise<number> {
  let inserted = 0;
  for (let from = 0; from < rates.day.length; from += INSERT_BATCH) {
    const to = Math.min(from + INSERT_BATCH, rates.day.length);
    const result = await client.query(INSERT, [plainArray(rates.day, from, to), plainArray(rates.currency, from, to), plainArray(rates.value, from, to)]);
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}

export interface BundleLoad {
  /** Published days in the table before the load. */
  daysBefore: number;
  /** Rows the load inserted (0 when the table already had every day of the file). */
  inserted: number;
}

/**
 * Loads the bundled history when the table has fewer published days than the file (a fresh
 * database, or one from before a newer bundle). Under a transaction-scoped advisory lock, so that
 * replicas starting together load it once: the second waits, then counts the days and skips.
 * Idempotent either way (`on conflict do nothing`).
 */
export async function loadBundleIfNeeded(orm: MikroORM, rates: PublishedRates, fileDays: number): Promise<BundleLoad> {
  return withClient(orm, (client) =>
    inTransaction(client, async () => {
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [LOAD_LOCK_KEY]);
      const { rows } = await client.query<{ days: number }>('select count(distinct day)::int as days from currency.rate');
      const daysBefore = rows[0]!.days;
      if (daysBefore >= fileDays) return { daysBefore, inserted: 0 };
      return { daysBefore, inserted: await insertRows(client, rates) };
    }),
  );
}

/** Inserts fetched rates in one transaction (all or nothing); returns how many were new. */
export async function insertRates(orm: MikroORM, rates: PublishedRates): Promise<number> {
  return withClient(orm, (client) => inTransaction(client, () => insertRows(client, rates)));
}

/**
 * Every rate (after `day`, when given), each currency's in ascending days: what the in-memory
 * history is built from at start, and how a refresh picks up days another replica inserted.
 * One row per currency with its days and values joined: ~5× faster to read than 220,000 rows.
 */
export async function selectRates(orm: MikroORM, after?: IsoDate): Promise<PublishedRates> {
  return withClient(orm, async (client) => {
    const { rows } = await client.query<{ currency: string; days: string; values: string }>(
      `select currency::text as currency, string_agg(day::text, ',' order by day) as days, string_agg(value::text, ',' order by day) as values
       from currency.rate ${after === undefined ? '' : 'where day > $1::date'} group by currency order by currency`,
      after === undefined ? [] : [after],
    );
    const rates: PublishedRates = { day: [], currency: [], value: [] };
    for (const row of rows) {
      const days = row.days.split(',') as IsoDate[];
      const values = row.values.split(',');
      if (days.length !== values.length) throw new Error(`currency.rate: ${row.currency} has ${days.length} days but ${values.length} values`);
      for (let i = 0; i < days.length; i++) {
        rates.day.push(days[i]!);
        rates.currency.push(row.currency);
        rates.value.push(values[i]!);
      }
    }
    return rates;
  });
}
