import { randomUUID } from 'node:crypto';
import { formatMoney, money } from '@finance/money';
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
import { goalValueOf } from './goal-value.js';
import { saveGoalState, withContributionDelta } from './goal-state.js';
import { requireGoal, requireGoalId } from './goals.js';
import { requireUserId } from './users.js';
import type { ContributionView, GoalView } from './views.js';

export interface ContributeInput {
  userId: string;
  goalId: string;
  transactionId: string;
  /** Decimal string in the transaction's currency; absent = the transaction's whole amount. */
  amount?: string | undefined;
}

/**
 * Links one of the user's ledger transactions (all of it or a part) to a goal; the goal's current
 * amount grows in the same database transaction, its status and milestones follow.
 *
 * The part is in the transaction's currency (as is the limit over all goals); the goal grows by it
 * converted into the goal's currency at the ECB rate of the transaction's date, rounded once,
 * half-even (goalValueOf), and both are stored with the rate. No usable rate: RATE_UNAVAILABLE (422);
 * the currency service unreachable: CURRENCY_UNAVAILABLE (503); in both cases nothing is stored. A
 * part worth less than a minor unit of the goal's currency is refused (422 on `amount`).
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
    if (await isContributedTo(tx, goalId, transactionId!)) throw errors.alreadyContributed();
    const amount = contributionAmount(new FieldErrors(), transaction, input.amount, await contributedOf(tx, transactionId!));
    // Under the locks: usually answered from the rate book's cache; a miss is one call (deadline 3 s).
    const value = await goalValueOf(ctx.rates, amount, locked.target.currency, transaction.date);
    if (value.goalAmountMinor === 0n) {
      throw errors.worthNothing(`${formatMoney(amount)} ${amount.currency}`, `${formatMoney(money(0n, locked.target.currency))} ${locked.target.currency}`, value.rateDate);
    }

    const now = ctx.now();
    await upsertContributedTransaction(tx, { transactionId: transactionId!, userId, amountMinor: transaction.amount.minor, currency: transaction.amount.currency, date: transaction.date }, now);
    const contribution = await insertContribution(tx, { id: randomUUID(), goalId, userId, transactionId: transactionId!, amountMinor: amount.minor, value, now });
    const saved = await saveGoalState(tx, locked, withContributionDelta(locked, value.goalAmountMinor), now);
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

/** Undoes a link: the contribution goes, the goal's current amount goes down by its goal amount (the transaction stays in the ledger). */
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
    await saveGoalState(tx, goal, withContributionDelta(goal, -contribution.goalAmount.minor), ctx.now());
  });
}
