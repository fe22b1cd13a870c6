type Settled<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * Awaits every promise (calls to other services run concurrently) and, when any failed, throws the
 * failure of the first one in argument order, not whichever came first: the answer to a request
 * does not depend on timing (an unknown user is reported as such even when the ledger is down too).
 * No rejection is left unhandled.
 */
export async function settleInOrder<T extends readonly unknown[]>(promises: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<Settled<T>> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as Settled<T>;
}
