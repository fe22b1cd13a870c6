import { addDays, localDate, type IsoDate } from '@finance/calendar';
import { runPeriodically, type Logger, type PeriodicTask } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import { checkFeed, MalformedRatesError, type PublishedRates, type RawRate } from '../domain/published-rates.js';
import type { RateHistory } from '../domain/rate-history.js';
import { insertRates, selectRates } from '../persistence/rate.queries.js';

/** Port: the HTTP provider of newer rates (RATES_URL). */
export interface RatesProvider {
  /**
   * The feed's entries as written. Throws MalformedRatesError for an answer that is not a readable
   * feed, anything else when the provider cannot be reached (network, timeout, HTTP error).
   */
  fetchRates(signal?: AbortSignal): Promise<RawRate[]>;
}

export interface RefreshContext {
  orm: MikroORM;
  history: RateHistory;
  provider: RatesProvider;
  now(): Date;
  logger: Logger;
}

export interface RefreshResult {
  /**
   * ok: the feed was read, checked and inserted; malformed: refused whole, nothing written;
   * unreachable: no answer from the provider; failed: the database did not take it. In every case
   * but ok the old rates stay.
   */
  outcome: 'ok' | 'malformed' | 'unreachable' | 'failed';
  /** Why not ok. */
  problem?: string;
  /** Rows of the feed new to the table. */
  inserted: number;
  /** Entries new to memory: this refresh's, and days another replica inserted meanwhile. */
  added: number;
  /** The latest published day held after the refresh. */
  latest: IsoDate | undefined;
}

/**
 * One refresh: fetch the provider's feed, check it as a whole (one bad entry refuses all of it),
 * insert what is new (`on conflict do nothing`: idempotent, replicas may refresh at once), then take
 * into memory what the table has after the latest day held, which includes days another replica
 * inserted. A missing network or a broken feed is a log line; the old rates stay.
 */
export async function refreshRates(ctx: RefreshContext, signal?: AbortSignal): Promise<RefreshResult> {
  const { history, logger } = ctx;
  const latestBefore = history.latestDay;
  const sizeBefore = history.size;
  let outcome: RefreshResult['outcome'] = 'ok';
  let problem: string | undefined;
  let checked: PublishedRates | undefined;
  let inserted = 0;
  try {
    const raw = await ctx.provider.fetchRates(signal);
    checked = checkFeed(raw, addDays(localDate(ctx.now(), 'UTC'), 1));
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
    outcome = err instanceof MalformedRatesError ? 'malformed' : 'unreachable';
    if (outcome === 'malformed') logger.warn({ problem }, 'refused a malformed rates feed: nothing written, the old rates stay');
    else logger.warn({ problem }, 'could not fetch the rates feed: the old rates stay');
  }
  try {
    if (checked) inserted = await insertRates(ctx.orm, checked);
    history.add(await selectRates(ctx.orm, latestBefore));
    // Days of the feed before the latest held (a gap the bundle or an outage left) are in the table now too.
    if (checked) history.add(checked);
  } catch (err) {
    outcome = 'failed';
    problem = err instanceof Error ? err.message : String(err);
    logger.error({ err }, 'could not store or read the refreshed rates: the old rates stay');
  }
  const added = history.size - sizeBefore;
  if (added) logger.info({ inserted, added, latest: history.latestDay }, 'new exchange rates');
  return { outcome, ...(problem === undefined ? {} : { problem }), inserted, added, latest: history.latestDay };
}

export type RunningRefresher = PeriodicTask;

/**
 * Refreshes at once (after the load; the service is already serving) and then every `intervalS`
 * seconds after the previous refresh ended. Never throws: refreshRates logs its failures.
 */
export function startRefresher(ctx: RefreshContext, intervalS: number): RunningRefresher {
  // A fetch under way is cut short by stop(): stopping waits for no provider.
  return runPeriodically(intervalS * 1000, (signal) => refreshRates(ctx, signal), (err) => ctx.logger.error({ err }, 'rates refresh failed'));
}
