import { z } from 'zod';
import { defineEvent, eventStream } from '../contract.js';

// Events published by the budgeting service (stream BUDGETING, subjects budgeting.>). Amounts
// travel as exact decimal strings in the budget's currency ("250.00", "1000" for JPY), as the API
// shows them, so the notifications service can word an alert without asking budgeting again.

export const budgetingStream = eventStream('budgeting');
export const budgetingEventStreams = [budgetingStream];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative decimal string');

/**
 * A budget's spending in its current period reached 80 or 100 % of its amount. Published once per
 * budget, period and threshold (API.md, Version 4): a crossing undone and redone in the same period
 * is not announced again; a change that jumps past both announces both (80 first). For the
 * notifications service.
 */
export const budgetThresholdCrossed = defineEvent({
  subject: 'budgeting.budget.threshold_crossed.v1',
  stream: 'BUDGETING',
  schema: z.object({
    budget_id: z.uuid(),
    budget_name: z.string().min(1),
    /** null = a budget of all expenses. */
    category_id: z.uuid().nullable(),
    /** The category's name when the ledger still knows it; absent otherwise (and for all-expense budgets). */
    category_name: z.string().min(1).optional(),
    threshold: z.union([z.literal(80), z.literal(100)]),
    period_start: isoDate,
    /** Inclusive. */
    period_end: isoDate,
    /** The budget's amount and the period's spending, in `currency`. */
    amount: decimal,
    spent: decimal,
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
    /** spent / amount × 100, two decimals, half-even ("85.20"); may exceed 100. */
    percent_used: z.string().regex(/^\d+\.\d{2}$/, 'a percentage with two decimals'),
    /**
     * The ledger transaction whose event led to the check (the latest one when several were
     * coalesced); null when a change of the budget itself (created, amount lowered …) crossed it.
     */
    transaction_id: z.uuid().nullable(),
  }),
});

export const budgetingEvents = [budgetThresholdCrossed] as const;
