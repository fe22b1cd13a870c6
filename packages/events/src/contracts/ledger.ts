import { z } from 'zod';
import { defineEvent, eventStream } from '../contract.js';

// Events published by the ledger service (stream LEDGER, subjects ledger.>). Amounts travel as
// integer minor units in a string (exact, like PostgreSQL bigint) with their currency.

export const ledgerStream = eventStream('ledger');
export const ledgerEventStreams = [ledgerStream];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** What consumers (budgets, goals, reports, notifications) need of a transaction. */
export const transactionSnapshot = z.object({
  transaction_id: z.uuid(),
  amount_minor: z.string().regex(/^\d+$/, 'integer minor units'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
  transaction_type: z.enum(['income', 'expense']),
  date: isoDate,
  category_id: z.uuid().nullable(),
});
export type TransactionSnapshot = z.infer<typeof transactionSnapshot>;

export const transactionCreated = defineEvent({
  subject: 'ledger.transaction.created.v1',
  stream: 'LEDGER',
  schema: z.object({ transaction: transactionSnapshot }),
});

/** Carries the transaction before and after, so a consumer can undo the old and apply the new. */
export const transactionUpdated = defineEvent({
  subject: 'ledger.transaction.updated.v1',
  stream: 'LEDGER',
  schema: z.object({ before: transactionSnapshot, after: transactionSnapshot }),
});

export const transactionDeleted = defineEvent({
  subject: 'ledger.transaction.deleted.v1',
  stream: 'LEDGER',
  schema: z.object({ transaction: transactionSnapshot }),
});

/** A category is gone; its transactions moved to `reassigned_to` (or became uncategorized). */
export const categoryDeleted = defineEvent({
  subject: 'ledger.category.deleted.v1',
  stream: 'LEDGER',
  schema: z.object({ category_id: z.uuid(), reassigned_to: z.uuid().nullable() }),
});

/**
 * An occurrence of a recurring template comes within the reminder window (RECURRING_REMINDER_DAYS
 * before its date, in the user's time zone). Published once per (template, occurrence date), also
 * for templates that are not auto_create; for the notifications service.
 */
export const recurringUpcoming = defineEvent({
  subject: 'ledger.recurring.upcoming.v1',
  stream: 'LEDGER',
  schema: z.object({
    recurring_id: z.uuid(),
    description: z.string(),
    amount_minor: z.string().regex(/^\d+$/, 'integer minor units'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
    transaction_type: z.enum(['income', 'expense']),
    occurrence_date: isoDate,
  }),
});

export const ledgerEvents = [transactionCreated, transactionUpdated, transactionDeleted, categoryDeleted, recurringUpcoming] as const;
