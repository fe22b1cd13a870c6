import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import pgCopyStreams from 'pg-copy-streams';

// Bulk writes with PostgreSQL's COPY … FROM STDIN (text format), on the connection of the caller's
// transaction: the outbox's bulk path (enqueueEvents) and the ledger's import use it. COPY takes rows
// as a stream of lines, with neither a statement per chunk nor a JSON document that PostgreSQL has to
// unpack again (jsonb_to_recordset), and the lines are made while PostgreSQL stores the earlier ones.
//
// node-postgres has no COPY of its own: pg-copy-streams' stream is a "submittable" query, which the
// pg Client runs like any other (client.query(submittable) answers the stream itself). The ORM's
// Kysely transaction runs a compiled query as `client.query(sql, parameters)` on its connection, so
// handing it the stream as the query's text runs the COPY inside that transaction. Its answer comes
// at once; the COPY is over when the stream finishes (after PostgreSQL's ReadyForQuery).

/** A column's value in a COPY row: text, or null (SQL NULL, written `\N`). */
export type CopyValue = string | null;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One value in COPY's text format: a backslash, tab, newline and carriage return escaped (`\\`,
 * `\t`, `\n`, `\r`), so the text `\N` stays text; null is `\N`. Every other character goes as it is
 * (UTF-8). A NUL character or an unpaired surrogate has no place in a PostgreSQL text value: refused
 * (a programming error: callers validate their input), never silently changed.
 */
export function copyTextValue(value: CopyValue): string {
  if (value === null) return '\\N';
  if (value.includes('\0')) throw new TypeError('COPY: a text value holds a NUL character');
  if (!value.isWellFormed()) throw new TypeError('COPY: a text value holds an unpaired UTF-16 surrogate');
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPED[c]!) : value;
}

/** One row (one line) in COPY's text format: the values escaped, tab-separated, newline-terminated. */
export function copyTextRow(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += i === 0 ? copyTextValue(values[i]!) : `\t${copyTextValue(values[i]!)}`;
  return `${line}\n`;
}

/** Characters gathered before they go to the socket as one CopyData message (each message has a 5-byte header). */
const MESSAGE_CHARS = 64 * 1024;

/** The part of the ORM's Kysely transaction used: a compiled query runs as node-postgres' client.query(sql, parameters). */
interface TransactionQueryRunner {
  executeQuery(query: { sql: unknown; parameters: readonly unknown[]; query: { kind: 'RawNode'; sqlFragments: string[]; parameters: [] }; queryId: { queryId: string } }): Promise<unknown>;
}

/**
 * Runs `sql` (`copy <table> (<columns>) from stdin`, text format) in `em`'s transaction, sending the
 * `lines` (each a copyTextRow) as they are made, with the socket's backpressure: only a few messages
 * wait in memory, and PostgreSQL stores rows while the next lines are made. Returns the rows copied.
 *
 * All or nothing with the transaction: a line that cannot be made (the iterator throws) ends the COPY
 * with CopyFail and rethrows that error; PostgreSQL's refusal (a constraint, a bad value) rejects with
 * PostgreSQL's error. Either way the transaction is failed and rolls back, and nothing is left running
 * on the connection when this settles.
 */
export async function copyRows(em: EntityManager, sql: string, lines: Iterable<string>): Promise<number> {
  const trx = em.isInTransaction() ? (em.getTransactionContext() as TransactionQueryRunner | undefined) : undefined;
  if (!trx) throw new Error('copyRows outside a transaction: run it inside em.transactional(...)');
  const stream = pgCopyStreams.from(sql);
  let refusal: { error: unknown } | undefined;
  const refused = new Promise<never>((_, reject) =>
    stream.on('error', (error) => {
      if (refusal) return;
      refusal = { error };
      reject(error);
      // No more writes may reach the socket: pg-copy-streams drops its connection on an error, and a
      // write buffered in the stream would then fail outside any caller.
      stream.destroy();
    }),
  );
  refused.catch(() => undefined);
  const closed = new Promise<void>((resolve) => stream.once('close', resolve));
  const finished = new Promise<void>((resolve) => stream.once('finish', resolve));

  await trx.executeQuery({ sql: stream, parameters: [], query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: randomUUID() } });
  const send = async (text: string) => {
    // Waiting for the socket when it is full, else one turn of the event loop: other requests get
    // their turn while a large COPY is made.
    await Promise.race([stream.write(text) ? nextTurn() : new Promise((resolve) => stream.once('drain', resolve)), refused]);
  };
  try {
    let pending = '';
    for (const line of lines) {
      pending += line;
      if (pending.length >= MESSAGE_CHARS) {
        await send(pending);
        pending = '';
      }
    }
    if (pending !== '') await send(pending);
    stream.end();
    await Promise.race([finished, refused]);
  } catch (err) {
    if (refusal) throw refusal.error;
    // A line could not be made: CopyFail, and wait until PostgreSQL has answered it (the connection
    // is free again) before the caller rolls back.
    stream.destroy(err instanceof Error ? err : new Error(String(err)));
    await closed;
    throw err;
  }
  return stream.rowCount;
}
