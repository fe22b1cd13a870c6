import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

// em.execute inlines its parameters into the SQL text, escaping each string character by character
// in JavaScript: about 230 ms per MB, i.e. seconds for the JSON of an import. These statements send
// their parameters to PostgreSQL as bind parameters instead ($1, $2 …), on the connection of the
// caller's transaction: the ORM's Kysely transaction runs a compiled raw query as node-postgres'
// `query(text, values)`.

interface RawQueryRunner {
  executeQuery(query: { sql: string; parameters: readonly unknown[]; query: { kind: 'RawNode'; sqlFragments: string[]; parameters: [] }; queryId: { queryId: string } }): Promise<{
    rows: unknown[];
    numAffectedRows?: bigint;
  }>;
}

/** Runs `sql` ($1-style placeholders) with bind parameters in `tx`'s transaction; returns the rows. */
export async function executeBound<R>(tx: EntityManager, sql: string, parameters: readonly unknown[]): Promise<R[]> {
  const trx = tx.getTransactionContext() as RawQueryRunner | undefined;
  if (!trx) throw new Error('executeBound outside a transaction: run it inside em.transactional(...)');
  const result = await trx.executeQuery({ sql, parameters, query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: randomUUID() } });
  return result.rows as R[];
}

