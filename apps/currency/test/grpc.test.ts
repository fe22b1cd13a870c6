// The RPCs over a real gRPC server, answered from the bundled ECB history in a real database.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, date, iso, rejected, startCurrency, type RunningCurrency, type TestDatabase } from './helpers.js';

let db: TestDatabase;
let currency: RunningCurrency;

beforeAll(async () => {
  db = await createTestDatabase();
  // "Today" is pinned: a request without a date asks for it.
  currency = await startCurrency(db.url, {}, { now: () => new Date('2026-05-02T10:00:00Z') });
});

afterAll(async () => {
  await currency?.stop();
  await db?.drop();
});

describe('ListCurrencies', () => {
  test('the ISO 4217 table by code, with minor units and whether the ECB publishes a rate', async () => {
    const { items } = await currency.client.listCurrencies({});
    expect(items.map((c) => c.code)).toEqual([...items.map((c) => c.code)].sort());
    const byCode = new Map(items.map((c) => [c.code, c]));
    expect(byCode.get('EUR')).toEqual({ code: 'EUR', name: 'Euro', minorUnits: 2, hasRates: true });
    expect(byCode.get('JPY')).toMatchObject({ minorUnits: 0, hasRates: true });
    expect(byCode.get('KWD')).toMatchObject({ minorUnits: 3, hasRates: false });
    expect(byCode.get('RUB')).toMatchObject({ minorUnits: 2, hasRates: true }); // published until 2022
    expect(byCode.has('CYP')).toBe(false); // withdrawn: not a currency for amounts
    expect(items.filter((c) => c.hasRates)).toHaveLength(31); // 30 of the ECB's 41 columns are active ISO codes, plus EUR
  });
});

describe('GetRates', () => {
  test('the rates of a base on a Sunday come from the Friday before, crossed through EUR', async () => {
    const answer = await currency.client.getRates({ base: 'USD', date: date('2026-04-12') });
    expect(iso(answer.date)).toBe('2026-04-12');
    expect(iso(answer.rateDate)).toBe('2026-04-10');
    expect(answer.base).toBe('USD');
    // ECB 2026-04-10: USD 1.1711, JPY 186.43
    expect(answer.rates.EUR).toBe('0.8538980446');
    expect(answer.rates.JPY).toBe('159.1922124');
    expect(answer.rates.USD).toBeUndefined();
    expect(answer.rates.RUB).toBeUndefined(); // stale since 2022
  });

  test('EUR as base: the published values; no date = today (UTC), after the latest day → the latest day', async () => {
    const answer = await currency.client.getRates({ base: 'EUR', date: undefined });
    expect(iso(answer.date)).toBe('2026-05-02');
    expect(iso(answer.rateDate)).toBe('2026-04-13');
    expect(answer.rates).toMatchObject({ USD: '1.1684', JPY: '186.75', IDR: '20082.05', GBP: '0.87058' });
  });

  test.each([
    ['usd', 'CURRENCY_UNKNOWN', 'base'],
    ['XXX', 'CURRENCY_UNKNOWN', 'base'],
    ['', 'CURRENCY_UNKNOWN', 'base'],
  ])('base %j → 422 %s on %s', async (base, code, path) => {
    const err = await rejected(currency.client.getRates({ base, date: date('2026-04-13') }));
    expect(err).toMatchObject({ httpStatus: 422, code, errors: [{ path, message: expect.any(String) }] });
  });

  test('a base without a usable rate → 422 RATE_UNAVAILABLE naming it and the date', async () => {
    const err = await rejected(currency.client.getRates({ base: 'KWD', date: date('2026-04-13') }));
    expect(err).toMatchObject({ httpStatus: 422, code: 'RATE_UNAVAILABLE' });
    expect(err.detail).toMatch(/KWD.*2026-04-13/);
    const before = await rejected(currency.client.getRates({ base: 'EUR', date: date('1998-06-30') }));
    expect(before).toMatchObject({ httpStatus: 422, code: 'RATE_UNAVAILABLE' });
    expect(before.detail).toContain('1998-06-30');
  });

  test('an impossible date → 422 on date', async () => {
    const err = await rejected(currency.client.getRates({ base: 'EUR', date: { year: 2026, month: 2, day: 30 } }));
    expect(err).toMatchObject({ httpStatus: 422, code: 'CURRENCY_INVALID_FIELDS', errors: [{ path: 'date', message: expect.any(String) }] });
  });
});

describe('Convert', () => {
  test('GBP → JPY on a Saturday, at Friday\'s rates, rounded once to whole yen', async () => {
    // ECB 2026-04-10: GBP 0.87105, JPY 186.43; 250.00 × 186.43 / 0.87105 = 53507.26… → 53507
    const answer = await currency.client.convert({ amount: { minorUnits: '25000', currency: 'GBP' }, toCurrency: 'JPY', date: date('2026-04-11') });
    expect(answer).toEqual({ converted: { minorUnits: '53507', currency: 'JPY' }, rate: '214.0290454', rateDate: date('2026-04-10') });
  });

  test('the same currency: the amount itself at rate 1', async () => {
    const answer = await currency.client.convert({ amount: { minorUnits: '1234', currency: 'KWD' }, toCurrency: 'KWD', date: date('2026-04-11') });
    expect(answer).toEqual({ converted: { minorUnits: '1234', currency: 'KWD' }, rate: '1', rateDate: date('2026-04-11') });
  });

  test('RUB in 2024 → 422 RATE_UNAVAILABLE; in the days after its last rate it still converts', async () => {
    const err = await rejected(currency.client.convert({ amount: { minorUnits: '1000', currency: 'RUB' }, toCurrency: 'EUR', date: date('2024-01-10') }));
    expect(err).toMatchObject({ httpStatus: 422, code: 'RATE_UNAVAILABLE' });
    expect(err.detail).toMatch(/RUB.*2024-01-10/);
    const ok = await currency.client.convert({ amount: { minorUnits: '1000', currency: 'EUR' }, toCurrency: 'RUB', date: date('2022-03-04') });
    expect(iso(ok.rateDate)).toBe('2022-03-04');
  });

  test('bad fields are named', async () => {
    const lower = await rejected(currency.client.convert({ amount: { minorUnits: '100', currency: 'EUR' }, toCurrency: 'usd', date: date('2026-04-13') }));
    expect(lower).toMatchObject({ httpStatus: 422, code: 'CURRENCY_UNKNOWN', errors: [{ path: 'to_currency', message: expect.stringContaining('USD') }] });
    const missing = await rejected(currency.client.convert({ amount: undefined, toCurrency: 'USD', date: date('2026-04-13') }));
    expect(missing).toMatchObject({ httpStatus: 422, code: 'CURRENCY_INVALID_FIELDS', errors: [{ path: 'amount', message: 'is required' }] });
  });
});

describe('GetRateTable', () => {
  test('the EUR table of a day as published, each currency with its own published day', async () => {
    const table = await currency.client.getRateTable({ date: date('2022-03-06') });
    expect(iso(table.date)).toBe('2022-03-06');
    expect(iso(table.rateDate)).toBe('2022-03-04');
    expect(iso(table.latestDate)).toBe('2026-04-13');
    expect(table.maxStaleDays).toBe(14);
    expect(table.rates.USD).toEqual({ value: '1.0929', published: date('2022-03-04') });
    // RUB's publication stopped on 2022-03-01: five days later it is still in, with its own day.
    expect(table.rates.RUB).toEqual({ value: expect.any(String), published: date('2022-03-01') });
    expect(table.rates.EUR).toBeUndefined();
  });

  test('no date = the latest day; a day before 1999 = an empty table without rate_date', async () => {
    const latest = await currency.client.getRateTable({ date: undefined });
    expect(iso(latest.date)).toBe('2026-04-13');
    expect(iso(latest.rateDate)).toBe('2026-04-13');
    expect(latest.rates.RUB).toBeUndefined();
    const early = await currency.client.getRateTable({ date: date('1998-12-31') });
    expect(early.rateDate).toBeUndefined();
    expect(early.rates).toEqual({});
    expect(iso(early.latestDate)).toBe('2026-04-13');
  });
});
