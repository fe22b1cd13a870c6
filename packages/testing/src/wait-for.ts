import { setTimeout as sleep } from 'node:timers/promises';

export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown in the timeout error. */
  message?: string;
}

/**
 * Polls `probe` until it returns a truthy value, and returns that (a throwing probe counts as not yet).
 * For effects that happen asynchronously (a relay publishing, a consumer handling).
 */
export async function waitFor<T>(probe: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<Truthy<T>> {
  const { timeoutMs = 15_000, intervalMs = 50 } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Truthy<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.message ?? 'a condition'}${reason}`);
    }
    await sleep(intervalMs);
  }
}
