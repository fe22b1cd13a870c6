import { randomUUID } from 'node:crypto';
import { checkAmountSyntax } from '@finance/platform/amount-fields';
import { canonicalUuid } from '@finance/platform/ids';
import { contributionAmount } from '../domain/contributions.js';
import { errors, FieldErrors } from '../domain/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor, resolvePageSize, toPage, type Page } from '../domain/pagination.js';
import {
  contributedOf,
  deleteContributionRow,
  findContribution,
  insertContribution,
  isContributedTo,
  lockTransaction,
  selectContributionPage,
  upsertContributedTransaction,
} from '../persistence/contribution.queries.js';
import { findGoal } from '../persistence/goal.queries.js';
import type { GoalsContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { saveGoalState, withContributionDelta } from './goal-state.js';
import { requireGoal, requireGoalId } from './goals.js';
import { requireUserId } from './users.js';
import type { ContributionView, GoalView } from './views.js';

export interface ContributeInput {
  userId: string;
  goalId: string;
  transactionId: string;
  /** Decimal string; absent = the transaction's whole amount. */
  amount?: string | undefined;
}

/**
 * Links one of the user's ledger transactions (all of it or a part) to a goal; the goal's current
 * amount grows in the same database transaction, its status and milestones follow.
 *
 * Everything that changes how much of a ledger transaction is contributed runs under that
 * transaction's lock (lockTransaction): contributions, and the handling of its updated and deleted
 * events. The ledger is asked (GetTransaction) while the lock is held, so its answer is the latest
 * this service will act on: a change the ledger commits later reaches this service as an event,
 * whose handling waits for this commit and then adjusts the contribution. That makes the limit
 * (all contributions of one transaction ≤ its amount) hold also under concurrent requests, and a
 * contribution can never outlive its transaction. The ledger unreachable: the service client's
 * LEDGER_UNAVAILABLE (503), and nothing is stored.
 */
export async function contribute(ctx: GoalsContext, input: ContributeInput): Promise<{ contribution: ContributionView; goal: GoalView }> {
  const userId = requireUserId(input.userId);
  const goalId = requireGoalId(input.goalId);
  const fields = new FieldErrors();
  const transactionId = canonicalUuid(input.transactionId);
  if (!transactionId) fields.add('transaction_id', 'must be a transaction id (uuid)');
  if (input.amount !== undefined) checkAmountSyntax(fields, input.amount);
  fields.throwIfAny();
  const goal = await requireGoal(ctx, userId, goalId);
  if (goal.status === 'cancelled') throw errors.goalCancelled();

  const result = await ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, userId);
    await lockTransaction(tx, transactionId!);
    const transaction = await ctx.ledger.findTransaction(userId, transactionId!);
    if (!transaction) throw errors.transactionNotFound();
    const locked = await findGoal(tx, userId, goalId, { forUpdate: true });
    if (!locked) throw errors.goalNotFound();
    if (locked.status === 'cancelled') throw errors.goalCancelled();
    if (transaction.amount.currency !== locked.target.currency) throw errors.currencyMismatch(transaction.amount.currency, locked.target.currency);
    if (await isContributedTo(tx, goalId, transactionId!)) throw errors.alreadyContributed();
    const amount = contributionAmount(new FieldErrors(), transaction, input.amount, await contributedOf(tx, transactionId!));

    const now = ctx.now();
    await upsertContributedTransaction(tx, { transactionId: transactionId!, userId, amountMinor: transaction.amount.minor, currency: transaction.amount.currency, date: transaction.date }, now);
    const contribution = await insertContribution(tx, { id: randomUUID(), goalId, userId, transactionId: transactionId!, amountMinor: amount.minor, now });
    const saved = await saveGoalState(tx, locked, withContributionDelta(locked, amount.minor), now);
    return { contribution, goal: saved.goal, events: saved.events };
  });
  if (result.events) ctx.eventsWritten();
  return { contribution: result.contribution, goal: result.goal };
}

export async function listContributions(
  ctx: GoalsContext,
  input: { userId: string; goalId: string; limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<ContributionView>> {
  const userId = requireUserId(input.userId);
  const limit = resolvePageSize(input.limit);
  const after = decodeKeysetCursor('contributions', input.cursor);
  const goal = await requireGoal(ctx, userId, input.goalId);
  const rows = await selectContributionPage(ctx.orm.em.fork(), goal.id, after, limit + 1);
  const page = toPage(rows, limit, (last) => encodeKeysetCursor('contributions', { createdKey: last.createdKey, id: last.view.id }));
  return { items: page.items.map((r) => r.view), nextCursor: page.nextCursor };
}

/** Undoes a link: the contribution goes, the goal's current amount goes down by it (the transaction stays in the ledger). */
export async function deleteContribution(ctx: GoalsContext, input: { userId: string; goalId: string; id: string }): Promise<void> {
  const userId = requireUserId(input.userId);
  const goalId = requireGoalId(input.goalId);
  const id = canonicalUuid(input.id);
  if (!id) throw errors.contributionNotFound();
  await ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, userId);
    const goal = await findGoal(tx, userId, goalId, { forUpdate: true });
    if (!goal) throw errors.goalNotFound();
    const contribution = await findContribution(tx, userId, goalId, id);
    if (!contribution || !(await deleteContributionRow(tx, id))) throw errors.contributionNotFound();
    await saveGoalState(tx, goal, withContributionDelta(goal, -contribution.amount.minor), ctx.now());
  });
}
