// The yardstick for the ledger list: a bare fastify + pg server answering GET /transactions
// with the same keyset query (same index, same join, same JSON shape) and nothing else:
// no gateway, no token check, no gRPC hop, no ORM. Run as its own process by ledger.bench.mjs.
import Fastify from 'fastify';
import pg from 'pg';

const [databaseUrl, port, userId] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const app = Fastify({ logger: false });

const SQL = `
  select t.id, t.amount_minor::text as amount_minor, t.currency, t.transaction_type, t.date::text as date,
         t.description, t.category_id, t.created_at, t.updated_at, c.name, c.color, c.icon
    from ledger.transaction t
    left join ledger.category c on c.user_id = t.user_id and c.id = t.category_id
   where t.user_id = $1 and ($2::date is null or (t.date, t.id) < ($2::date, $3::uuid))
   order by t.date desc, t.id desc
   limit $4`;

// Amounts are bigint minor units; formatted as the API does for 2-decimal currencies.
const format = (minor) => `${minor.slice(0, -2) || '0'}.${minor.padStart(2, '0').slice(-2)}`;

app.get('/transactions', async (req) => {
  const limit = Math.min(Number(req.query.limit ?? 50), 200);
  let after = [null, null];
  if (req.query.cursor) after = JSON.parse(Buffer.from(req.query.cursor, 'base64url').toString()).slice(1);
  const { rows } = await pool.query(SQL, [userId, after[0], after[1], limit + 1]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      amount: format(r.amount_minor),
      currency: r.currency,
      transaction_type: r.transaction_type,
      date: r.date,
      description: r.description,
      category_id: r.category_id,
      category: r.category_id ? { id: r.category_id, name: r.name, color: r.color, icon: r.icon } : null,
      created_at: r.created_at.toISOString(),
      updated_at: r.updated_at.toISOString(),
    })),
    next_cursor: rows.length > limit ? Buffer.from(JSON.stringify(['t', last.date, last.id])).toString('base64url') : null,
  };
});

await app.listen({ port: Number(port), host: '127.0.0.1' });
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
