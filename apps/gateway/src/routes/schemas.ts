import { formatInstant } from '@finance/calendar';
import { amountFromNumberLiteral, amountToDecimalString, checkAmountSyntax, MoneyError } from '@finance/money';
import { charLength, hasNul } from '@finance/platform/text';
import type { authV1, commonV1 } from '@finance/proto';
import { z } from 'zod';
import { ExponentNumberLiteral } from '../json-body.js';
import { component, doc, openApiRegistry } from '../openapi-registry.js';

// Field rules shared by the routes (API.md). The auth service validates authoritatively; these
// catch what is plainly wrong with a 422 naming the field, before any RPC.
export const emailField = z.email({ error: 'must be a valid email address' }).max(254);
export const usernameField = z
  .string()
  .min(3)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');
/** 8 to 128 characters (code points: four emoji are four characters, not eight). */
export const passwordField = textField(128, { min: 8 });
export const currencyField = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD');
/** The shape of an IANA time zone name (auth checks the name itself: Europe/Berlin, UTC, America/Argentina/Buenos_Aires). */
export const TIMEZONE_PATTERN = /^[A-Za-z][A-Za-z0-9_+\-]*(?:\/[A-Za-z0-9_+\-]+)*$/;
export const timezoneField = doc(z.string().min(1).max(64), 'An IANA time zone such as Europe/Berlin');
// Documented only: the name is auth's check (Intl), whose 422 names the field; this is its shape.
openApiRegistry.add(timezoneField, { ...openApiRegistry.get(timezoneField), pattern: TIMEZONE_PATTERN.source, examples: ['Europe/Berlin', 'UTC'] });


/**
 * Text of `min` to `max` characters (code points, so 1000 emoji are 1000 characters), optionally
 * trimmed first. NUL and lone surrogates are refused: no service can store them as sent.
 */
export function textField(max: number, options: { min?: number; trim?: boolean } = {}) {
  const min = options.min ?? 0;
  const range = min > 0 ? `${min} to ${max} characters` : `at most ${max} characters`;
  const base = options.trim ? z.string().trim() : z.string();
  const schema = base
    .refine((value) => {
      const length = charLength(value);
      return length >= min && length <= max;
    }, `must be ${range}${options.trim ? ' (surrounding spaces are ignored)' : ''}`)
    .refine((value) => !hasNul(value), 'must not contain NUL characters')
    // A lone UTF-16 surrogate (possible in JSON: "\ud800") has no UTF-8 form; storing it would
    // silently change it to U+FFFD.
    .refine((value) => value.isWellFormed(), 'must be valid Unicode text (no lone surrogates)');
  openApiRegistry.add(schema, { ...(min > 0 ? { minLength: min } : {}), maxLength: max });
  return schema;
}

const DATE_MESSAGE = 'must be a calendar date YYYY-MM-DD';

/** `YYYY-MM-DD` naming a day that exists (2026-02-30 does not; year 0000 is no year). */
export const dateField = doc(
  z.iso.date({ error: DATE_MESSAGE }).refine((value) => !value.startsWith('0000'), DATE_MESSAGE),
  'A calendar date, YYYY-MM-DD',
);

/**
 * What dateField accepts, as the OpenAPI pattern: zod's own date pattern (days that exist, leap
 * years included) without year 0000, which zod's allows.
 */
export const DATE_PATTERN =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|(?:0[48]|[2468][048]|[13579][26])00)-02-29|(?:[1-9]\d{3}|0[1-9]\d\d|00[1-9]\d|000[1-9])-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))$/;
openApiRegistry.add(dateField, { ...openApiRegistry.get(dateField), pattern: DATE_PATTERN.source });

// Amounts: syntax, size and sign here; the currency's precision is the service's check.

/**
 * What can be said of an amount before its currency is known (the service may have to ask for the
 * user's base currency): its syntax, size and sign, in @finance/money's words. The precision of
 * the currency is the service's check (ledger, budgeting).
 */
export function amountSyntaxError(text: string): MoneyError | undefined {
  try {
    checkAmountSyntax(text);
    return undefined;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    return err;
  }
}

/**
 * The amount strings the server accepts, as the OpenAPI pattern: > 0, no sign, no leading zeros, at
 * most MAX_INTEGER_DIGITS (15) digits before the point and at most 4 after it (the most any ISO 4217
 * currency has; the currency's own precision is then the service's check). Exactly what
 * parseMoney(text, <a 4-decimal currency>, { requirePositive: true }) accepts (a test proves it).
 * Validation stays with @finance/money, whose messages say what is wrong.
 */
export const AMOUNT_PATTERN = /^(?:[1-9]\d{0,14}(?:\.\d{1,4})?|0\.(?:[1-9]\d{0,3}|0[1-9]\d{0,2}|00[1-9]\d?|000[1-9]))$/;
const amountString = z.string().max(64);
openApiRegistry.add(amountString, { pattern: AMOUNT_PATTERN.source, examples: ['12.50'] });
const amountNumber = z.number();
openApiRegistry.add(amountNumber, { exclusiveMinimum: 0, examples: [12.5] });

/**
 * A request amount field: a decimal string or a JSON number (`strings` / `numbers`, each carrying its
 * OpenAPI facts), forwarded as the exact decimal string it stands for (amountToDecimalString). A JSON
 * number written with an exponent (1e3, 1.25e1, 1e-2) is read exactly from its text, never through
 * the double JSON.parse made of it. `refusal` checks the decimal text (syntax, size, sign) and says
 * what is wrong, so that one answer names every invalid field; the service that owns the resource
 * applies the currency's precision.
 */
export function decimalAmountField(options: {
  strings: z.ZodString;
  numbers: z.ZodNumber;
  refusal: (text: string) => string | undefined;
  /** The message when the value is not a usable decimal at all (a MoneyError of amountToDecimalString). */
  unusable?: (err: MoneyError) => string;
  description: string;
}) {
  return doc(
    z.preprocess(
      (value, ctx) => {
        if (value instanceof ExponentNumberLiteral) {
          try {
            return amountFromNumberLiteral(value.source);
          } catch (err) {
            if (!(err instanceof MoneyError)) throw err;
            ctx.addIssue({ code: 'custom', message: err.message, input: value.source.slice(0, 40) });
          }
        }
        return value;
      },
      z
        .union([options.strings, options.numbers], { error: 'must be a decimal string like "12.50" or a number' })
        .transform((value, ctx) => {
          // Numbers become the exact decimal they print as, or are refused where a double is not exact.
          let text: string;
          try {
            text = amountToDecimalString(value);
          } catch (err) {
            if (!(err instanceof MoneyError)) throw err;
            ctx.addIssue({ code: 'custom', message: options.unusable?.(err) ?? err.message, input: value });
            return z.NEVER;
          }
          const refused = options.refusal(text);
          if (refused) {
            ctx.addIssue({ code: 'custom', message: refused, input: value });
            return z.NEVER;
          }
          return text;
        }),
    ),
    options.description,
  );
}

/** A request amount: greater than zero (amountSyntaxError). */
export const amountField = decimalAmountField({
  strings: amountString,
  numbers: amountNumber,
  refusal: (text) => amountSyntaxError(text)?.message,
  description:
    'Greater than zero, at most the currency’s decimal places: a decimal string ("12.50", preferred; plain digits, no exponent) or a JSON number (12.5; an exponent is read exactly from the text: 1e3 = 1000, 1.25e1 = 12.5, 1e-2 = 0.01; at most 15 integer digits)',
});

/** `YYYY-MM-DD` (already validated) → finance.common.v1.Date. */
export function toProtoDate(value: string): commonV1.DateMessage;
export function toProtoDate(value: string | undefined): commonV1.DateMessage | undefined;
export function toProtoDate(value: string | undefined): commonV1.DateMessage | undefined {
  if (value === undefined) return undefined;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** finance.common.v1.Date from a service → `YYYY-MM-DD`; `what` names the field for the error ("budget start_date"). */
export function isoDate(date: commonV1.DateMessage | undefined, what: string, service: string): string {
  if (!date || !date.year || !date.month || !date.day) throw new ContractViolationError(`${service} returned no ${what}`);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** An id in a request: any UUID (compared in lower case). */
export const idField = doc(
  z.guid({ error: 'must be a UUID' }).transform((value) => value.toLowerCase()),
  'A UUID',
);

/** `{ id }` path parameters. A malformed id answers the route's 404 (see `notFound` route config). */
export const idParams = z.object({ id: idField });

const PAGE_SIZE_MESSAGE = 'must be a whole number from 1 to 200';
const pageSizeField = z
  .string()
  .regex(/^\d{1,3}$/, PAGE_SIZE_MESSAGE)
  .transform(Number)
  .pipe(z.number().int().min(1, PAGE_SIZE_MESSAGE).max(200, PAGE_SIZE_MESSAGE))
  .default(50);
// A query parameter is text; documented as the integer it stands for.
openApiRegistry.add(pageSizeField, { type: 'integer', minimum: 1, maximum: 200, description: 'Page size, 1–200 (default 50)' });

/** The paging parameters of every list (API.md: `limit` 1–200, default 50; `cursor` from `next_cursor`). */
export const pageQueryFields = {
  limit: pageSizeField,
  cursor: doc(z.string().max(2048).optional(), 'Opaque: the `next_cursor` of the previous page. Absent for the first page'),
};

/** `{ items, next_cursor }`: the answer of every list. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next_cursor: doc(z.string().nullable(), 'Pass as `cursor` to get the next page; null on the last page'),
  });
}

/** A service's page info → `next_cursor` (the services send "" on the last page). */
export function nextCursor(page: { nextCursor: string } | undefined): string | null {
  return page?.nextCursor ? page.nextCursor : null;
}

export const notificationPreferencesSchema = z.object({
  email: z.boolean(),
  budget_alerts: z.boolean(),
  recurring_reminders: z.boolean(),
  goal_milestones: z.boolean(),
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  is_active: z.boolean(),
  base_currency: z.string(),
  timezone: z.string(),
  notification_preferences: notificationPreferencesSchema,
  created_at: doc(z.iso.datetime(), 'ISO 8601, UTC'),
  updated_at: doc(z.iso.datetime(), 'ISO 8601, UTC'),
});

export type UserResponse = z.output<typeof userSchema>;

export const tokenPairSchema = z.object({
  access_token: doc(z.string(), 'JWT (EdDSA), valid for `expires_in` seconds'),
  refresh_token: doc(z.string(), 'Opaque; single use (rotated on refresh)'),
  token_type: z.literal('bearer'),
  expires_in: doc(z.number().int(), 'Seconds until the access token expires'),
});

export type TokenPairResponse = z.output<typeof tokenPairSchema>;

component(userSchema, 'User');
component(notificationPreferencesSchema, 'NotificationPreferences');
component(tokenPairSchema, 'TokenPair', 'A new access token and the refresh token to get the next one');

/** Thrown when a service answers OK but without a part the contract promises: a bug, rendered as 500. */
export class ContractViolationError extends Error {
  override name = 'ContractViolationError';
}

/** A service timestamp → ISO 8601 UTC; `what` names the field for the error ("auth user created_at"). */
export function timestamp(value: Date | undefined, what: string): string {
  const ms = value?.getTime();
  if (ms === undefined || Number.isNaN(ms)) throw new ContractViolationError(`service returned no ${what}`);
  return formatInstant(ms);
}

export function toUserResponse(user: authV1.User | undefined): UserResponse {
  if (!user) throw new ContractViolationError('auth returned no user');
  const prefs = user.notificationPreferences;
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    is_active: user.isActive,
    base_currency: user.baseCurrency,
    timezone: user.timezone,
    notification_preferences: {
      email: prefs?.email ?? false,
      budget_alerts: prefs?.budgetAlerts ?? false,
      recurring_reminders: prefs?.recurringReminders ?? false,
      goal_milestones: prefs?.goalMilestones ?? false,
    },
    created_at: timestamp(user.createdAt, 'user created_at'),
    updated_at: timestamp(user.updatedAt, 'user updated_at'),
  };
}

export function toTokenPairResponse(tokens: authV1.TokenPair | undefined): TokenPairResponse {
  if (!tokens?.accessToken || !tokens.refreshToken) throw new ContractViolationError('auth returned no token pair');
  return { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'bearer', expires_in: tokens.expiresIn };
}
