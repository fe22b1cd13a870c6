import { randomFillSync, randomInt, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { enqueueEvents } from '@finance/events';
import { transactionCreated } from '@finance/events/contracts/ledger';
import { money } from '@finance/money';
import { countNewRows, type DuplicateKeyFields } from '../domain/duplicates.js';
import { errors } from '../domain/errors.js';
import { IDEMPOTENCY_TTL_MS, validateIdempotencyKey } from '../domain/idempotency.js';
import { importFingerprint, IMPORTED_CATEGORY_COLOR, validateImportRows, type ImportRowInput, type ValidImportRow } from '../domain/import.js';
import {
  copyImportedTransactions,
  insertMissingCategories,
  lockUserImports,
  selectCategoriesByName,
  selectStoredOnDates,
  type CategoryByName,
  type ImportedTransactionRow,
} from '../persistence/import.queries.js';
import { IdempotencyKeyEntity } from '../persistence/ledger.entities.js';
import type { LedgerContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { claimIdempotencyKey, findStoredJson } from './idempotency.js';
import { requireUserId } from './users.js';

export interface ImportTransactionsInput {
  userId: string;
  rows: readonly ImportRowInput[];
  /** Count only: the same answer, nothing written (no categories, no key). */
  dryRun: boolean;
  idempotencyKey?: string | undefined;
}

export interface ImportResult {
  imported: number;
  skippedDuplicates: number;
  /** Categories created by name (a dry run: that would be created). */
  categoriesCreated: number;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

type StoredImportAnswer = Omit<ImportResult, 'replayed'>;

function answerToJson(answer: StoredImportAnswer): Record<string, unknown> {
  return { imported: answer.imported, skipped_duplicates: answer.skippedDuplicates, categories_created: answer.categoriesCreated };
}

function answerFromJson(json: Record<string, unknown>): StoredImportAnswer {
  return { imported: Number(json.imported), skippedDuplicates: Number(json.skipped_duplicates), categoriesCreated: Number(json.categories_created) };
}


/**
 * Imports a whole file's rows (POST /import/csv, after reporting read the file) in ONE database
 * transaction, all or nothing:
 *
 * 1. every row is checked by CreateTransaction's rules; any invalid row refuses the whole request
 *    (LEDGER_INVALID_FIELDS, paths `rows[i].<field>`), before anything is read or written;
 * 2. the user's erasure lock in shared mode (guardUserWrite: an import never resurrects an erased
 *    user), the Idempotency-Key claim, then the user's import lock, exclusive: concurrent imports of
 *    one user run one after the other, so the second sees the first one's rows as duplicates;
 * 3. categories by name, case-insensitively (the unique index's lower()), locked FOR SHARE (no
 *    rename or deletion under the import); missing ones are created (IMPORTED_CATEGORY_COLOR, no
 *    icon) with ON CONFLICT DO NOTHING and selected again, so a category created concurrently by
 *    CreateCategory is reused, not duplicated;
 * 4. duplicates: the user's transactions on the file's dates, in one query, counted with
 *    multiplicity against the file (domain/duplicates.ts);
 * 5. the new rows by one COPY, then one ledger.transaction.created.v1 per row (the payload
 *    CreateTransaction writes) in the outbox by another (enqueueEvents), both made row by row as
 *    PostgreSQL takes them.
 *
 * A dry run does 1–4 reading only and answers the same counts; it writes nothing (no category, no
 * key) and does not look at the Idempotency-Key beyond checking it. With a key (Stripe semantics, as
 * CreateTransaction): the same key and rows → the stored answer with `replayed`; other rows → 422.
 */
export async function importTransactions(ctx: LedgerContext, input: ImportTransactionsInput): Promise<ImportResult> {
  const userId = requireUserId(input.userId);
  const rows = validateImportRows(input.rows);
  const givenKey = input.idempotencyKey === undefined ? undefined : validateIdempotencyKey(input.idempotencyKey);
  // A dry run checks the key, but neither replays nor records it.
  const key = input.dryRun ? undefined : givenKey;
  const fingerprint = key === undefined ? '' : importFingerprint(input.rows);
  const em = ctx.orm.em.fork();

  if (key !== undefined) {
    const earlier = await findStoredJson(em, userId, key, fingerprint, ctx.now());
    if (earlier) return { ...answerFromJson(earlier), replayed: true };
  }

  let wrote = false;
  const result = await em.transactional(async (tx): Promise<ImportResult> => {
    await guardUserWrite(tx, userId);
    const now = ctx.now();
    if (key !== undefined) {
      await claimIdempotencyKey(tx, userId, key, now);
      const earlier = await findStoredJson(tx, userId, key, fingerprint, now);
      if (earlier) return { ...answerFromJson(earlier), replayed: true };
    }
    await lockUserImports(tx, userId);

    // Categories: one representative spelling per name as written (trimmed), first seen first.
    const names = [...new Set(rows.flatMap((r) => (r.categoryName === null ? [] : [r.categoryName])))];
    let byName = indexByName(await selectCategoriesByName(tx, userId, names));
    let missing = missingCategories(byName);
    const categoriesToCreate = missing.length;
    let categoriesCreated = 0;
    // Created, then selected (and locked) again. A name still missing then was created by another
    // request in another spelling and deleted again before we could lock it: create it once more.
    for (let attempt = 0; !input.dryRun && missing.length > 0; attempt++) {
      if (attempt === CATEGORY_ATTEMPTS) throw errors.importCategoriesChanged();
      categoriesCreated += await insertMissingCategories(tx, userId, missing.map((name) => ({ id: randomUUID(), name })), IMPORTED_CATEGORY_COLOR, now);
      byName = indexByName(await selectCategoriesByName(tx, userId, names));
      missing = missingCategories(byName);
    }
    if (input.dryRun) categoriesCreated = categoriesToCreate;

    // A file row compares by the stored name of the category it resolved to (see duplicates.ts): its
    // own object (validateImportRows made it) takes that spelling; a category still to create (dry
    // run) keeps the file's, which no stored transaction can have.
    const idOfStoredName = new Map<string, string>();
    for (const found of byName.values()) {
      if (found.id !== null && found.name !== null) idOfStoredName.set(found.name, found.id);
    }
    for (const row of rows) {
      if (row.categoryName !== null) row.categoryName = byName.get(row.categoryName)!.name ?? row.categoryName;
    }
    const dates = [...new Set(rows.map((r) => r.date))];
    const stored = (await selectStoredOnDates(tx, userId, dates)).map(
      (s): DuplicateKeyFields => ({
        date: s.date,
        type: s.transaction_type,
        amount: money(BigInt(s.amount_minor), s.currency),
        description: s.description,
        categoryName: s.category_name,
      }),
    );
    const { toImport, skipped } = countNewRows(rows, stored);
    stored.length = 0;
    const answer: StoredImportAnswer = { imported: toImport.length, skippedDuplicates: skipped, categoriesCreated };
    if (input.dryRun) return { ...answer, replayed: false };
    if (toImport.length > 0) await writeImportedRows(tx, userId, toImport, idOfStoredName, now);
    if (key !== undefined) {
      tx.create(IdempotencyKeyEntity, {
        userId,
        key,
        requestHash: fingerprint,
        response: answerToJson(answer),
        transactionId: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
    }
    wrote = toImport.length > 0;
    return { ...answer, replayed: false };
  });
  if (wrote) ctx.eventsWritten();
  return result;
}

/**
 * The new rows by one COPY, then their ledger.transaction.created.v1 events by another
 * (enqueueEvents), each made row by row while PostgreSQL stores the earlier ones: no array of records
 * or events, and no JSON of the whole file, exists at any time.
 */
async function writeImportedRows(
  tx: EntityManager,
  userId: string,
  toImport: readonly ValidImportRow[],
  idOfStoredName: ReadonlyMap<string, string>,
  now: Date,
): Promise<void> {
  const ids = new TimeOrderedIds(now.getTime());
  // Time-ordered like every transaction id (recordTransaction).
  const transactionIds = ids.next(toImport.length);
  const categoryIdOf = (row: ValidImportRow) => (row.categoryName === null ? null : idOfStoredName.get(row.categoryName)!);
  const records = function* (): Generator<ImportedTransactionRow> {
    for (let i = 0; i < toImport.length; i++) {
      const row = toImport[i]!;
      yield {
        id: transactionIds[i]!,
        amount_minor: row.amount.minor.toString(),
        currency: row.amount.currency,
        transaction_type: row.type,
        date: row.date,
        description: row.description,
        category_id: categoryIdOf(row),
      };
    }
  };
  await copyImportedTransactions(tx, userId, records(), now);
  // Time-ordered event ids: 100,000 outbox rows go into the primary key in order, not at random
  // places (about a third less PostgreSQL time for the outbox's writes here).
  const eventIds = ids.next(toImport.length);
  const events = function* () {
    for (let i = 0; i < toImport.length; i++) {
      const row = toImport[i]!;
      // The payload CreateTransaction writes (recordTransaction), so consumers see no difference.
      yield {
        event_id: eventIds[i]!,
        user_id: userId,
        transaction: {
          transaction_id: transactionIds[i]!,
          amount_minor: row.amount.minor.toString(),
          currency: row.amount.currency,
          transaction_type: row.type,
          date: row.date,
          category_id: categoryIdOf(row),
        },
      };
    }
  };
  await enqueueEvents(tx, transactionCreated, events());
}

/**
 * UUIDv7s for many rows at once: all with the import's time and a sequence counted up from a random
 * start, so they sort in the order made and never collide within the import; the random part comes
 * from one randomFillSync per batch. (uuid's v7() without options asks crypto for 16 bytes per id:
 * 1.4 s of CPU for the 200,000 ids of a 100,000-row import.)
 */
class TimeOrderedIds {
  private seq = randomInt(0, 2 ** 30);

  constructor(private readonly msecs: number) {}

  next(count: number): string[] {
    const random = randomFillSync(new Uint8Array(16 * count));
    const ids = new Array<string>(count);
    for (let i = 0; i < count; i++) ids[i] = uuidv7({ random: random.subarray(16 * i, 16 * i + 16), msecs: this.msecs, seq: this.seq++ });
    return ids;
  }
}

/** How often an import creates and selects its missing categories before giving up (see importTransactions). */
const CATEGORY_ATTEMPTS = 3;

/** The names to create: one spelling (the first in the file) per lower() key without a category. */
function missingCategories(byName: ReadonlyMap<string, CategoryByName>): string[] {
  const missing = new Map<string, string>();
  for (const found of byName.values()) if (found.id === null && !missing.has(found.key)) missing.set(found.key, found.wanted);
  return [...missing.values()];
}

function indexByName(found: readonly CategoryByName[]): Map<string, CategoryByName> {
  return new Map(found.map((c) => [c.wanted, c]));
}
