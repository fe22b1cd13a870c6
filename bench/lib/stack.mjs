// Starts the built services as separate processes (as `npm start` does) on a throw-away
// database and event namespace, for benchmarks. Everything is torn down by close().
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, what, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise((r) => {
      const s = net.connect({ host: '127.0.0.1', port }).once('connect', () => (s.destroy(), r(true))).once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

export { freePort, waitForPort };

/** A fresh database for one benchmark: its URL and how to drop it. */
export async function throwAwayDatabase() {
  const dbName = `ft_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${dbName} with (force)`) };
}

/** Starts the built app `apps/<app>/dist/main.js` as a process with `env` (stderr shown). */
export function spawnApp(app, env) {
  return spawn(process.execPath, [join(ROOT, 'apps', app, 'dist/main.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Sends SIGTERM to each child still running and waits for it to exit. */
export const stopAll = (children) =>
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); }))));

export async function startStack() {
  const database = await throwAwayDatabase();
  const dbUrl = new URL(database.url);
  // METRICS_PORT 0: every process a free metrics port, never one a running `npm start` holds.
  const common = { ...process.env, DATABASE_URL: dbUrl.toString(), EVENT_NAMESPACE: `bench${randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn', RATES_REFRESH_INTERVAL_S: '0', METRICS_PORT: '0' };
  const children = [];
  const run = (app, env) => {
    const child = spawnApp(app, { ...common, ...env });
    children.push(child);
    return child;
  };
  const close = async () => {
    await stopAll(children);
    await database.drop();
  };
  try {
    // Every service of the manifest in start order (as infra/scripts/run-all.mjs), each told where the others listen.
    const { startOrder, serviceNodeOptions } = await import(join(ROOT, 'packages/platform/dist/services.js'));
    // The services' V8 flags as every start path sets them (SERVICE_NODE_OPTIONS), then any of the
    // bench's own for the services only (not this process), e.g. BENCH_SERVICE_NODE_OPTIONS='--max-semi-space-size=4'.
    common.NODE_OPTIONS = serviceNodeOptions(process.env.BENCH_SERVICE_NODE_OPTIONS);
    const services = startOrder().map((svc) => svc.name);
    const addrs = {};
    const ports = {};
    for (const svc of startOrder()) {
      ports[svc.name] = await freePort();
      addrs[svc.addressVar] = `127.0.0.1:${ports[svc.name]}`;
    }
    for (const name of services) await waitForPort(ports[name], name, run(name, addrs));
    const gatewayPort = await freePort();
    // The per-address limits would throttle a load generator on one address; raise them here.
    await waitForPort(gatewayPort, 'gateway', run('gateway', { ...addrs, PORT: String(gatewayPort), HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' }));
    const pids = Object.fromEntries([...services, 'gateway'].map((name, i) => [name, children[i].pid]));
    return { baseUrl: `http://127.0.0.1:${gatewayPort}`, databaseUrl: dbUrl.toString(), pids, addrs, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Registers and logs in a user through the gateway; returns its access token and id. */
export async function signUp(baseUrl, name) {
  const account = { email: `${name}@example.com`, username: name, password: 'bench password 1' };
  const post = (path, body) => fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const registered = await post('/auth/register', account);
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const { access_token: token } = await (await post('/auth/login', { username: account.username, password: account.password })).json();
  return { token, userId: (await registered.json()).id, account };
}

/** p50/p99 in ms and mean req/s of an autocannon result, plus how many answers were not 2xx. */
export function figures(name, result) {
  return {
    name,
    connections: result.connections,
    seconds: result.duration,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Five categories through the API, then `rows` transactions straight into the ledger's table
 * (one INSERT … SELECT generate_series: ~20 s for 1,000,000): dated evenly over the ten years from
 * 2016-01-01, every tenth an income, spread over the categories and uncategorized, USD.
 * `foreignCurrencies` (default none): one transaction in ten (an expense: g % 10 = 5) is in one of
 * these currencies instead, in turn, with the same 1–50,000 minor units (yen for JPY).
 */
export async function seedTransactions({ baseUrl, databaseUrl, token, userId, rows, foreignCurrencies = [] }) {
  const categories = [];
  for (const [i, name] of ['Groceries', 'Rent', 'Transport', 'Eating out', 'Salary'].entries()) {
    const res = await fetch(`${baseUrl}/categories`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name, color: `#00000${i}` }) });
    categories.push((await res.json()).id);
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = Date.now();
  try {
    await client.query(
      `insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, category_id, created_at, updated_at)
       select gen_random_uuid(), $1, 1 + (random() * 50000)::bigint,
              case when g % 10 = 5 and cardinality($4::text[]) > 0 then ($4::text[])[1 + (g / 10) % cardinality($4::text[])] else 'USD' end,
              case when g % 10 = 0 then 'income' else 'expense' end,
              date '2016-01-01' + (g % 3650), 'Bench transaction ' || g,
              ($2::uuid[])[1 + g % 6], now(), now()
         from generate_series(1, $3) g`,
      [userId, [...categories, null], rows, foreignCurrencies],
    );
    await client.query('vacuum analyze ledger.transaction');
    // Flush the seed's dirty pages now, not in a checkpoint during the first measurement.
    await client.query('checkpoint');
  } finally {
    await client.end();
  }
  return { seconds: (Date.now() - started) / 1000, categories };
}

/**
 * The same load shape as autocannon, for a SQL statement run straight against PostgreSQL:
 * `connections` clients each running the query back to back for `seconds`.
 */
export async function sqlLoad(name, { databaseUrl, sql, params, connections, seconds }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: connections });
  const latencies = [];
  const until = Date.now() + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < until) {
          const t0 = process.hrtime.bigint();
          await pool.query(sql, params);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
  } finally {
    await pool.end();
  }
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return { name, connections, seconds, 'req/s': Math.round(latencies.length / seconds), 'p50 ms': at(0.5), 'p99 ms': at(0.99), requests: latencies.length, non2xx: 0 };
}

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds used so far (user + system) by every process on the machine, by pid and command. */
export function cpuSnapshot() {
  const byPid = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byPid.set(Number(pid), { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
  }
  return byPid;
}

/**
 * Milliseconds of CPU per request between two snapshots, for the named pids and, summed over all
 * its processes, PostgreSQL. What a 2-core machine spends where; the load generator is one of them.
 */
export function cpuPerRequest(before, after, pids, requests) {
  const used = (pid) => (after.get(pid)?.seconds ?? 0) - (before.get(pid)?.seconds ?? 0);
  const out = {};
  for (const [name, pid] of Object.entries(pids)) out[name] = used(pid);
  out.postgres = [...after].filter(([, p]) => p.comm.startsWith('postgres')).reduce((sum, [pid]) => sum + used(pid), 0);
  for (const k of Object.keys(out)) out[k] = Number(((1000 * out[k]) / requests).toFixed(3));
  return out;
}

/** Resident memory of a process in MB (VmRSS), and its peak since it started (VmHWM). */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, hence from the last ')'): utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Samples the RSS of the named pids every `intervalMs` until stop(): what each had at the start and
 * the most seen (also VmHWM, the kernel's own peak since the process started, which a sample can miss),
 * and the CPU seconds each used in between (a figure the other processes of a shared machine barely move,
 * unlike the wall time).
 */
export function sampleRss(pids, intervalMs = 20) {
  const cpuAtStart = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssOf(pid).rss]));
  const peak = { ...start };
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids)) peak[name] = Math.max(peak[name], rssOf(pid).rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => {
          const now = rssOf(pid);
          return [
            name,
            { 'start MB': Math.round(start[name]), 'peak MB': Math.round(Math.max(peak[name], now.rss)), 'VmHWM MB': Math.round(now.hwm), 'CPU s': (cpuSecondsOf(pid) - cpuAtStart[name]).toFixed(2) },
          ];
        }),
      );
    },
  };
}
