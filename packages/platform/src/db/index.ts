export {
  MIGRATIONS_TABLE,
  Migration,
  MikroORM,
  migrateDatabase,
  openDatabase,
  quoteIdent,
  schemaOf,
  type DatabaseOptions,
  type EntityManager,
  type MigrationEntry,
} from './database.js';
export { PinoOrmLogger } from './orm-logger.js';
