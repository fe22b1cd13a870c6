import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parseEcbHistoryCsv } from '../domain/published-rates.js';
import { RateHistory } from '../domain/rate-history.js';
import { readBundledRates } from '../persistence/bundled-rates.js';
import { loadBundleIfNeeded, selectRates } from '../persistence/rate.queries.js';

export interface LoadFigures {
  /** Days and entries of the bundled file. */
  fileDays: number;
  fileEntries: number;
  /** Rows this start inserted (0 when the table already had the file). */
  inserted: number;
  /** Reading and parsing the file, loading it (or finding it loaded), reading the table into memory. */
  parseMs: number;
  loadMs: number;
  readMs: number;
}

const since = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;

/**
 * At start: the bundled ECB history into the table when it has fewer days than the file (first
 * start; idempotent and safe with replicas starting at once), then the whole table (file days plus
 * whatever refreshes added) into memory.
 */
export async function loadRates(orm: MikroORM, logger: Logger, file?: string): Promise<{ history: RateHistory; figures: LoadFigures }> {
  let t = process.hrtime.bigint();
  const { rates, days } = parseEcbHistoryCsv(await readBundledRates(file));
  const parseMs = since(t);
  t = process.hrtime.bigint();
  const load = await loadBundleIfNeeded(orm, rates, days);
  const loadMs = since(t);
  t = process.hrtime.bigint();
  const history = new RateHistory();
  // A load into an empty table (under the lock) leaves exactly the file in it: no need to read it back.
  history.add(load.daysBefore === 0 ? rates : await selectRates(orm));
  const readMs = since(t);
  const figures: LoadFigures = { fileDays: days, fileEntries: rates.day.length, inserted: load.inserted, parseMs, loadMs, readMs };
  logger.info({ ...figures, days: history.dayCount, entries: history.size, latest: history.latestDay }, load.inserted ? 'loaded the bundled ECB rates' : 'rates ready');
  return { history, figures };
}
