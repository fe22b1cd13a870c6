import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { canonicalUuid } from '@finance/platform/ids';
import { planTransactionUpdate } from '../domain/contributions.js';
import {
  deleteContributedTransaction,
  deleteContributions,
  findContributedTransaction,
  lockTransaction,
  rewriteContribution,
  selectContributionsOfTransaction,
  upsertContributedTransaction,
} from '../persistence/contribution.queries.js';
import { lockGoals } from '../persistence/goal.queries.js';
import type { Rates } from './context.js';
import { lockLiveUser } from './erasure.js';
import { saveGoalState, withContributionDelta } from './goal-state.js';
import { goalValueIfRated } from './goal-value.js';

// The ledger's transaction events, as goals applies them (in the consumer's transaction, which
// records the event id, so a redelivered event changes nothing). Lock order as everywhere: the
// user (shared), the ledger transaction, then the goals in id order.

/** What a transaction event says about the transaction after the change. */
export interface TransactionFacts {
  transactionId: string;
  amountMinor: bigint;
  currency: string;
  date: string;
}

/**
 * Moves each goal by what its contributions of the transaction gain or lose in the goal's currency
 * (goals locked in id order): down when a part shrinks or goes, either way when a new date's rate
 * revalues it. Milestones crossed upwards are announced as for any change (saveGoalState).
 */
async function moveGoals(em: EntityManager, deltas: ReadonlyMap<string, bigint>, now: Date): Promise<void> {
  const changed = [...deltas].filter(([, delta]) => delta !== 0n).map(([goalId]) => goalId);
  for (const goal of await lockGoals(em, changed.sort())) {
    await saveGoalState(em, goal, withContributionDelta(goal, deltas.get(goal.id)!), now);
  }
}

/**
 * Under the user's and the transaction's locks, and with every goal holding a part of it locked,
 * the transaction's contributions (newest first) — read after the goal locks, so no contribution
 * comes or goes meanwhile. undefined when the user was erased or no goal holds a part of it.
 */
async function lockContributions(em: EntityManager, userId: string, transactionId: string) {
  if (!(await lockLiveUser(em, userId))) return undefined;
  await lockTransaction(em, transactionId);
  const stored = await findContributedTransaction(em, transactionId);
  if (!stored) return undefined;
  const seen = await selectContributionsOfTransaction(em, transactionId);
  await lockGoals(em, [...new Set(seen.map((c) => c.goalId))].sort());
  return { stored, contributions: await selectContributionsOfTransaction(em, transactionId) };
}

/**
 * ledger.transaction.deleted.v1: every contribution of the transaction is removed and the goals go
 * down by them (a completed goal may become active again). Idempotent, and a no-op for a
 * transaction no goal holds (also after its goal was deleted) and for an erased user. Returns how
 * many contributions were removed.
 */
export async function removeDeletedTransaction(em: EntityManager, input: { userId: string; transactionId: string; now: Date }): Promise<number> {
  const userId = canonicalUuid(input.userId);
  const transactionId = canonicalUuid(input.transactionId);
  if (!userId || !transactionId) return 0;
  const locked = await lockContributions(em, userId, transactionId);
  if (!locked) return 0;
  return removeAll(em, transactionId, locked.contributions, input.now);
}

/**
 * ledger.transaction.updated.v1: the recorded amount and date follow the transaction.
 *
 * - An amount lowered below what is contributed shrinks the contributions, newest first, until
 *   their total fits (one shrunk to zero is removed); a shrunk part's goal amount is converted anew
 *   at the rate of the transaction's date (not scaled: a goal amount is always its part at that
 *   rate, rounded once).
 * - A new date converts every contribution's goal amount anew at the new date's rate (goals in the
 *   transaction's own currency keep their amounts; their rate date follows).
 * - No rate usable on the (new) date for a goal's currency (RATE_UNAVAILABLE): that contribution is
 *   removed; a goal never counts money at a rate of another day, nor 1:1.
 * - A new currency removes every contribution of the transaction: what part of the money in the new
 *   currency each goal was meant to hold is unknown (contribute it again).
 *
 * The goals move by what their contributions gain or lose. The currency service unreachable throws
 * (CURRENCY_UNAVAILABLE): the consumer rolls back and the event is delivered again later. Returns how
 * many contributions changed.
 */
export async function applyUpdatedTransaction(em: EntityManager, rates: Rates, input: { userId: string; after: TransactionFacts; now: Date }): Promise<number> {
  const userId = canonicalUuid(input.userId);
  const transactionId = canonicalUuid(input.after.transactionId);
  if (!userId || !transactionId) return 0;
  const locked = await lockContributions(em, userId, transactionId);
  if (!locked) return 0;
  const { stored, contributions } = locked;
  if (input.after.currency !== stored.currency) {
    return removeAll(em, transactionId, contributions, input.now);
  }
  const date = isoDate(input.after.date);
  await upsertContributedTransaction(em, { transactionId, userId: stored.userId, amountMinor: input.after.amountMinor, currency: stored.currency, date }, input.now);
  const changes = planTransactionUpdate(contributions, input.after.amountMinor, date !== stored.date);
  if (changes.length === 0) return 0;
  const removed: string[] = [];
  const deltas = new Map<string, bigint>();
  const move = (goalId: string, delta: bigint) => deltas.set(goalId, (deltas.get(goalId) ?? 0n) + delta);
  for (const c of changes) {
    // Usually from the rate book's cache; a miss is one call to the currency service.
    const value = c.newMinor > 0n ? await goalValueIfRated(rates, money(c.newMinor, stored.currency), c.goalCurrency, date) : undefined;
    if (value) {
      await rewriteContribution(em, c.id, c.newMinor, value);
      move(c.goalId, value.goalAmountMinor - c.goalMinor);
    } else {
      removed.push(c.id);
      move(c.goalId, -c.goalMinor);
    }
  }
  await deleteContributions(em, removed);
  await moveGoals(em, deltas, input.now);
  return changes.length;
}

/** Forgets the transaction with all its contributions (on delete cascade) and lowers their goals by their goal amounts. */
async function removeAll(
  em: EntityManager,
  transactionId: string,
  contributions: readonly { goalId: string; goalMinor: bigint }[],
  now: Date,
): Promise<number> {
  const deltas = new Map<string, bigint>();
  for (const c of contributions) deltas.set(c.goalId, (deltas.get(c.goalId) ?? 0n) - c.goalMinor);
  await deleteContributedTransaction(em, transactionId);
  await moveGoals(em, deltas, now);
  return contributions.length;
}
