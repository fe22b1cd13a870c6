import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { connectService, DomainError } from '@finance/platform';
import { currencyV1 } from '@finance/proto';
import { date, GrpcStub, iso, stubError } from '@finance/testing';
import { createRateBook, type CurrencyClient, type RateBookOptions } from './index.js';

// Real rows of the ECB file (/work/shared/data/rates/eurofxref-hist.csv, EUR 1 = value): the stub
// answers GetRateTable from them as the currency service would (the last published day on or
// before the date asked; N/A cells left out), with 2026-04-13 as the service's latest day.
const ECB_ROWS: Record<string, Record<string, string>> = {
  '2026-04-13': { USD: '1.1684', JPY: '186.75', GBP: '0.87058', CHF: '0.9242' },
  '2026-04-10': { USD: '1.1711', JPY: '186.43', GBP: '0.87105', CHF: '0.9241' },
  '2026-04-09': { USD: '1.1685', JPY: '185.7', GBP: '0.87053', CHF: '0.924' },
  '2022-03-01': { USD: '1.1162', JPY: '128.15', GBP: '0.8329', CHF: '1.0247', RUB: '117.201' },
  '1999-01-04': { USD: '1.1789', JPY: '133.73', GBP: '0.7111', CHF: '1.6168' },
};
const DAYS = Object.keys(ECB_ROWS).sort().reverse();
const LATEST = DAYS[0]!;

type CurrencyStub = GrpcStub<typeof currencyV1.CurrencyServiceService>;

function answerFromEcbRows(stub: CurrencyStub) {
  stub.on('getRateTable', (req) => {
    const asked = iso(req.date) ?? LATEST;
    const day = DAYS.find((d) => d <= asked);
    const rates = day ? Object.fromEntries(Object.entries(ECB_ROWS[day]!).map(([code, value]) => [code, { value, published: date(day) }])) : {};
    return { date: date(asked), rateDate: day ? date(day) : undefined, latestDate: date(LATEST), rates, maxStaleDays: 14 };
  });
}

let stub: CurrencyStub;
let client: CurrencyClient;

beforeAll(async () => {
  stub = await GrpcStub.start(currencyV1.CurrencyServiceService);
  client = connectService({ name: 'currency', definition: currencyV1.CurrencyServiceService }, stub.address, { retries: 0 });
});

afterAll(async () => {
  client.close();
  await stub.stop();
});

beforeEach(() => {
  stub.reset();
  answerFromEcbRows(stub);
});

const d = (text: string) => isoDate(text);
const calls = () => stub.callsOf('getRateTable').length;
const askedDates = () => stub.callsOf('getRateTable').map((c) => iso(c.request.date));

/** A clock the test moves. */
function clock(start = Date.UTC(2026, 3, 13, 12)) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

const book = (options: RateBookOptions = {}) => createRateBook(client, options);

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(err)}`);
  return err;
}

describe('exact values against the ECB file', () => {
  test('EUR → USD on a Monday: 100.00 × 1.1684 = 116.84, the published value as the rate', async () => {
    const out = await book().convert(money(10000n, 'EUR'), 'USD', d('2026-04-13'));
    expect(out).toEqual({ converted: money(11684n, 'USD'), rate: '1.1684', rateDate: d('2026-04-13') });
    expect(askedDates()).toEqual(['2026-04-13']);
  });

  test('USD → EUR: 10.00 / 1.1684 = 8.5587… → 8.56, the inverse rate to 10 significant digits', async () => {
    const out = await book().convert(money(1000n, 'USD'), 'EUR', d('2026-04-13'));
    expect(out).toEqual({ converted: money(856n, 'EUR'), rate: '0.855871277', rateDate: d('2026-04-13') });
  });

  test('GBP → JPY crosses through EUR exactly and rounds once to JPY’s 0 decimals: 100.00 / 0.87105 × 186.43 = 21402.90… → 21403', async () => {
    const out = await book().convert(money(10000n, 'GBP'), 'JPY', d('2026-04-10'));
    expect(out).toEqual({ converted: money(21403n, 'JPY'), rate: '214.0290454', rateDate: d('2026-04-10') });
  });

  test('USD → GBP: 250.00 / 1.1711 × 0.87105 = 185.9469… → 185.95', async () => {
    const out = await book().convert(money(25000n, 'USD'), 'GBP', d('2026-04-10'));
    expect(out.converted).toEqual(money(18595n, 'GBP'));
  });

  test('half-even at the boundary: 2.00 EUR = 373.5 JPY → 374 (odd up), 6.00 EUR = 1120.5 JPY → 1120 (even stays)', async () => {
    const rates = book();
    expect((await rates.convert(money(200n, 'EUR'), 'JPY', d('2026-04-13'))).converted).toEqual(money(374n, 'JPY'));
    expect((await rates.convert(money(600n, 'EUR'), 'JPY', d('2026-04-13'))).converted).toEqual(money(1120n, 'JPY'));
  });

  test('negative amounts (a net) convert symmetrically', async () => {
    const out = await book().convert(money(-1000n, 'USD'), 'EUR', d('2026-04-13'));
    expect(out.converted).toEqual(money(-856n, 'EUR'));
  });

  test('a weekend uses the Friday before: Saturday 2026-04-11 → rate_date 2026-04-10', async () => {
    const out = await book().convert(money(10000n, 'EUR'), 'USD', d('2026-04-11'));
    expect(out).toEqual({ converted: money(11711n, 'USD'), rate: '1.1711', rateDate: d('2026-04-10') });
  });

  test('the first day of the euro, 1999-01-04: 100.00 EUR = 117.89 USD', async () => {
    const out = await book().convert(money(10000n, 'EUR'), 'USD', d('1999-01-04'));
    expect(out.converted).toEqual(money(11789n, 'USD'));
  });
});

describe('same currency', () => {
  test('the amount itself, rate "1", rateDate = the date, and no call', async () => {
    const out = await book().convert(money(1234n, 'JPY'), 'JPY', d('1990-06-01'));
    expect(out).toEqual({ converted: money(1234n, 'JPY'), rate: '1', rateDate: d('1990-06-01') });
    expect(calls()).toBe(0);
  });
});

describe('RATE_UNAVAILABLE', () => {
  test('a currency the table does not have (RUB after its suspension, KWD never published): invalid_argument naming it and the date', async () => {
    const rates = book();
    const rub = await failure(rates.convert(money(100n, 'RUB'), 'EUR', d('2026-04-13')));
    expect(rub).toMatchObject({ kind: 'invalid_argument', code: 'RATE_UNAVAILABLE' });
    expect(rub.message).toContain('RUB');
    expect(rub.message).toContain('2026-04-13');
    const kwd = await failure(rates.convert(money(100n, 'EUR'), 'KWD', d('2026-04-10')));
    expect(kwd).toMatchObject({ code: 'RATE_UNAVAILABLE' });
    expect(kwd.message).toContain('KWD');
    expect(kwd.message).toContain('2026-04-10');
  });

  test('RUB still converts on a day it was published (2022-03-01: 100.00 EUR = 11720.10 RUB)', async () => {
    const out = await book().convert(money(10000n, 'EUR'), 'RUB', d('2022-03-01'));
    expect(out.converted).toEqual(money(1172010n, 'RUB'));
  });

  test('a date before the first rate (an empty table): the currency that is not EUR is named', async () => {
    const err = await failure(book().convert(money(100n, 'EUR'), 'USD', d('1998-12-31')));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'RATE_UNAVAILABLE' });
    expect(err.message).toContain('USD');
    expect(err.message).toContain('1998-12-31');
  });

  test('the service refusing the date with RATE_UNAVAILABLE itself is the same verdict', async () => {
    stub.fail('getRateTable', stubError('invalid_argument', 'RATE_UNAVAILABLE', 'No rates before 1999-01-04'));
    const err = await failure(book().convert(money(100n, 'GBP'), 'USD', d('1998-12-31')));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'RATE_UNAVAILABLE' });
    expect(err.message).toContain('GBP');
  });
});

describe('caching', () => {
  test('a past date is asked once, however often and in whichever pair it is converted', async () => {
    const rates = book();
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-10'));
    await rates.convert(money(200n, 'GBP'), 'JPY', d('2026-04-10'));
    await rates.convert(money(300n, 'EUR'), 'CHF', d('2026-04-10'));
    expect(calls()).toBe(1);
    await rates.convert(money(300n, 'EUR'), 'CHF', d('2026-04-09'));
    expect(askedDates()).toEqual(['2026-04-10', '2026-04-09']);
  });

  test('concurrent lookups of one date share one call', async () => {
    stub.delayMs = 50;
    const rates = book();
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => rates.convert(money(BigInt(100 + i), 'USD'), 'EUR', d('2026-04-09'))));
    expect(outs).toHaveLength(20);
    expect(calls()).toBe(1);
  });

  test('a past date stays cached however much time passes (tables before the latest day never change)', async () => {
    const time = clock();
    const rates = book({ now: time.now, latestTtlMs: 1000 });
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-10'));
    time.advance(365 * 24 * 3600 * 1000);
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-10'));
    expect(calls()).toBe(1);
  });

  test('a date on or after the latest day is kept for latestTtlMs only: a refresh may add a day', async () => {
    const time = clock();
    const rates = book({ now: time.now, latestTtlMs: 60_000 });
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-13'));
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-20'));
    expect(calls()).toBe(2);
    time.advance(59_999);
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-13'));
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-20'));
    expect(calls()).toBe(2);
    // The service has published 2026-04-14 meanwhile: the next lookup after the TTL sees it.
    ECB_ROWS['2026-04-14'] = { USD: '1.2000' };
    DAYS.unshift('2026-04-14');
    try {
      time.advance(2);
      const out = await rates.convert(money(10000n, 'EUR'), 'USD', d('2026-04-20'));
      expect(out).toMatchObject({ converted: money(12000n, 'USD'), rateDate: d('2026-04-14') });
      expect(calls()).toBe(3);
    } finally {
      delete ECB_ROWS['2026-04-14'];
      DAYS.shift();
    }
  });

  test('the default TTL is 10 minutes', async () => {
    const time = clock();
    const rates = book({ now: time.now });
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-13'));
    time.advance(10 * 60 * 1000 - 1);
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-13'));
    expect(calls()).toBe(1);
    time.advance(1);
    await rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-13'));
    expect(calls()).toBe(2);
  });

  test('bounded: beyond `capacity` days the least recently used day is asked again', async () => {
    const rates = book({ capacity: 2 });
    const at = (day: string) => rates.convert(money(100n, 'USD'), 'EUR', d(day));
    await at('2026-04-09');
    await at('2026-04-10');
    await at('2026-04-09'); // 04-10 is now the least recently used
    await at('2022-03-01'); // evicts 04-10
    await at('2026-04-09');
    expect(calls()).toBe(3);
    await at('2026-04-10');
    expect(askedDates()).toEqual(['2026-04-09', '2026-04-10', '2022-03-01', '2026-04-10']);
  });

  test('an unavailable service is CURRENCY_UNAVAILABLE and is not cached: the next lookup asks again', async () => {
    stub.fail('getRateTable', new Error('disk on fire'));
    const rates = book();
    const err = await failure(rates.convert(money(100n, 'USD'), 'EUR', d('2026-04-10')));
    expect(err).toMatchObject({ kind: 'unavailable', code: 'CURRENCY_UNAVAILABLE' });
    answerFromEcbRows(stub);
    const out = await rates.convert(money(10000n, 'EUR'), 'USD', d('2026-04-10'));
    expect(out.converted).toEqual(money(11711n, 'USD'));
    expect(calls()).toBe(2);
  });
});

test('each RateBook has its own cache', async () => {
  await book().convert(money(100n, 'USD'), 'EUR', d('2026-04-10'));
  await book().convert(money(100n, 'USD'), 'EUR', d('2026-04-10'));
  expect(calls()).toBe(2);
});

