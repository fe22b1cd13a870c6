// P2: GET /analytics/spending over 12 months for a user with 1,000,000 transactions, at 10
// connections, through the gateway (gateway → reporting → auth + ledger over gRPC → PostgreSQL),
// side by side in the same run with the raw SQL GROUP BY over the transactions run straight
// against PostgreSQL by 10 clients. The ratio of the two is the figure.
import autocannon from 'autocannon';
import pg from 'pg';
import { figures, seedTransactions, signUp, sqlLoad, startStack } from './lib/stack.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// The last twelve whole months of the seeded ten years (2016-01-01 … 2025-12-29).
const FROM = '2024-12-01';
const TO = '2025-11-30';

// What a developer would write against the ledger's table: expenses of the user in the range, per category.
const RAW_SQL = `select category_id, sum(amount_minor)::text as total, count(*) as count
                   from ledger.transaction
                  where user_id = $1 and transaction_type = 'expense' and currency = 'USD' and date between $2 and $3
                  group by category_id`;
// What the ledger runs for it: the same GROUP BY over the daily totals its triggers keep.
const ROLLUP_SQL = `select category_id, sum(total_minor)::text as total, sum(count) as count
                      from ledger.daily_total
                     where user_id = $1 and transaction_type = 'expense' and currency = 'USD' and date between $2 and $3
                     group by category_id`;

export async function run() {
  const stack = await startStack();
  try {
    const { token, userId } = await signUp(stack.baseUrl, 'p2user');
    const { seconds } = await seedTransactions({ baseUrl: stack.baseUrl, databaseUrl: stack.databaseUrl, token, userId, rows: ROWS });
    console.log(`seeded ${ROWS.toLocaleString()} transactions in ${seconds.toFixed(1)} s`);

    // Both give the same totals.
    const url = `${stack.baseUrl}/analytics/spending?from=${FROM}&to=${TO}`;
    const auth = { authorization: `Bearer ${token}` };
    const res = await fetch(url, { headers: auth });
    if (res.status !== 200) throw new Error(`spending: ${res.status} ${await res.text()}`);
    const viaApi = await res.json();
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    const raw = await client.query(RAW_SQL, [userId, FROM, TO]);
    await client.end();
    // Same categories, counts and exact totals (USD: cents = the decimal without its point).
    const key = (categoryId, total, count) => `${categoryId ?? 'none'} ${total} ${count}`;
    const fromSql = raw.rows.map((r) => key(r.category_id, r.total, Number(r.count))).sort();
    const fromApi = viaApi.items.map((i) => key(i.category_id, String(BigInt(i.total.replace('.', ''))), i.count)).sort();
    if (JSON.stringify(fromSql) !== JSON.stringify(fromApi)) throw new Error(`the API and the SQL disagree:\n${fromApi.join('\n')}\nvs\n${fromSql.join('\n')}`);
    const apiCount = viaApi.items.reduce((n, i) => n + i.count, 0);
    console.log(`12 months: ${apiCount.toLocaleString()} expenses in ${viaApi.items.length} categories, total ${viaApi.total} ${viaApi.currency}`);

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
