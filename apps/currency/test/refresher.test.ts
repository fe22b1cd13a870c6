// The refresher against a real local HTTP server serving ECB XML feeds (the shape of
// eurofxref-hist-90d.xml): new days are added and answered at once, a malformed feed is refused whole,
// a provider that is down, failing or silent changes nothing; a replica picks up days another inserted.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { waitFor } from '@finance/testing';
import { createTestDatabase, date, ecbXml, inspectRates, iso, startCurrency, startHttpServer, type RunningCurrency, type TestDatabase } from './helpers.js';

type Feed = [string, [string, string][]][];

/** The last two days of the bundled file as the 90-day feed repeats them (a refresh must not duplicate them). */
const KNOWN: Feed = [
  ['2026-04-13', [['USD', '1.1684'], ['JPY', '186.75'], ['GBP', '0.87058']]],
  ['2026-04-10', [['USD', '1.1711'], ['JPY', '186.43'], ['GBP', '0.87105']]],
];
const APRIL_14: Feed[number] = ['2026-04-14', [['USD', '1.1702'], ['JPY', '187.12'], ['GBP', '0.87201'], ['CHF', '0.9251']]];

let db: TestDatabase;
let provider: Awaited<ReturnType<typeof startHttpServer>>;
let currency: RunningCurrency;
let inspect: Awaited<ReturnType<typeof inspectRates>>;
let rowsAtStart = 0;

/** The provider answers `body` with `status` (XML by default). */
function serve(body: string, status = 200, type = 'text/xml') {
  provider.setHandler((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  provider = await startHttpServer((_req, res) => res.end());
  currency = await startCurrency(db.url, { RATES_URL: provider.url, RATES_FETCH_TIMEOUT_MS: '500' });
  inspect = await inspectRates(db.url);
  rowsAtStart = await inspect.rows();
});

afterAll(async () => {
  await currency?.stop();
  await inspect?.close();
  await provider?.close();
  await db?.drop();
});

describe('the refresher', () => {
  test('adds a new day; GetRates and GetRateTable answer it at once (nothing cached stays behind)', async () => {
    // Asked before the refresh: Monday's rates, and the table's latest day is Monday.
    expect(iso((await currency.client.getRates({ base: 'EUR', date: date('2026-04-14') })).rateDate)).toBe('2026-04-13');
    serve(ecbXml([APRIL_14, ...KNOWN]));

    const result = await currency.service.refresh();
    expect(result).toMatchObject({ outcome: 'ok', inserted: 4, added: 4, latest: '2026-04-14' });
    expect(await inspect.rows()).toBe(rowsAtStart + 4);

    const rates = await currency.client.getRates({ base: 'EUR', date: date('2026-04-14') });
    expect(iso(rates.rateDate)).toBe('2026-04-14');
    expect(rates.rates).toMatchObject({ USD: '1.1702', JPY: '187.12', GBP: '0.87201', CHF: '0.9251' });
    // A currency the new day does not list keeps Monday's rate (one day old, not stale).
    expect(rates.rates.SEK).toBe('10.892');
    const table = await currency.client.getRateTable({ date: undefined });
    expect(iso(table.latestDate)).toBe('2026-04-14');
    expect(table.rates.USD).toEqual({ value: '1.1702', published: date('2026-04-14') });
    expect(table.rates.SEK).toEqual({ value: '10.892', published: date('2026-04-13') });
    const converted = await currency.client.convert({ amount: { minorUnits: '10000', currency: 'EUR' }, toCurrency: 'USD', date: date('2026-04-15') });
    expect(converted).toEqual({ converted: { minorUnits: '11702', currency: 'USD' }, rate: '1.1702', rateDate: date('2026-04-14') });
  });

  test('the same feed again inserts nothing (idempotent); a published value is never overwritten', async () => {
    serve(ecbXml([APRIL_14, ['2026-04-13', [['USD', '9.9999']]]]));
    const result = await currency.service.refresh();
    expect(result).toMatchObject({ outcome: 'ok', inserted: 0, added: 0, latest: '2026-04-14' });
    expect(await inspect.rows()).toBe(rowsAtStart + 4);
    expect((await currency.client.getRates({ base: 'EUR', date: date('2026-04-13') })).rates.USD).toBe('1.1684');
  });

  test.each<[string, string, string]>([
    ['a negative rate among good ones', ecbXml([['2026-04-15', [['USD', '1.1710'], ['JPY', '-187.00']]], APRIL_14]), 'text/xml'],
    ['an impossible date', ecbXml([['2026-04-31', [['USD', '1.1710']]]]), 'text/xml'],
    ['a day in the future', ecbXml([['2099-01-01', [['USD', '1.1710']]]]), 'text/xml'],
    ['a lower-case code', ecbXml([['2026-04-15', [['usd', '1.1710']]]]), 'text/xml'],
    ['exponent notation', ecbXml([['2026-04-15', [['USD', '1.171e0']]]]), 'text/xml'],
    ['an HTML page answered 200', '<html><body>Maintenance</body></html>', 'text/html'],
    ['truncated XML', ecbXml([['2026-04-15', [['USD', '1.1710']]]]).slice(0, 300), 'text/xml'],
  ])('refuses a malformed feed whole (%s): nothing written, the old rates stay', async (_what, body, type) => {
    serve(body, 200, type);
    const result = await currency.service.refresh();
    expect(result).toMatchObject({ outcome: 'malformed', inserted: 0, added: 0, latest: '2026-04-14' });
    expect(await inspect.rows()).toBe(rowsAtStart + 4);
    expect(iso((await currency.client.getRates({ base: 'EUR', date: date('2026-04-15') })).rateDate)).toBe('2026-04-14');
  });

  test('a provider answering an HTTP error, not answering in time, or down: a log line, the old rates stay', async () => {
    serve('Service Unavailable', 503, 'text/plain');
    expect(await currency.service.refresh()).toMatchObject({ outcome: 'unreachable', problem: expect.stringContaining('503'), inserted: 0 });

    // Accepts the request and never answers: the fetch gives up after RATES_FETCH_TIMEOUT_MS (500 ms).
    provider.setHandler(() => {
      });
    const started = Date.now();
    expect(await currency.service.refresh()).toMatchObject({ outcome: 'unreachable', problem: expect.stringContaining('500 ms') });
    expect(Date.now() - started).toBeLessThan(5_000);

    await provider.close();
    expect(await currency.service.refresh()).toMatchObject({ outcome: 'unreachable', inserted: 0, added: 0, latest: '2026-04-14' });
    expect(await inspect.rows()).toBe(rowsAtStart + 4);
    const rates = await currency.client.getRates({ base: 'USD', date: date('2026-04-14') });
    expect(iso(rates.rateDate)).toBe('2026-04-14');
  });
});

describe('with RATES_REFRESH_INTERVAL_S', () => {
  test('a replica refreshes at start and on its timer; another picks the new days up from the table even when its own provider is down', async () => {
    const feed = await startHttpServer((_req, res) => res.end());
    let served = 0;
    const days: Feed = [['2026-04-15', [['USD', '1.1720'], ['JPY', '187.50']]], APRIL_14, ...KNOWN];
    feed.setHandler((_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(ecbXml(days));
    });
    const replica = await startCurrency(db.url, { RATES_URL: feed.url, RATES_REFRESH_INTERVAL_S: '1' });
    try {
      // The first refresh runs right after the start, without delaying it.
      await waitFor(async () => iso((await replica.client.getRateTable({ date: undefined })).latestDate) === '2026-04-15', { timeoutMs: 10_000 });
      expect(await inspect.rows()).toBe(rowsAtStart + 6);
      // Then again on the timer: a day published later arrives without a restart.
      days.unshift(['2026-04-16', [['USD', '1.1730']]]);
      await waitFor(async () => iso((await replica.client.getRateTable({ date: undefined })).latestDate) === '2026-04-16', { timeoutMs: 10_000 });
      expect(served).toBeGreaterThanOrEqual(2);

      // The first service's provider is gone (closed above): its refresh still takes the replica's days from the table.
      const result = await currency.service.refresh();
      expect(result).toMatchObject({ outcome: 'unreachable', inserted: 0, added: 3, latest: '2026-04-16' });
      const rates = await currency.client.getRates({ base: 'EUR', date: date('2026-04-16') });
      expect(iso(rates.rateDate)).toBe('2026-04-16');
      // Displayed rates drop trailing zeros; the table keeps the value exactly as published.
      expect(rates.rates.USD).toBe('1.173');
      expect(rates.rates.JPY).toBe('187.5'); // 2026-04-15's, a day old
      const table = await currency.client.getRateTable({ date: date('2026-04-16') });
      expect(table.rates.USD).toEqual({ value: '1.1730', published: date('2026-04-16') });
      expect(table.rates.JPY).toEqual({ value: '187.50', published: date('2026-04-15') });
    } finally {
      await replica.stop();
      await feed.close();
    }
  });
});
