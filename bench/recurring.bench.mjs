// P7: 10,000 due auto_create recurring templates over 1,000 users, two ledger processes running the
// scheduler on one database: exactly 10,000 transactions, none twice, and how long it took. In the
// same run, the bare baseline: the same rows (transactions, occurrence rows, outbox events, advanced
// templates) written by four SQL statements in one transaction, then rolled back.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, spawnApp, stopAll, throwAwayDatabase, waitForPort } from './lib/stack.mjs';

const USERS = Number(process.env.BENCH_P7_USERS ?? 1_000);
const PER_USER = Number(process.env.BENCH_P7_TEMPLATES_PER_USER ?? 10);
const TEMPLATES = USERS * PER_USER;
const REPLICAS = 2;
const TIMEOUT_MS = 5 * 60_000;

// Every template is monthly, starts today (UTC: the users have no time zone snapshot) and carries its
// own id as description, so "none twice" is checked on the transactions themselves, not only through
// the occurrence key that is meant to guarantee it.
const SEED = `
  with users as (select gen_random_uuid() as user_id from generate_series(1, $1)),
       templates as (select gen_random_uuid() as id, user_id, n from users, generate_series(1, $2) as n)
  insert into ledger.recurring_template
    (id, user_id, amount_minor, currency, transaction_type, description, category_id, frequency, weekend,
     start_date, end_date, next_index, next_occurrence_date, is_active, auto_create, created_at, updated_at)
  select id, user_id, 1000 + n, 'USD', 'expense', id::text, null, 'monthly', 'none',
         $3::date, null, 0, $3::date, true, true, now(), now()
    from templates`;

// What one scheduler batch has to write, in bulk, for every template at once.
const BARE = [
  `create temporary table due on commit drop as
     select id as template_id, user_id, amount_minor, currency, transaction_type, description, next_occurrence_date as date,
            gen_random_uuid() as transaction_id
       from ledger.recurring_template where is_active and auto_create and next_occurrence_date <= $1::date`,
  `insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, category_id, created_at, updated_at)
     select transaction_id, user_id, amount_minor, currency, transaction_type, date, description, null, now(), now() from due`,
  `insert into ledger.recurring_occurrence (template_id, occurrence_date, user_id, transaction_id, created_at)
     select template_id, date, user_id, transaction_id, now() from due`,
  `insert into ledger.outbox_message (id, subject, payload)
     select gen_random_uuid(), 'ledger.transaction.created.v1', jsonb_build_object('user_id', user_id, 'transaction_id', transaction_id) from due`,
  `update ledger.recurring_template t set next_index = 1, next_occurrence_date = (t.start_date + interval '1 month')::date, updated_at = now()
     from due where t.id = due.template_id`,
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run() {
  const database = await throwAwayDatabase();
  const env = { DATABASE_URL: database.url, EVENT_NAMESPACE: `bench${randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn' };
  const children = [];
  const start = async (extra) => {
    const port = await freePort();
    const child = spawnApp('ledger', { ...env, LEDGER_GRPC_ADDR: `127.0.0.1:${port}`, ...extra });
    children.push(child);
    await waitForPort(port, 'ledger', child);
    return child;
  };
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    // One ledger without a scheduler applies the migrations, then goes away.
    await stopAll([await start({ RECURRING_SCAN_INTERVAL_S: '0' })]);
    const today = (await db.query(`select (now() at time zone 'UTC')::date::text as today`)).rows[0].today;
    await db.query(SEED, [USERS, PER_USER, today]);
    await db.query('analyze ledger.recurring_template');

    await db.query('begin');
    const bareStarted = performance.now();
    for (const sql of BARE) await db.query(sql, sql.includes('$1') ? [today] : []);
    const bareMs = performance.now() - bareStarted;
    await db.query('rollback');

    const started = performance.now();
    await Promise.all(Array.from({ length: REPLICAS }, () => start({ RECURRING_SCAN_INTERVAL_S: '1' })));
    const ready = performance.now();
    let created = 0;
    while (created < TEMPLATES) {
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`only ${created} of ${TEMPLATES} occurrences after ${TIMEOUT_MS / 1000} s`);
      await sleep(50);
      created = Number((await db.query('select count(*) as n from ledger.recurring_occurrence')).rows[0].n);
    }
    const doneMs = performance.now() - started;
    // The first pass runs as each process starts, so some work overlaps the start of the other.
    const workMs = performance.now() - ready;
    // A pass that might still be writing would show up here as more than TEMPLATES.
    await sleep(2_000);

    const check = (
      await db.query(`
        select (select count(*) from ledger.transaction) as transactions,
               (select count(*) from ledger.recurring_occurrence) as occurrences,
               (select count(*) from (select description from ledger.transaction group by description having count(*) > 1) d) as twice,
               (select count(*) from ledger.transaction t join ledger.recurring_template r on r.id::text = t.description
                 where t.date = r.start_date and t.user_id = r.user_id and t.amount_minor = r.amount_minor) as matching,
               (select count(*) from ledger.outbox_message where subject like '%ledger.transaction.created.v1') as events,
               (select count(*) from ledger.recurring_template where next_occurrence_date = start_date + interval '1 month') as advanced`)
    ).rows[0];
    const figures = {
      templates: TEMPLATES,
      users: USERS,
      transactions: Number(check.transactions),
      'created twice': Number(check.twice),
      'dated and priced right': Number(check.matching),
      'created events': Number(check.events),
      'templates advanced': Number(check.advanced),
      'spawn → all created (s)': (doneMs / 1000).toFixed(2),
      'both listening → all created (s)': (workMs / 1000).toFixed(2),
      'bare SQL baseline (s)': (bareMs / 1000).toFixed(2),
      'scheduler / bare': (workMs / bareMs).toFixed(1),
    };
    console.table(figures);
    const ok = figures.transactions === TEMPLATES && figures['created twice'] === 0 && figures['dated and priced right'] === TEMPLATES && figures['created events'] === TEMPLATES;
    if (!ok) throw new Error('P7: the scheduler did not create every occurrence exactly once');
  } finally {
    await db.end();
    await stopAll(children);
    await database.drop();
  }
}
