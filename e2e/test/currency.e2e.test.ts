import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { expectInvalid, expectProblem } from './support/problems.js';
import { client, signUp, startStack, type Stack } from './support/stack.js';

// API.md Version 4's currency rows (GET /currencies, GET /exchange-rates, POST
// /transactions/convert) through the gateway with every service running, checked against the ECB
// file itself: every expected rate and amount below is computed here, in bigint arithmetic, from
// the file's values (the file the currency service bundles), never from the service's code or
// from floats.

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  // Per-address limits are configurable (API.md); this suite sends more than a minute's default.
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack.close();
});

// ---------------------------------------------------------------------------------------------
// The ECB file: `Date,USD,JPY,…,ZAR,` then one row per published day, newest first; `N/A` where
// a currency has no value that day.

const ECB_FILE = resolve(import.meta.dirname, '../../apps/currency/data/eurofxref-hist.csv');

function readEcbFile(): Map<string, Record<string, string>> {
  const [header, ...rows] = readFileSync(ECB_FILE, 'utf8').trim().split('\n');
  const codes = header!.split(',').slice(1);
  const days = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const [day, ...values] = row.split(',');
    const rates: Record<string, string> = {};
    values.forEach((value, i) => {
      if (codes[i] && value !== 'N/A' && value !== '') rates[codes[i]!] = value;
    });
    days.set(day!, rates);
  }
  return days;
}

const ECB = readEcbFile();
/** The latest day of the file (its first row). */
const LATEST_DAY = [...ECB.keys()].sort().at(-1)!;

function ecbDay(day: string): Record<string, string> {
  const rates = ECB.get(day);
  if (!rates) throw new Error(`the ECB file has no row for ${day}`);
  return rates;
}

// ---------------------------------------------------------------------------------------------
// Exact decimal arithmetic (bigint), independent of @finance/money.

/** "1.0921" → 10921n / 10^4. */
function decimal(text: string): { value: bigint; scale: number } {
  const [int, frac = ''] = text.split('.');
  return { value: BigInt(int! + frac), scale: frac.length };
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** num / den rounded half-even to an integer (num, den > 0). */
function divideHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) return q + 1n;
  return q;
}

/** `value / 10^scale` as a plain decimal with `digits` fraction digits kept (amounts) or trailing zeros dropped (rates). */
function format(value: bigint, scale: number, trim: boolean): string {
  if (scale <= 0) return (value * pow10(-scale)).toString();
  const digits = value.toString().padStart(scale + 1, '0');
  let fraction = digits.slice(-scale);
  if (trim) fraction = fraction.replace(/0+$/, '');
  return fraction ? `${digits.slice(0, -scale)}.${fraction}` : digits.slice(0, -scale);
}

/**
 * 1 unit of a currency whose EUR rate is `eurToFrom` in units of one whose EUR rate is `eurToTo`
 * (eurToTo / eurToFrom), rounded half-even to 10 significant digits, trailing zeros dropped: the
 * display rate API.md's answers carry.
 */
function displayRate(eurToFrom: string, eurToTo: string): string {
  const from = decimal(eurToFrom);
  const to = decimal(eurToTo);
  const num = to.value * pow10(from.scale);
  const den = from.value * pow10(to.scale);
  // The scale k that puts 10 significant digits before the point: 10^9 ≤ num·10^k / den < 10^10.
  const scaled = (k: number) => (k >= 0 ? (num * pow10(k)) / den : num / (den * pow10(-k)));
  let k = 0;
  while (scaled(k) >= 10n ** 10n) k--;
  while (scaled(k) < 10n ** 9n) k++;
  const rounded = k >= 0 ? divideHalfEven(num * pow10(k), den) : divideHalfEven(num, den * pow10(-k));
  return format(rounded, k, true);
}

/** Trailing fraction zeros dropped, as a rate is written ("150.50" → "150.5"). */
const plainRate = (text: string) => format(decimal(text).value, decimal(text).scale, true);

const MINOR_UNITS: Record<string, number> = { EUR: 2, USD: 2, GBP: 2, JPY: 0, CHF: 2 };

/**
 * `amount` (a decimal string in `from`) in `to` at the EUR rates given ("1" for EUR): amount ×
 * eurToTo / eurToFrom exactly, rounded once, half-even, to `to`'s minor units.
 */
function convert(amount: string, from: string, to: string, rates: Record<string, string>): string {
  const eur = (code: string) => decimal(code === 'EUR' ? '1' : rates[code]!);
  const a = decimal(amount);
  const f = eur(from);
  const t = eur(to);
  const digits = MINOR_UNITS[to]!;
  // (a.value / 10^a.scale) × (t.value / 10^t.scale) / (f.value / 10^f.scale) × 10^digits
  const num = a.value * t.value * pow10(f.scale) * pow10(digits);
  const den = pow10(a.scale) * pow10(t.scale) * f.value;
  return format(divideHalfEven(num, den), digits, false);
}

// A unit check of the helpers on values done by hand, so a mistake here cannot pass unnoticed.
test('the test’s own arithmetic: 1 / 1.0921, half-even ties, JPY without decimals', () => {
  expect(displayRate('1.0921', '1')).toBe('0.9156670635');
  expect(displayRate('1', '158.57')).toBe('158.57');
  expect(displayRate('4', '1')).toBe('0.25');
  expect(convert('100.00', 'EUR', 'USD', { USD: '1.0946' })).toBe('109.46');
  expect(convert('1.00', 'EUR', 'JPY', { JPY: '132.5' })).toBe('132');
  expect(convert('1.00', 'EUR', 'JPY', { JPY: '133.5' })).toBe('134');
  expect(convert('100.00', 'USD', 'EUR', { USD: '1.0946' })).toBe('91.36');
});

// ---------------------------------------------------------------------------------------------

async function newUser(prefix = 'fx') {
  const { tokens, user } = await signUp(api, prefix);
  return { token: tokens.access_token, user };
}

async function record(token: string, fields: Record<string, unknown>): Promise<{ id: string; amount: string; currency: string; date: string }> {
  const reply = await api.post('/transactions', { transaction_type: 'expense', ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /transactions: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function ratesOf(token: string, query: string): Promise<{ base: string; date: string; rate_date: string; rates: Record<string, string> }> {
  const reply = await api.get(`/exchange-rates?${query}`, token);
  if (reply.status !== 200) throw new Error(`GET /exchange-rates?${query}: ${reply.status} ${JSON.stringify(reply.body)}`);
  expect(Object.keys(reply.body).sort()).toEqual(['base', 'date', 'rate_date', 'rates']);
  return reply.body;
}

/** The codes GET /currencies lists: a rate table lists only current currencies (not CYP, HRK, … of the file). */
let currencyCodes: Set<string>;
beforeAll(async () => {
  const { token } = await newUser();
  const reply = await api.get('/currencies', token);
  currencyCodes = new Set((reply.body.items as { code: string }[]).map((c) => c.code));
});

describe('GET /currencies', () => {
  test('the ISO 4217 table, whole: USD with 2 decimals, JPY with 0, EUR, each saying whether rates exist', async () => {
    const { token } = await newUser();
    const reply = await api.get('/currencies', token);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(reply.body)).toEqual(['items']);
    const items = reply.body.items as { code: string; name: string; minor_units: number; has_rates: boolean }[];
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['code', 'has_rates', 'minor_units', 'name']);
    const byCode = new Map(items.map((c) => [c.code, c]));
    expect(byCode.get('USD')).toEqual({ code: 'USD', name: expect.any(String), minor_units: 2, has_rates: true });
    expect(byCode.get('JPY')).toEqual({ code: 'JPY', name: expect.any(String), minor_units: 0, has_rates: true });
    expect(byCode.get('EUR')).toEqual({ code: 'EUR', name: expect.any(String), minor_units: 2, has_rates: true });
    expect(byCode.get('KWD')).toMatchObject({ minor_units: 3 });
    // No pagination: about 180 currencies in one answer, by code, each once.
    expect(items.length).toBeGreaterThan(150);
    expect(items.map((c) => c.code)).toEqual([...byCode.keys()].sort());
  });

  test('needs a token', async () => {
    expectProblem(await api.get('/currencies'), 401);
  });
});

describe('GET /exchange-rates', () => {
  test('base=EUR on Friday 2024-01-05: exactly the ECB file’s values of that day, for every current currency', async () => {
    const { token } = await newUser();
    const body = await ratesOf(token, 'base=EUR&date=2024-01-05');
    expect([body.base, body.date, body.rate_date]).toEqual(['EUR', '2024-01-05', '2024-01-05']);
    const expected: Record<string, string> = {};
    for (const [code, value] of Object.entries(ecbDay('2024-01-05'))) if (currencyCodes.has(code)) expected[code] = plainRate(value);
    expect(Object.keys(expected).length).toBeGreaterThan(25);
    expect(body.rates).toEqual(expected);
    expect(body.rates).toMatchObject({ USD: '1.0921', JPY: '158.57', GBP: '0.8621', IDR: '16967.41' });
  });

  test('Saturday 2024-01-06 uses Friday’s rates: rate_date 2024-01-05; New Year’s Day uses the last day of the year before', async () => {
    const { token } = await newUser();
    const saturday = await ratesOf(token, 'base=EUR&date=2024-01-06');
    const friday = await ratesOf(token, 'base=EUR&date=2024-01-05');
    expect([saturday.date, saturday.rate_date]).toEqual(['2024-01-06', '2024-01-05']);
    expect(saturday.rates).toEqual(friday.rates);
    const newYear = await ratesOf(token, 'base=EUR&date=2024-01-01');
    expect([newYear.date, newYear.rate_date]).toEqual(['2024-01-01', '2023-12-29']);
    expect(newYear.rates.USD).toBe(plainRate(ecbDay('2023-12-29').USD!));
  });

  test('base=USD: every rate crossed through EUR (USD→EUR = 1 / the USD rate), to 10 significant digits', async () => {
    const { token } = await newUser();
    const eur = await ratesOf(token, 'base=EUR&date=2024-01-05');
    const usd = await ratesOf(token, 'base=USD&date=2024-01-05');
    const day = ecbDay('2024-01-05');
    expect([usd.base, usd.rate_date]).toEqual(['USD', '2024-01-05']);
    const expected: Record<string, string> = { EUR: displayRate(day.USD!, '1') };
    for (const code of Object.keys(eur.rates)) if (code !== 'USD') expected[code] = displayRate(day.USD!, day[code]!);
    expect(usd.rates).toEqual(expected);
    expect(usd.rates.EUR).toBe('0.9156670635');
    expect(usd.rates).not.toHaveProperty('USD');
  });

  test('a date in the future uses the latest published day, and says so in rate_date', async () => {
    const { token } = await newUser();
    const future = await ratesOf(token, 'base=EUR&date=2099-12-31');
    expect([future.date, future.rate_date]).toEqual(['2099-12-31', LATEST_DAY]);
    const latest: Record<string, string> = {};
    for (const [code, value] of Object.entries(ecbDay(LATEST_DAY))) if (currencyCodes.has(code)) latest[code] = plainRate(value);
    expect(future.rates).toEqual(latest);
  });

  // Kiritimati (UTC+14) is a day ahead of UTC from 10:00 UTC on, Pago Pago (UTC−11) a day behind
  // before 11:00 UTC: at any time one of the two fails if "today" were UTC's.
  test.each(['Pacific/Kiritimati', 'Pacific/Pago_Pago'])('without date: today in the user’s time zone (%s)', async (zone) => {
    const { token } = await newUser();
    expect((await api.put('/users/me', { timezone: zone }, token)).status).toBe(200);
    const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const before = today();
    const body = await ratesOf(token, 'base=EUR');
    expect([before, today()]).toContain(body.date);
    expect(body.rate_date <= body.date).toBe(true);
  });

  describe('bad input → 422 problem+json naming the field', () => {
    let token: string;
    beforeAll(async () => {
      ({ token } = await newUser());
    });

    test('base missing', async () => {
      expectInvalid(await api.get('/exchange-rates', token), 'base');
      expectInvalid(await api.get('/exchange-rates?date=2024-01-05', token), 'base');
    });

    test('base in lower case', async () => {
      const body = expectInvalid(await api.get('/exchange-rates?base=eur&date=2024-01-05', token), 'base');
      expect(body.errors).toEqual([{ path: 'base', message: expect.stringContaining('EUR') }]);
    });

    test.each(['XYZ', 'EURO', 'E'])('base %s is not an ISO 4217 code', async (base) => {
      expectInvalid(await api.get(`/exchange-rates?base=${base}&date=2024-01-05`, token), 'base');
    });

    test.each(['2024-13-01', '2024-02-30', '2024-1-5', 'today'])('date %s is malformed', async (date) => {
      expectInvalid(await api.get(`/exchange-rates?base=EUR&date=${date}`, token), 'date');
    });

    test('no usable rate: a currency the ECB stopped publishing (RUB after 2022-03-01), a day before its first rates → 422 RATE_UNAVAILABLE', async () => {
      const rub = expectProblem(await api.get('/exchange-rates?base=RUB&date=2024-01-05', token), 422);
      expect(rub.code).toBe('RATE_UNAVAILABLE');
      const early = expectProblem(await api.get('/exchange-rates?base=EUR&date=1998-12-31', token), 422);
      expect(early.code).toBe('RATE_UNAVAILABLE');
    });
  });
});

// ---------------------------------------------------------------------------------------------

const CONVERSION_FIELDS = ['converted', 'date', 'original', 'rate', 'rate_date', 'transaction_id'];
const MONDAY = '2024-01-08';

describe('POST /transactions/convert', () => {
  test('100.00 EUR spent on a Monday, to USD: exactly 100 × that day’s USD rate, half-even to cents', async () => {
    const { token } = await newUser();
    const tx = await record(token, { amount: '100.00', currency: 'EUR', date: MONDAY });
    const reply = await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'USD' }, token);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(CONVERSION_FIELDS);
    const day = ecbDay(MONDAY);
    expect(reply.body).toEqual({
      transaction_id: tx.id,
      original: { amount: '100.00', currency: 'EUR' },
      converted: { amount: convert('100.00', 'EUR', 'USD', day), currency: 'USD' },
      rate: plainRate(day.USD!),
      rate_date: MONDAY,
      date: MONDAY,
    });
    expect(reply.body.converted.amount).toBe('109.46');
  });

  test('an amount that needs rounding: 123.45 EUR → USD, and USD → EUR (crossed: 1 / the rate), each rounded once', async () => {
    const { token } = await newUser();
    const day = ecbDay(MONDAY);
    const eurTx = await record(token, { amount: '123.45', currency: 'EUR', date: MONDAY });
    const toUsd = await api.post('/transactions/convert', { transaction_id: eurTx.id, to_currency: 'USD' }, token);
    expect(toUsd.body.converted).toEqual({ amount: convert('123.45', 'EUR', 'USD', day), currency: 'USD' });
    expect(toUsd.body.converted.amount).toBe('135.13');
    const usdTx = await record(token, { amount: '100.00', currency: 'USD', date: MONDAY });
    const toEur = await api.post('/transactions/convert', { transaction_id: usdTx.id, to_currency: 'EUR' }, token);
    expect(toEur.status).toBe(200);
    expect(toEur.body).toMatchObject({
      original: { amount: '100.00', currency: 'USD' },
      converted: { amount: convert('100.00', 'USD', 'EUR', day), currency: 'EUR' },
      rate: displayRate(day.USD!, '1'),
      rate_date: MONDAY,
    });
  });

  test('to JPY: no decimals; a tie is rounded half-even (1.00 EUR at 132.5 → 132)', async () => {
    const { token } = await newUser();
    const tx = await record(token, { amount: '100.00', currency: 'EUR', date: MONDAY });
    const reply = await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'JPY' }, token);
    expect(reply.body.converted).toEqual({ amount: convert('100.00', 'EUR', 'JPY', ecbDay(MONDAY)), currency: 'JPY' });
    expect(reply.body.converted.amount).toMatch(/^\d+$/);
    // Monday 2017-10-02: EUR 1 = JPY 132.5 exactly.
    expect(ecbDay('2017-10-02').JPY).toBe('132.5');
    const tie = await record(token, { amount: '1.00', currency: 'EUR', date: '2017-10-02' });
    const rounded = await api.post('/transactions/convert', { transaction_id: tie.id, to_currency: 'JPY' }, token);
    expect(rounded.body).toMatchObject({ converted: { amount: '132', currency: 'JPY' }, rate: '132.5', rate_date: '2017-10-02' });
  });

  test('a transaction dated on a weekend is converted at the Friday before (rate_date says so)', async () => {
    const { token } = await newUser();
    const tx = await record(token, { amount: '50.00', currency: 'EUR', date: '2024-01-06' });
    const reply = await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'USD' }, token);
    expect(reply.body).toMatchObject({
      converted: { amount: convert('50.00', 'EUR', 'USD', ecbDay('2024-01-05')), currency: 'USD' },
      rate_date: '2024-01-05',
      date: '2024-01-06',
    });
  });

  test('without to_currency: the user’s base currency (USD by default, then what it is changed to)', async () => {
    const { token, user } = await newUser();
    expect(user.base_currency).toBe('USD');
    const tx = await record(token, { amount: '100.00', currency: 'EUR', date: MONDAY });
    const usd = await api.post('/transactions/convert', { transaction_id: tx.id }, token);
    expect(usd.status).toBe(200);
    expect(usd.body.converted).toEqual({ amount: convert('100.00', 'EUR', 'USD', ecbDay(MONDAY)), currency: 'USD' });
    expect((await api.put('/users/me', { base_currency: 'GBP' }, token)).status).toBe(200);
    const gbp = await api.post('/transactions/convert', { transaction_id: tx.id }, token);
    expect(gbp.body).toMatchObject({ converted: { amount: convert('100.00', 'EUR', 'GBP', ecbDay(MONDAY)), currency: 'GBP' }, rate: plainRate(ecbDay(MONDAY).GBP!) });
  });

  test('to the same currency: 200, the amount itself at rate "1"', async () => {
    const { token } = await newUser();
    const tx = await record(token, { amount: '100.00', currency: 'EUR', date: MONDAY });
    const reply = await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'EUR' }, token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      transaction_id: tx.id,
      original: { amount: '100.00', currency: 'EUR' },
      converted: { amount: '100.00', currency: 'EUR' },
      rate: '1',
      rate_date: MONDAY,
      date: MONDAY,
    });
  });

  test('another user’s transaction, or one that does not exist → 404', async () => {
    const owner = await newUser();
    const other = await newUser();
    const tx = await record(owner.token, { amount: '100.00', currency: 'EUR', date: MONDAY });
    const foreign = expectProblem(await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'USD' }, other.token), 404);
    expect(foreign.code).toBe('LEDGER_TRANSACTION_NOT_FOUND');
    const unknown = expectProblem(await api.post('/transactions/convert', { transaction_id: randomUUID(), to_currency: 'USD' }, other.token), 404);
    expect(unknown).toEqual({ ...foreign, instance: expect.any(String) });
    // The owner still converts it.
    expect((await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'USD' }, owner.token)).status).toBe(200);
  });

  test('bad input → 422 problem+json naming the field: malformed transaction_id, to_currency in lower case or unknown', async () => {
    const { token } = await newUser();
    const tx = await record(token, { amount: '100.00', currency: 'EUR', date: MONDAY });
    expectInvalid(await api.post('/transactions/convert', { transaction_id: 'not-a-uuid', to_currency: 'USD' }, token), 'transaction_id');
    expectInvalid(await api.post('/transactions/convert', { to_currency: 'USD' }, token), 'transaction_id');
    expectInvalid(await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'usd' }, token), 'to_currency');
    expectInvalid(await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'XYZ' }, token), 'to_currency');
  });

  test('a currency without rates → 422 RATE_UNAVAILABLE, never a 1:1 conversion', async () => {
    const { token } = await newUser();
    const tx = await record(token, { amount: '100.00', currency: 'EUR', date: MONDAY });
    const rub = expectProblem(await api.post('/transactions/convert', { transaction_id: tx.id, to_currency: 'RUB' }, token), 422);
    expect(rub.code).toBe('RATE_UNAVAILABLE');
  });
});
