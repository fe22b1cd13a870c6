import { randomFillSync, randomInt, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { enqueueEvents } from '@finance/events';
import { transactionCreated } from '@finance/events/contracts/ledger';
import { money } from '@finance/money';
import { DuplicateCounter, type DuplicateKeyFields } from '../domain/duplicates.js';
import { errors } from '../domain/errors.js';
import { IDEMPOTENCY_TTL_MS, validateIdempotencyKey } from '../domain/idempotency.js';
import { IMPORTED_CATEGORY_COLOR, ImportFingerprint, ImportRowChecker, type ImportRowInput, type ValidImportRow } from '../domain/import.js';
import {
  addDailyTotals,
  copyImportedTransactions,
  deferDailyTotals,
  insertMissingCategories,
  lockUserImports,
  selectCategoriesByName,
  selectStoredOnDates,
  type CategoryByName,
  type DailyTotalDelta,
  type ImportedTransactionRow,
} from '../persistence/import.queries.js';
import { selectStoredResponse } from '../persistence/idempotency-key.queries.js';
import { IdempotencyKeyEntity } from '../persistence/ledger.entities.js';
import type { LedgerContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { claimIdempotencyKey, findStoredJson } from './idempotency.js';
import { requireUserId } from './users.js';

export interface ImportTransactionsInput {
  userId: string;
  /** The rows in file order, in batches as they arrive (the messages of the gRPC stream). */
  batches: AsyncIterable<readonly ImportRowInput[]> | Iterable<readonly ImportRowInput[]>;
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
 * How many valid rows are written together (one COPY of transactions and one of events): large
 * enough that a statement's round trips and triggers cost little per row, small enough that the
 * database starts writing while the caller still reads its file.
 */
export const IMPORT_WRITE_BATCH = 5000;

/**
 * Imports a file's rows (POST /import/csv, streamed by reporting while it reads the file) in ONE
 * database transaction, all or nothing:
 *
 * 1. the user's erasure lock in shared mode (guardUserWrite: an import never resurrects an erased
 *    user), the Idempotency-Key claim, then the user's import lock, exclusive: concurrent imports of
 *    one user run one after the other, so the second sees the first one's rows as duplicates;
 * 2. the rows as they arrive, every one checked by CreateTransaction's rules; the valid ones written
 *    IMPORT_WRITE_BATCH at a time (ImportWriter below: categories, duplicates, COPY), so PostgreSQL
 *    stores the first rows while the caller is still sending the last;
 * 3. any invalid row refuses the whole request once every row has been checked (LEDGER_INVALID_FIELDS,
 *    paths `rows[i].<field>`, i over the whole stream): the transaction rolls back, nothing is
 *    written (after the first invalid row nothing more is written anyway). A caller that goes away
 *    mid-stream ends the same way.
 *
 * A dry run does the same reading only and answers the same counts; it writes nothing (no category,
 * no key) and does not look at the Idempotency-Key beyond checking it. With a key (Stripe semantics,
 * as CreateTransaction): the same key and rows → the stored answer with `replayed` (the rows are
 * still read to the end, to compare them); other rows → 422.
 */
export async function importTransactions(ctx: LedgerContext, input: ImportTransactionsInput): Promise<ImportResult> {
  const userId = requireUserId(input.userId);
  const givenKey = input.idempotencyKey === undefined ? undefined : validateIdempotencyKey(input.idempotencyKey);
  // A dry run checks the key, but neither replays nor records it.
  const key = input.dryRun ? undefined : givenKey;
  const checker = new ImportRowChecker();
  const fingerprint = key === undefined ? undefined : new ImportFingerprint();
  const rows = validRows(input.batches, checker, fingerprint);
  const refuseIfInvalid = () => {
    const failure = checker.failure();
    if (failure) throw failure;
  };
  const em = ctx.orm.em.fork();

  let wrote = false;
  const result = await em.transactional(async (tx): Promise<ImportResult> => {
    await guardUserWrite(tx, userId);
    const now = ctx.now();
    if (key !== undefined) {
      await claimIdempotencyKey(tx, userId, key, now);
      if (await selectStoredResponse(tx, userId, key, now)) {
        for await (const _ of rows); // read to the end: checked and hashed
        refuseIfInvalid();
        const earlier = await findStoredJson(tx, userId, key, fingerprint!.digest(), now);
        return { ...answerFromJson(earlier!), replayed: true };
      }
    }
    await lockUserImports(tx, userId);

    const writer = new ImportWriter(tx, userId, now, input.dryRun);
    for await (const batch of rows) await writer.write(batch);
    refuseIfInvalid();
    await writer.finish();
    const answer: StoredImportAnswer = { imported: writer.imported, skippedDuplicates: writer.skipped, categoriesCreated: writer.categoriesCreated };
    if (input.dryRun) return { ...answer, replayed: false };
    if (key !== undefined) {
      tx.create(IdempotencyKeyEntity, {
        userId,
        key,
        requestHash: fingerprint!.digest(),
        response: answerToJson(answer),
        transactionId: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
    }
    wrote = writer.imported > 0;
    return { ...answer, replayed: false };
  });
  if (wrote) ctx.eventsWritten();
  return result;
}

/**
 * The valid rows of `batches` in groups of about IMPORT_WRITE_BATCH, every row checked (and hashed
 * for the key) as it comes. Once a row is invalid nothing more is handed on, but the rest is still
 * read and checked, so the refusal lists every bad row.
 */
async function* validRows(
  batches: AsyncIterable<readonly ImportRowInput[]> | Iterable<readonly ImportRowInput[]>,
  checker: ImportRowChecker,
  fingerprint: ImportFingerprint | undefined,
): AsyncGenerator<ValidImportRow[]> {
  let pending: ValidImportRow[] = [];
  for await (const batch of batches) {
    fingerprint?.add(batch);
    const valid = checker.check(batch);
    if (checker.failed) {
      pending = [];
      continue;
    }
    for (const row of valid) pending.push(row);
    if (pending.length >= IMPORT_WRITE_BATCH) {
      yield pending;
      pending = [];
    }
  }
  if (pending.length > 0 && !checker.failed) yield pending;
}

/**
 * Writes an import's valid rows batch after batch, within its database transaction:
 *
 * - categories by name, case-insensitively (the unique index's lower()), locked FOR SHARE (no rename
 *   or deletion under the import), each name looked up once; missing ones are created
 *   (IMPORTED_CATEGORY_COLOR, no icon) with ON CONFLICT DO NOTHING and selected again, so a category
 *   created concurrently by CreateCategory is reused, not duplicated;
 * - duplicates: the user's transactions on the batch's dates not seen before (each date read once:
 *   rows this import wrote are never read back as stored), counted with multiplicity against the
 *   rows (domain/duplicates.ts): per key, the same count as over the whole file at once;
 * - the new rows by one COPY, then one ledger.transaction.created.v1 per row (the payload
 *   CreateTransaction writes) in the outbox by another, their lines made as PostgreSQL takes them;
 * - the daily totals: the insert trigger stands aside for the import's COPYs (deferDailyTotals) and
 *   `finish()` adds the import's groups in one upsert (a trigger's upsert per COPY statement updated
 *   each group once per statement: +30 % of PostgreSQL's time for 100,000 rows in 20 statements).
 *
 * A dry run reads only: categories that would be created are counted (each lower() name once).
 */
class ImportWriter {
  imported = 0;
  skipped = 0;
  categoriesCreated = 0;
  /** Each name as written in the file → its category (or none yet). */
  readonly #byName = new Map<string, CategoryByName>();
  /** A stored name → its id. */
  readonly #idOfStoredName = new Map<string, string>();
  /** Dry run: the lower() names that would be created. */
  readonly #wouldCreate = new Set<string>();
  readonly #datesRead = new Set<string>();
  readonly #duplicates = new DuplicateCounter();
  readonly #ids: TimeOrderedIds;
  readonly #dailyTotals = new DailyTotals();
  /** Whether the daily totals' trigger stands aside (from the first COPY on; see finish()). */
  #deferred = false;

  constructor(
    private readonly tx: EntityManager,
    private readonly userId: string,
    private readonly now: Date,
    private readonly dryRun: boolean,
  ) {
    this.#ids = new TimeOrderedIds(now.getTime());
  }

  async write(rows: ValidImportRow[]): Promise<void> {
    await this.resolveCategories(rows);
    // A file row compares by the stored name of the category it resolved to (see duplicates.ts): its
    // own object (ImportRowChecker made it) takes that spelling; a category still to create (dry run)
    // keeps the file's, which no stored transaction can have.
    for (const row of rows) {
      if (row.categoryName !== null) row.categoryName = this.#byName.get(row.categoryName)!.name ?? row.categoryName;
    }
    const dates = [...new Set(rows.map((r) => r.date))].filter((date) => !this.#datesRead.has(date));
    if (dates.length > 0) {
      for (const date of dates) this.#datesRead.add(date);
      this.#duplicates.addStored(
        (await selectStoredOnDates(this.tx, this.userId, dates)).map(
          (s): DuplicateKeyFields => ({
            date: s.date,
            type: s.transaction_type,
            amount: money(BigInt(s.amount_minor), s.currency),
            description: s.description,
            categoryName: s.category_name,
          }),
        ),
      );
    }
    const toImport = rows.filter((row) => !this.#duplicates.isStored(row));
    this.skipped += rows.length - toImport.length;
    this.imported += toImport.length;
    if (this.dryRun || toImport.length === 0) return;
    if (!this.#deferred) {
      await deferDailyTotals(this.tx);
      this.#deferred = true;
    }
    const categoryIdOf = (row: ValidImportRow) => (row.categoryName === null ? null : this.#idOfStoredName.get(row.categoryName)!);
    for (const row of toImport) this.#dailyTotals.add(row, categoryIdOf(row));
    await writeImportedRows(this.tx, this.userId, toImport, categoryIdOf, this.#ids, this.now);
  }

  /** The rows' groups are added to the daily totals. */
  async finish(): Promise<void> {
    if (this.#deferred) await addDailyTotals(this.tx, this.userId, this.#dailyTotals.groups());
  }

  private async resolveCategories(rows: readonly ValidImportRow[]): Promise<void> {
    // One representative spelling per name as written (trimmed), first seen first.
    const names = [...new Set(rows.flatMap((r) => (r.categoryName === null || this.#byName.has(r.categoryName) ? [] : [r.categoryName])))];
    if (names.length === 0) return;
    const { tx, userId } = this;
    let byName = indexByName(await selectCategoriesByName(tx, userId, names));
    let missing = missingCategories(byName);
    if (this.dryRun) {
      for (const found of byName.values()) if (found.id === null) this.#wouldCreate.add(found.key);
      this.categoriesCreated = this.#wouldCreate.size;
    }
    // Created, then selected (and locked) again. A name still missing then was created by another
    // request in another spelling and deleted again before we could lock it: create it once more.
    for (let attempt = 0; !this.dryRun && missing.length > 0; attempt++) {
      if (attempt === CATEGORY_ATTEMPTS) throw errors.importCategoriesChanged();
      this.categoriesCreated += await insertMissingCategories(tx, userId, missing.map((name) => ({ id: randomUUID(), name })), IMPORTED_CATEGORY_COLOR, this.now);
      byName = indexByName(await selectCategoriesByName(tx, userId, names));
      missing = missingCategories(byName);
    }
    for (const [wanted, found] of byName) {
      this.#byName.set(wanted, found);
      if (found.id !== null && found.name !== null) this.#idOfStoredName.set(found.name, found.id);
    }
  }
}

/**
 * The daily totals of an import's rows, added up here instead of by the insert trigger once per COPY
 * statement (Migration20261206000001DeferredDailyTotals): one group per (date, type, category,
 * currency), its exact sum in minor units and its count.
 */
class DailyTotals {
  readonly #groups = new Map<string, DailyTotalDelta & { sum: bigint }>();

  add(row: ValidImportRow, categoryId: string | null): void {
    const key = `${row.date}\t${row.type}\t${categoryId ?? ''}\t${row.amount.currency}`;
    const group = this.#groups.get(key);
    if (group) {
      group.sum += row.amount.minor;
      group.count++;
    } else {
      this.#groups.set(key, { date: row.date, transaction_type: row.type, category_id: categoryId, currency: row.amount.currency, total_minor: '', count: 1, sum: row.amount.minor });
    }
  }

  groups(): DailyTotalDelta[] {
    return [...this.#groups.values()].map(({ sum, ...group }) => ({ ...group, total_minor: sum.toString() }));
  }
}

/**
 * A batch's new rows by one COPY, then their ledger.transaction.created.v1 events by another
 * (enqueueEvents), each made row by row while PostgreSQL stores the earlier ones: no array of records
 * or events exists at any time.
 */
async function writeImportedRows(
  tx: EntityManager,
  userId: string,
  toImport: readonly ValidImportRow[],
  categoryIdOf: (row: ValidImportRow) => string | null,
  ids: TimeOrderedIds,
  now: Date,
): Promise<void> {
  // Time-ordered like every transaction id (recordTransaction).
  const transactionIds = ids.next(toImport.length);
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
  // Time-ordered event ids: the outbox rows go into the primary key in order, not at random places
  // (about a third less PostgreSQL time for the outbox's writes here).
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
