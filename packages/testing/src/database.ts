import { randomBytes } from 'node:crypto';
import { ensureServiceRoles } from '@finance/platform';
import { SERVICES } from '@finance/platform/services';
import pg from 'pg';
import { dockerAnswers, redact, startPostgresContainer } from './containers.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the new database (same server and credentials as the admin URL). */
  url: string;
  /** `ft_test_<random>` */
  name: string;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty database `ft_test_<random>` on the server named by TEST_DATABASE_URL,
 * else DATABASE_URL, else the local default, and makes sure the server has the PostgreSQL role of
 * every service with a database (`finance_<service>`, granted to the login; roles are cluster-wide,
 * so once per process). The services' openDatabase creates their schemas, owned by those roles.
 * Only when no PostgreSQL answers there and a Docker engine does, one PostgreSQL container is
 * started (testcontainers) for this process. Without either it fails at once, naming
 * TEST_DATABASE_URL.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = await serverUrl();
  const name = `ft_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database "${name}"`));
  await serviceRoles(adminUrl).catch(async (err: unknown) => {
    await withClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).catch(() => undefined);
    throw err;
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

// One probe (and at most one container) per configured URL and process.
const servers = new Map<string, Promise<string>>();
// The services' roles, made sure of once per server and process (safe when other processes do it at once).
const roles = new Map<string, Promise<unknown>>();

function serviceRoles(adminUrl: string): Promise<unknown> {
  let done = roles.get(adminUrl);
  if (!done) {
    done = withClient(adminUrl, (c) => ensureServiceRoles(c, SERVICES));
    roles.set(adminUrl, done);
    done.catch(() => roles.delete(adminUrl));
  }
  return done;
}

function serverUrl(): Promise<string> {
  const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  let server = servers.get(configured);
  server ??= (async () => {
    const problem = await probe(configured);
    if (!problem) return configured;
    if (await dockerAnswers()) return startPostgresContainer();
    throw new Error(
      `No PostgreSQL answers at ${redact(configured)} (${problem}) and no Docker engine is available for testcontainers. ` +
        'Start PostgreSQL or point TEST_DATABASE_URL at a server where the user may create databases.',
    );
  })();
  servers.set(configured, server);
  return server;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** undefined when the server answers, else why not. */
async function probe(url: string): Promise<string | undefined> {
  try {
    await withClient(url, (c) => c.query('select 1'));
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  }
}
