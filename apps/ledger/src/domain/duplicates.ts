import type { Money } from '@finance/money';
import type { TransactionType } from './transaction.js';

// Which rows of an import (ImportTransactions) are new, counting multiplicity. A row's key is (date,
// type, amount, currency, description, category name case-insensitively; no category =
// uncategorized). For each key, imported = max(0, count in the file − count already stored): two
// identical coffees in the file and one stored → one imported, one skipped; re-importing a file
// imports nothing. Of the rows sharing a key, the first ones in the file are taken as the stored
// ones (skipped) and the rest are imported. Descriptions compare exactly (case and spaces count), as
// the ledger stores them.

/** What makes two transactions duplicates of each other. */
export interface DuplicateKeyFields {
  /** YYYY-MM-DD. */
  date: string;
  type: TransactionType;
  amount: Money;
  /** null = uncategorized. */
  categoryName: string | null;
  description: string;
}

/**
 * The key of a row. Category names are compared trimmed and with JS toLowerCase. The import passes a
 * file row's category as the stored name of the category it resolved to (by PostgreSQL's lower(),
 * which keeps names unique), so both sides spell a category the same way and the two lower-casings
 * never have to agree.
 */
export function duplicateKey(row: DuplicateKeyFields): string {
  // JSON of an array: no choice of separator can make two different rows meet.
  return JSON.stringify([row.date, row.type, row.amount.minor.toString(), row.amount.currency, row.description, row.categoryName?.trim().toLowerCase() ?? '']);
}

export interface NewRows<T> {
  /** The rows to write, in file order. */
  toImport: T[];
  /** How many rows of the file were already stored. */
  skipped: number;
}

/**
 * The duplicate count of one import, kept as its rows arrive: `addStored` the user's stored
 * transactions (those on the dates of the rows to come, each date once), then ask `isStored` of each
 * file row in file order. Counting per key, the result is countNewRows's whatever the batches.
 */
export class DuplicateCounter {
  readonly #stored = new Map<string, number>();

  addStored(rows: Iterable<DuplicateKeyFields>): void {
    for (const row of rows) {
      const key = duplicateKey(row);
      this.#stored.set(key, (this.#stored.get(key) ?? 0) + 1);
    }
  }

  /** Whether `row` is one of the stored ones (it is then used up: skipped), or new (to import). */
  isStored(row: DuplicateKeyFields): boolean {
    const key = duplicateKey(row);
    const left = this.#stored.get(key) ?? 0;
    if (left === 0) return false;
    this.#stored.set(key, left - 1);
    return true;
  }
}

/** The rows of `fileRows` beyond what `existingRows` (the user's stored transactions, at least those on the file's dates) already hold. */
export function countNewRows<T extends DuplicateKeyFields>(fileRows: readonly T[], existingRows: Iterable<DuplicateKeyFields>): NewRows<T> {
  const counter = new DuplicateCounter();
  counter.addStored(existingRows);
  const toImport: T[] = [];
  let skipped = 0;
  for (const row of fileRows) {
    if (counter.isStored(row)) skipped++;
    else toImport.push(row);
  }
  return { toImport, skipped };
}
