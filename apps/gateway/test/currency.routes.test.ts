import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { localDate } from '@finance/calendar';
import { currencyV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { money, protoDate, protoTransaction, protoUser } from './support/builders.js';
import { bearer, startTestGateway, type CurrencyStub, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';
import { DEADLINE_DETAIL, UNAVAILABLE_DETAIL } from './support/upstream-failures.js';

// The currency routes (API.md Version 4: GET /currencies, GET /exchange-rates, POST
// /transactions/convert) against a scripted CurrencyService over real gRPC, with the scripted auth
// (time zone, base currency) and ledger (the transaction), all stubs of the test gateway: what each route asks,
// what it answers, what it refuses before any RPC, and how the services' verdicts come out.

let gw: TestGateway;
let currency: CurrencyStub;
beforeAll(async () => {
  gw = await startTestGateway({ GRPC_DEADLINE_MS: '1000' });
  currency = gw.currency;
});
afterAll(async () => {
  await gw.close();
});

let userId: string;
let token: string;
beforeEach(async () => {
  gw.reset();
  ({ userId, token } = await gw.caller());
});

const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: bearer(t) });
const post = (url: string, payload: unknown, t = token) => gw.app.inject({ method: 'POST', url, headers: bearer(t), payload: payload as object });
const postRaw = (text: string, contentType = 'application/json') =>
  gw.app.inject({ method: 'POST', url: '/transactions/convert', headers: { ...bearer(token), 'content-type': contentType }, payload: text });

/** Nothing was asked of any service (auth's key fetch for the token aside). */
function expectNoRpc() {
  expect(currency.calls).toHaveLength(0);
  expect(gw.ledger.calls).toHaveLength(0);
  expect(gw.auth.callsOf('getUser')).toHaveLength(0);
}

/** A 422 VALIDATION_FAILED naming exactly these fields, decided by the gateway before any RPC. */
async function expectRefusedByGateway(send: () => Promise<Res>, errors: { path: string; message: string | RegExp }[]) {
  const body = expectProblem(await send(), 422, 'VALIDATION_FAILED');
  expect(body.errors).toHaveLength(errors.length);
  for (const { path, message } of errors) {
    const found = (body.errors as { path: string; message: string }[]).find((e) => e.path === path);
    expect(found).toBeDefined();
    if (typeof message === 'string') expect(found!.message).toBe(message);
    else expect(found!.message).toMatch(message);
  }
  expectNoRpc();
  return body;
}

const currencyEntry = (fields: Partial<currencyV1.Currency>): currencyV1.Currency => ({ code: 'USD', name: 'US Dollar', minorUnits: 2, hasRates: true, ...fields });

// ---------------------------------------------------------------------------------------------

describe('GET /currencies', () => {
  it('the service’s table in snake_case, in its order, whole (no paging), Cache-Control: no-store', async () => {
    currency.answer('listCurrencies', {
      items: [
        currencyEntry({ code: 'EUR', name: 'Euro' }),
        currencyEntry({ code: 'JPY', name: 'Yen', minorUnits: 0 }),
        currencyEntry({ code: 'KWD', name: 'Kuwaiti Dinar', minorUnits: 3, hasRates: false }),
        currencyEntry({ code: 'USD', name: 'US Dollar' }),
      ],
    });
    const res = await get('/currencies?limit=1&cursor=abc');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      items: [
        { code: 'EUR', name: 'Euro', minor_units: 2, has_rates: true },
        { code: 'JPY', name: 'Yen', minor_units: 0, has_rates: true },
        { code: 'KWD', name: 'Kuwaiti Dinar', minor_units: 3, has_rates: false },
        { code: 'USD', name: 'US Dollar', minor_units: 2, has_rates: true },
      ],
    });
    expect(currency.callsOf('listCurrencies')).toHaveLength(1);
    expect(gw.auth.callsOf('getUser')).toHaveLength(0);
  });

  it('needs a token like every route but /health and /docs: 401 and nothing asked', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/currencies' });
    expectProblem(res, 401, 'TOKEN_MISSING');
    expect(currency.calls).toHaveLength(0);
  });

  it('a code the gateway does not know in the service’s answer is a bug: 500 with the generic text', async () => {
    currency.answer('listCurrencies', { items: [currencyEntry({ code: 'XXQ' })] });
    const body = expectProblem(await get('/currencies'), 500, 'INTERNAL_ERROR');
    expect(body.detail).not.toContain('XXQ');
  });
});

// ---------------------------------------------------------------------------------------------

const protoRates = (fields: Partial<currencyV1.GetRatesResponse> = {}): currencyV1.GetRatesResponse => ({
  base: 'EUR',
  date: protoDate('2024-01-06'),
  rateDate: protoDate('2024-01-05'),
  rates: { USD: '1.0921', JPY: '158.57', GBP: '0.8621' },
  ...fields,
});

describe('GET /exchange-rates', () => {
  it('sends base and date to GetRates and answers {base, date, rate_date, rates} with the rates by code, exactly as the service wrote them', async () => {
    currency.answer('getRates', protoRates());
    const res = await get('/exchange-rates?base=EUR&date=2024-01-06');
    expect(res.statusCode).toBe(200);
    expect(currency.lastRequest('getRates')).toEqual({ base: 'EUR', date: { year: 2024, month: 1, day: 6 } });
    expect(res.body).toBe('{"base":"EUR","date":"2024-01-06","rate_date":"2024-01-05","rates":{"GBP":"0.8621","JPY":"158.57","USD":"1.0921"}}');
    // "Today" is not needed when the date is given: auth is not asked.
    expect(gw.auth.callsOf('getUser')).toHaveLength(0);
  });

  it('cross rates with many digits and tiny ones pass through untouched (never a number, never an exponent)', async () => {
    currency.answer('getRates', protoRates({ base: 'USD', rates: { EUR: '0.9156670634', IDR: '15536.22812', KWD: '0.3077', BTN: '83.15' } }));
    const body = (await get('/exchange-rates?base=USD&date=2024-01-05')).json();
    expect(body.rates).toEqual({ BTN: '83.15', EUR: '0.9156670634', IDR: '15536.22812', KWD: '0.3077' });
  });

  it.each([
    ['Pacific/Kiritimati', 14 * 60],
    ['Pacific/Pago_Pago', -11 * 60],
  ])('without date: today in the caller’s time zone (%s), asked of auth, is the date sent', async (timezone) => {
    gw.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId, timezone }) }));
    currency.on('getRates', (req) => protoRates({ date: req.date }));
    const before = localDate(new Date(), timezone);
    const res = await get('/exchange-rates?base=EUR');
    const after = localDate(new Date(), timezone);
    expect(res.statusCode).toBe(200);
    expect(gw.auth.lastRequest('getUser')).toEqual({ userId });
    const sent = currency.lastRequest('getRates').date!;
    const iso = `${sent.year}-${String(sent.month).padStart(2, '0')}-${String(sent.day).padStart(2, '0')}`;
    expect([before, after]).toContain(iso);
    expect(res.json().date).toBe(iso);
    // Kiritimati's today differs from UTC's from 10:00 UTC on, Pago Pago's before 11:00 UTC: at any
    // time one of the two cases fails if the gateway sent UTC's today (or none).
  });

  it('a date in the future is sent as asked; the service’s rate_date (its latest day) says which rates were used', async () => {
    currency.on('getRates', (req) => protoRates({ date: req.date, rateDate: protoDate('2026-04-13') }));
    const body = (await get('/exchange-rates?base=EUR&date=2030-06-01')).json();
    expect(currency.lastRequest('getRates').date).toEqual({ year: 2030, month: 6, day: 1 });
    expect([body.date, body.rate_date]).toEqual(['2030-06-01', '2026-04-13']);
  });

  describe('422 from the gateway, naming the field, before any RPC', () => {
    it('base missing', async () => {
      await expectRefusedByGateway(() => get('/exchange-rates'), [{ path: 'base', message: /./ }]);
      await expectRefusedByGateway(() => get('/exchange-rates?date=2024-01-05'), [{ path: 'base', message: /./ }]);
    });

    it('base in lower case: the message names the code meant', async () => {
      await expectRefusedByGateway(() => get('/exchange-rates?base=eur'), [{ path: 'base', message: 'must be upper case: "EUR"' }]);
      await expectRefusedByGateway(() => get('/exchange-rates?base=Usd&date=2024-01-05'), [{ path: 'base', message: 'must be upper case: "USD"' }]);
    });

    it.each(['XYZ', 'EURO', 'US', '', '€', 'E U'])('base %j is not an ISO 4217 code', async (base) => {
      await expectRefusedByGateway(() => get(`/exchange-rates?base=${encodeURIComponent(base)}`), [{ path: 'base', message: /is not an ISO 4217 currency code/ }]);
    });

    it('base given twice is not one code', async () => {
      await expectRefusedByGateway(() => get('/exchange-rates?base=EUR&base=USD'), [{ path: 'base', message: /./ }]);
    });

    it.each(['2024-13-01', '2024-02-30', '2024-1-5', '05.01.2024', 'yesterday', '0000-01-01', '2024-01-05T00:00:00Z'])('date %j is malformed', async (date) => {
      await expectRefusedByGateway(() => get(`/exchange-rates?base=EUR&date=${encodeURIComponent(date)}`), [{ path: 'date', message: 'must be a calendar date YYYY-MM-DD' }]);
    });

    it('both wrong: both named in one answer', async () => {
      await expectRefusedByGateway(() => get('/exchange-rates?base=eur&date=2024-02-30'), [
        { path: 'base', message: 'must be upper case: "EUR"' },
        { path: 'date', message: 'must be a calendar date YYYY-MM-DD' },
      ]);
    });
  });

  it('RATE_UNAVAILABLE from the service → 422 with its code and message, as is', async () => {
    const message = 'No usable exchange rate for RUB on 2024-01-05: the European Central Bank stopped publishing it after 2022-03-01.';
    currency.fail('getRates', stubError('invalid_argument', 'RATE_UNAVAILABLE', message));
    const body = expectProblem(await get('/exchange-rates?base=RUB&date=2024-01-05'), 422, 'RATE_UNAVAILABLE');
    expect(body.detail).toBe(message);
    expect(body.type).toBe('tag:finance-tracker,2026:problems/validation-failed');
  });

  it('the service’s own field verdict (CURRENCY_UNKNOWN, should its table ever differ) passes through with its field', async () => {
    currency.fail('getRates', stubError('invalid_argument', 'CURRENCY_UNKNOWN', 'base: "CHF" is not an active ISO 4217 currency code', { errors: [{ path: 'base', message: '"CHF" is not an active ISO 4217 currency code' }] }));
    const body = expectProblem(await get('/exchange-rates?base=CHF&date=2024-01-05'), 422, 'CURRENCY_UNKNOWN');
    expect(body.errors).toEqual([{ path: 'base', message: '"CHF" is not an active ISO 4217 currency code' }]);
  });

  it('a rate that is not a plain positive decimal in the service’s answer is a bug (500), never shown', async () => {
    for (const bad of ['1e-7', '-1.2', '0', 'NaN', '']) {
      currency.answer('getRates', protoRates({ rates: { USD: bad } }));
      expectProblem(await get('/exchange-rates?base=EUR&date=2024-01-05'), 500, 'INTERNAL_ERROR');
    }
  });
});

// ---------------------------------------------------------------------------------------------

const TX_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

const protoConversion = (fields: Partial<currencyV1.ConvertResponse> = {}): currencyV1.ConvertResponse => ({
  converted: money('109.46', 'USD'),
  rate: '1.0946',
  rateDate: protoDate('2024-01-08'),
  ...fields,
});

/** The ledger answers the caller's transaction `TX_ID`: 100.00 EUR dated Monday 2024-01-08. */
function scriptTransaction(fields: Parameters<typeof protoTransaction>[0] = {}) {
  gw.ledger.on('getTransaction', (req) => ({
    transaction: protoTransaction({ id: req.id, userId: req.userId, amount: money('100.00', 'EUR'), date: protoDate('2024-01-08'), ...fields }),
  }));
}

describe('POST /transactions/convert', () => {
  it('asks the ledger for the caller’s transaction, converts its amount at its date, answers 200 with original, converted, rate, rate_date and date', async () => {
    scriptTransaction();
    currency.answer('convert', protoConversion());
    const res = await post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'USD' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(gw.ledger.lastRequest('getTransaction')).toEqual({ userId, id: TX_ID });
    expect(currency.lastRequest('convert')).toEqual({ amount: { minorUnits: '10000', currency: 'EUR' }, toCurrency: 'USD', date: { year: 2024, month: 1, day: 8 } });
    expect(res.json()).toEqual({
      transaction_id: TX_ID,
      original: { amount: '100.00', currency: 'EUR' },
      converted: { amount: '109.46', currency: 'USD' },
      rate: '1.0946',
      rate_date: '2024-01-08',
      date: '2024-01-08',
    });
    // The target was given: the caller's profile is not needed.
    expect(gw.auth.callsOf('getUser')).toHaveLength(0);
  });

  it('without to_currency: the caller’s base currency, asked of auth', async () => {
    scriptTransaction();
    gw.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId, baseCurrency: 'GBP' }) }));
    currency.answer('convert', protoConversion({ converted: money('86.15', 'GBP'), rate: '0.8615' }));
    const res = await post('/transactions/convert', { transaction_id: TX_ID });
    expect(res.statusCode).toBe(200);
    expect(gw.auth.lastRequest('getUser')).toEqual({ userId });
    expect(currency.lastRequest('convert').toCurrency).toBe('GBP');
    expect(res.json()).toMatchObject({ converted: { amount: '86.15', currency: 'GBP' }, rate: '0.8615' });
  });

  it('to JPY: no decimals; from KWD: three', async () => {
    scriptTransaction({ amount: money('12.345', 'KWD') });
    currency.answer('convert', protoConversion({ converted: money('6359', 'JPY'), rate: '515.1093473', rateDate: protoDate('2024-01-05') }));
    const body = (await post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'JPY' })).json();
    expect(currency.lastRequest('convert').amount).toEqual({ minorUnits: '12345', currency: 'KWD' });
    expect(body).toMatchObject({ original: { amount: '12.345', currency: 'KWD' }, converted: { amount: '6359', currency: 'JPY' }, rate_date: '2024-01-05', date: '2024-01-08' });
  });

  it('to the transaction’s own currency: 200 with the amount itself and rate "1", as the service answers it', async () => {
    scriptTransaction();
    currency.on('convert', (req) => ({ converted: req.amount, rate: '1', rateDate: req.date }));
    const res = await post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'EUR' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      transaction_id: TX_ID,
      original: { amount: '100.00', currency: 'EUR' },
      converted: { amount: '100.00', currency: 'EUR' },
      rate: '1',
      rate_date: '2024-01-08',
      date: '2024-01-08',
    });
  });

  it('an id in upper case names the same transaction (ids are compared in lower case)', async () => {
    scriptTransaction();
    currency.answer('convert', protoConversion());
    const res = await post('/transactions/convert', { transaction_id: TX_ID.toUpperCase(), to_currency: 'USD' });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('getTransaction').id).toBe(TX_ID);
  });

  it('another user’s or an unknown transaction: the ledger’s 404, and nothing is converted', async () => {
    gw.ledger.fail('getTransaction', stubError('not_found', 'LEDGER_TRANSACTION_NOT_FOUND', 'Transaction not found.'));
    const body = expectProblem(await post('/transactions/convert', { transaction_id: randomUUID(), to_currency: 'USD' }), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
    expect(body.detail).toBe('Transaction not found.');
    expect(currency.calls).toHaveLength(0);
  });

  it('another user’s transaction without to_currency: 404 as well (the profile asked alongside changes nothing)', async () => {
    gw.ledger.fail('getTransaction', stubError('not_found', 'LEDGER_TRANSACTION_NOT_FOUND', 'Transaction not found.'));
    gw.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId }) }));
    expectProblem(await post('/transactions/convert', { transaction_id: randomUUID() }), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
    expect(currency.calls).toHaveLength(0);
  });

  describe('422 from the gateway, naming the field, before any RPC', () => {
    it.each(['not-a-uuid', '6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b0', '', 42, null])('transaction_id %j is not a UUID', async (id) => {
      await expectRefusedByGateway(() => post('/transactions/convert', { transaction_id: id, to_currency: 'USD' }), [{ path: 'transaction_id', message: /./ }]);
    });

    it('transaction_id missing', async () => {
      await expectRefusedByGateway(() => post('/transactions/convert', { to_currency: 'USD' }), [{ path: 'transaction_id', message: /./ }]);
    });

    it('to_currency in lower case, unknown, or not a string', async () => {
      await expectRefusedByGateway(() => post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'usd' }), [{ path: 'to_currency', message: 'must be upper case: "USD"' }]);
      await expectRefusedByGateway(() => post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'ABC' }), [{ path: 'to_currency', message: /is not an ISO 4217 currency code/ }]);
      await expectRefusedByGateway(() => post('/transactions/convert', { transaction_id: TX_ID, to_currency: 840 }), [{ path: 'to_currency', message: /./ }]);
    });

    it('both wrong: both named', async () => {
      await expectRefusedByGateway(() => post('/transactions/convert', { transaction_id: 'x', to_currency: 'eur' }), [
        { path: 'transaction_id', message: /./ },
        { path: 'to_currency', message: 'must be upper case: "EUR"' },
      ]);
    });
  });

  it('400 without a body or with a body that is not an object, 415 for a non-JSON body', async () => {
    expectProblem(await gw.app.inject({ method: 'POST', url: '/transactions/convert', headers: bearer(token) }), 400);
    expectProblem(await postRaw('[1]'), 400, 'BODY_NOT_OBJECT');
    expectProblem(await postRaw('{"transaction_id":'), 400, 'MALFORMED_JSON');
    expectProblem(await postRaw(`transaction_id=${TX_ID}`, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectNoRpc();
  });

  it('RATE_UNAVAILABLE for the transaction’s date → 422 with the service’s code and message', async () => {
    scriptTransaction({ date: protoDate('1998-12-31') });
    const message = 'No usable exchange rate for EUR→USD on 1998-12-31: the European Central Bank’s first reference rates are of 1999-01-04.';
    currency.fail('convert', stubError('invalid_argument', 'RATE_UNAVAILABLE', message));
    const body = expectProblem(await post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'USD' }), 422, 'RATE_UNAVAILABLE');
    expect(body.detail).toBe(message);
  });

  it('a conversion answered in another currency than asked is a bug (500), never shown', async () => {
    scriptTransaction();
    currency.answer('convert', protoConversion({ converted: money('100.00', 'EUR') }));
    expectProblem(await post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'USD' }), 500, 'INTERNAL_ERROR');
  });
});

// ---------------------------------------------------------------------------------------------

describe('the currency service failing', () => {
  it('its own UNAVAILABLE → 503 with its code and the generic detail, never its text; the request id reaches it', async () => {
    currency.outage = stubError('unavailable', 'CURRENCY_DATABASE_DOWN', 'connect ECONNREFUSED 10.9.8.7:5432');
    const res = await gw.app.inject({ method: 'GET', url: '/exchange-rates?base=EUR&date=2024-01-05', headers: { ...bearer(token), 'x-request-id': 'currency-trace-1' } });
    const body = expectProblem(res, 503, 'CURRENCY_DATABASE_DOWN');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toContain('10.9.8.7');
    expect(currency.calls.at(-1)?.requestId).toBe('currency-trace-1');
  });

  it('a fault (INTERNAL) → 503 CURRENCY_UNAVAILABLE, never its text', async () => {
    currency.fail('listCurrencies', new Error('table currency.rate is corrupt'));
    const res = await get('/currencies');
    const body = expectProblem(res, 503, 'CURRENCY_UNAVAILABLE');
    expect(res.body).not.toContain('corrupt');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
  });

  it('slower than GRPC_DEADLINE_MS → 504 CURRENCY_DEADLINE_EXCEEDED, also for a conversion', async () => {
    scriptTransaction();
    currency.answer('convert', protoConversion());
    currency.delayMs = 1500;
    const body = expectProblem(await post('/transactions/convert', { transaction_id: TX_ID, to_currency: 'USD' }), 504, 'CURRENCY_DEADLINE_EXCEEDED');
    expect(body.detail).toBe(DEADLINE_DETAIL);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the OpenAPI document', () => {
  it('documents the three operations with their fields in snake_case, as API.md names them', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const schemas = doc.components.schemas;

    const list = doc.paths['/currencies'].get;
    expect(list).toMatchObject({ operationId: 'listCurrencies', security: expect.arrayContaining([{ bearer: [] }]), description: expect.stringMatching(/no pagination/) });
    expect(list.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/CurrencyList');
    expect(Object.keys(schemas.Currency.properties).sort()).toEqual(['code', 'has_rates', 'minor_units', 'name']);
    expect(schemas.Currency.properties.minor_units.type).toBe('integer');

    const rates = doc.paths['/exchange-rates'].get;
    expect(rates).toMatchObject({ operationId: 'getExchangeRates', description: expect.stringMatching(/future/) });
    expect(rates.parameters.map((p: { in: string; name: string; required?: boolean }) => `${p.in}:${p.name}${p.required ? '!' : ''}`).sort()).toEqual(['query:base!', 'query:date']);
    expect(rates.parameters.find((p: { name: string }) => p.name === 'base').schema).toMatchObject({ type: 'string', pattern: '^[A-Z]{3}$' });
    expect(rates.parameters.find((p: { name: string }) => p.name === 'date').description).toMatch(/your time zone/);
    expect(rates.responses['422'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    expect(Object.keys(schemas.ExchangeRates.properties).sort()).toEqual(['base', 'date', 'rate_date', 'rates']);
    expect(schemas.ExchangeRates.properties.rates.additionalProperties).toMatchObject({ type: 'string' });
    expect(schemas.ExchangeRates.examples).toHaveLength(1);

    const convert = doc.paths['/transactions/convert'].post;
    expect(convert).toMatchObject({ operationId: 'convertTransaction', description: expect.stringMatching(/half-even/) });
    const body = convert.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['transaction_id']);
    expect(Object.keys(body.properties).sort()).toEqual(['to_currency', 'transaction_id']);
    expect(body.properties.to_currency).toMatchObject({ type: 'string', pattern: '^[A-Z]{3}$' });
    expect(Object.keys(convert.responses).sort()).toEqual(['200', '400', '401', '404', '413', '415', '422', '429', '503', '504']);
    expect(convert.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/TransactionConversion');
    expect(Object.keys(schemas.TransactionConversion.properties).sort()).toEqual(['converted', 'date', 'original', 'rate', 'rate_date', 'transaction_id']);
    expect(Object.keys(schemas.MoneyAmount.properties).sort()).toEqual(['amount', 'currency']);
  });
});
