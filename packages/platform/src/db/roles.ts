// One PostgreSQL role per service, owning only the service's schema: "a service never reads another
// service's schema" enforced by the database. The service's ORM connections all act as the role
// (`-c role=...` at connection start, see openDatabase); what it migrates is owned by the role; the
// role has no rights on other schemas. The functions here run as the *login* of DATABASE_URL, before
// it takes the role: at service start (openDatabase), in `infra/scripts/infra.mjs ensure`, and (roles
// only) in the test harness' createTestDatabase. Every step is idempotent and safe when several
// processes run it at once.

/** One database session (a `pg.Client` or a checked-out pool client; never a pool: `begin` must stick). */
export interface SqlSession {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** What the manifest says about a service, as far as its database is concerned. */
export interface DatabaseServiceEntry {
  readonly name: string;
  readonly database: boolean;
}

/** Roles are cluster-wide, so they carry a prefix that keeps them apart from anything else's. */
export const SERVICE_ROLE_PREFIX = 'finance_';

const IDENT = /^[a-z_][a-z0-9_]*$/;
const MAX_IDENT = 63; // NAMEDATALEN - 1: PostgreSQL would silently truncate a longer name

/** The NOLOGIN role that owns schema `schema` and everything in it: `finance_<schema>`. */
export function serviceRole(schema: string): string {
  const role = `${SERVICE_ROLE_PREFIX}${schema}`;
  if (!IDENT.test(schema) || role.length > MAX_IDENT) {
    throw new Error(`invalid schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _, at most ${MAX_IDENT - SERVICE_ROLE_PREFIX.length} characters`);
  }
  return role;
}

/** What a provisioning step did (empty/false when everything was in place). */
export interface ServiceSchemaReport {
  schema: string;
  role: string;
  createdRole: boolean;
  /** The login was granted the role (it could not act as it before). */
  grantedRole: boolean;
  createdSchema: boolean;
  /** The `alter ... owner to` statements run to hand over objects an earlier version left owned by the login. */
  handedOver: string[];
}

/**
 * Makes sure the role of `schema` exists and that the session's login may act as it (`SET ROLE`).
 * Creates the role (NOLOGIN) when missing, if the login may create roles; grants it to the login
 * when the login cannot act as it yet (superusers always can). Fails with a message naming the role
 * and the statements an administrator has to run when the login lacks the rights. Run outside a
 * transaction: concurrent runs (roles are cluster-wide) lose races with duplicate_object or
 * unique_violation and simply look again.
 */
export async function ensureServiceRole(session: SqlSession, schema: string): Promise<{ role: string; created: boolean; granted: boolean }> {
  const role = serviceRole(schema);
  let created = false;
  let granted = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const [{ exists, login }] = (await session.query('select exists (select 1 from pg_roles where rolname = $1) as exists, current_user as login', [role]))
        .rows as [{ exists: boolean; login: string }];
      if (!exists) {
        await session.query(`create role ${quote(role)} nologin`).catch((err: unknown) => {
          if (code(err) === '42501') {
            throw new Error(
              `PostgreSQL role ${role} does not exist and the login ${login} may not create roles. ` +
                `As an administrator run once: CREATE ROLE ${role} NOLOGIN; GRANT ${role} TO ${quote(login)};`,
              { cause: err },
            );
          }
          throw err;
        });
        created = true;
      }
      if (!(await canActAs(session, role))) {
        // PostgreSQL 16 split membership into options; say explicitly that the login may SET ROLE.
        const options = (await serverVersion(session)) >= 160000 ? ' with inherit true, set true' : '';
        await session.query(`grant ${quote(role)} to ${quote(login)}${options}`).catch((err: unknown) => {
          if (code(err) === '42501') {
            throw new Error(
              `the login ${login} may not act as PostgreSQL role ${role} and may not grant it to itself. ` +
                `As an administrator run once: GRANT ${role} TO ${quote(login)};`,
              { cause: err },
            );
          }
          throw err;
        });
        granted = true;
        if (!(await canActAs(session, role))) {
          throw new Error(`the login ${login} was granted PostgreSQL role ${role} but still may not SET ROLE to it`);
        }
      }
      return { role, created, granted };
    } catch (err) {
      if (attempt < 5 && isRace(err)) continue;
      throw err;
    }
  }
}

/**
 * Makes sure schema `schema` exists, owned by its role, and that everything in it is owned by the
 * role: an earlier version created the schema and its objects as the login, and they are handed
 * over here (tables with their indexes, sequences and triggers, views, functions, procedures,
 * types and domains). Runs in one transaction under the advisory lock the migrations take for this
 * schema, so replicas starting at once, and old replicas migrating, never collide. The role must
 * exist and the login must be able to act as it (ensureServiceRole).
 */
export async function prepareServiceSchema(session: SqlSession, schema: string): Promise<{ createdSchema: boolean; handedOver: string[] }> {
  const role = serviceRole(schema);
  await session.query('begin');
  try {
    // Catalog names printed through regclass/regprocedure/regtype come out schema-qualified.
    await session.query('set local search_path = pg_catalog');
    await session.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [migrationLockKey(schema)]);
    const [found] = (
      await session.query(
        `select r.oid::int8::text as role_oid, n.oid::int8::text as schema_oid, current_user as login
           from pg_roles r left join pg_namespace n on n.nspname = $1 where r.rolname = $2`,
        [schema, role],
      )
    ).rows as [{ role_oid: string; schema_oid: string | null; login: string } | undefined];
    if (!found) throw new Error(`PostgreSQL role ${role} does not exist (ensureServiceRole runs first)`);
    let createdSchema = false;
    const handedOver: string[] = [];
    if (found.schema_oid === null) {
      await session.query(`create schema ${quote(schema)} authorization ${quote(role)}`).catch((err: unknown) => {
        if (code(err) === '42501') {
          throw new Error(
            `schema ${schema} does not exist and the login ${found.login} may not create it. ` +
              `As an administrator run once: CREATE SCHEMA ${schema} AUTHORIZATION ${role};`,
            { cause: err },
          );
        }
        throw err;
      });
      createdSchema = true;
    } else {
      const { rows } = await session.query(HANDOVER_SQL, [found.schema_oid, found.role_oid]);
      for (const { kind, name } of rows as Array<{ kind: string; name: string }>) {
        const sql = `alter ${kind} ${name} owner to ${quote(role)}`;
        await session.query(sql).catch((err: unknown) => {
          if (code(err) === '42501') {
            throw new Error(
              `${kind} ${name} is not owned by PostgreSQL role ${role} and the login ${found.login} may not hand it over. ` +
                `As its owner or an administrator run: ${sql};`,
              { cause: err },
            );
          }
          throw err;
        });
        handedOver.push(sql);
      }
    }
    await session.query('commit');
    return { createdSchema, handedOver };
  } catch (err) {
    await session.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** ensureServiceRole, then prepareServiceSchema: everything one service needs in the database of `session`. */
export async function provisionServiceSchema(session: SqlSession, schema: string): Promise<ServiceSchemaReport> {
  const { role, created, granted } = await ensureServiceRole(session, schema);
  const { createdSchema, handedOver } = await prepareServiceSchema(session, schema);
  return { schema, role, createdRole: created, grantedRole: granted, createdSchema, handedOver };
}

/** The roles of every service of `services` that has a database (roles are cluster-wide: any database of the server will do). */
export async function ensureServiceRoles(session: SqlSession, services: readonly DatabaseServiceEntry[]): Promise<Array<{ role: string; created: boolean; granted: boolean }>> {
  const out = [];
  for (const s of services) if (s.database) out.push(await ensureServiceRole(session, s.name));
  return out;
}

/** provisionServiceSchema for every service of `services` that has a database, in the database of `session`. */
export async function provisionServiceSchemas(session: SqlSession, services: readonly DatabaseServiceEntry[]): Promise<ServiceSchemaReport[]> {
  const out = [];
  for (const s of services) if (s.database) out.push(await provisionServiceSchema(session, s.name));
  return out;
}

/** The advisory lock held while a schema is prepared or migrated (transaction-scoped, per database). */
export function migrationLockKey(schema: string): string {
  return `finance.migrate.${schema}`;
}

// Objects of the schema ($1) not owned by the role ($2), as `alter <kind> <name>` parts. Indexes,
// triggers, rules, policies, row types and the sequences of serial/identity columns follow their
// table; array types follow their element type; multiranges their range.
const HANDOVER_SQL = `
  select kind, name from (
    select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                          when 'f' then 'foreign table' when 'c' then 'type' else 'table' end as kind,
           c.oid::regclass::text as name, 1 as step
      from pg_class c
     where c.relnamespace = $1::int8::oid and c.relowner <> $2::int8::oid and c.relkind in ('r', 'p', 'f', 'v', 'm', 'S', 'c')
       and not (c.relkind = 'S' and exists (
             select 1 from pg_depend d
              where d.classid = 'pg_class'::regclass and d.objid = c.oid
                and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')))
    union all
    select case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end,
           p.oid::regprocedure::text, 2
      from pg_proc p
     where p.pronamespace = $1::int8::oid and p.proowner <> $2::int8::oid
    union all
    select case t.typtype when 'd' then 'domain' else 'type' end, t.oid::regtype::text, 3
      from pg_type t
     where t.typnamespace = $1::int8::oid and t.typowner <> $2::int8::oid and t.typtype in ('d', 'e', 'r')
    union all
    select 'schema', quote_ident(n.nspname), 0
      from pg_namespace n
     where n.oid = $1::int8::oid and n.nspowner <> $2::int8::oid
  ) o
  order by step, name`;

async function canActAs(session: SqlSession, role: string): Promise<boolean> {
  try {
    await session.query(`set role ${quote(role)}`);
  } catch (err) {
    if (code(err) === '42501') return false;
    throw err;
  }
  await session.query('reset role');
  return true;
}

async function serverVersion(session: SqlSession): Promise<number> {
  const [{ v }] = (await session.query("select current_setting('server_version_num')::int as v")).rows as [{ v: number }];
  return v;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function code(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

// Lost races between sessions creating the same role or membership at once.
function isRace(err: unknown): boolean {
  const c = code(err);
  return c === '42710' || c === '23505' || c === '40001' || c === '40P01' || (c === 'XX000' && /concurrently/.test((err as Error).message));
}
