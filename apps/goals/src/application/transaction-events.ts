import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate } from '@finance/calendar';
import { canonicalUuid } from '@finance/platform/ids';
import { shrinkContributions } from '../domain/contributions.js';
import {
  deleteContributedTransaction,
  findContributedTransaction,
  lockTransaction,
  resizeContributions,
  selectContributionsOfTransaction,
  upsertContributedTransaction,
} from '../persistence/contribution.queries.js';
import { lockGoals } from '../persistence/goal.queries.js';
import { lockLiveUser } from './erasure.js';
import { saveGoalState, withContributionDelta } from './goal-state.js';

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

/** Lowers each goal by what its contributions of the transaction lose (goals locked in id order). */
async function lowerGoals(em: EntityManager, cuts: ReadonlyMap<string, bigint>, now: Date): Promise<void> {
  for (const goal of await lockGoals(em, [...cuts.keys()])) {
    await saveGoalState(em, goal, withContributionDelta(goal, -(cuts.get(goal.id) ?? 0n)), now);
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
 * ledger.transaction.updated.v1: the recorded amount and date follow the transaction. An amount
 * lowered below what is contributed shrinks the contributions, newest first, until their total
 * fits (one shrunk to zero is removed); a new currency removes them all (a goal only holds its own
 * currency). The goals go down by what their contributions lose. Returns how many contributions changed.
 */
export async function applyUpdatedTransaction(em: EntityManager, input: { userId: string; after: TransactionFacts; now: Date }): Promise<number> {
  const userId = canonicalUuid(input.userId);
  const transactionId = canonicalUuid(input.after.transactionId);
  if (!userId || !transactionId) return 0;
  const locked = await lockContributions(em, userId, transactionId);
  if (!locked) return 0;
  const { stored, contributions } = locked;
  if (input.after.currency !== stored.currency) {
    return removeAll(em, transactionId, contributions, input.now);
  }
  await upsertContributedTransaction(
    em,
    { transactionId, userId: stored.userId, amountMinor: input.after.amountMinor, currency: stored.currency, date: isoDate(input.after.date) },
    input.now,
  );
  const changes = shrinkContributions(contributions, input.after.amountMinor);
  if (changes.length === 0) return 0;
  await resizeContributions(em, changes);
  const cuts = new Map<string, bigint>();
  for (const c of changes) cuts.set(c.goalId, (cuts.get(c.goalId) ?? 0n) + (c.minor - c.newMinor));
  await lowerGoals(em, cuts, input.now);
  return changes.length;
}

/** Forgets the transaction with all its contributions (on delete cascade) and lowers their goals. */
async function removeAll(
  em: EntityManager,
  transactionId: string,
  contributions: readonly { goalId: string; minor: bigint }[],
  now: Date,
): Promise<number> {
  const cuts = new Map<string, bigint>();
  for (const c of contributions) cuts.set(c.goalId, (cuts.get(c.goalId) ?? 0n) + c.minor);
  await deleteContributedTransaction(em, transactionId);
  await lowerGoals(em, cuts, now);
  return contributions.length;
}
