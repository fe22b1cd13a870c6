// P3: POST /import/csv of a 100,000-row file (like an export: mixed categories, currencies with 0, 2
// and 3 decimals, descriptions with commas, quotes, newlines and emoji) through the whole stack
// (gateway → reporting, which parses the file and streams its rows → the ledger's ImportTransactions,
// which writes them as they come, in one database transaction). Target: ≥ 20,000 rows/s end to end,
// peak RSS of each process ≤ 256 MB. Also, in the same run: the ledger alone (ImportTransactions called directly over gRPC with the same rows, for
// another user; target ≤ ~2 s), re-importing the file (everything skipped), and the bare baselines:
// the same rows (categories, transactions, one outbox event each) written by plain SQL in one
// transaction from a pg client, then rolled back: by COPY, as the ledger writes them (the ratio's
// baseline), and by multi-row INSERTs (how the ledger wrote them before).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sampleRss, signUp, startStack } from './lib/stack.mjs';

const ROWS = Number(process.env.BENCH_P3_ROWS ?? 100_000);
const ROOT = join(import.meta.dirname, '..');

const CATEGORIES = ['Groceries', 'Rent', 'Transport', 'Eating out', 'Salary', 'Fun, "really"', ''];
const DIGITS = { USD: 2, EUR: 2, JPY: 0, KWD: 3 };
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2016, 0, 1);

/** Row i of the file: deterministic, every row distinct (its number is in the description). */
export function rowOf(i) {
  const currency = i % 10 === 3 ? 'EUR' : i % 10 === 6 ? 'JPY' : i % 20 === 9 ? 'KWD' : 'USD';
  const digits = DIGITS[currency];
  const units = 1 + ((i * 7919) % 500_000);
  const minor = digits === 0 ? 1 + (units % 50_000) : units;
  const text = String(minor).padStart(digits + 1, '0');
  const amount = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  const descriptions = [`Row ${i}`, `Lunch, with "friends" #${i}`, `Two\nlines ${i}`, `Café ☕ ${i}`, `=SUM(A${i}) looks like a formula`, ''];
  return {
    date: new Date(FIRST_DAY + (i % 3650) * DAY_MS).toISOString().slice(0, 10),
    type: i % 10 === 0 ? 'income' : 'expense',
    amount,
    minor,
    currency,
    category: CATEGORIES[i % CATEGORIES.length],
    description: descriptions[i % descriptions.length] || '',
  };
}

const cell = (s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

function csvOf(rows) {
  const lines = ['id,date,transaction_type,amount,currency,category,description'];
  for (const r of rows) lines.push(['', r.date, r.type, r.amount, r.currency, cell(r.category), cell(r.description)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

async function postCsv(baseUrl, token, body) {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/import/csv`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body });
  const answer = await res.json();
  return { status: res.status, answer, ms: performance.now() - started };
}

/** The same rows written by plain SQL in one transaction (categories, transactions, events) with multi-row INSERTs, rolled back. */
export async function bareInsertBaseline(databaseUrl, rows) {
  const userId = randomUUID();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const json = JSON.stringify(rows.map((r) => ({ amount_minor: r.minor, currency: r.currency, transaction_type: r.type, date: r.date, description: r.description, category: r.category || null })));
    const started = performance.now();
    await client.query('begin');
    await client.query(
      `insert into ledger.category (id, user_id, name, color, created_at, updated_at)
       select gen_random_uuid(), $1, n, '#9E9E9E', now(), now() from unnest($2::text[]) n`,
      [userId, CATEGORIES.filter(Boolean)],
    );
    await client.query(
      `with r as (select * from jsonb_to_recordset($2::jsonb) as r(amount_minor int8, currency text, transaction_type text, date date, description text, category text)),
            ins as (
              insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, category_id, created_at, updated_at)
              select gen_random_uuid(), $1, r.amount_minor, r.currency, r.transaction_type, r.date, r.description, c.id, now(), now()
                from r left join ledger.category c on c.user_id = $1 and c.name = r.category
              returning id, amount_minor, currency, transaction_type, date, category_id)
       insert into ledger.outbox_message (id, subject, payload)
       select e.event_id, 'ledger.transaction.created.v1',
              jsonb_build_object('event_id', e.event_id, 'occurred_at', now(), 'user_id', $1::text,
                'transaction', jsonb_build_object('transaction_id', e.id, 'amount_minor', e.amount_minor::text, 'currency', e.currency,
                  'transaction_type', e.transaction_type, 'date', e.date, 'category_id', e.category_id))
         from (select gen_random_uuid() as event_id, ins.* from ins) e`,
      [userId, json],
    );
    const ms = performance.now() - started;
    await client.query('rollback');
    return ms;
  } finally {
    await client.end();
  }
}

/** A value in COPY's text format (backslash, tab, newline, CR escaped; null as \N). */
const copyValue = (v) => (v === null ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]));
const copyLine = (values) => `${values.map(copyValue).join('\t')}\n`;

/** UUIDv7-shaped ids in increasing order (one time, a counter), like the ledger's: they go into the primary keys in order. */
function timeOrderedIds(count) {
  const time = Date.now().toString(16).padStart(12, '0');
  const start = Math.floor(Math.random() * 2 ** 40);
  return Array.from({ length: count }, (_, i) => {
    const n = (start + i).toString(16).padStart(15, '0').slice(-15);
    return `${time.slice(0, 8)}-${time.slice(8)}-7${n.slice(0, 3)}-8${n.slice(3, 6)}-${n.slice(6).padStart(12, '0')}`;
  });
}

/** Rows' lines as COPY data, in messages of ~64 KB. */
function copyChunks(lines) {
  const chunks = [];
  let pending = '';
  for (const line of lines) {
    pending += line;
    if (pending.length >= 65_536) {
      chunks.push(pending);
      pending = '';
    }
  }
  if (pending) chunks.push(pending);
  return chunks;
}

async function copyInto(client, sql, chunks) {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

/**
 * The same rows written by plain SQL in one transaction (categories, then COPY of the transactions
 * and of their outbox events, as the ledger writes them), rolled back. The COPY data (ids, category
 * ids, event JSON) is made before the clock starts: what is timed is PostgreSQL's part.
 */
export async function bareCopyBaseline(databaseUrl, rows) {
  const userId = randomUUID();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const names = CATEGORIES.filter(Boolean);
    const categoryIds = new Map(names.map((name) => [name, randomUUID()]));
    const now = new Date().toISOString();
    const transactionIds = timeOrderedIds(rows.length);
    const eventIds = timeOrderedIds(rows.length);
    const transactions = copyChunks(
      rows.map((r, i) => copyLine([transactionIds[i], userId, r.minor, r.currency, r.type, r.date, r.description, categoryIds.get(r.category) ?? null, now, now])),
    );
    const events = copyChunks(
      rows.map((r, i) => {
        const event = {
          event_id: eventIds[i],
          occurred_at: now,
          user_id: userId,
          transaction: { transaction_id: transactionIds[i], amount_minor: String(r.minor), currency: r.currency, transaction_type: r.type, date: r.date, category_id: categoryIds.get(r.category) ?? null },
        };
        return copyLine([eventIds[i], 'ledger.transaction.created.v1', JSON.stringify(event)]);
      }),
    );
    const started = performance.now();
    await client.query('begin');
    await client.query(
      `insert into ledger.category (id, user_id, name, color, created_at, updated_at)
       select unnest($2::uuid[]), $1, unnest($3::text[]), '#9E9E9E', now(), now()`,
      [userId, [...categoryIds.values()], [...categoryIds.keys()]],
    );
    await copyInto(client, 'copy ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, category_id, created_at, updated_at) from stdin', transactions);
    await copyInto(client, 'copy ledger.outbox_message (id, subject, payload) from stdin', events);
    const ms = performance.now() - started;
    await client.query('rollback');
    return ms;
  } finally {
    await client.end();
  }
}

/** Waits until the ledger's outbox has nothing left to publish, then a little longer for the consumers; returns how long the relay took. */
async function outboxDrained(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  try {
    for (;;) {
      const { rows } = await client.query('select count(*)::int as n from ledger.outbox_message where published_at is null');
      if (rows[0].n === 0) break;
      if (performance.now() - started > 300_000) throw new Error(`P3: ${rows[0].n} events still unpublished after 5 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, Number(process.env.BENCH_P3_SETTLE_MS ?? 15_000)));
    return ms;
  } finally {
    await client.end();
  }
}

/** ImportTransactions straight to the ledger over gRPC: the ledger's own time for the rows. */
async function ledgerAlone(ledgerAddress, rows) {
  const { createGrpcClient } = await import(join(ROOT, 'packages/platform/dist/index.js'));
  const { ledgerV1 } = await import(join(ROOT, 'packages/proto/dist/index.js'));
  const client = createGrpcClient(ledgerV1.LedgerServiceService, ledgerAddress, { deadlineMs: 120_000 });
  const TYPE = { income: ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME, expense: ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE };
  const userId = randomUUID();
  const wire = rows.map((r) => {
    const [year, month, day] = r.date.split('-').map(Number);
    return { amount: r.amount, currency: r.currency, transactionType: TYPE[r.type], date: { year, month, day }, description: r.description, categoryName: r.category || undefined };
  });
  // The stream reporting sends: 1,000 rows per message, the user in the first, end_of_rows in the last.
  const messages = [];
  for (let at = 0; at < wire.length; at += 1000) messages.push({ userId: at === 0 ? userId : '', dryRun: false, rows: wire.slice(at, at + 1000), endOfRows: false });
  messages.push({ userId: messages.length ? '' : userId, dryRun: false, rows: [], endOfRows: true });
  try {
    const started = performance.now();
    const answer = await client.importTransactions(messages);
    return { ms: performance.now() - started, answer };
  } finally {
    client.$channel.close();
  }
}

export async function run() {
  const rows = Array.from({ length: ROWS }, (_, i) => rowOf(i));
  const csv = csvOf(rows);
  const stack = await startStack();
  try {
    const { token } = await signUp(stack.baseUrl, `p3${randomUUID().slice(0, 8)}`);
    const pids = { gateway: stack.pids.gateway, reporting: stack.pids.reporting, ledger: stack.pids.ledger };

    const probe = await postCsv(stack.baseUrl, token, 'date,transaction_type,amount\n');
    if (probe.status === 404) throw new Error('P3: POST /import/csv is not served yet');

    // Each import makes 100,000 events that the outbox relay publishes and every consumer
    // (budgeting, goals, notifications) handles afterwards: heavy work of its own. So the bare
    // baseline runs first, on a quiet database, and each later step waits until that work is done.
    const bareInsertMs = await bareInsertBaseline(stack.databaseUrl, rows);
    const bareMs = await bareCopyBaseline(stack.databaseUrl, rows);

    const e2eMemory = sampleRss(pids);
    const first = await postCsv(stack.baseUrl, token, csv);
    const e2eRss = e2eMemory.stop();
    if (first.status !== 201 || first.answer.imported !== ROWS) throw new Error(`P3: import answered ${first.status} ${JSON.stringify(first.answer).slice(0, 500)}`);
    const relayMs = await outboxDrained(stack.databaseUrl);

    const again = await postCsv(stack.baseUrl, token, csv);
    if (again.status !== 201 || again.answer.imported !== 0 || again.answer.skipped_duplicates !== ROWS) {
      throw new Error(`P3: re-import answered ${again.status} ${JSON.stringify(again.answer).slice(0, 500)}`);
    }

    const ledgerMemory = sampleRss({ ledger: stack.pids.ledger });
    const alone = await ledgerAlone(stack.addrs.LEDGER_GRPC_ADDR, rows);
    const ledgerRss = ledgerMemory.stop();
    if (Number(alone.answer.imported) !== ROWS) throw new Error(`P3: ImportTransactions imported ${alone.answer.imported}`);

    const rate = (ms) => Math.round(ROWS / (ms / 1000));
    console.table({
      'POST /import/csv (end to end)': { rows: ROWS, MB: (Buffer.byteLength(csv) / 1e6).toFixed(1), s: (first.ms / 1000).toFixed(2), 'rows/s': rate(first.ms) },
      're-import (all skipped)': { rows: ROWS, MB: (Buffer.byteLength(csv) / 1e6).toFixed(1), s: (again.ms / 1000).toFixed(2), 'rows/s': rate(again.ms) },
      'ImportTransactions (ledger alone, gRPC)': { rows: ROWS, MB: '', s: (alone.ms / 1000).toFixed(2), 'rows/s': rate(alone.ms) },
      'bare SQL baseline, COPY (pg client, rolled back)': { rows: ROWS, MB: '', s: (bareMs / 1000).toFixed(2), 'rows/s': rate(bareMs) },
      'bare SQL baseline, INSERT (pg client, rolled back)': { rows: ROWS, MB: '', s: (bareInsertMs / 1000).toFixed(2), 'rows/s': rate(bareInsertMs) },
    });
    console.log(`the outbox relay published the first import's ${ROWS} events in ${(relayMs / 1000).toFixed(1)} s after it answered`);
    console.log(`end to end / bare COPY: ${(first.ms / bareMs).toFixed(1)}×; ledger alone / bare COPY: ${(alone.ms / bareMs).toFixed(1)}×`);
    console.log('RSS during the end-to-end import:');
    console.table(e2eRss);
    console.log('RSS of the ledger during ImportTransactions alone:');
    console.table(ledgerRss);
  } finally {
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
