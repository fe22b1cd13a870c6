import { requireCurrency } from './currencies.js';
import { formatScaled, parseDecimal, pow10, roundHalfEven } from './decimal.js';
import { MoneyError } from './errors.js';
import type { Money } from './money.js';

/** A rate string longer than this is refused: real rates have a handful of digits. */
const MAX_RATE_DIGITS = 30;

interface Rate {
  /** The rate is `value / 10^scale`. */
  readonly value: bigint;
  readonly scale: number;
}

/**
 * An exchange rate as published (ECB: "1.0876", "20082.05"): same syntax as amounts,
 * any number of fraction digits, strictly positive. Strings only, so a float never
 * sneaks into the arithmetic.
 */
function parseRate(rate: unknown): Rate {
  if (typeof rate !== 'string') throw new MoneyError('format', 'Exchange rate must be a decimal string like "1.0876"');
  const { negative, int, frac } = parseDecimal(rate, 'Exchange rate');
  if (int.length + frac.length > MAX_RATE_DIGITS) {
    throw new MoneyError('format', `Exchange rate must have at most ${MAX_RATE_DIGITS} digits`);
  }
  const magnitude = BigInt(int + frac);
  if (negative || magnitude === 0n) throw new MoneyError('not_positive', 'Exchange rate must be greater than zero');
  return { value: magnitude, scale: frac.length };
}

/**
 * Convert at `rate` = units of `to` per one unit of m.currency (ECB style: EUR→USD
 * "1.0876" means 1 EUR = 1.0876 USD). Exact bigint arithmetic, rounded once, half-even,
 * to the target's minor units.
 */
export function convertMoney(m: Money, rate: string, to: string): Money {
  const from = requireCurrency(m.currency);
  const target = requireCurrency(to);
  const r = parseRate(rate);
  // target minor = m.minor / 10^from × (value / 10^scale) × 10^target
  const numerator = m.minor * r.value * pow10(target.minorUnits);
  const denominator = pow10(from.minorUnits + r.scale);
  return Object.freeze({ minor: roundHalfEven(numerator, denominator), currency: target.code });
}

/**
 * Convert through EUR when only EUR-based rates exist (as the ECB publishes them):
 * `eurToFrom` = units of m.currency per 1 EUR, `eurToTo` = units of `to` per 1 EUR.
 * amount × eurToTo / eurToFrom is computed exactly and rounded once (half-even), so the
 * result can differ from converting to EUR, rounding, and converting again — by design.
 * For m.currency EUR pass eurToFrom "1" (likewise eurToTo "1" for to EUR).
 */
export function crossConvertMoney(m: Money, eurToFrom: string, eurToTo: string, to: string): Money {
  const from = requireCurrency(m.currency);
  const target = requireCurrency(to);
  const fromRate = parseRate(eurToFrom);
  const toRate = parseRate(eurToTo);
  // target minor = m.minor / 10^from ÷ (fromRate) × (toRate) × 10^target
  const numerator = m.minor * toRate.value * pow10(target.minorUnits + fromRate.scale);
  const denominator = fromRate.value * pow10(from.minorUnits + toRate.scale);
  return Object.freeze({ minor: roundHalfEven(numerator, denominator), currency: target.code });
}

/**
 * `part` as a percentage of `whole`, rounded half-even to `fractionDigits` decimals,
 * as a decimal string: percentOf(spent 37.50, budget 150.00) → "25.00". Both amounts
 * must share a currency. A zero `whole` has no percentage: that is a RangeError
 * (callers decide what a zero budget shows), as is a fractionDigits outside 0–20.
 */
export function percentOf(part: Money, whole: Money, fractionDigits = 2): string {
  if (!Number.isInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > 20) {
    throw new RangeError('percentOf: fractionDigits must be an integer from 0 to 20');
  }
  if (part.currency !== whole.currency) {
    throw new MoneyError(
      'currency_mismatch',
      `Cannot combine ${part.currency} and ${whole.currency} amounts; convert one first`,
    );
  }
  if (whole.minor === 0n) throw new RangeError('percentOf: whole must not be zero');
  const scaled = roundHalfEven(part.minor * 100n * pow10(fractionDigits), whole.minor);
  return formatScaled(scaled, fractionDigits);
}

/** `value / 10^scale` as a plain decimal string without trailing fraction zeros ("1.1", "162"). */
function formatTrimmed(value: bigint, scale: number): string {
  if (scale <= 0) return (value * pow10(-scale)).toString();
  const digits = value.toString().padStart(scale + 1, '0');
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  const integer = digits.slice(0, -scale);
  return fraction ? `${integer}.${fraction}` : integer;
}

/**
 * The rate of one unit of the source in units of the target, from the two EUR rates as the ECB
 * publishes them (`eurToFrom` = units of the source per 1 EUR, `eurToTo` = units of the target per
 * 1 EUR; "1" for EUR itself): eurToTo / eurToFrom, rounded half-even to `significantDigits`
 * significant digits, trailing fraction zeros dropped. For display only ("1 GBP = 214.4872143 JPY"):
 * conversions never go through this rounded value, crossConvertMoney computes from the published
 * rates exactly. A rate from EUR is the published value itself (the ECB's have fewer than 10 digits).
 */
export function crossRate(eurToFrom: string, eurToTo: string, significantDigits = 10): string {
  if (!Number.isInteger(significantDigits) || significantDigits < 1 || significantDigits > 30) {
    throw new RangeError('crossRate: significantDigits must be an integer from 1 to 30');
  }
  const from = parseRate(eurToFrom);
  const to = parseRate(eurToTo);
  // rate = (to.value / 10^to.scale) / (from.value / 10^from.scale) = num / den, both > 0
  const num = to.value * pow10(from.scale);
  const den = from.value * pow10(to.scale);
  // e = floor(log10(num / den)): num / den lies in [10^e, 10^(e+1)).
  let e = num.toString().length - den.toString().length;
  if (e >= 0 ? num < den * pow10(e) : num * pow10(-e) < den) e -= 1;
  // Keep `significantDigits` digits: scale k puts the last kept digit just before the point.
  const k = significantDigits - 1 - e;
  const scaled = k >= 0 ? roundHalfEven(num * pow10(k), den) : roundHalfEven(num, den * pow10(-k));
  return formatTrimmed(scaled, k);
}
