// P2: GET /analytics/spending over 12 months for a user with 1,000,000 transactions, at 10
// connections, through the gateway (gateway → reporting → auth + ledger + currency over gRPC →
// PostgreSQL), side by side in the same run with the raw SQL GROUP BY over the transactions run
// straight against PostgreSQL by 10 clients. The ratio of the two is the figure.
//
// Multi-currency (issue 12): by default one transaction in ten is in EUR, GBP or JPY (in turn), so
// both sides convert: the API through the currency service's ECB rates (cached in reporting), the
// raw SQL through a rates table this bench loads from the same ECB file (the rate of the last
// published day on or before each date, crossed through EUR, rounded half-even once per day,
// category and currency, as reporting does). BENCH_FOREIGN=0 runs the USD-only variant.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { figures, seedTransactions, signUp, sqlLoad, startStack } from './lib/stack.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FOREIGN = process.env.BENCH_FOREIGN === '0' ? [] : ['EUR', 'GBP', 'JPY'];
// The last twelve whole months of the seeded ten years (2016-01-01 … 2025-12-29).
const FROM = '2024-12-01';
const TO = '2025-11-30';
const BASE = 'USD';
const DIGITS = { USD: 2, EUR: 2, GBP: 2, JPY: 0 };

// The ECB file as the currency service bundles it (the same bytes as ../shared/data/rates).
const ECB_FILE = [join(import.meta.dirname, '../apps/currency/data/eurofxref-hist.csv'), join(import.meta.dirname, '../../shared/data/rates/eurofxref-hist.csv')].find((f) => existsSync(f));

// The rate of (day, currency) = the last published value on or before the day; EUR is 1 every day.
const RATE_OF = (currency, day) => `(select r.value from bench_rate r where r.currency = ${currency} and r.day <= ${day} order by r.day desc limit 1)`;
// Exact numeric x rounded half-even (amounts here are positive).
const HALF_EVEN = (x) => `(case when ${x} - floor(${x}) = 0.5 then floor(${x}) + mod(floor(${x}), 2) else round(${x}) end)`;
/** The converted GROUP BY over `source` (per day, category and currency, each converted and rounded once). */
const convertingSql = (source, amount, count) => `
  with g as (
    select category_id, date, currency, sum(${amount}) as minor, sum(${count}) as n
      from ${source}
     where user_id = $1 and transaction_type = 'expense' and date between $2 and $3
     group by 1, 2, 3),
  c as (
    select g.category_id, g.n,
           g.minor * power(10::numeric, 2 - case g.currency when 'JPY' then 0 else 2 end) * ${RATE_OF(`'${BASE}'`, 'g.date')} / ${RATE_OF('g.currency', 'g.date')} as x
      from g)
  select category_id, sum(${HALF_EVEN('c.x')})::text as total, sum(n)::int as count
    from c
   group by category_id`;

// What a developer would write against the ledger's table: expenses of the user in the range, per category, converted.
const RAW_SQL = convertingSql('ledger.transaction', 'amount_minor', '1');
// What the ledger runs for it (the same GROUP BY over the daily totals its triggers keep), converted likewise.
const ROLLUP_SQL = convertingSql('ledger.daily_total', 'total_minor', 'count');
// The exact sums per (category, day, currency), for the bigint check below.
const GROUPS_SQL = `select category_id, date::text as day, currency, sum(amount_minor)::text as minor, count(*)::int as n
                      from ledger.transaction
                     where user_id = $1 and transaction_type = 'expense' and date between $2 and $3
                     group by 1, 2, 3`;

/** day → currency → EUR 1 = value (decimal string as published), for the currencies asked. */
function readEcb(codes) {
  const [header, ...lines] = readFileSync(ECB_FILE, 'utf8').trim().split('\n');
  const columns = header.split(',');
  const days = new Map();
  for (const line of lines) {
    const cells = line.split(',');
    const rates = new Map([['EUR', '1']]);
    for (const code of codes) {
      const cell = cells[columns.indexOf(code)];
      if (cell && cell !== 'N/A') rates.set(code, cell);
    }
    days.set(cells[0], rates);
  }
  return days;
}

/** Loads the ECB rates of `codes` (and EUR = 1) into bench_rate (day, currency, value) of the bench's throw-away database. */
async function loadRates(client, ecb) {
  const day = [];
  const currency = [];
  const value = [];
  for (const [d, rates] of ecb) for (const [c, v] of rates) day.push(d), currency.push(c), value.push(v);
  await client.query('create table bench_rate (day date not null, currency char(3) not null, value numeric not null, primary key (currency, day))');
  await client.query('insert into bench_rate select * from unnest($1::date[], $2::text[], $3::numeric[])', [day, currency, value]);
  await client.query('analyze bench_rate');
  return day.length;
}

function roundHalfEven(n, d) {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < d || (twice === d && q % 2n === 0n)) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** Expected per category, computed here with bigint arithmetic from the exact sums and the ECB file. */
function expectedTotals(groups, ecb) {
  const publishedDays = [...ecb.keys()].sort();
  const lastOnOrBefore = (day) => {
    let lo = 0;
    let hi = publishedDays.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (publishedDays[mid] <= day) lo = mid;
      else hi = mid - 1;
    }
    return publishedDays[lo];
  };
  const scaled = (decimal) => {
    const [int, frac = ''] = decimal.split('.');
    return { value: BigInt(int + frac), scale: frac.length };
  };
  const byCategory = new Map();
  for (const g of groups) {
    let minor = BigInt(g.minor);
    if (g.currency !== BASE) {
      const rates = ecb.get(lastOnOrBefore(g.day));
      const from = scaled(rates.get(g.currency));
      const to = scaled(rates.get(BASE));
      // minor / 10^digits(from) / from × to × 10^digits(to)
      minor = roundHalfEven(minor * to.value * 10n ** BigInt(from.scale + DIGITS[BASE]), from.value * 10n ** BigInt(to.scale + DIGITS[g.currency]));
    }
    const acc = byCategory.get(g.category_id) ?? { total: 0n, count: 0 };
    byCategory.set(g.category_id, { total: acc.total + minor, count: acc.count + g.n });
  }
  return byCategory;
}

export async function run() {
  const stack = await startStack();
  try {
    const { token, userId } = await signUp(stack.baseUrl, 'p2user');
    const { seconds } = await seedTransactions({ baseUrl: stack.baseUrl, databaseUrl: stack.databaseUrl, token, userId, rows: ROWS, foreignCurrencies: FOREIGN });
    console.log(`seeded ${ROWS.toLocaleString()} transactions in ${seconds.toFixed(1)} s${FOREIGN.length ? ` (one in ten in ${FOREIGN.join(', ')})` : ''}`);

    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    const ecb = readEcb([BASE, ...FOREIGN]);
    const rateRows = await loadRates(client, ecb);
    console.log(`loaded ${rateRows.toLocaleString()} ECB rates (${[BASE, ...FOREIGN].join(', ')}) into bench_rate`);

    // The API, the raw SQL and the bigint computation give the same categories, counts and exact totals.
    const url = `${stack.baseUrl}/analytics/spending?from=${FROM}&to=${TO}`;
    const auth = { authorization: `Bearer ${token}` };
    const coldStart = Date.now();
    const res = await fetch(url, { headers: auth });
    const coldMs = Date.now() - coldStart;
    if (res.status !== 200) throw new Error(`spending: ${res.status} ${await res.text()}`);
    const viaApi = await res.json();
    const raw = await client.query(RAW_SQL, [userId, FROM, TO]);
    const rollup = await client.query(ROLLUP_SQL, [userId, FROM, TO]);
    const groups = await client.query(GROUPS_SQL, [userId, FROM, TO]);
    await client.end();
    const key = (categoryId, total, count) => `${categoryId ?? 'none'} ${total} ${count}`;
    const fromSql = raw.rows.map((r) => key(r.category_id, r.total, r.count)).sort();
    const fromRollup = rollup.rows.map((r) => key(r.category_id, r.total, r.count)).sort();
    const fromBigint = [...expectedTotals(groups.rows, ecb)].map(([categoryId, e]) => key(categoryId, String(e.total), e.count)).sort();
    // USD: cents = the decimal without its point.
    const fromApi = viaApi.items.map((i) => key(i.category_id, String(BigInt(i.total.replace('.', ''))), i.count)).sort();
    for (const [name, other] of [['raw SQL', fromSql], ['SQL over daily_total', fromRollup], ['bigint', fromBigint]]) {
      if (JSON.stringify(other) !== JSON.stringify(fromApi)) throw new Error(`the API and the ${name} disagree:\n${fromApi.join('\n')}\nvs\n${other.join('\n')}`);
    }
    if (viaApi.excluded_currencies.length) throw new Error(`currencies left out: ${viaApi.excluded_currencies}`);
    const apiCount = viaApi.items.reduce((n, i) => n + i.count, 0);
    const foreignCount = groups.rows.filter((g) => g.currency !== BASE).reduce((n, g) => n + g.n, 0);
    console.log(
      `12 months: ${apiCount.toLocaleString()} expenses (${foreignCount.toLocaleString()} in other currencies) in ${viaApi.items.length} categories, ` +
        `total ${viaApi.total} ${viaApi.currency}; the API, the raw SQL, the SQL over daily_total and bigint arithmetic agree to the cent. ` +
        `First request (rates not cached yet): ${coldMs} ms`,
    );

    const rows = [
      figures('gateway: /analytics/spending 12 months', await autocannon({ url, headers: auth, connections: CONNECTIONS, duration: SECONDS })),
      await sqlLoad('raw SQL GROUP BY over ledger.transaction', { databaseUrl: stack.databaseUrl, sql: RAW_SQL, params: [userId, FROM, TO], connections: CONNECTIONS, seconds: SECONDS }),
      await sqlLoad('raw SQL over ledger.daily_total', { databaseUrl: stack.databaseUrl, sql: ROLLUP_SQL, params: [userId, FROM, TO], connections: CONNECTIONS, seconds: SECONDS }),
    ];
    console.table(rows);
    const ratio = (key) => (rows[0][key] / rows[1][key]).toFixed(2);
    console.log(`gateway / raw SQL GROUP BY: p50 ${ratio('p50 ms')}×, p99 ${ratio('p99 ms')}× (target ≤ 2×; p99 ≤ 300 ms)`);
    return rows;
  } finally {
    await stack.close();
  }
}
