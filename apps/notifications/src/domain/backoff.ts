/** How the mail worker spaces attempts at one e-mail while SMTP refuses or fails. */
export interface RetryPolicy {
  /** The delay after the first failure; each further failure doubles it. */
  baseMs: number;
  /** The longest delay between two attempts. */
  maxMs: number;
}

/**
 * The delay before the next attempt after `failures` failed attempts (1 = the first failure):
 * base × 2^(failures − 1), capped at max. Exact integer arithmetic, no overflow for any count.
 */
export function retryDelayMs(failures: number, policy: RetryPolicy): number {
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError('failures must be a whole number ≥ 1');
  const exponent = Math.min(failures - 1, 40);
  return Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
}
