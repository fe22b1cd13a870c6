import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, isoDate, occurrencesBetween, type IsoDate } from '@finance/calendar';
import { enqueueEvent } from '@finance/events';
import { recurringUpcoming } from '@finance/events/contracts/ledger';
import { isUserDeleted, runPeriodically, tryLockUserShared, type Logger, type MetricsRegistry, type PeriodicTask } from '@finance/platform';
import { scheduleOf } from '../domain/recurring.js';
import { RecurringTemplateEntity, type RecurringTemplate } from '../persistence/ledger.entities.js';
import { insertReminderMarks, lockDueTemplates, lockTemplatesToRemind, type LockedTemplateRef, type ReminderMark } from '../persistence/recurring.queries.js';
import type { LedgerContext } from './context.js';
import { schedulerMeters } from './scheduler-metrics.js';
import { createOccurrence, stateOf } from './recurring.js';

// The recurring scheduler. Every pass creates every due occurrence (next_occurrence_date on or before
// the user's today) of active auto_create templates, then writes the upcoming events of occurrences
// within the reminder window. Any number of replicas may run it, and ProcessRecurring may race it:
//
// - Work goes in batches, one database transaction each, which lock their templates with
//   FOR UPDATE SKIP LOCKED: replicas never wait for each other nor take the same template, and a
//   manual process of a locked template waits for the batch (then sees the advanced cursor).
// - Creating an occurrence writes its row (primary key (template, date): the backstop; a conflict
//   rolls the batch back), the transaction and its event (outbox) and the advanced cursor together,
//   so a crash mid-pass loses or doubles nothing: each batch commits or not, the next pass goes on.
// - Per template and batch at most PER_TEMPLATE_CATCH_UP occurrences: a template with years of
//   backlog comes back in the next batch instead of starving the others.
// - Erasure safety without deadlock: the batch already holds row locks, so it must not wait for a
//   user's erasure lock (the erasure may be waiting for those rows' user). It TRY-locks each user in
//   shared mode and leaves the templates of a user it cannot lock, or who is erased, for a later pass.
// - Reminders: one mark per (template, occurrence date), inserted `on conflict do nothing`; the event
//   is written only with a new mark, in the same transaction: exactly once across replicas and
//   restarts, and an occurrence that entered the window while nothing ran is announced at the next
//   pass while its date is not past.

export const SCHEDULER_BATCH_SIZE = 100;
export const PER_TEMPLATE_CATCH_UP = 50;

export interface SchedulerSettings {
  /** Upcoming events go out this many days before an occurrence (RECURRING_REMINDER_DAYS). */
  reminderDays: number;
  /** Templates per batch (default SCHEDULER_BATCH_SIZE). */
  batchSize?: number;
  /** Occurrences per template and batch (default PER_TEMPLATE_CATCH_UP). */
  perTemplateCatchUp?: number;
}

export interface SchedulerPassResult {
  /** Occurrences (transactions) created. */
  created: number;
  /** Upcoming events written. */
  reminded: number;
  /** Templates left for a later pass (their user was being erased, or is). */
  deferred: number;
}

/**
 * Locks, without waiting, each distinct user of the batch in shared mode (see above) and keeps the
 * templates of users that are locked and not erased; the others' ids go to `deferred`.
 */
async function writableTemplates(tx: EntityManager, refs: LockedTemplateRef[], deferred: string[]): Promise<LockedTemplateRef[]> {
  const ok = new Map<string, boolean>();
  for (const userId of [...new Set(refs.map((r) => r.userId))].sort()) {
    ok.set(userId, (await tryLockUserShared(tx, userId)) && !(await isUserDeleted(tx, userId)));
  }
  const kept = refs.filter((r) => ok.get(r.userId));
  for (const r of refs) if (!ok.get(r.userId)) deferred.push(r.id);
  return kept;
}

async function lockedTemplates(tx: EntityManager, refs: LockedTemplateRef[]): Promise<{ template: RecurringTemplate; today: IsoDate }[]> {
  if (!refs.length) return [];
  const rows = await tx.find(RecurringTemplateEntity, { id: { $in: refs.map((r) => r.id) } });
  const byId = new Map(rows.map((t) => [t.id, t]));
  return refs.flatMap((r) => {
    const template = byId.get(r.id);
    return template ? [{ template, today: isoDate(r.today) }] : [];
  });
}

/** One batch of due occurrences; found = templates locked (0: nothing due is left for this pass). */
async function createDueBatch(ctx: LedgerContext, now: Date, deferred: string[], batchSize: number, perTemplate: number): Promise<{ found: number; created: number }> {
  return ctx.orm.em.fork().transactional(async (tx) => {
    const refs = await lockDueTemplates(tx, now, deferred, batchSize);
    if (!refs.length) return { found: 0, created: 0 };
    let created = 0;
    for (const { template, today } of await lockedTemplates(tx, await writableTemplates(tx, refs, deferred))) {
      for (let n = 0; n < perTemplate && template.nextOccurrenceDate && template.nextOccurrenceDate <= today; n++) {
        createOccurrence(tx, template, now);
        created++;
      }
    }
    // One multi-row insert per table (transactions, outbox, occurrences), one batched update of the templates.
    await tx.flush();
    return { found: refs.length, created };
  });
}

/** One batch of upcoming events. */
async function remindBatch(ctx: LedgerContext, now: Date, days: number, deferred: string[], batchSize: number): Promise<{ found: number; reminded: number }> {
  return ctx.orm.em.fork().transactional(async (tx) => {
    const refs = await lockTemplatesToRemind(tx, now, days, deferred, batchSize);
    if (!refs.length) return { found: 0, reminded: 0 };
    const templates = await lockedTemplates(tx, await writableTemplates(tx, refs, deferred));
    const marks: ReminderMark[] = [];
    const byId = new Map<string, RecurringTemplate>();
    for (const { template, today } of templates) {
      byId.set(template.id, template);
      const horizon = addDays(today, days);
      const next = isoDate(template.nextOccurrenceDate!);
      // Occurrences already created are behind next_occurrence_date; past ones are not announced.
      const from = next > today ? next : today;
      for (const date of occurrencesBetween(scheduleOf(stateOf(template)), from, horizon, days + 1)) {
        marks.push({ templateId: template.id, occurrenceDate: date, userId: template.userId });
      }
      template.remindedThrough = horizon;
    }
    const fresh = await insertReminderMarks(tx, marks, now);
    for (const mark of fresh) {
      const t = byId.get(mark.templateId)!;
      enqueueEvent(tx, recurringUpcoming, {
        user_id: t.userId,
        recurring_id: t.id,
        description: t.description,
        amount_minor: t.amountMinor.toString(),
        currency: t.currency,
        transaction_type: t.transactionType,
        occurrence_date: mark.occurrenceDate,
      });
    }
    await tx.flush();
    return { found: refs.length, reminded: fresh.length };
  });
}

/**
 * One scheduler pass at `now`: due occurrences batch after batch until none is left (templates of
 * users that could not be locked are left for the next pass), then upcoming events the same way.
 * Safe to run in any number of processes at once. `signal` stops it between batches (each batch is
 * atomic, so stopping there loses nothing).
 */
export async function runSchedulerPass(ctx: LedgerContext, now: Date, settings: SchedulerSettings = { reminderDays: 3 }, signal?: AbortSignal): Promise<SchedulerPassResult> {
  const batchSize = settings.batchSize ?? SCHEDULER_BATCH_SIZE;
  const perTemplate = settings.perTemplateCatchUp ?? PER_TEMPLATE_CATCH_UP;
  const result: SchedulerPassResult = { created: 0, reminded: 0, deferred: 0 };
  const deferred: string[] = [];
  while (!signal?.aborted) {
    const batch = await createDueBatch(ctx, now, deferred, batchSize, perTemplate);
    if (batch.created) ctx.eventsWritten();
    result.created += batch.created;
    if (!batch.found) break;
  }
  result.deferred += deferred.length;
  deferred.length = 0;
  while (!signal?.aborted) {
    const batch = await remindBatch(ctx, now, settings.reminderDays, deferred, batchSize);
    if (batch.reminded) ctx.eventsWritten();
    result.reminded += batch.reminded;
    if (!batch.found) break;
  }
  result.deferred += deferred.length;
  return result;
}

/** stop() waits for a pass in flight to end (it stops after its current batch). */
export type RunningScheduler = PeriodicTask;

/**
 * Runs a pass now and then `intervalS` seconds after each pass ends (passes never overlap in one
 * process). A failed pass is logged; the next one retries. With `metrics`, its passes and lag are
 * reported there (scheduler-metrics.ts).
 */
export function startScheduler(
  ctx: LedgerContext,
  settings: SchedulerSettings & { intervalS: number },
  logger: Logger,
  metrics?: MetricsRegistry,
): RunningScheduler {
  const meters = metrics ? schedulerMeters(metrics, ctx, logger) : undefined;
  return runPeriodically(
    settings.intervalS * 1000,
    async (signal) => {
      const r = await runSchedulerPass(ctx, ctx.now(), settings, signal);
      meters?.passed(r);
      if (r.created || r.reminded || r.deferred) logger.info(r, 'recurring scheduler pass');
    },
    (err) => logger.error({ err }, 'recurring scheduler pass failed'),
  );
}
