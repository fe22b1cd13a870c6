import { requireCurrency } from './currencies.js';
import { formatScaled, parseDecimal } from './decimal.js';
import { MoneyError } from './errors.js';

/**
 * An amount of money: an exact integer count of the currency's minor units (cents for
 * USD, yen for JPY, fils for KWD) and its ISO 4217 code. Never a JS float. Instances made
 * by this package are frozen; treat them as values.
 */
export interface Money {
  readonly minor: bigint;
  readonly currency: string;
}

/**
 * The most digits accepted before the decimal point. 15 keeps every accepted JSON number
 * below 2^53, where doubles are exact integers. (With up to 3 minor digits such an amount
 * also fits int64 storage; for the 4-digit funds CLF/UYW minorToDb is the final check.)
 */
export const MAX_INTEGER_DIGITS = 15;

/** The range of PostgreSQL bigint and protobuf int64, where minor units are stored. */
export const MIN_STORED_MINOR = -(2n ** 63n);
export const MAX_STORED_MINOR = 2n ** 63n - 1n;

/** Decimals with at most this many significant digits survive a trip through a double. */
const JSON_NUMBER_DIGITS = 15;

export interface ParseMoneyOptions {
  /** Accept amounts below zero (computed values such as "remaining"). Default false. */
  allowNegative?: boolean;
  /**
   * Accept only amounts > 0 (transaction amounts). Zero and negative amounts are then both
   * refused with reason 'not_positive', whatever allowNegative says. Default false.
   */
  requirePositive?: boolean;
}

function make(minor: bigint, currency: string): Money {
  return Object.freeze({ minor, currency });
}

/**
 * Parse an API amount: a decimal string ("12.50", "-3", "0.5") or a JSON number, in the
 * given currency. Throws MoneyError:
 * - 'format': anything but optional "-", digits, optionally "." and digits — so no
 *   exponent ("1e3"), "+", ".5", "5.", thousands separators, surrounding spaces, empty
 *   string, NaN/Infinity, leading zeros ("007", "00.5"; "0.5" is fine);
 * - 'too_large': more than MAX_INTEGER_DIGITS digits before the point;
 * - 'precision': more fraction digits than the currency has ("1.500" USD; "1.5" is 1.50);
 * - 'negative' / 'not_positive': see ParseMoneyOptions;
 * - 'unknown_currency'.
 * A JSON number is read as its shortest round-trip decimal (what JSON.stringify prints),
 * so 0.1 is exactly 10 cents and 0.30000000000000004 has too many decimals. It must have
 * at most 15 significant digits (more are refused as 'precision': a double cannot tell
 * 70368744177664.01 from .02), so large amounts with cents must come as strings. A number
 * that would print with an exponent is refused as too large (≥ 1e21) or too precise
 * (< 1e-6), which is what it is.
 */
export function parseMoney(input: unknown, currency: string, opts: ParseMoneyOptions = {}): Money {
  const cur = requireCurrency(currency);
  let text: string;
  try {
    text = amountToDecimalString(input);
  } catch (err) {
    // A tiny JSON number (printed with an exponent) is, for a currency, too many decimals.
    if (err instanceof MoneyError && err.reason === 'precision' && typeof input === 'number' && Math.abs(input) < 1 && /e/i.test(String(input))) {
      throw new MoneyError('precision', precisionMessage(cur.code, cur.minorUnits));
    }
    throw err;
  }

  const { negative, int, frac } = parseDecimal(text, 'Amount');
  if (int.length > MAX_INTEGER_DIGITS) throw tooLarge();
  if (frac.length > cur.minorUnits) throw new MoneyError('precision', precisionMessage(cur.code, cur.minorUnits));

  const magnitude = BigInt(int + frac.padEnd(cur.minorUnits, '0'));
  const minor = negative ? -magnitude : magnitude; // "-0.00" is zero, not negative
  if (opts.requirePositive && minor <= 0n) {
    throw new MoneyError('not_positive', 'Amount must be greater than zero');
  }
  if (!opts.allowNegative && minor < 0n) {
    throw new MoneyError('negative', 'Amount must not be negative');
  }
  return make(minor, cur.code);
}

/**
 * An amount as the API receives it (a decimal string or a JSON number) → the exact decimal
 * string it stands for, before any currency is known (a gateway forwards this; the service that
 * knows the currency then applies its precision with parseMoney). Strings pass through as they
 * are; numbers are refused where a double cannot carry them exactly (see parseMoney).
 */
export function amountToDecimalString(input: unknown): string {
  if (typeof input === 'string') return input;
  if (typeof input !== 'number') throw new MoneyError('format', 'Amount must be a decimal string like "12.50" or a number');
  if (!Number.isFinite(input)) throw new MoneyError('format', 'Amount must be a finite number, like "12.50"');
  const text = String(input);
  if (/e/i.test(text)) {
    throw Math.abs(input) >= 1 ? tooLarge() : new MoneyError('precision', 'Amount has too many decimal places');
  }
  const { int, frac } = parseDecimal(text, 'Amount');
  if (int.length > MAX_INTEGER_DIGITS) throw tooLarge();
  if ((int + frac).replace(/^0+/, '').length > JSON_NUMBER_DIGITS) {
    // Past 15 significant digits a double no longer holds every decimal: 70368744177664.01
    // arrives as 70368744177664.02. Refuse rather than book a different amount.
    throw new MoneyError(
      'precision',
      `Amount has more than ${JSON_NUMBER_DIGITS} significant digits, too many for a JSON number to carry exactly: send it as a decimal string, like "12.50"`,
    );
  }
  return text;
}

// A JSON number as RFC 8259 writes it: no "+", no leading zeros, no ".5", no NaN/Infinity.
const JSON_NUMBER_LITERAL = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** No currency has more minor digits than this by far; longer fractions are refused before any string is built. */
const MAX_LITERAL_FRACTION_DIGITS = 20;

/**
 * A JSON number's literal text ("1e3", "1.25e1", "1e-2", "12.50") → the exact plain decimal
 * string it denotes ("1000", "12.5", "0.01", "12.5"), computed on the digits: never through a
 * double, so "7036874417766401e-2" is exactly "70368744177664.01". The result is the number's
 * value, like any JSON number's (trailing fraction zeros carry no meaning: "1000e-3" is "1"), for
 * parseMoney to judge against the currency ("0.001" is too precise for USD). Throws MoneyError:
 * 'format' for anything but a JSON number literal (NaN, Infinity, "+1", ".5e1", "01e3");
 * 'too_large' for more than MAX_INTEGER_DIGITS integer digits ("1e16", "1e999999999", decided from
 * the exponent alone); 'precision' for more than 20 fraction digits ("1e-30"), which no currency has.
 * Only the gateway sees literals; a decimal *string* with an exponent stays refused (parseMoney).
 */
export function amountFromNumberLiteral(literal: string): string {
  const match = JSON_NUMBER_LITERAL.exec(literal);
  if (!match) throw new MoneyError('format', 'Amount must be a finite JSON number or a decimal string like "12.50"');
  const [, sign = '', int = '', frac = '', exponent = '0'] = match;
  // value = digits × 10^scale, digits without leading or trailing zeros.
  let digits = (int + frac).replace(/^0+/, '');
  let scale = Number(exponent) - frac.length; // ±Infinity for an absurd exponent: the checks below still hold
  const trimmed = digits.replace(/0+$/, '');
  scale += digits.length - trimmed.length;
  digits = trimmed;
  if (digits === '') return '0'; // "-0e5" is zero, as the JSON number -0 is
  if (digits.length + scale > MAX_INTEGER_DIGITS) throw tooLarge();
  if (-scale > MAX_LITERAL_FRACTION_DIGITS) throw new MoneyError('precision', 'Amount has too many decimal places');
  if (scale >= 0) return sign + digits + '0'.repeat(scale);
  const padded = digits.padStart(-scale + 1, '0');
  return `${sign}${padded.slice(0, scale)}.${padded.slice(scale)}`;
}

function tooLarge(): MoneyError {
  return new MoneyError('too_large', `Amount is too large: at most ${MAX_INTEGER_DIGITS} digits before the decimal point`);
}

function precisionMessage(code: string, minorUnits: number): string {
  if (minorUnits === 0) return `${code} does not allow decimal places`;
  return `${code} allows at most ${minorUnits} decimal place${minorUnits === 1 ? '' : 's'}`;
}

/**
 * The API form of an amount: always exactly the currency's minor digits, "." as the
 * point, "-" for negatives, no separators: "12.50", "-3.00", "1000" (JPY), "4.750" (JOD).
 */
export function formatMoney(m: Money): string {
  const cur = requireCurrency(m.currency);
  return formatScaled(m.minor, cur.minorUnits);
}

/**
 * Build Money from minor units: a bigint, an integer string (as PostgreSQL returns
 * bigint columns) or a safe-integer number. `money('1250', 'USD')` is 12.50 USD.
 */
export function money(minor: bigint | string | number, currency: string): Money {
  const cur = requireCurrency(currency);
  return make(toMinor(minor), cur.code);
}

function toMinor(value: bigint | string | number): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    if (!/^-?\d+$/.test(value)) throw new MoneyError('format', 'Minor units must be an integer string like "1250"');
    return BigInt(value);
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new MoneyError('format', 'Minor units must be an integer (bigint, integer string or safe integer)');
}

/** Minor units as the decimal string PostgreSQL bigint accepts; refuses values outside int64. */
export function minorToDb(minor: bigint): string {
  if (minor < MIN_STORED_MINOR || minor > MAX_STORED_MINOR) {
    throw new MoneyError('too_large', 'Amount is too large to store');
  }
  return minor.toString();
}

/** Minor units from a PostgreSQL bigint column (node-postgres returns it as a string). */
export function minorFromDb(value: string | bigint | number): bigint {
  const minor = toMinor(value);
  if (minor < MIN_STORED_MINOR || minor > MAX_STORED_MINOR) {
    throw new MoneyError('too_large', 'Amount is too large to store');
  }
  return minor;
}

function sameCurrency(a: Money, b: Money): string {
  if (a.currency !== b.currency) {
    throw new MoneyError('currency_mismatch', `Cannot combine ${a.currency} and ${b.currency} amounts; convert one first`);
  }
  return a.currency;
}

export function addMoney(a: Money, b: Money): Money {
  return make(a.minor + b.minor, sameCurrency(a, b));
}

export function subtractMoney(a: Money, b: Money): Money {
  return make(a.minor - b.minor, sameCurrency(a, b));
}

export function negateMoney(a: Money): Money {
  return make(-a.minor, a.currency);
}

/** -1, 0 or 1, for sorting; throws currency_mismatch across currencies (no implicit rates). */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0;
}

/**
 * Exact sum. The currency is a parameter so that an empty list has an answer (zero) and
 * every item is checked against it.
 */
export function sumMoney(items: Iterable<Money>, currency: string): Money {
  const zero = money(0n, currency);
  let minor = 0n;
  for (const item of items) {
    sameCurrency(zero, item);
    minor += item.minor;
  }
  return make(minor, zero.currency);
}

export function isZero(m: Money): boolean {
  return m.minor === 0n;
}

export function isNegative(m: Money): boolean {
  return m.minor < 0n;
}

export function isPositive(m: Money): boolean {
  return m.minor > 0n;
}
