// P1: GET /transactions?limit=50 for a user with 1,000,000 transactions, first page and a page
// around row 900,000, at 50 connections, through the gateway (gateway → gRPC → ledger → PostgreSQL)
// and, in the same run, against a bare fastify + pg server doing the same keyset query.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuPerRequest, cpuSnapshot, figures, freePort, seedTransactions, signUp, startStack, waitForPort } from './lib/stack.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_UP_SECONDS = 3;

const cursorOf = (row) => Buffer.from(JSON.stringify(['t', row.date, row.id])).toString('base64url');

async function seed(databaseUrl, userId, token, baseUrl) {
  const { seconds } = await seedTransactions({ baseUrl, databaseUrl, token, userId, rows: ROWS });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const deep = await client.query(
    `select date::text as date, id from ledger.transaction where user_id = $1 order by date desc, id desc offset $2 limit 1`,
    [userId, Math.floor(ROWS * 0.9) - 1],
  );
  await client.end();
  return { seconds, deepCursor: cursorOf(deep.rows[0]) };
}

const cpu = [];

/** Runs the load and notes the CPU each process spent per request meanwhile. */
async function load(name, url, headers, pids) {
  const before = cpuSnapshot();
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
  cpu.push({ name, ...cpuPerRequest(before, cpuSnapshot(), pids, result.requests.total) });
  return figures(name, result);
}

export async function run() {
  const stack = await startStack();
  let bare;
  try {
    const { token, userId } = await signUp(stack.baseUrl, 'p1user');
    const { seconds, deepCursor } = await seed(stack.databaseUrl, userId, token, stack.baseUrl);
    console.log(`seeded ${ROWS.toLocaleString()} transactions in ${seconds.toFixed(1)} s`);

    const barePort = await freePort();
    bare = spawn(process.execPath, [join(here, 'bare-server.mjs'), stack.databaseUrl, String(barePort), userId], { stdio: ['ignore', 'inherit', 'inherit'] });
    await waitForPort(barePort, 'bare server', bare);
    const bareUrl = `http://127.0.0.1:${barePort}`;

    // Both answer the same rows for the same cursor.
    const auth = { authorization: `Bearer ${token}` };
    const viaGateway = await (await fetch(`${stack.baseUrl}/transactions?limit=50&cursor=${deepCursor}`, { headers: auth })).json();
    const viaBare = await (await fetch(`${bareUrl}/transactions?limit=50&cursor=${deepCursor}`)).json();
    if (JSON.stringify(viaGateway.items.map((t) => t.id)) !== JSON.stringify(viaBare.items.map((t) => t.id))) {
      throw new Error('the gateway and the bare server disagree on the deep page');
    }

    // Warm-up, not measured: the first seconds of a fresh process are JIT compilation and heap growth.
    for (const [url, headers] of [[`${stack.baseUrl}/transactions?limit=50`, auth], [`${bareUrl}/transactions?limit=50`, {}]]) {
      await autocannon({ url, headers, connections: CONNECTIONS, duration: WARM_UP_SECONDS });
    }

    const gatewayPids = { 'load generator': process.pid, gateway: stack.pids.gateway, ledger: stack.pids.ledger };
    const barePids = { 'load generator': process.pid, bare: bare.pid };
    const rows = [
      await load('gateway: first page', `${stack.baseUrl}/transactions?limit=50`, auth, gatewayPids),
      await load('bare:    first page', `${bareUrl}/transactions?limit=50`, {}, barePids),
      await load('gateway: page ~900,000', `${stack.baseUrl}/transactions?limit=50&cursor=${deepCursor}`, auth, gatewayPids),
      await load('bare:    page ~900,000', `${bareUrl}/transactions?limit=50&cursor=${deepCursor}`, {}, barePids),
    ];
    console.table(rows);
    console.log('CPU ms per request, by process:');
    console.table(cpu);
    const ratio = (a, b) => `${Math.round((100 * rows[a]['req/s']) / rows[b]['req/s'])} %`;
    console.log(`gateway / bare req/s: first page ${ratio(0, 1)}, page ~900,000 ${ratio(2, 3)} (target ≥ 50 %); p99 target ≤ 50 ms`);
    return rows;
  } finally {
    if (bare && bare.exitCode === null) await new Promise((r) => { bare.once('exit', r); bare.kill('SIGTERM'); });
    await stack.close();
  }
}
