// P4: GET /export/csv of 1,000,000 transactions through the whole stack (the ledger's
// StreamTransactions in keyset batches → reporting, which writes the CSV → the gateway → the socket,
// back-pressured end to end). Target: ≥ 100,000 rows/s, and the RSS of the gateway, reporting and
// the ledger flat: what each had before the export and the most it reached during it. In the same
// run, the bare baseline: PostgreSQL writing the same rows as CSV itself (COPY (SELECT …) TO STDOUT
// WITH CSV, through psql; node-postgres has no COPY), read by this process the same way.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { sampleRss, signUp, startStack } from './lib/stack.mjs';

const ROWS = Number(process.env.BENCH_P4_ROWS ?? 1_000_000);
const CATEGORIES = [
  ['Groceries', '#2E7D32'],
  ['Rent', '#1565C0'],
  ['Fun, "really"', '#AD1457'],
  ['=Formula-looking', '#6A1B9A'],
  ['Café ☕', '#EF6C00'],
];

/**
 * Categories through the API, then `rows` transactions straight into the ledger's table (one
 * INSERT … SELECT generate_series): ten years of dates, every tenth an income, varied amounts, one in
 * ten in EUR and one in twenty in JPY, descriptions with commas, quotes, newlines, formula triggers
 * and emoji, a sixth uncategorized.
 */
async function seed({ baseUrl, databaseUrl, token, userId }) {
  const ids = [];
  for (const [name, color] of CATEGORIES) {
    const res = await fetch(`${baseUrl}/categories`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name, color }) });
    if (res.status !== 201) throw new Error(`category: ${res.status} ${await res.text()}`);
    ids.push((await res.json()).id);
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  try {
    await client.query(
      `insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, category_id, created_at, updated_at)
       select gen_random_uuid(), $1, 1 + (g::bigint * 7919) % 2000000,
              case when g % 10 = 3 then 'EUR' when g % 20 = 7 then 'JPY' else 'USD' end,
              case when g % 10 = 0 then 'income' else 'expense' end,
              date '2016-01-01' + (g % 3650),
              case g % 6 when 0 then 'Lunch, with "friends" #' || g
                         when 1 then E'Two\\nlines ' || g
                         when 2 then '=SUM(A' || g || ') looks like a formula'
                         when 3 then 'Café ☕ ' || g
                         when 4 then ''
                         else 'Row ' || g end,
              ($2::uuid[])[1 + g % 6], now(), now()
         from generate_series(1, $3) g`,
      [userId, [...ids, null], ROWS],
    );
    await client.query('vacuum analyze ledger.transaction');
    await client.query('checkpoint');
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}

/** Counts CSV records in a byte stream (a newline inside quotes is part of a cell) and its bytes. */
function recordCounter() {
  let quoted = false;
  let records = 0;
  let bytes = 0;
  return {
    push(chunk) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (c === 0x22) quoted = !quoted;
        else if (c === 0x0a && !quoted) records++;
      }
    },
    get records() {
      return records;
    },
    get bytes() {
      return bytes;
    },
  };
}

async function exportThroughApi(baseUrl, token) {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/export/csv`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`P4: export answered ${res.status} ${await res.text()}`);
  const counter = recordCounter();
  let firstByteMs;
  for await (const chunk of res.body) {
    firstByteMs ??= performance.now() - started;
    counter.push(chunk);
  }
  return { ms: performance.now() - started, firstByteMs, records: counter.records, bytes: counter.bytes, type: res.headers.get('content-type') };
}

/** PostgreSQL's own CSV of the same rows and columns (amounts as decimal text), read through a pipe. */
function bareCopy(databaseUrl, userId) {
  const sql = `copy (
      select t.id, t.date, t.transaction_type,
             case t.currency when 'JPY' then t.amount_minor::text else to_char(t.amount_minor / 100.0, 'FM999999999990.00') end,
             t.currency, c.name, t.description
        from ledger.transaction t left join ledger.category c on c.id = t.category_id
       where t.user_id = '${userId}'
       order by t.date, t.id) to stdout with (format csv, header)`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const psql = spawn('psql', [databaseUrl, '-X', '-q', '-c', sql], { stdio: ['ignore', 'pipe', 'inherit'] });
    const counter = recordCounter();
    psql.stdout.on('data', (chunk) => counter.push(chunk));
    psql.on('error', reject);
    psql.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - started, records: counter.records, bytes: counter.bytes }) : reject(new Error(`psql exited ${code}`))));
  });
}

/** The ledger's StreamTransactions read directly over gRPC (no CSV, no HTTP): the first hop alone. */
async function ledgerStream(ledgerAddress, userId) {
  const root = join(import.meta.dirname, '..');
  const { createGrpcClient } = await import(join(root, 'packages/platform/dist/index.js'));
  const { ledgerV1 } = await import(join(root, 'packages/proto/dist/index.js'));
  const client = createGrpcClient(ledgerV1.LedgerServiceService, ledgerAddress, { deadlineMs: 600_000 });
  try {
    const started = performance.now();
    let rows = 0;
    for await (const batch of client.streamTransactions({ userId })) rows += batch.rows.length;
    return { ms: performance.now() - started, rows };
  } finally {
    client.$channel.close();
  }
}

export async function run() {
  const stack = await startStack();
  try {
    const { token, userId } = await signUp(stack.baseUrl, `p4${randomUUID().slice(0, 8)}`);
    const seedSeconds = await seed({ baseUrl: stack.baseUrl, databaseUrl: stack.databaseUrl, token, userId });
    const pids = { gateway: stack.pids.gateway, reporting: stack.pids.reporting, ledger: stack.pids.ledger };

    const memory = sampleRss(pids);
    const api = await exportThroughApi(stack.baseUrl, token);
    const rss = memory.stop();
    // Every row and the header.
    if (api.records !== ROWS + 1) throw new Error(`P4: the export has ${api.records - 1} rows, not ${ROWS}`);

    const ledgerMemory = sampleRss({ ledger: stack.pids.ledger });
    const ledger = await ledgerStream(stack.addrs.LEDGER_GRPC_ADDR, userId);
    const ledgerRss = ledgerMemory.stop();
    if (ledger.rows !== ROWS) throw new Error(`P4: StreamTransactions gave ${ledger.rows} rows`);

    const bare = await bareCopy(stack.databaseUrl, userId);
    if (bare.records !== ROWS + 1) throw new Error(`P4: COPY wrote ${bare.records - 1} rows`);

    const rate = (ms) => Math.round(ROWS / (ms / 1000));
    console.log(`seeded ${ROWS} transactions in ${seedSeconds.toFixed(1)} s`);
    console.table({
      'GET /export/csv (end to end)': { rows: ROWS, MB: (api.bytes / 1e6).toFixed(1), s: (api.ms / 1000).toFixed(2), 'rows/s': rate(api.ms), 'first byte ms': Math.round(api.firstByteMs) },
      'StreamTransactions alone (ledger, gRPC)': { rows: ROWS, MB: '', s: (ledger.ms / 1000).toFixed(2), 'rows/s': rate(ledger.ms), 'first byte ms': '' },
      'COPY … TO STDOUT WITH CSV (psql)': { rows: ROWS, MB: (bare.bytes / 1e6).toFixed(1), s: (bare.ms / 1000).toFixed(2), 'rows/s': rate(bare.ms), 'first byte ms': '' },
    });
    console.log(`end to end / COPY: ${(api.ms / bare.ms).toFixed(1)}×   (${api.type})`);
    console.log('RSS and CPU seconds during the export:');
    console.table(rss);
    console.log('RSS and CPU seconds of the ledger during StreamTransactions alone:');
    console.table(ledgerRss);
  } finally {
    // The seeded rows go with the throw-away database.
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
