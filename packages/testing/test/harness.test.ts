import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, test } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { SERVICES } from '@finance/platform/services';
import { createTestDatabase, deleteNamespaceStreams, ensureTestNats, randomNamespace, TcpProxy, testNatsUrl, waitFor } from '../src/index.js';

describe('createTestDatabase', () => {
  test('creates an empty database that drop() removes, open connections and all', async () => {
    const db = await createTestDatabase();
    expect(db.name).toMatch(/^ft_test_[0-9a-f]{12}$/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    client.on('error', () => undefined); // drop() terminates it
    const { rows } = await client.query('select current_database() as name');
    expect(rows).toEqual([{ name: db.name }]);

    await db.drop();

    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const left = await admin.query('select 1 from pg_database where datname = $1', [db.name]);
    await admin.end();
    await client.end().catch(() => undefined);
    expect(left.rowCount).toBe(0);
  });

  test('fails fast, naming TEST_DATABASE_URL, when no PostgreSQL answers and no Docker engine does', async () => {
    const saved = { url: process.env.TEST_DATABASE_URL, docker: process.env.DOCKER_HOST };
    process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      const started = Date.now();
      await expect(createTestDatabase()).rejects.toThrow(/No PostgreSQL answers at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres.*TEST_DATABASE_URL/s);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const [key, value] of [['TEST_DATABASE_URL', saved.url], ['DOCKER_HOST', saved.docker]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  test('two databases are distinct', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  test("the server has every database service's role, and the login may act as each", async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const expected = SERVICES.filter((s) => s.database).map((s) => `finance_${s.name}`);
      const roles: string[] = [];
      for (const role of expected) {
        await client.query(`set role ${role}`);
        roles.push((await client.query('select current_user as r')).rows[0].r);
        await client.query('reset role');
      }
      expect(expected).toContain('finance_ledger');
      expect(roles).toEqual(expected);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});

describe('ensureTestNats', () => {
  test('fails fast, naming TEST_NATS_URL, when no NATS answers and no Docker engine does', async () => {
    const saved = { url: process.env.TEST_NATS_URL, docker: process.env.DOCKER_HOST };
    process.env.TEST_NATS_URL = 'nats://127.0.0.1:1';
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      const started = Date.now();
      await expect(ensureTestNats()).rejects.toThrow(/No NATS answers at nats:\/\/127\.0\.0\.1:1.*TEST_NATS_URL/s);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const [key, value] of [['TEST_NATS_URL', saved.url], ['DOCKER_HOST', saved.docker]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  test('settles on the configured server when it answers', async () => {
    expect(await ensureTestNats()).toBe(testNatsUrl());
  });
});

describe('randomNamespace', () => {
  test('is a valid, distinct subject token and stream-name prefix', () => {
    const names = new Set(Array.from({ length: 50 }, randomNamespace));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^t[0-9a-f]{10}$/);
  });
});

describe('deleteNamespaceStreams', () => {
  test('deletes the streams of one namespace and no other', async () => {
    const url = testNatsUrl();
    const [mine, other] = [randomNamespace(), randomNamespace()];
    const nc = await connect({ servers: url });
    const jsm = await jetstreamManager(nc);
    for (const ns of [mine, other]) {
      await jsm.streams.add({ name: `${ns}_AUTH`, subjects: [`${ns}.auth.>`] });
      await jsm.streams.add({ name: `${ns}_LEDGER`, subjects: [`${ns}.ledger.>`] });
    }

    const deleted = await deleteNamespaceStreams(url, mine);

    expect(deleted.sort()).toEqual([`${mine}_AUTH`, `${mine}_LEDGER`]);
    const left: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(mine) || name.startsWith(other)) left.push(name);
    expect(left.sort()).toEqual([`${other}_AUTH`, `${other}_LEDGER`]);
    await deleteNamespaceStreams(url, other);
    await nc.close();
  });

  test('refuses the empty namespace', async () => {
    await expect(deleteNamespaceStreams(testNatsUrl(), '')).rejects.toThrow(/empty/);
  });
});

describe('TcpProxy', () => {
  let echo: Server;
  const proxies: TcpProxy[] = [];

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await new Promise((r) => echo?.close(r));
  });

  async function startEcho(): Promise<number> {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    return (echo.address() as { port: number }).port;
  }

  function roundTrip(port: number): Promise<{ socket: Socket; reply: Promise<string> }> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
        const reply = new Promise<string>((res) => socket.once('data', (d) => res(d.toString())));
        socket.write('ping');
        resolve({ socket, reply });
      });
      socket.once('error', reject);
    });
  }

  const closed = (socket: Socket) => new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));

  test('forwards, cuts live connections and refuses new ones, then forwards again after restore()', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', await startEcho());
    proxies.push(proxy);
    expect(proxy.url()).toBe(`nats://127.0.0.1:${proxy.port}`);

    const live = await roundTrip(proxy.port);
    expect(await live.reply).toBe('ping');

    proxy.cut();
    await closed(live.socket);
    const refused = tcpConnect({ host: '127.0.0.1', port: proxy.port });
    refused.on('error', () => undefined);
    refused.on('data', () => {
      throw new Error('a cut proxy forwarded data');
    });
    await closed(refused);

    proxy.restore();
    const again = await roundTrip(proxy.port);
    expect(await again.reply).toBe('ping');
    again.socket.destroy();
  });

  test('takes a real NATS connection away and gives it back', async () => {
    const proxy = await TcpProxy.forUrl(testNatsUrl(), 4222);
    proxies.push(proxy);
    const nc = await connect({ servers: proxy.url(), reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    const events: string[] = [];
    void (async () => {
      for await (const s of nc.status()) events.push(s.type);
    })();

    proxy.cut();
    await waitFor(() => events.includes('disconnect'), { message: 'disconnect' });
    proxy.restore();
    await waitFor(() => events.includes('reconnect'), { message: 'reconnect' });
    await expect(nc.flush()).resolves.toBeUndefined();
    await nc.close();
  });
});
