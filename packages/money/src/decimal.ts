import { MoneyError } from './errors.js';

/**
 * Exact integer division rounded to the nearest integer, ties to the even neighbour
 * (banker's rounding): 5/2 → 2, 7/2 → 4, -5/2 → -2. Used once, at the end of a
 * computation, so that repeated conversions carry no systematic bias up or down.
 */
export function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('roundHalfEven: denominator must not be zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator; // same sign as numerator
  if (remainder === 0n) return quotient;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twice < denominator || (twice === denominator && quotient % 2n === 0n)) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

export function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** `value / 10^digits` as a plain decimal string with exactly `digits` fraction digits. */
export function formatScaled(value: bigint, digits: number): string {
  const sign = value < 0n ? '-' : '';
  const abs = (value < 0n ? -value : value).toString();
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

export interface ParsedDecimal {
  readonly negative: boolean;
  /** Integer digits, no leading zeros (except a lone "0"). */
  readonly int: string;
  /** Fraction digits as written (possibly empty). */
  readonly frac: string;
}

// ASCII digits only (no `u` flag: \d never matches other scripts' digits).
const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parse the one decimal syntax this product accepts: optional "-", digits, optionally
 * "." and digits. Everything else is a 'format' error whose message says what to fix.
 * `what` names the value in messages ("Amount", "Exchange rate").
 */
export function parseDecimal(text: string, what: string): ParsedDecimal {
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) throw new MoneyError('format', explainBadDecimal(text, what));
  const [, sign, int = '', frac = ''] = match;
  if (int.length > 1 && int.startsWith('0')) {
    // Like JSON numbers: "007" is ambiguous (octal? a typo?) so it is refused, not guessed.
    throw new MoneyError('format', `${what} must not have leading zeros (write "7.50", not "07.50")`);
  }
  return { negative: sign === '-', int, frac };
}

function explainBadDecimal(text: string, what: string): string {
  const example = `a plain decimal number like "12.50"`;
  if (text.trim() === '') return `${what} is empty: expected ${example}`;
  if (text !== text.trim()) return `${what} must not contain spaces: expected ${example}`;
  if (/^[+-]?(nan|infinity|inf)$/i.test(text)) return `${what} must be a finite number: expected ${example}`;
  if (/^[+-]?(\d+\.?\d*|\.\d+)e[+-]?\d+$/i.test(text)) {
    return `${what} must not use exponent notation (like "1e3"): write the digits out, like "1000.00"`;
  }
  if (text.startsWith('+')) return `${what} must not start with "+": write "12.50", not "+12.50"`;
  if (/^-?\.\d+$/.test(text)) return `${what} needs a digit before the decimal point: write "0.50", not ".50"`;
  if (/^-?\d+\.$/.test(text)) return `${what} needs digits after the decimal point: write "5.00" or "5", not "5."`;
  if (/^-?\d[\d,'_ \u00a0\u202f.]*$/.test(text)) {
    return `${what} must use "." as the decimal point and no thousands separators: write "1234.50", not "1,234.50"`;
  }
  return `${what} must be ${example}`;
}
