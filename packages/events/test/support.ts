import { defineEntity, p } from '@mikro-orm/core';
import { createLogger, Migration, migrateDatabase, openDatabase, type MikroORM } from '@finance/platform';
import { createTestDatabase, type TestDatabase } from '@finance/testing';
import { outboxEntities, outboxMigrations } from '../src/index.js';

/** Silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug to watch relay and consumers). */
export const logger = createLogger('events-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A business table for the tests, written in the same transaction as events. */
export const NoteEntity = defineEntity({
  name: 'Note',
  tableName: 'note',
  properties: { id: p.uuid().primary(), body: p.text() },
});

class CreateTestTables extends Migration {
  override up(): void {
    this.addSql('create table note (id uuid primary key, body text not null)');
    // What consumers' handlers write: one row per handler run that committed.
    this.addSql('create table handled (event_id uuid not null, durable text not null, attempt int not null)');
  }
}

export interface ServiceDb {
  db: TestDatabase;
  orm: MikroORM;
  close(): Promise<void>;
}

/** A fresh database with one service schema holding the outbox tables and the test tables. */
export async function openServiceDb(schema: string): Promise<ServiceDb> {
  const db = await createTestDatabase();
  const orm = await openDatabase({
    url: db.url,
    schema,
    entities: [NoteEntity, ...outboxEntities],
    migrations: [...outboxMigrations(), CreateTestTables],
    poolMax: 4,
    logger,
  });
  await migrateDatabase(orm);
  return {
    db,
    orm,
    async close() {
      await orm.close(true);
      await db.drop();
    },
  };
}

export { inspector, streamMessages } from '@finance/testing';
