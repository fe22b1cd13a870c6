// Starts the built services as separate processes (as `npm start` does) on a throw-away
// database and event namespace, for benchmarks. Everything is torn down by close().
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

export async function startStack() {
  const dbName = `ft_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const common = { ...process.env, DATABASE_URL: dbUrl.toString(), EVENT_NAMESPACE: `bench${randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn' };
  const children = [];
  const run = (app, env) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps', app, 'dist/main.js')], { env: { ...common, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    return child;
  };
  const close = async () => {
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); }))));
    await admin(`drop database if exists ${dbName} with (force)`);
  };
  try {
    const authPort = await freePort();
    const ledgerPort = await freePort();
    const gatewayPort = await freePort();
    const addrs = { AUTH_GRPC_ADDR: `127.0.0.1:${authPort}`, LEDGER_GRPC_ADDR: `127.0.0.1:${ledgerPort}` };
    await waitForPort(authPort, 'auth', run('auth', addrs));
    await waitForPort(ledgerPort, 'ledger', run('ledger', addrs));
    // The per-address limits would throttle a load generator on one address; raise them here.
    await waitForPort(gatewayPort, 'gateway', run('gateway', { ...addrs, PORT: String(gatewayPort), HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' }));
    return { baseUrl: `http://127.0.0.1:${gatewayPort}`, databaseUrl: dbUrl.toString(), close };
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
