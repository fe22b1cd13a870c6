import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import pg from 'pg';

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
 * else DATABASE_URL, else the local default. Only when no PostgreSQL answers there and a Docker
 * engine does, one PostgreSQL container is started (testcontainers, loaded on demand) for this
 * process. Without either it fails at once, naming TEST_DATABASE_URL.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = await serverUrl();
  const name = `ft_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database "${name}"`));
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

function serverUrl(): Promise<string> {
  const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  let server = servers.get(configured);
  server ??= (async () => {
    const problem = await probe(configured);
    if (!problem) return configured;
    if (await dockerAnswers()) return startContainer();
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

function dockerAnswers(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : host ? undefined : '/var/run/docker.sock';
  if (socketPath === undefined) return Promise.resolve(true); // tcp:// engine: let testcontainers try it
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** One PostgreSQL container per test process; the testcontainers reaper removes it afterwards. */
async function startContainer(): Promise<string> {
  const moduleName = 'testcontainers'; // not a dependency: only machines with Docker need it
  let tc: any;
  try {
    tc = await import(moduleName);
  } catch {
    throw new Error('A Docker engine answers but the `testcontainers` package is not installed; install it or set TEST_DATABASE_URL.');
  }
  const container = await new tc.GenericContainer('postgres:15-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
