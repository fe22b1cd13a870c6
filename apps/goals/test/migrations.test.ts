import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { outboxEntities, outboxMigration } from '@finance/events';
import { createLogger, migrateDatabase, openDatabase } from '@finance/platform';
import { createTestDatabase, type TestDatabase } from '@finance/testing';
import { openGoalsDatabase } from '../src/persistence/database.js';
import { goalsEntities } from '../src/persistence/goals.entities.js';
import { goalsMigrations, Migration20261205000001CreateGoalsTables } from '../src/persistence/migrations.js';

// The migration that gives contributions a goal amount, a rate and a rate date, run over rows
// written before it (by the schema of the first migration): a contribution was then always in its
// goal's currency, so its goal amount is its amount, at rate 1 on its transaction's date.

const logger = createLogger('goals-migrations-test', 'silent');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('Migration20261205000002ContributionGoalAmounts', () => {
  test('existing contributions get goal amount = amount, rate "1", rate date = their transaction\'s date; the new columns are required', async () => {
    const [userId, goalId, txId, contributionId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const before = await openDatabase({
      url: db.url,
      schema: 'goals',
      entities: [...goalsEntities, ...outboxEntities],
      migrations: [outboxMigration('goals'), Migration20261205000001CreateGoalsTables],
      logger,
    });
    try {
      await migrateDatabase(before);
      const em = before.em.fork();
      await em.execute(
        `insert into goals.goal (id, user_id, name, target_minor, current_minor, starting_minor, currency, status, created_on, created_at, updated_at)
         values (?, ?, 'Bike', 100000, 2550, 0, 'USD', 'active', '2026-03-01', now(), now())`,
        [goalId, userId],
      );
      await em.execute("insert into goals.contributed_transaction values (?, ?, 5000, 'USD', '2026-03-15', now())", [txId, userId]);
      await em.execute('insert into goals.contribution (id, goal_id, user_id, transaction_id, amount_minor, created_at) values (?, ?, ?, ?, 2550, now())', [
        contributionId,
        goalId,
        userId,
        txId,
      ]);
    } finally {
      await before.close();
    }

    const after = await openGoalsDatabase(db.url, logger);
    try {
      expect(goalsMigrations).toHaveLength(2);
      await migrateDatabase(after);
      const em = after.em.fork();
      const rows = await em.execute<{ amount_minor: string; goal_amount_minor: string; rate: string; rate_date: string }[]>(
        'select amount_minor::text as amount_minor, goal_amount_minor::text as goal_amount_minor, rate, rate_date::text as rate_date from goals.contribution where id = ?',
        [contributionId],
      );
      expect(rows).toEqual([{ amount_minor: '2550', goal_amount_minor: '2550', rate: '1', rate_date: '2026-03-15' }]);
      // A row without them, or with a rate that is not a plain decimal, is refused.
      const insert = (columns: string, values: string) =>
        em.execute(`insert into goals.contribution (id, goal_id, user_id, transaction_id, amount_minor, ${columns}, created_at) values (?, ?, ?, ?, 1, ${values}, now())`, [
          randomUUID(),
          goalId,
          userId,
          txId,
        ]);
      await expect(insert('rate', "'1'")).rejects.toThrow(/goal_amount_minor/);
      await expect(insert('goal_amount_minor, rate, rate_date', "1, '1e3', '2026-03-15'")).rejects.toThrow(/contribution_rate_check/);
      await expect(insert('goal_amount_minor, rate, rate_date', "-1, '1', '2026-03-15'")).rejects.toThrow(/contribution_goal_amount_minor_check/);
    } finally {
      await after.close();
    }
  });
});
