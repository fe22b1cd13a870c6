export {
  MIGRATIONS_TABLE,
  Migration,
  MikroORM,
  migrateDatabase,
  migrateOnStart,
  pendingMigrations,
  PendingMigrationsError,
  openDatabase,
  quoteIdent,
  schemaOf,
  type DatabaseOptions,
  type EntityManager,
  type MigrationEntry,
} from './database.js';
export { PinoOrmLogger } from './orm-logger.js';
export {
  ensureServiceRole,
  ensureServiceRoles,
  migrationLockKey,
  prepareServiceSchema,
  provisionServiceSchema,
  provisionServiceSchemas,
  SERVICE_ROLE_PREFIX,
  serviceRole,
  type DatabaseServiceEntry,
  type ServiceSchemaReport,
  type SqlSession,
} from './roles.js';
export { deleteUserOutboxMessages, insertDeletedUser, isUserDeleted, lockUserExclusive, lockUserShared, tryLockUserShared } from './user-erasure.js';
