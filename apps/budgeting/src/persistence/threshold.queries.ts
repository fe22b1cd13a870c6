import type { IsoDate } from '@finance/calendar';
import type { EntityManager } from '@mikro-orm/postgresql';
import { THRESHOLDS, type Threshold } from '../domain/thresholds.js';

// Budget alerts in plain SQL: the queue of budgets to check (budget_threshold_check) and the marks
// of alerts already announced (budget_alert, once per budget, period and threshold).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A PostgreSQL array literal of canonical uuids or dates (checked, so nothing else can reach the SQL text). */
function pgArray(values: readonly string[], pattern: RegExp): string {
  for (const v of values) if (!pattern.test(v)) throw new Error(`unexpected array element ${JSON.stringify(v)}`);
  return `{${values.join(',')}}`;
}

/** A budget period with this many marks (80 and 100) has nothing left to announce. */
const ALL_THRESHOLDS = THRESHOLDS.length;

/**
 * Asks for a check of each budget (the consumer of the ledger's transaction events, in its
 * transaction), skipping a budget whose period already has every mark: after 100 % nothing more
 * can be announced there, so the rest of a large import costs no ledger call. One row per budget
 * however often it is asked (coalescing): a request raises `version` and names the latest
 * transaction. The budgets are locked `for key share`, so one deleted meanwhile is skipped rather
 * than failing the foreign key. Returns how many budgets were asked for.
 */
export async function requestThresholdChecks(
  em: EntityManager,
  input: { userId: string; transactionId: string | null; budgets: readonly { budgetId: string; periodStart: IsoDate }[] },
): Promise<number> {
  if (input.budgets.length === 0) return 0;
  const rows = await em.execute<{ budget_id: string }[]>(
    `insert into budgeting.budget_threshold_check as c (budget_id, user_id, transaction_id)
     select b.id, b.user_id, ?::uuid
       from unnest(?::uuid[], ?::date[]) as t(budget_id, period_start)
       join budgeting.budget b on b.id = t.budget_id and b.user_id = ?
      where (select count(*) from budgeting.budget_alert a where a.budget_id = t.budget_id and a.period_start = t.period_start) < ${ALL_THRESHOLDS}
        for key share of b
     on conflict (budget_id) do update
        set version = c.version + 1, transaction_id = excluded.transaction_id, requested_at = now()
     returning c.budget_id`,
    [
      input.transactionId,
      pgArray(input.budgets.map((b) => b.budgetId), UUID),
      pgArray(input.budgets.map((b) => b.periodStart), /^\d{4}-\d{2}-\d{2}$/),
      input.userId,
    ],
  );
  return rows.length;
}

/** Asks for a check of a budget that was just created or changed (in the writing transaction). */
export async function requestBudgetCheck(em: EntityManager, userId: string, budgetId: string): Promise<void> {
  await em.execute(
    `insert into budgeting.budget_threshold_check as c (budget_id, user_id, transaction_id)
     values (?, ?, null)
     on conflict (budget_id) do update set version = c.version + 1, transaction_id = null, requested_at = now()`,
    [budgetId, userId],
  );
}

export interface ClaimedCheck {
  budgetId: string;
  userId: string;
  transactionId: string | null;
  version: string;
}

/**
 * Leases up to `limit` due checks (asked for since their last check, and past `not_before`: no
 * replica holds them, no coalescing delay or retry is pending), oldest request first, for
 * `leaseMs`. Committed at once (its own statement), so the ledger calls of the check run without a
 * database transaction open.
 */
export async function claimThresholdChecks(em: EntityManager, limit: number, leaseMs: number): Promise<ClaimedCheck[]> {
  const rows = await em.execute<{ budget_id: string; user_id: string; transaction_id: string | null; version: string }[]>(
    `update budgeting.budget_threshold_check c
        set not_before = clock_timestamp() + (?::int * interval '1 millisecond')
       from (select budget_id from budgeting.budget_threshold_check
              where version > checked_version and (not_before is null or not_before < clock_timestamp())
              order by requested_at limit ?::int for update skip locked) as due
      where c.budget_id = due.budget_id
      returning c.budget_id, c.user_id, c.transaction_id, c.version::text as version`,
    [leaseMs, limit],
  );
  return rows.map((r) => ({ budgetId: r.budget_id, userId: r.user_id, transactionId: r.transaction_id, version: r.version }));
}

/**
 * Ends a check that answered `version`: requests up to it are done, and the budget is not checked
 * again before `coalesceMs` from now, whatever comes meanwhile (a newer request waits for that and
 * is then checked once), so during a burst (an import) a budget costs at most one ledger call per
 * that delay.
 */
export async function finishThresholdCheck(em: EntityManager, budgetId: string, version: string, coalesceMs = 0): Promise<void> {
  await em.execute(
    `update budgeting.budget_threshold_check
        set checked_version = greatest(checked_version, ?::bigint),
            not_before = case when ?::int > 0 then clock_timestamp() + (?::int * interval '1 millisecond') end
      where budget_id = ?`,
    [version, coalesceMs, coalesceMs, budgetId],
  );
}

/**
 * Milliseconds until the earliest due check waiting for its `not_before` (coalescing delay, retry or
 * another replica's lease) may be claimed; undefined when none is waiting.
 */
export async function msUntilNextDueCheck(em: EntityManager): Promise<number | undefined> {
  const [row] = await em.execute<{ ms: number | null }[]>(
    `select greatest(0, ceil(extract(epoch from (min(not_before) - clock_timestamp())) * 1000))::int as ms
       from budgeting.budget_threshold_check
      where version > checked_version and not_before is not null`,
  );
  return row?.ms ?? undefined;
}

/** Lets a check run again after `delayMs` (0: at the next round), e.g. after the ledger failed. */
export async function postponeThresholdCheck(em: EntityManager, budgetId: string, delayMs: number): Promise<void> {
  await em.execute(
    `update budgeting.budget_threshold_check
        set not_before = case when ?::int > 0 then clock_timestamp() + (?::int * interval '1 millisecond') end
      where budget_id = ?`,
    [delayMs, delayMs, budgetId],
  );
}

/** The thresholds already announced for the budget's period. */
export async function selectAlertMarks(em: EntityManager, budgetId: string, periodStart: IsoDate): Promise<Threshold[]> {
  const rows = await em.execute<{ threshold: number }[]>(
    'select threshold from budgeting.budget_alert where budget_id = ? and period_start = ?::date order by threshold',
    [budgetId, periodStart],
  );
  return rows.map((r) => Number(r.threshold) as Threshold);
}

/**
 * Records the thresholds as announced for the budget's period, `on conflict do nothing`; returns
 * those recorded now, ascending: only they may be announced (so replicas, redeliveries and a
 * crossing undone and redone in the period announce each once).
 */
export async function insertAlertMarks(em: EntityManager, budgetId: string, periodStart: IsoDate, thresholds: readonly Threshold[], now: Date): Promise<Threshold[]> {
  if (thresholds.length === 0) return [];
  const rows = await em.execute<{ threshold: number }[]>(
    `insert into budgeting.budget_alert (budget_id, period_start, threshold, sent_at)
     select ?, ?::date, t, ? from unnest(?::smallint[]) as t
     on conflict (budget_id, period_start, threshold) do nothing
     returning threshold`,
    [budgetId, periodStart, now, `{${thresholds.map((t) => String(Number(t))).join(',')}}`],
  );
  return rows.map((r) => Number(r.threshold) as Threshold).sort((a, b) => a - b);
}
