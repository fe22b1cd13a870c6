import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent } from '@finance/events';
import { budgetThresholdCrossed } from '@finance/events/contracts/budgeting';
import { localDate, type IsoDate } from '@finance/calendar';
import { formatMoney } from '@finance/money';
import { DomainError, type Logger } from '@finance/platform';
import { canonicalUuid } from '@finance/platform/ids';
import { BudgetingErrorCode } from '../domain/errors.js';
import { currentPeriodTouched, thresholdsReached, type TransactionSide } from '../domain/thresholds.js';
import { findBudget, selectActiveBudgets } from '../persistence/budget.queries.js';
import {
  claimThresholdChecks,
  finishThresholdCheck,
  insertAlertMarks,
  msUntilNextDueCheck,
  postponeThresholdCheck,
  requestThresholdChecks,
  selectAlertMarks,
  type ClaimedCheck,
} from '../persistence/threshold.queries.js';
import { analyseOn } from './analysis.js';
import { mapConcurrently } from './concurrency.js';
import type { BudgetingContext, UserDirectory } from './context.js';
import { lockLiveUser } from './erasure.js';

// Budget alerts (API.md, Version 4): when a budget's spending in its current period reaches 80 or
// 100 % of its amount, budgeting.budget.threshold_crossed.v1 goes out through the outbox, once per
// budget, period and threshold. Two steps, so that bursts coalesce:
//
// 1. requestChecksForTransaction — in the consumer's transaction for each created or updated transaction:
//    income, other categories, dates outside every budget's current period and budgets whose period
//    already has both marks end here, without a ledger call; the other budgets' check rows get
//    their version raised (one row per budget, however many events ask).
// 2. ThresholdChecker — checks the budgets whose version is ahead of the last check, each at most
//    once per coalescing delay: spent exactly as GetBudget computes it (analyseOn), then, in one
//    transaction, the marks `on conflict do nothing` and an outbox event for each mark that took.
//    An import of 100,000 expenses in the current month is a few checks, not 100,000.

/** A user's time zone, as auth answers it, kept for a while (time zones rarely change). */
export interface TimezoneCache {
  /** The user's IANA zone; throws BUDGETING_USER_NOT_FOUND when auth no longer knows the user. */
  of(userId: string): Promise<string>;
}

/**
 * Time zones kept `ttlMs` per user (default one minute), at most `maxUsers` (then emptied): a burst
 * of events of one user asks auth once, and a changed zone applies within a minute.
 */
export function cachedTimezones(users: UserDirectory, opts: { ttlMs?: number; maxUsers?: number; clock?: () => number } = {}): TimezoneCache {
  const ttlMs = opts.ttlMs ?? 60_000;
  const maxUsers = opts.maxUsers ?? 10_000;
  const clock = opts.clock ?? Date.now;
  const cache = new Map<string, { timezone: Promise<string>; expires: number }>();
  return {
    of(userId) {
      const hit = cache.get(userId);
      if (hit && hit.expires > clock()) return hit.timezone;
      if (cache.size >= maxUsers) cache.clear();
      const timezone = users.profileOf(userId).then((p) => p.timezone);
      cache.set(userId, { timezone, expires: clock() + ttlMs });
      // A failure is not kept: the next event asks again.
      timezone.catch(() => cache.delete(userId));
      return timezone;
    },
  };
}

const isUserGone = (err: unknown) => err instanceof DomainError && err.code === BudgetingErrorCode.userNotFound;

/** "Today" in the user's zone, as GetBudget resolves it (an empty or unknown zone is UTC). */
async function todayOf(ctx: BudgetingContext, timezones: TimezoneCache, userId: string): Promise<IsoDate> {
  return localDate(ctx.now(), await timezones.of(userId));
}

/**
 * A ledger transaction as it is after a change (created, or the `after` of an update), handled in
 * the consumer's transaction: queues a check of every budget of the user whose current period the
 * expense touches (of the budget's category, or any for an all-expense budget, dated in the period
 * containing the user's today). Returns how many budgets were queued. Income costs nothing; another
 * expense one cached time-zone lookup and two small queries, never a ledger call. An erased user
 * (or one auth no longer knows) is skipped: the erasure removes everything anyway.
 */
export async function requestChecksForTransaction(
  ctx: BudgetingContext,
  timezones: TimezoneCache,
  em: EntityManager,
  input: { userId: string; transactionId: string; side: TransactionSide },
): Promise<number> {
  const userId = canonicalUuid(input.userId);
  if (input.side.transactionType !== 'expense' || !userId) return 0;
  let today: IsoDate;
  try {
    today = await todayOf(ctx, timezones, userId);
  } catch (err) {
    if (isUserGone(err)) return 0;
    throw err;
  }
  if (!(await lockLiveUser(em, userId))) return 0;
  const budgets = await selectActiveBudgets(em, userId, today);
  const touched = budgets.flatMap((b) => {
    const period = currentPeriodTouched(b, today, input.side);
    return period ? [{ budgetId: b.id, periodStart: period.start }] : [];
  });
  return requestThresholdChecks(em, { userId, transactionId: canonicalUuid(input.transactionId) ?? null, budgets: touched });
}

export interface ThresholdCheckerOptions {
  logger: Logger;
  timezones: TimezoneCache;
  /** Called after a commit that wrote events: wakes the outbox relay. */
  eventsWritten: () => void;
  /** How often the queue is looked at when nobody wakes the checker (other replicas' requests, retries). Default 1 s. */
  pollMs?: number;
  /** Checks claimed per round. Default 20. */
  batchSize?: number;
  /** Checks run at once (each is one ledger call). Default 4. */
  concurrency?: number;
  /** How long a claimed check is this replica's; a crashed replica's checks are taken over after it. Default 60 s. */
  leaseMs?: number;
  /** Delay before a failed check (ledger, currency or auth unreachable) is tried again. Default 5 s. */
  retryMs?: number;
  /**
   * A budget is checked at most once per this delay (default 500 ms); requests meanwhile wait and
   * are answered by one check: during a burst (an import) each budget costs about one ledger call
   * per delay, not one per event.
   */
  coalesceMs?: number;
}

/**
 * Works the threshold-check queue in the background, in every replica (claims are leased with
 * `for update skip locked`, and the marks decide what is announced, so replicas never announce one
 * alert twice). Woken after local requests; otherwise it polls.
 */
export class ThresholdChecker {
  readonly #ctx: BudgetingContext;
  readonly #opts: Required<Omit<ThresholdCheckerOptions, 'logger' | 'timezones' | 'eventsWritten'>> & ThresholdCheckerOptions;
  #stopped = false;
  #woken = false;
  #wakeUp: (() => void) | undefined;
  #soon: ReturnType<typeof setTimeout> | undefined;
  #loop: Promise<void> | undefined;

  constructor(ctx: BudgetingContext, opts: ThresholdCheckerOptions) {
    this.#ctx = ctx;
    this.#opts = { pollMs: 1_000, batchSize: 20, concurrency: 4, leaseMs: 60_000, retryMs: 5_000, coalesceMs: 500, ...opts };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Looks at the queue now (after a commit that queued checks). */
  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /**
   * Looks at the queue shortly: for a request made inside a transaction that has not committed yet
   * (the event consumer's). Many calls in a burst make one wake-up.
   */
  wakeSoon(): void {
    if (this.#soon || this.#stopped) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      this.wake();
    }, 50);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#soon) clearTimeout(this.#soon);
    this.#wakeUp?.();
    await this.#loop;
  }

  /** One round: claims up to batchSize checks and runs them; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const claims = await claimThresholdChecks(this.#ctx.orm.em.fork(), this.#opts.batchSize, this.#opts.leaseMs);
    await mapConcurrently(claims, this.#opts.concurrency, (claim) => this.#check(claim));
    return claims.length;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        this.#opts.logger.warn({ err }, 'threshold checks failed; retrying');
      }
      if (this.#stopped) break;
      if (claimed < this.#opts.batchSize) await this.#sleep(await this.#idleMs());
    }
  }

  /** Until the next poll, or sooner when a due check's coalescing delay (or retry) ends before it. */
  async #idleMs(): Promise<number> {
    try {
      const next = await msUntilNextDueCheck(this.#ctx.orm.em.fork());
      return next === undefined ? this.#opts.pollMs : Math.min(this.#opts.pollMs, next + 5);
    } catch {
      return this.#opts.pollMs;
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeUp = done;
    });
  }

  /**
   * One budget: its current period's spent as GetBudget computes it (one ledger call, no history),
   * the thresholds reached, then in one transaction under the user's lock (an erased user gets
   * nothing) and with the budget row held (`for share`: unchanged since it was analysed, or the
   * check runs again): the marks `on conflict do nothing` and an event for each that took, and the
   * requests up to the claimed version marked done. A failure leaves them due for a later round.
   */
  async #check(claim: ClaimedCheck): Promise<void> {
    const ctx = this.#ctx;
    const em = ctx.orm.em.fork();
    try {
      const budget = await findBudget(em, claim.userId, claim.budgetId);
      if (!budget) return; // deleted: its check row went with it
      let today: IsoDate;
      try {
        today = await todayOf(ctx, this.#opts.timezones, claim.userId);
      } catch (err) {
        if (!isUserGone(err)) throw err;
        await finishThresholdCheck(em, claim.budgetId, claim.version); // its erasure is on the way
        return;
      }
      const analysis = await analyseOn(ctx, budget, today, { history: false });
      const reached = analysis ? thresholdsReached(analysis.spent, budget.amount) : [];
      // The category's name for the alert's text, asked only when an alert may go out.
      let categoryName: string | undefined;
      if (analysis && reached.length > 0 && budget.categoryId !== null) {
        const marked = await selectAlertMarks(em, budget.id, analysis.period.start);
        if (reached.some((t) => !marked.includes(t))) categoryName = (await ctx.ledger.findCategory(budget.userId, budget.categoryId))?.name;
      }
      const now = ctx.now();
      const written = await em.fork().transactional(async (tx) => {
        if (!(await lockLiveUser(tx, claim.userId))) return 0;
        const locked = await findBudget(tx, claim.userId, claim.budgetId, { forShare: true });
        if (!locked) return 0;
        if (locked.updatedAt.getTime() !== budget.updatedAt.getTime()) {
          await postponeThresholdCheck(tx, claim.budgetId, 0);
          return 0;
        }
        const fresh = analysis ? await insertAlertMarks(tx, budget.id, analysis.period.start, reached, now) : [];
        for (const threshold of fresh) {
          enqueueEvent(tx, budgetThresholdCrossed, {
            user_id: budget.userId,
            budget_id: budget.id,
            budget_name: budget.name,
            category_id: budget.categoryId,
            ...(categoryName === undefined ? {} : { category_name: categoryName }),
            threshold,
            period_start: analysis!.period.start,
            period_end: analysis!.period.end,
            amount: formatMoney(budget.amount),
            spent: formatMoney(analysis!.spent),
            currency: budget.amount.currency,
            percent_used: analysis!.percentUsed,
            transaction_id: claim.transactionId,
            occurred_at: now.toISOString(),
          });
        }
        await finishThresholdCheck(tx, claim.budgetId, claim.version, this.#opts.coalesceMs);
        return fresh.length;
      });
      if (written > 0) {
        this.#opts.logger.info({ user_id: budget.userId, budget_id: budget.id, alerts: written }, 'budget thresholds crossed');
        this.#opts.eventsWritten();
      }
    } catch (err) {
      if (err instanceof DomainError && (err.kind === 'failed_precondition' || err.kind === 'invalid_argument')) {
        // A spending beyond int64 (BUDGETING_SUM_TOO_LARGE) has no honest percentage: retrying cannot help.
        this.#opts.logger.error({ err, budget_id: claim.budgetId }, 'budget threshold check impossible; dropped');
        await finishThresholdCheck(ctx.orm.em.fork(), claim.budgetId, claim.version).catch(() => undefined);
        return;
      }
      this.#opts.logger.warn({ err, budget_id: claim.budgetId, retry_in_ms: this.#opts.retryMs }, 'budget threshold check failed; will retry');
      await postponeThresholdCheck(ctx.orm.em.fork(), claim.budgetId, this.#opts.retryMs).catch(() => undefined);
    }
  }
}
