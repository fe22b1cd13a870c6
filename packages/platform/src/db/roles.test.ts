import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { defineEntity, p } from '@mikro-orm/core';
import { DatabaseSchema } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Migration, migrateDatabase, openDatabase, type MikroORM } from './database.js';
import { provisionServiceSchema, provisionServiceSchemas, serviceRole, type ServiceSchemaReport } from './roles.js';

// Integration tests against the real PostgreSQL: one role per service, owning only its schema.
// Roles are cluster-wide: the tests that need a role nobody has yet use a random schema name and
// drop its role afterwards.
const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const run = randomBytes(4).toString('hex');
const databases: string[] = [];
const extraRoles: string[] = [];
const orms: MikroORM[] = [];
const clients: pg.Client[] = [];

async function sql(url: string, text: string, params: unknown[] = []): Promise<any[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh database (owned by `owner` when given); its URL for `user` (default: the admin login). */
async function createDatabase(owner?: string): Promise<string> {
  const name = `ft_test_${randomBytes(6).toString('hex')}`;
  await sql(adminUrl, `create database "${name}"${owner ? ` owner "${owner}"` : ''}`);
  databases.push(name);
  return Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
}

const as = (url: string, user: string) => Object.assign(new URL(url), { username: user, password: '' }).toString();

async function session(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

// What a service's first migration creates: a table with a serial key (sequence, index), a function,
// a view and a type, written unqualified (the runner's search_path is the service schema).
const NOTE_DDL = [
  'create table note (id serial primary key, body text not null)',
  'create function note_count() returns bigint language sql as $$ select count(*) from note $$',
  'create view note_body as select body from note',
  "create type mood as enum ('fine', 'grumpy')",
];
class CreateNote extends Migration {
  override up(): void {
    for (const statement of NOTE_DDL) this.addSql(statement);
  }
}
class AddNoteCreatedAt extends Migration {
  override up(): void {
    this.addSql('alter table note add column created_at timestamptz not null default now()');
  }
}

const Note = defineEntity({ name: 'Note', properties: { id: p.integer().primary(), body: p.text() } });

async function open(url: string, schema: string): Promise<MikroORM> {
  const orm = await openDatabase({ url, schema, entities: [Note], migrations: [CreateNote, AddNoteCreatedAt], poolMax: 2 });
  orms.push(orm);
  return orm;
}

/** Every object of `schema` that has an owner, with it (indexes and sequences included). */
async function owners(url: string, schema: string): Promise<Array<{ object: string; owner: string }>> {
  return sql(
    url,
    `select 'schema ' || nspname as object, pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = $1
     union all
     select 'relation ' || c.relname, pg_get_userbyid(c.relowner) from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind <> 't'
     union all
     select 'function ' || p.proname, pg_get_userbyid(p.proowner) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1
     union all
     select 'type ' || t.typname, pg_get_userbyid(t.typowner) from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = $1 and t.typtype = 'e'
     order by 1`,
    [schema],
  );
}

afterAll(async () => {
  await Promise.all(orms.map((orm) => orm.close(true)));
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  for (const name of databases) await sql(adminUrl, `drop database if exists "${name}" with (force)`);
  for (const role of extraRoles) await sql(adminUrl, `drop role if exists "${role}"`);
});

describe('a service connection', () => {
  let url: string;
  let ledger: MikroORM;
  let budgeting: MikroORM;

  beforeAll(async () => {
    url = await createDatabase();
    [ledger, budgeting] = await Promise.all([open(url, 'ledger'), open(url, 'budgeting')]);
    await Promise.all([migrateDatabase(ledger), migrateDatabase(budgeting)]);
    await budgeting.em.fork().execute("insert into note (body) values ('budget secret')");
  });

  test('acts as the service role, also after RESET ALL and RESET ROLE (what the migrator and session contexts issue)', async () => {
    const connection = ledger.em.getConnection();

    const inTransaction = await connection.transactional(async (trx) => {
      await connection.execute('reset all', [], 'run', trx);
      await connection.execute('reset role', [], 'run', trx);
      return connection.execute(`select current_user as role, array_to_string(current_schemas(false), ',') as path`, [], 'all', trx);
    });

    expect(inTransaction).toEqual([{ role: 'finance_ledger', path: 'ledger,public' }]);
    expect(await ledger.em.fork().execute('select current_user as role')).toEqual([{ role: 'finance_ledger' }]);
  });

  test("cannot read another service's tables", async () => {
    await expect(ledger.em.fork().execute('select body from budgeting.note')).rejects.toThrow(/permission denied for schema budgeting/);
    // The owner can: the row is there.
    expect(await budgeting.em.fork().execute('select body from note')).toEqual([{ body: 'budget secret' }]);
  });

  test("cannot create in another service's schema, in public, or a schema of its own making", async () => {
    const em = ledger.em.fork();

    await expect(em.execute('create table budgeting.planted (id int)')).rejects.toThrow(/permission denied for schema budgeting/);
    await expect(em.execute('create table public.planted (id int)')).rejects.toThrow(/permission denied for schema public/);
    await expect(em.execute('create schema goals')).rejects.toThrow(/permission denied for database/);

    expect(await sql(url, `select count(*)::int as n from pg_class where relname = 'planted'`)).toEqual([{ n: 0 }]);
    expect(await sql(url, `select count(*)::int as n from pg_namespace where nspname = 'goals'`)).toEqual([{ n: 0 }]);
  });

  test('everything it migrated is owned by its role', async () => {
    expect(await owners(url, 'ledger')).toEqual(
      [
        'function note_count',
        'relation mikro_orm_migrations',
        'relation mikro_orm_migrations_id_seq',
        'relation mikro_orm_migrations_pkey',
        'relation note',
        'relation note_body',
        'relation note_id_seq',
        'relation note_pkey',
        'schema ledger',
        'type mood',
      ].map((object) => ({ object, owner: 'finance_ledger' })),
    );
  });

  test("MikroORM's schema introspection through it sees its own schema only", async () => {
    const connection = ledger.em.getConnection();
    const platform = ledger.em.getPlatform();

    const introspected = await DatabaseSchema.create(connection, platform, ledger.config);
    const namespaces = await platform.getSchemaHelper()!.getNamespaces(connection);

    expect(introspected.getTables().map((t) => `${t.schema}.${t.name}`)).toEqual(['ledger.note']);
    expect(namespaces).toEqual(['ledger', 'public']);
    // Through the admin login the other schema is there to be seen: the filter is the role's.
    expect(await sql(url, `select table_schema || '.' || table_name as t from information_schema.tables where table_name = 'note' order by 1`)).toEqual([
      { t: 'budgeting.note' },
      { t: 'ledger.note' },
    ]);
  });
});

describe('provisioning (service start and infra.mjs ensure)', () => {
  test('replicas and the bootstrap racing on two databases of a server without the role: one role, one schema each, no errors; then nothing to do', async () => {
    const schema = `t${run}a`;
    extraRoles.push(serviceRole(schema));
    const urls = await Promise.all([createDatabase(), createDatabase()]);
    const sessions = await Promise.all(urls.flatMap((u) => [session(u), session(u), session(u), session(u)]));
    // Half of them as a replica does (one schema), half as the bootstrap does (the manifest's list).
    const manifest = [
      { name: schema, database: true },
      { name: 'no_database', database: false },
    ];
    const provision = (s: pg.Client, i: number): Promise<ServiceSchemaReport[]> =>
      i % 2 ? provisionServiceSchemas(s, manifest) : provisionServiceSchema(s, schema).then((r) => [r]);

    const first = (await Promise.all(sessions.map(provision))).flat();
    const again = (await Promise.all(sessions.map(provision))).flat();

    expect(first).toHaveLength(8);
    expect(first.filter((r) => r.createdRole)).toHaveLength(1);
    expect(first.filter((r) => r.createdSchema).map((r) => sessions[first.indexOf(r)]!.database).sort()).toEqual(
      urls.map((u) => new URL(u).pathname.slice(1)).sort(),
    );
    expect(again.every((r) => !r.createdRole && !r.grantedRole && !r.createdSchema && r.handedOver.length === 0)).toBe(true);
    for (const u of urls) {
      expect(await sql(u, 'select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = $1', [schema])).toEqual([
        { owner: serviceRole(schema) },
      ]);
      expect(await sql(u, `select count(*)::int as n from pg_namespace where nspname = 'no_database'`)).toEqual([{ n: 0 }]);
    }
  });

  test('opening and closing leaves no connection behind, the provisioning one included (a migrate script exits at once)', async () => {
    const url = await createDatabase();
    const name = new URL(url).pathname.slice(1);
    const orm = await open(url, 'ledger');
    await migrateDatabase(orm);

    await orm.close(true);

    let left = -1;
    for (let i = 0; i < 40 && left !== 0; i++) {
      if (i) await new Promise((r) => setTimeout(r, 50));
      [{ n: left }] = await sql(adminUrl, 'select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
    }
    expect(left).toBe(0);
  });

  test("an earlier version's schema, owned by the login, is handed over to the role and migrated on top", async () => {
    const url = await createDatabase();
    // What an earlier version left: schema, tables, sequence, function, view and type owned by the login, one migration applied.
    await sql(
      url,
      [
        'create schema ledger',
        'set search_path = ledger',
        ...NOTE_DDL,
        'create table mikro_orm_migrations (id serial primary key, name varchar(255) not null, executed_at timestamptz not null default current_timestamp)',
        "insert into mikro_orm_migrations (name) values ('CreateNote')",
        "insert into note (body) values ('from before')",
      ].join(';\n'),
    );
    const login = new URL(adminUrl).username || 'postgres';
    expect(new Set((await owners(url, 'ledger')).map((o) => o.owner))).toEqual(new Set([login]));

    const orm = await open(url, 'ledger');
    const applied = await migrateDatabase(orm);

    expect(applied).toEqual(['AddNoteCreatedAt']);
    expect(await orm.em.fork().execute('select body, note_count() as n from note')).toEqual([{ body: 'from before', n: '1' }]);
    const after = await owners(url, 'ledger');
    expect(after).toHaveLength(10); // schema, 2 tables, 2 sequences, 2 indexes, view, function, type
    expect(after.filter((o) => o.owner !== 'finance_ledger')).toEqual([]);
  });

  test('a login that may create roles, but is no superuser, creates the role, takes it and hands its old objects over', async () => {
    const login = `ft_login_${run}`;
    extraRoles.push(login);
    await sql(adminUrl, `create role "${login}" login createrole`);
    const url = as(await createDatabase(login), login);
    const schema = `t${run}b`;
    extraRoles.push(serviceRole(schema));
    await sql(url, `create schema ${schema}; create table ${schema}.legacy (id serial primary key, body text not null)`);

    const orm = await open(url, schema);
    await migrateDatabase(orm);

    expect(await orm.em.fork().execute('select current_user as role')).toEqual([{ role: serviceRole(schema) }]);
    expect(new Set((await owners(url, schema)).map((o) => o.owner))).toEqual(new Set([serviceRole(schema)]));
    expect(await sql(adminUrl, 'select pg_has_role($1, $2, $3) as member', [login, serviceRole(schema), 'MEMBER'])).toEqual([{ member: true }]);
  });

  test('a login without the rights fails naming the role and what an administrator must run, and works once it is done', async () => {
    const login = `ft_plain_${run}`;
    extraRoles.push(login);
    await sql(adminUrl, `create role "${login}" login`);
    const adminDb = await createDatabase();
    const url = as(adminDb, login);
    const schema = `t${run}c`;
    const role = serviceRole(schema);
    extraRoles.push(role);

    await expect(open(url, schema)).rejects.toThrow(
      new RegExp(`role ${role} does not exist and the login ${login} may not create roles.*CREATE ROLE ${role} NOLOGIN; GRANT ${role} TO "${login}"`),
    );
    await sql(adminUrl, `create role ${role} nologin`);
    await expect(open(url, schema)).rejects.toThrow(new RegExp(`login ${login} may not act as PostgreSQL role ${role}.*GRANT ${role} TO "${login}"`));
    await sql(adminUrl, `grant ${role} to "${login}"`);
    await expect(open(url, schema)).rejects.toThrow(new RegExp(`schema ${schema} does not exist and the login ${login} may not create it.*CREATE SCHEMA ${schema} AUTHORIZATION ${role}`));
    await sql(adminDb, `create schema ${schema} authorization ${role}`);

    const orm = await open(url, schema);

    expect(await migrateDatabase(orm)).toEqual(['CreateNote', 'AddNoteCreatedAt']);
    expect(await orm.em.fork().execute('select current_user as role')).toEqual([{ role }]);
  });
});
