import type { EntityClass, EntitySchema, MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, SqlSchemaGenerator } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { PinoOrmLogger } from './orm-logger.js';
import { migrationLockKey, provisionServiceSchema, serviceRole, type SqlSession } from './roles.js';

export { MikroORM };
export type { EntityManager } from '@mikro-orm/postgresql';
/** Base class of the hand-written migrations: `up()` calls `this.addSql(...)`. */
export { Migration } from '@mikro-orm/migrations';

/** A migration class, or `{ name, class }` when the class name is not a stable migration name. */
export type MigrationEntry = MigrationObject['class'] | MigrationObject;

export interface DatabaseOptions {
  /** DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/finance */
  url: string;
  /**
   * The service's own schema ('auth', 'ledger', ...); every table, and the migrations table, lives
   * there, owned by the service's role `finance_<schema>` (see ./roles.ts).
   */
  schema: string;
  /** MikroORM entity schemas (`defineEntity` results) or classes. */
  entities: ReadonlyArray<EntitySchema<any, any> | EntityClass<any>>;
  /** Every migration of the service, in the order they must run (no file discovery: it breaks between src and dist). */
  migrations: ReadonlyArray<MigrationEntry>;
  poolMax?: number;
  logger?: Logger;
}

/** The bookkeeping table of applied migrations, inside the service's schema. */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/**
 * Opens (and connects) the ORM of one service. First, as the login of `opts.url`, it makes sure the
 * service's role `finance_<schema>` exists (creating it when the login may), that the login may act
 * as it, and that the schema exists and everything in it is owned by the role (see ./roles.ts); it
 * fails naming the role when the login lacks the rights for a missing piece. Then every pooled
 * connection starts as that role (`-c role=...`), so the service can neither read nor create in
 * another service's schema, and what it migrates is owned by its role. Entities without an explicit
 * schema land in `opts.schema`; connections get `search_path = <schema>, public`, so unqualified raw
 * SQL hits the service's own tables. The schema generator is fenced off (see `fenceSchemaGenerator`).
 */
export async function openDatabase(opts: DatabaseOptions): Promise<MikroORM> {
  const role = serviceRole(opts.schema);
  const ormLogger = new PinoOrmLogger(opts.logger);
  await provisionAsLogin(opts.url, opts.schema, ormLogger, opts.logger);
  const orm = await MikroORM.init({
    clientUrl: opts.url,
    schema: opts.schema,
    entities: [...opts.entities],
    extensions: [Migrator],
    pool: { min: 0, max: opts.poolMax ?? 10 },
    // Applied to every pooled connection at start-up, so RESET / RESET ALL (which the migration runner
    // and session contexts issue) return to them: the search path and the service's role.
    driverOptions: { options: `-c search_path=${opts.schema},public -c role=${role}` },
    // Connecting must never create databases: that is the bootstrap's job (its role and schema are the service's).
    ensureDatabase: false,
    loggerFactory: () => ormLogger,
    debug: ormLogger.isEnabled('query') ? ['query', 'query-params'] : false,
    migrations: {
      migrationsList: [...opts.migrations],
      tableName: MIGRATIONS_TABLE,
      // Runs every migration with `search_path` = the service schema, so shared migrations
      // (e.g. the outbox tables of @finance/events) need not know which schema they land in.
      schema: opts.schema,
      transactional: true,
      allOrNothing: true,
      // No snapshot: a snapshot means introspecting the database and writing files next to the code.
      snapshot: false,
      snapshotOnMigrate: false,
      silent: !opts.logger,
    },
  });
  fenceSchemaGenerator(orm);
  await orm.connect();
  return orm as MikroORM;
}

/**
 * Runs the role and schema provisioning of ./roles.ts on one connection as the login (not the role),
 * through a throw-away ORM instance: the service's own pool starts every connection as the role, and
 * the role may not exist yet.
 */
async function provisionAsLogin(url: string, schema: string, ormLogger: PinoOrmLogger, logger: Logger | undefined): Promise<void> {
  const orm = await MikroORM.init({
    clientUrl: url,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 1 },
    ensureDatabase: false,
    loggerFactory: () => ormLogger,
  });
  try {
    const pool = await orm.em.getConnection().getNativeClient();
    const client = await pool.connect();
    try {
      const report = await provisionServiceSchema(client as SqlSession, schema);
      if (report.createdRole) logger?.info({ role: report.role }, 'created the PostgreSQL role of the service');
      if (report.grantedRole) logger?.info({ role: report.role }, 'granted the PostgreSQL role of the service to the login');
      if (report.createdSchema) logger?.info({ schema, role: report.role }, 'created the schema of the service');
      if (report.handedOver.length) logger?.info({ schema, role: report.role, statements: report.handedOver }, 'handed the schema objects over to the role of the service');
    } finally {
      // Destroyed, not returned: the ORM's close() ends the pool only if the ORM itself used it, and
      // an idle client left in it would keep the process alive for the pool's idle timeout (10 s).
      client.release(true);
    }
  } finally {
    await orm.close(true);
  }
}

/**
 * Applies the pending migrations of `orm` inside its schema (which openDatabase made sure exists,
 * owned by the service's role). Safe when several replicas start at once: every step that creates
 * something runs under a transaction-scoped advisory lock keyed by the schema name, and the
 * migrations themselves run in one transaction that holds it (all or nothing). Returns the names
 * of the migrations it applied.
 */
export async function migrateDatabase(orm: MikroORM): Promise<string[]> {
  // One ORM instance runs one migration at a time: the migrator keeps its transaction in fields.
  const previous = running.get(orm) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => migrate(orm));
  running.set(orm, current);
  return current;
}

const running = new WeakMap<MikroORM, Promise<string[]>>();

function migrationLock(orm: MikroORM) {
  const key = migrationLockKey(schemaOf(orm));
  return (trx: unknown) => orm.em.getConnection().execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [key], 'all', trx as never);
}

/**
 * The bookkeeping table, created under the migration lock: MikroORM would otherwise create it
 * outside any transaction (its migrator does on first use, even to list what is pending), and two
 * replicas racing there fail on a duplicate key. (The schema exists: the role may not create
 * schemas, openDatabase created it as the login.)
 */
async function ensureMigrationsTable(orm: MikroORM): Promise<void> {
  const schema = schemaOf(orm);
  const connection = orm.em.getConnection();
  const lock = migrationLock(orm);
  await connection.transactional(async (trx) => {
    await lock(trx);
    await connection.execute(
      `create table if not exists ${quoteIdent(schema)}.${quoteIdent(MIGRATIONS_TABLE)} (` +
        'id serial primary key, name varchar(255) not null, executed_at timestamptz not null default current_timestamp)',
      [],
      'run',
      trx,
    );
  });
}

async function migrate(orm: MikroORM): Promise<string[]> {
  const connection = orm.em.getConnection();
  const lock = migrationLock(orm);
  // 1. The bookkeeping table.
  await ensureMigrationsTable(orm);
  // 2. Let the migrator initialise (it checks the database) before step 3 pins a pooled connection.
  await orm.migrator.getPending();
  // 3. Read what is applied and apply the rest, all under the lock: a second replica waits here and
  //    then finds nothing pending.
  const applied = await connection.transactional(async (trx) => {
    await lock(trx);
    return orm.migrator.up({ transaction: trx });
  });
  return applied.map((m) => m.name);
}

/** A service refused to start: MIGRATE_ON_START is false and its schema lacks migrations of this release. */
export class PendingMigrationsError extends Error {
  override name = 'PendingMigrationsError';
  constructor(
    readonly schema: string,
    readonly pending: readonly string[],
  ) {
    super(
      `schema ${schema} lacks ${pending.length} migration(s) of this release: ${pending.join(', ')}. ` +
        'MIGRATE_ON_START is false, so they are applied by the release\'s migration run (`node dist/migrate.js`, the Kubernetes migration Job), not at start: run it first.',
    );
  }
}

/** The names of the migrations of `orm` not applied to its schema yet; applies none (it may create the empty bookkeeping table). */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  await ensureMigrationsTable(orm);
  return (await orm.migrator.getPending()).map((m) => m.name);
}

/**
 * What a service does with its migrations at start, by its MIGRATE_ON_START (baseEnv). True (the
 * default: npm start, compose, the tests) applies them (migrateDatabase). False (Kubernetes, where a
 * Job runs `node dist/migrate.js` once per release before the rollout) applies nothing and throws
 * PendingMigrationsError naming what is missing, so a new release's pods crash-loop until the Job
 * has run instead of serving on an older schema. Returns the names of the migrations it applied.
 */
export async function migrateOnStart(orm: MikroORM, config: { readonly MIGRATE_ON_START: boolean }): Promise<string[]> {
  if (config.MIGRATE_ON_START) return migrateDatabase(orm);
  const pending = await pendingMigrations(orm);
  if (pending.length) throw new PendingMigrationsError(schemaOf(orm), pending);
  return [];
}

/** The schema a service's ORM was opened with. */
export function schemaOf(orm: MikroORM): string {
  const schema = orm.config.get('schema');
  if (!schema) throw new Error('the ORM was not opened with openDatabase (no schema configured)');
  return schema;
}

/** Double-quotes a PostgreSQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// Schema-generator methods that stay usable: existence checks and truncating the service's own
// tables (test clean-up). Everything else diffs or drops by looking at the whole database.
const ALLOWED_SCHEMA_GENERATOR_METHODS = new Set(['ensureDatabase', 'ensureIndexes', 'clear', 'clearIdentityMap', 'constructor']);

/**
 * Replaces `orm.schema` with a fence. A schema diff (`orm.schema.update()`, `migration:create`,
 * `refresh`, `drop`) compares the metadata of one service with the whole database and would drop
 * every other service's schema, so it is refused with an explanation instead.
 */
function fenceSchemaGenerator(orm: MikroORM): void {
  const generator = new SqlSchemaGenerator(orm.em);
  const fence = new Proxy(generator, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || ALLOWED_SCHEMA_GENERATOR_METHODS.has(prop)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return () => {
        throw new Error(
          `orm.schema.${prop}() is disabled: it diffs the whole database and would touch other services' schemas. ` +
            'Write the SQL in a migration class instead.',
        );
      };
    },
  });
  orm.config.registerExtension('@mikro-orm/schema-generator', () => fence);
  if (orm.schema !== fence) throw new Error('could not fence the MikroORM schema generator (was it used before?)');
}
