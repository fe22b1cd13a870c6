import { MAX_STORED_MINOR, MIN_STORED_MINOR } from '@finance/money';
import { errors } from './errors.js';

/**
 * Amounts travel as protobuf int64. A total computed here beyond it (many near-maximal amounts) is
 * refused with REPORTING_SUM_TOO_LARGE, never wrapped or rounded.
 */
export function requireInt64(minor: bigint): bigint {
  if (minor < MIN_STORED_MINOR || minor > MAX_STORED_MINOR) throw errors.sumTooLarge();
  return minor;
}

/** Sorted, without duplicates. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
