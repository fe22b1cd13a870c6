import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { defineEntity, p } from '@mikro-orm/core';
import pg from 'pg';
import { z } from 'zod';
import { baseEnv, ConfigError, loadConfig } from '../config.js';
import { Migration, migrateDatabase, migrateOnStart, openDatabase, PendingMigrationsError, type MikroORM } from './index.js';

// Integration test against the real PostgreSQL. (@finance/testing depends on this package, so the
// throw-away database is made here with pg directly.)
const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ft_test_${randomBytes(6).toString('hex')}`;
const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let inspector: pg.Client;
const query = async (sql: string, params: unknown[] = []): Promise<any[]> => (await inspector.query(sql, params)).rows;
const tablesOf = async (schema: string) =>
  (await query('select table_name from information_schema.tables where table_schema = $1 order by 1', [schema])).map((r) => r.table_name as string);

class CreateNote extends Migration {
  override up(): void {
    // Unqualified on purpose: the runner sets search_path to the service schema.
    this.addSql('create table note (id uuid primary key, body text not null)');
    // Widens the window in which two unsynchronised replicas would both see this migration pending.
    this.addSql('select pg_sleep(0.3)');
  }
}
class AddNoteCreatedAt extends Migration {
  override up(): void {
    this.addSql('alter table note add column created_at timestamptz not null default now()');
  }
}
class Broken extends Migration {
  override up(): void {
    this.addSql('create table broken_first (id int)');
    this.addSql('select * from no_such_table');
  }
}

const Note = defineEntity({
  name: 'Note',
  properties: { id: p.uuid().primary(), body: p.text() },
});

const open = (schema: string, migrations: Parameters<typeof openDatabase>[0]['migrations'] = [CreateNote, AddNoteCreatedAt]) =>
  openDatabase({ url: dbUrl, schema, entities: [Note], migrations, poolMax: 2 });

const orms: MikroORM[] = [];
const track = (orm: MikroORM) => (orms.push(orm), orm);
const opened = async (schema: string, migrations: Parameters<typeof openDatabase>[0]['migrations']) => track(await open(schema, migrations));

beforeAll(async () => {
  await admin(`create database "${dbName}"`);
  inspector = new pg.Client({ connectionString: dbUrl });
  await inspector.connect();
});

afterAll(async () => {
  await Promise.all(orms.map((orm) => orm.close(true)));
  await inspector?.end();
  await admin(`drop database if exists "${dbName}" with (force)`);
});

describe('migrateDatabase', () => {
  test('creates the schema, its tables and its bookkeeping table, all inside the schema', async () => {
    const orm = track(await open('ledger'));

    const applied = await migrateDatabase(orm);

    expect(applied).toEqual(['CreateNote', 'AddNoteCreatedAt']);
    const tables = await query(
      `select table_schema, table_name from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
    );
    expect(tables).toEqual([
      { table_schema: 'ledger', table_name: 'mikro_orm_migrations' },
      { table_schema: 'ledger', table_name: 'note' },
    ]);
    const columns = await query(`select column_name from information_schema.columns where table_schema = 'ledger' and table_name = 'note' order by 1`);
    expect(columns.map((c: { column_name: string }) => c.column_name)).toEqual(['body', 'created_at', 'id']);
  });

  test('a second run applies nothing', async () => {
    const orm = track(await open('ledger'));

    const applied = await migrateDatabase(orm);

    expect(applied).toEqual([]);
    expect(await query('select name from ledger.mikro_orm_migrations order by id')).toEqual([
      { name: 'CreateNote' },
      { name: 'AddNoteCreatedAt' },
    ]);
  });

  test('replicas starting at once do not collide: each migration runs exactly once', async () => {
    const replicas = await Promise.all([open('budgeting'), open('budgeting'), open('budgeting')]);
    replicas.forEach(track);

    const results = await Promise.all(replicas.map((orm) => migrateDatabase(orm)));

    expect(results.flat().sort()).toEqual(['AddNoteCreatedAt', 'CreateNote']);
    expect(await query('select name from budgeting.mikro_orm_migrations order by id')).toEqual([
      { name: 'CreateNote' },
      { name: 'AddNoteCreatedAt' },
    ]);
  });

  test('concurrent calls on one ORM instance are serialised', async () => {
    const orm = track(await open('goals'));

    const results = await Promise.all([migrateDatabase(orm), migrateDatabase(orm)]);

    expect(results).toEqual([['CreateNote', 'AddNoteCreatedAt'], []]);
  });

  test('a failing migration leaves nothing behind (all or nothing)', async () => {
    const orm = track(await open('currency', [CreateNote, Broken]));

    await expect(migrateDatabase(orm)).rejects.toThrow(/no_such_table/);

    expect(await query(`select table_name from information_schema.tables where table_schema = 'currency' order by 1`)).toEqual([
      { table_name: 'mikro_orm_migrations' },
    ]);
    expect(await query('select count(*)::int as n from currency.mikro_orm_migrations')).toEqual([{ n: 0 }]);
  });
});

describe('openDatabase', () => {
  test('entities read and write the tables of the service schema', async () => {
    const orm = track(await open('ledger'));
    const em = orm.em.fork();

    em.create(Note, { id: '00000000-0000-4000-8000-000000000001', body: 'hello' });
    await em.flush();

    expect(await query('select id, body from ledger.note')).toEqual([{ id: '00000000-0000-4000-8000-000000000001', body: 'hello' }]);
    // Connections resolve unqualified names in the service schema.
    expect(await orm.em.fork().execute('select body from note')).toEqual([{ body: 'hello' }]);
  });

  test('schema diffs that would see other services are refused', async () => {
    const orm = track(await open('ledger'));

    expect(() => orm.schema.update()).toThrow(/disabled/);
    expect(() => orm.schema.drop()).toThrow(/disabled/);
    await expect(orm.migrator.create()).rejects.toThrow(/disabled/);
    expect(await query(`select count(*)::int as n from information_schema.schemata where schema_name in ('ledger', 'budgeting', 'goals')`)).toEqual([
      { n: 3 },
    ]);
  });

  test('rejects a schema name that is not a plain identifier', async () => {
    await expect(open('Ledger; drop')).rejects.toThrow(/invalid schema name/);
  });
});

// MIGRATE_ON_START=false (Kubernetes): a release's migrations are applied by its migration Job, and a
// pod of the release refuses to start until they are.
const kubernetes = { MIGRATE_ON_START: false };

describe('migrateOnStart with MIGRATE_ON_START=false', () => {
  test('refuses to start before the migration run, naming every pending migration, and applies none', async () => {
    const orm = await opened('notes', [CreateNote, AddNoteCreatedAt]);

    const refusal = await migrateOnStart(orm, kubernetes).catch((err: unknown) => err);

    expect(refusal).toBeInstanceOf(PendingMigrationsError);
    expect((refusal as PendingMigrationsError).pending).toEqual(['CreateNote', 'AddNoteCreatedAt']);
    expect((refusal as Error).message).toMatch(/schema notes lacks 2 migration\(s\) of this release: CreateNote, AddNoteCreatedAt\./);
    expect((refusal as Error).message).toContain('node dist/migrate.js');
    // Only the (empty) bookkeeping table: no migration ran.
    expect(await tablesOf('notes')).toEqual(['mikro_orm_migrations']);
    expect(await query('select name from notes.mikro_orm_migrations')).toEqual([]);
  });

  test('starts once the migration run applied them, and the service works on its schema', async () => {
    const job = await opened('notes', [CreateNote, AddNoteCreatedAt]);
    await migrateDatabase(job);
    const replica = await opened('notes', [CreateNote, AddNoteCreatedAt]);

    expect(await migrateOnStart(replica, kubernetes)).toEqual([]);

    await replica.em.fork().insert(Note, { id: '00000000-0000-4000-8000-000000000001', body: 'after the job' });
    expect(await query('select body from notes.note')).toEqual([{ body: 'after the job' }]);
  });

  test("a new release's pods refuse until its own migration is applied, naming only that one", async () => {
    const previousRelease = await opened('memo', [CreateNote]);
    await migrateDatabase(previousRelease);
    const newRelease = await opened('memo', [CreateNote, AddNoteCreatedAt]);

    await expect(migrateOnStart(newRelease, kubernetes)).rejects.toMatchObject({ name: 'PendingMigrationsError', pending: ['AddNoteCreatedAt'] });
    // The previous release's pods keep running on the schema they know.
    expect(await migrateOnStart(previousRelease, kubernetes)).toEqual([]);

    await migrateDatabase(await opened('memo', [CreateNote, AddNoteCreatedAt]));
    expect(await migrateOnStart(newRelease, kubernetes)).toEqual([]);
  });

  test('replicas checking a fresh schema at once all refuse cleanly (no race on the bookkeeping table)', async () => {
    const replicas = await Promise.all([1, 2, 3, 4].map(() => opened('fresh', [CreateNote])));

    const outcomes = await Promise.all(replicas.map((orm) => migrateOnStart(orm, kubernetes).catch((err: unknown) => err)));

    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(PendingMigrationsError);
  });
});

describe('MIGRATE_ON_START', () => {
  const schema = z.object({ MIGRATE_ON_START: baseEnv.MIGRATE_ON_START });

  test('is on unless set (npm start, compose and the tests migrate at start), and applies then', async () => {
    expect(loadConfig(schema, {}).MIGRATE_ON_START).toBe(true);
    const orm = await opened('defaulted', [CreateNote]);

    expect(await migrateOnStart(orm, loadConfig(schema, {}))).toEqual(['CreateNote']);
    expect(await tablesOf('defaulted')).toEqual(['mikro_orm_migrations', 'note']);
  });

  test('reads the usual spellings of a boolean and refuses anything else', () => {
    expect(loadConfig(schema, { MIGRATE_ON_START: 'false' }).MIGRATE_ON_START).toBe(false);
    expect(loadConfig(schema, { MIGRATE_ON_START: '0' }).MIGRATE_ON_START).toBe(false);
    expect(loadConfig(schema, { MIGRATE_ON_START: 'true' }).MIGRATE_ON_START).toBe(true);
    expect(() => loadConfig(schema, { MIGRATE_ON_START: 'later' })).toThrow(ConfigError);
  });
});
