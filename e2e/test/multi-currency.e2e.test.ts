import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { client, signUp, startStack, type Reply, type Stack } from './support/stack.js';

// Issue 12 "Must show": totals in the user's base currency with every transaction counted at the ECB
// rate of its own date, through the gateway, with every service of the manifest running (currency
// included, loading the bundled ECB history). The expectations are computed here, independently of
// @finance/money and the services, with bigint arithmetic over the ECB file itself.

// The shared data folder beside the project (as CI has it), else the currency service's bundled copy of the same bytes.
const ECB_FILE = [resolve(import.meta.dirname, '../../../shared/data/rates/eurofxref-hist.csv'), resolve(import.meta.dirname, '../../apps/currency/data/eurofxref-hist.csv')].find((f) =>
  existsSync(f),
)!;

/** EUR 1 = value, per day and currency, exactly as the file publishes it ("N/A" cells left out). */
function readEcbFile(): Map<string, Map<string, string>> {
  const [header, ...lines] = readFileSync(ECB_FILE, 'utf8').trim().split('\n');
  const codes = header!.split(',').slice(1);
  const days = new Map<string, Map<string, string>>();
  for (const line of lines) {
    const [day, ...cells] = line.split(',');
    const rates = new Map<string, string>();
    cells.forEach((cell, i) => {
      if (cell && cell !== 'N/A' && codes[i]) rates.set(codes[i]!, cell);
    });
    days.set(day!, rates);
  }
  return days;
}

const ecb = readEcbFile();
const DIGITS: Record<string, number> = { EUR: 2, USD: 2, GBP: 2, JPY: 0 };

/** The rate usable on `day`: the file's value for that day, or for the last earlier published day. */
function eurRate(code: string, day: string): string {
  if (code === 'EUR') return '1';
  const published = [...ecb.keys()].filter((d) => d <= day).sort().at(-1)!;
  const value = ecb.get(published)!.get(code);
  if (!value) throw new Error(`the ECB file has no ${code} on ${published}`);
  return value;
}

const scaled = (decimal: string) => {
  const [int, frac = ''] = decimal.split('.');
  return { value: BigInt(int! + frac), scale: frac.length };
};

function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < d || (twice === d && q % 2n === 0n)) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** `amount` (a decimal string in `from`) in `to` at the rates of `day`, crossed through EUR, rounded once half-even, in minor units of `to`. */
function convertMinor(amount: string, from: string, to: string, day: string): bigint {
  const m = scaled(amount);
  const f = scaled(eurRate(from, day));
  const t = scaled(eurRate(to, day));
  // amount / eurFrom × eurTo, in minor units of `to`
  const numerator = m.value * 10n ** BigInt(DIGITS[from]! - m.scale) * t.value * 10n ** BigInt(f.scale + DIGITS[to]!);
  const denominator = f.value * 10n ** BigInt(t.scale + DIGITS[from]!);
  return roundHalfEven(numerator, denominator);
}

/** Minor units as the API's decimal string. */
function decimal(minor: bigint, code: string): string {
  const digits = DIGITS[code]!;
  if (digits === 0) return minor.toString();
  const text = minor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const MONDAY = '2026-03-02';
const WEDNESDAY = '2026-03-04';
const SATURDAY = '2026-03-07';

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack.close();
});

function ok(reply: Reply, what: string) {
  if (reply.status !== 200 && reply.status !== 201) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function spend(token: string, amount: string, currency: string, date: string) {
  return ok(await api.post('/transactions', { amount, currency, transaction_type: 'expense', date }, token), 'POST /transactions');
}

test('the expectations come from the ECB file: a Monday has its own published row, a Saturday does not', () => {
  expect(new Date(`${MONDAY}T00:00:00Z`).getUTCDay()).toBe(1);
  expect(ecb.get(MONDAY)?.get('USD')).toMatch(/^\d+\.\d+$/);
  expect(ecb.has(SATURDAY)).toBe(false);
  // The arithmetic of this file, on a hand-checked case: 100.00 EUR × 1.1698 = 116.98 USD.
  expect(decimal(roundHalfEven(10000n * 11698n, 10000n), 'USD')).toBe('116.98');
});

describe('every total in the base currency, each transaction at the rate of its date', () => {
  let token: string;

  beforeAll(async () => {
    const { tokens, user } = await signUp(api, 'fx');
    token = tokens.access_token;
    expect(user.base_currency).toBe('USD');
    await spend(token, '100.00', 'EUR', MONDAY);
    await spend(token, '10.00', 'USD', WEDNESDAY);
  });

  test('base USD: /analytics/spending total = 10 USD + 100 EUR at that Monday’s ECB USD rate, exactly', async () => {
    const expected = 1000n + convertMinor('100.00', 'EUR', 'USD', MONDAY);
    const body = ok(await api.get('/analytics/spending?from=2026-03-01&to=2026-03-31', token), 'GET /analytics/spending');
    expect(body).toMatchObject({ currency: 'USD', total: decimal(expected, 'USD'), excluded_currencies: [] });
    expect(body.items).toEqual([{ category_id: null, category_name: null, total: decimal(expected, 'USD'), count: 2 }]);

    const flows = ok(await api.get('/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31&interval=week', token), 'GET /analytics/income-vs-expense');
    expect(flows).toMatchObject({ currency: 'USD', totals: { income: '0.00', expense: decimal(expected, 'USD') }, excluded_currencies: [] });
    // Each day in its week: the euros on Monday, the dollars on Wednesday, one week.
    expect(flows.items.filter((i: { expense: string }) => i.expense !== '0.00')).toEqual([
      { period_start: '2026-03-02', period_end: '2026-03-08', income: '0.00', expense: decimal(expected, 'USD'), net: `-${decimal(expected, 'USD')}` },
    ]);
  });

  test('switching the base currency to EUR: the next answer is in EUR, the dollars at Wednesday’s rate', async () => {
    expect(ok(await api.put('/users/me', { base_currency: 'EUR' }, token), 'PUT /users/me')).toMatchObject({ base_currency: 'EUR' });
    const expected = 10000n + convertMinor('10.00', 'USD', 'EUR', WEDNESDAY);
    const body = ok(await api.get('/analytics/spending?from=2026-03-01&to=2026-03-31', token), 'GET /analytics/spending');
    expect(body).toMatchObject({ currency: 'EUR', total: decimal(expected, 'EUR'), excluded_currencies: [] });
    const flows = ok(await api.get('/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31&interval=month', token), 'GET /analytics/income-vs-expense');
    expect(flows).toMatchObject({ currency: 'EUR', totals: { expense: decimal(expected, 'EUR') } });

    // And back: USD again, the same figure as before.
    ok(await api.put('/users/me', { base_currency: 'USD' }, token), 'PUT /users/me');
    const usd = ok(await api.get('/analytics/spending?from=2026-03-01&to=2026-03-31', token), 'GET /analytics/spending');
    expect(usd).toMatchObject({ currency: 'USD', total: decimal(1000n + convertMinor('100.00', 'EUR', 'USD', MONDAY), 'USD') });
  });

  test('a budget in GBP counts the USD expense at its date’s rate (and the euros at theirs)', async () => {
    const budget = ok(await api.post('/budgets', { amount: '500.00', currency: 'GBP', period: 'monthly', start_date: '2026-03-01' }, token), 'POST /budgets');
    const expected = convertMinor('10.00', 'USD', 'GBP', WEDNESDAY) + convertMinor('100.00', 'EUR', 'GBP', MONDAY);
    const detail = ok(await api.get(`/budgets/${budget.id}?date=2026-03-31`, token), 'GET /budgets/{id}');
    expect(detail.analysis).toMatchObject({ spent: decimal(expected, 'GBP'), remaining: decimal(50000n - expected, 'GBP'), status: 'under', excluded_currencies: [] });
    const status = ok(await api.get('/analytics/budget-status?date=2026-03-31', token), 'GET /analytics/budget-status');
    expect(status.items).toEqual([expect.objectContaining({ budget_id: budget.id, spent: decimal(expected, 'GBP'), excluded_currencies: [] })]);
  });
});

test('a weekend expense uses the Friday before; yen round to whole units; a currency the ECB never published is excluded and listed', async () => {
  const { tokens } = await signUp(api, 'fxjpy');
  const token = tokens.access_token;
  ok(await api.put('/users/me', { base_currency: 'JPY' }, token), 'PUT /users/me');
  await spend(token, '12.34', 'GBP', SATURDAY);
  await spend(token, '1.000', 'KWD', SATURDAY);
  const expected = convertMinor('12.34', 'GBP', 'JPY', '2026-03-06');
  expect(convertMinor('12.34', 'GBP', 'JPY', SATURDAY)).toBe(expected);
  const body = ok(await api.get('/analytics/spending?from=2026-03-01&to=2026-03-31', token), 'GET /analytics/spending');
  expect(body).toMatchObject({ currency: 'JPY', total: decimal(expected, 'JPY'), excluded_currencies: ['KWD'] });
});
