import { formatMoney, money, parseMoney, MoneyError, minorToDb, type Money } from '@finance/money';
import { errors, type FieldErrors } from './errors.js';

// Contributions: links from a goal to one of the user's real transactions, for all of the
// transaction's amount or a part of it. Over all of a user's goals, the contributions of one
// transaction never add up to more than its amount. A contribution's amount is in its transaction's
// currency; what it adds to its goal (its goal amount) is that amount in the goal's currency at the
// rate of the transaction's date, converted by the application (the rates are another service's).

/** The transaction being contributed, as the ledger answers it. */
export interface ContributedTransaction {
  amount: Money;
}

/**
 * The amount of a new contribution: the one asked for (> 0, the transaction currency's precision,
 * at most the transaction's amount) or, when absent, the transaction's whole amount; and it must
 * fit in what the user's other contributions of that transaction leave free. `contributed` is what
 * those add up to already. Throws the field error (GOALS_INVALID_FIELDS or GOALS_TRANSACTION_EXCEEDED).
 */
export function contributionAmount(fields: FieldErrors, transaction: ContributedTransaction, requested: string | undefined, contributed: bigint): Money {
  const total = transaction.amount;
  let amount: Money = total;
  if (requested !== undefined) {
    try {
      amount = parseMoney(requested, total.currency, { requirePositive: true });
      minorToDb(amount.minor);
    } catch (err) {
      if (!(err instanceof MoneyError)) throw err;
      fields.add('amount', err.message);
      fields.throwIfAny();
    }
    if (amount.minor > total.minor) {
      fields.add('amount', `must not exceed the transaction's amount, ${formatMoney(total)} ${total.currency}`);
      fields.throwIfAny();
    }
  }
  const available = total.minor - contributed;
  if (amount.minor > available) {
    const show = (minor: bigint) => `${formatMoney(money(minor < 0n ? 0n : minor, total.currency))} ${total.currency}`;
    throw errors.transactionExceeded(show(available), show(total.minor), show(contributed));
  }
  return amount;
}

/** A contribution as the shrinking rule sees it. */
export interface ShrinkableContribution {
  id: string;
  goalId: string;
  minor: bigint;
}

export interface ShrunkContribution extends ShrinkableContribution {
  /** The new amount; 0 = the contribution is removed. */
  newMinor: bigint;
}

/**
 * A transaction's amount was lowered below what is contributed of it: the contributions shrink,
 * newest first, until their total fits the new amount; one shrunk to zero is removed. `newestFirst`
 * is ordered newest first; returns only the contributions that change.
 */
export function shrinkContributions(newestFirst: readonly ShrinkableContribution[], newAmount: bigint): ShrunkContribution[] {
  let excess = newestFirst.reduce((sum, c) => sum + c.minor, 0n) - (newAmount < 0n ? 0n : newAmount);
  const changed: ShrunkContribution[] = [];
  for (const c of newestFirst) {
    if (excess <= 0n) break;
    const cut = c.minor < excess ? c.minor : excess;
    changed.push({ ...c, newMinor: c.minor - cut });
    excess -= cut;
  }
  return changed;
}

/** A contribution of a transaction as an update of the transaction sees it: its part and what that adds to its goal. */
export interface HeldContribution extends ShrinkableContribution {
  /** What it adds to its goal, in the goal's currency. */
  goalMinor: bigint;
  goalCurrency: string;
}

export type PlannedChange<C extends ShrinkableContribution> = C & {
  /** Its new part of the transaction (transaction currency); 0 = it is removed. Otherwise its goal amount is converted anew. */
  newMinor: bigint;
};

/**
 * What an update of a contributed transaction (same currency) does to its contributions: those the
 * lowered amount shrinks (shrinkContributions: newest first, to zero = removed) and, when the date
 * moved, every other one too, at its amount, since its goal amount must be converted at the rate of
 * the new date. Each change that keeps a part is converted anew (never scaled from the old goal
 * amount): a contribution's goal amount is always its amount at the rate of its transaction's date,
 * rounded once. Returns only the contributions that change, newest first.
 */
export function planTransactionUpdate<C extends ShrinkableContribution>(newestFirst: readonly C[], newAmount: bigint, dateMoved: boolean): PlannedChange<C>[] {
  const shrunk = new Map(shrinkContributions(newestFirst, newAmount).map((c) => [c.id, c.newMinor]));
  const planned: PlannedChange<C>[] = [];
  for (const c of newestFirst) {
    const newMinor = shrunk.get(c.id);
    if (newMinor !== undefined) planned.push({ ...c, newMinor });
    else if (dateMoved) planned.push({ ...c, newMinor: c.minor });
  }
  return planned;
}
