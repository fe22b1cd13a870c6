import { formatMoney, money } from '@finance/money';
import { ledgerV1, type commonV1 } from '@finance/proto';
import { z } from 'zod';
import { component, doc } from '../openapi-registry.js';
import { categoryFieldsOf, categoryRefSchema, fromProtoTransactionType, transactionSchema, transactionTypeField } from './ledger.schemas.js';
import { ContractViolationError, isoDate, pageSchema, timestamp } from './schemas.js';

// Recurring templates (API.md, Version 3) as the REST API shows them, and the mapping to and from
// finance.ledger.v1. The ledger validates authoritatively (amount against the currency's precision,
// categories that exist, end not before start, the occurrences range cap); these catch what is
// plainly wrong before any RPC.

// ---------------------------------------------------------------------------------------------
// Fields of requests

export const frequencyField = doc(
  z.enum(['daily', 'weekly', 'monthly', 'yearly']),
  'Occurrences are counted from `start_date`: weekly = every 7 days; monthly from the 31st gives Feb 28/29, Apr 30 and the 31st again where a month has one; yearly from Feb 29 gives Feb 28 in common years',
);
export type FrequencyName = z.infer<typeof frequencyField>;

export const weekendField = doc(
  z.enum(['none', 'before', 'after']),
  'Where an occurrence falling on a Saturday or Sunday goes: `none` stays, `before` = the Friday before, `after` = the Monday after. Only the occurrence moves, never the anchor (`start_date`)',
);
export type WeekendName = z.infer<typeof weekendField>;

// ---------------------------------------------------------------------------------------------
// Proto ⇄ REST values

const FREQUENCY_TO_PROTO: Record<FrequencyName, ledgerV1.Frequency> = {
  daily: ledgerV1.Frequency.FREQUENCY_DAILY,
  weekly: ledgerV1.Frequency.FREQUENCY_WEEKLY,
  monthly: ledgerV1.Frequency.FREQUENCY_MONTHLY,
  yearly: ledgerV1.Frequency.FREQUENCY_YEARLY,
};

const WEEKEND_TO_PROTO: Record<WeekendName, ledgerV1.WeekendRule> = {
  none: ledgerV1.WeekendRule.WEEKEND_RULE_NONE,
  before: ledgerV1.WeekendRule.WEEKEND_RULE_BEFORE,
  after: ledgerV1.WeekendRule.WEEKEND_RULE_AFTER,
};

/** Absent → undefined: the field is not sent (UpdateRecurringRequest: unchanged). */
export function toProtoFrequency(frequency: FrequencyName): ledgerV1.Frequency;
export function toProtoFrequency(frequency: FrequencyName | undefined): ledgerV1.Frequency | undefined;
export function toProtoFrequency(frequency: FrequencyName | undefined): ledgerV1.Frequency | undefined {
  return frequency === undefined ? undefined : FREQUENCY_TO_PROTO[frequency];
}

/** Absent → undefined: the field is not sent (UpdateRecurringRequest: unchanged). */
export function toProtoWeekend(weekend: WeekendName): ledgerV1.WeekendRule;
export function toProtoWeekend(weekend: WeekendName | undefined): ledgerV1.WeekendRule | undefined;
export function toProtoWeekend(weekend: WeekendName | undefined): ledgerV1.WeekendRule | undefined {
  return weekend === undefined ? undefined : WEEKEND_TO_PROTO[weekend];
}

function fromProto<N extends string, V>(table: Record<N, V>, value: V, what: string): N {
  for (const [name, v] of Object.entries(table) as [N, V][]) if (v === value) return name;
  throw new ContractViolationError(`ledger returned ${what} ${String(value)}`);
}

const date = (value: commonV1.DateMessage | undefined, what: string) => isoDate(value, what, 'ledger');

// ---------------------------------------------------------------------------------------------
// Responses

const isoTimestamp = doc(z.iso.datetime(), 'ISO 8601, UTC');

export const recurringSchema = z.object({
  id: z.string(),
  amount: doc(z.string(), 'Decimal string with exactly the currency’s decimal places ("950.00", JPY "1000"); always > 0'),
  currency: doc(z.string(), 'ISO 4217; every transaction of the template is in it'),
  transaction_type: transactionTypeField,
  description: doc(z.string(), 'Empty when none was given; each transaction gets it'),
  category_id: doc(z.string().nullable(), 'null = uncategorized'),
  category: doc(categoryRefSchema.nullable(), 'The category, embedded; null when uncategorized'),
  frequency: frequencyField,
  weekend: weekendField,
  start_date: doc(z.iso.date(), 'YYYY-MM-DD: the anchor every occurrence is counted from'),
  end_date: doc(z.iso.date().nullable(), 'YYYY-MM-DD, the last day an occurrence may fall on (inclusive); null = no end'),
  next_occurrence_date: doc(
    z.iso.date().nullable(),
    'YYYY-MM-DD: the date of the next transaction the template creates (with the weekend rule applied); null once the schedule has ended',
  ),
  is_active: doc(z.boolean(), 'false once deactivated (`DELETE`): nothing more is created; the template stays readable'),
  auto_create: doc(z.boolean(), 'true = the ledger creates each occurrence by itself when its date comes (today in your time zone)'),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type RecurringResponse = z.output<typeof recurringSchema>;

export const recurringPageSchema = pageSchema(recurringSchema);

export const processedRecurringSchema = z.object({
  transaction: doc(transactionSchema, 'The transaction created, dated the occurrence’s date'),
  next_occurrence_date: doc(z.iso.date().nullable(), 'The template’s next occurrence after this one; null when the schedule has ended'),
});

export const occurrencesSchema = z.object({
  items: doc(z.array(z.iso.date()), 'The dates (YYYY-MM-DD) the template produces in the range, in order, with the weekend rule applied'),
});

component(recurringSchema, 'RecurringTemplate');
component(recurringPageSchema, 'RecurringTemplatePage', 'A page of recurring templates');
component(processedRecurringSchema, 'ProcessedOccurrence', 'The transaction created for an occurrence, and the next occurrence');
component(occurrencesSchema, 'RecurringOccurrences', 'The dates a template produces in a range');

export function toRecurringResponse(template: ledgerV1.RecurringTemplate | undefined): RecurringResponse {
  if (!template) throw new ContractViolationError('ledger returned no recurring template');
  const amount = template.amount;
  if (!amount?.currency) throw new ContractViolationError('ledger returned a recurring template without amount');
  return {
    id: template.id,
    amount: formatMoney(money(amount.minorUnits, amount.currency)),
    currency: amount.currency,
    transaction_type: fromProtoTransactionType(template.transactionType),
    description: template.description,
    ...categoryFieldsOf(template),
    frequency: fromProto(FREQUENCY_TO_PROTO, template.frequency, 'frequency'),
    // UNSPECIFIED is the proto default: a template that never had a rule has none.
    weekend: template.weekend === ledgerV1.WeekendRule.WEEKEND_RULE_UNSPECIFIED ? 'none' : fromProto(WEEKEND_TO_PROTO, template.weekend, 'weekend'),
    start_date: date(template.startDate, 'recurring start_date'),
    end_date: template.endDate ? date(template.endDate, 'recurring end_date') : null,
    next_occurrence_date: template.nextOccurrenceDate ? date(template.nextOccurrenceDate, 'recurring next_occurrence_date') : null,
    is_active: template.isActive,
    auto_create: template.autoCreate,
    created_at: timestamp(template.createdAt, 'recurring created_at'),
    updated_at: timestamp(template.updatedAt, 'recurring updated_at'),
  };
}

export function toOccurrenceDates(dates: commonV1.DateMessage[]): string[] {
  return dates.map((d) => date(d, 'occurrence date'));
}

export function toNextOccurrenceDate(value: commonV1.DateMessage | undefined): string | null {
  return value ? date(value, 'next_occurrence_date') : null;
}
