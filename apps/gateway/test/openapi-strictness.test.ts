import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MoneyError, parseMoney } from '@finance/money';
import fc from 'fast-check';
import { AMOUNT_PATTERN, DATE_PATTERN, dateField, TIMEZONE_PATTERN } from '../src/routes/schemas.js';
import { protoUser } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';

// Issue 9 item 7: the OpenAPI document is as strict as the server (amount, currency, timezone and
// date patterns), and every authenticated answer, errors included, is Cache-Control: no-store.

let gw: TestGateway;
let token: string;
let doc: { paths: Record<string, Record<string, { security?: unknown[]; parameters?: { name: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, Record<string, unknown>> } }> } }>> };
beforeAll(async () => {
  gw = await startTestGateway();
  ({ token } = await gw.caller());
  doc = (await gw.app.inject({ method: 'GET', url: '/docs/json' })).json();
});
afterAll(async () => {
  await gw.close();
});

function bodyProperty(path: string, method: string, name: string): Record<string, unknown> {
  const schema = doc.paths[path]![method]!.requestBody!.content['application/json']!.schema;
  return schema.properties![name]!;
}

/** The string branch of a property that is `string | …` (or the property itself). */
function stringBranch(property: Record<string, unknown>): Record<string, unknown> {
  const anyOf = property.anyOf as Record<string, unknown>[] | undefined;
  return anyOf ? anyOf.find((s) => s.type === 'string')! : property;
}

/** What the server accepts as an amount string, for the currency with the most decimals (4). */
function serverAccepts(text: string): boolean {
  try {
    parseMoney(text, 'CLF', { requirePositive: true });
    return true;
  } catch (err) {
    if (err instanceof MoneyError) return false;
    throw err;
  }
}

describe('the document is as strict as the server', () => {
  it.each([
    ['/transactions', 'post'],
    ['/transactions/{id}', 'put'],
    ['/budgets', 'post'],
    ['/budgets/{id}', 'put'],
  ])('%s %s: amount is a decimal string with the accepted pattern, or a number > 0', (path, method) => {
    const amount = bodyProperty(path, method, 'amount');
    expect(amount.anyOf).toEqual([
      expect.objectContaining({ type: 'string', pattern: AMOUNT_PATTERN.source }),
      expect.objectContaining({ type: 'number', exclusiveMinimum: 0 }),
    ]);
    expect(stringBranch(bodyProperty(path, method, 'currency')).pattern).toBe('^[A-Z]{3}$');
  });

  it('timezone and base_currency of PUT /users/me have their patterns', () => {
    expect(bodyProperty('/users/me', 'put', 'timezone').pattern).toBe(TIMEZONE_PATTERN.source);
    expect(bodyProperty('/users/me', 'put', 'base_currency').pattern).toBe('^[A-Z]{3}$');
  });

  it('every request date (body or query) has the pattern without year 0000', () => {
    const dates: unknown[] = [];
    for (const [, methods] of Object.entries(doc.paths)) {
      for (const op of Object.values(methods)) {
        for (const p of op.parameters ?? []) if (['from', 'to', 'date'].includes(p.name)) dates.push(p.schema.pattern);
        for (const [name, prop] of Object.entries(op.requestBody?.content['application/json']?.schema.properties ?? {})) {
          if (['date', 'start_date', 'end_date'].includes(name)) dates.push(stringBranch(prop).pattern);
        }
      }
    }
    expect(dates.length).toBeGreaterThanOrEqual(12);
    for (const pattern of dates) expect(pattern).toBe(DATE_PATTERN.source);
  });

  it('the amount pattern accepts exactly the strings the money parser accepts', () => {
    const samples = ['12.50', '0.5', '0.0001', '999999999999999.9999', '1', '0', '0.00', '0.00001', '-1', '+1', '1e3', '01', '.5', '5.', '1,000', ' 1', '1000000000000000', '1.23456'];
    for (const s of samples) expect([s, AMOUNT_PATTERN.test(s)]).toEqual([s, serverAccepts(s)]);
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,17}$/), fc.constantFrom('', '.'), fc.stringMatching(/^\d{0,6}$/))
      .map(([sign, int, dot, frac]) => sign + int + dot + frac);
    fc.assert(fc.property(decimal, (s) => AMOUNT_PATTERN.test(s) === serverAccepts(s)), { numRuns: 5000 });
  });

  it('the date pattern accepts exactly what dateField accepts', () => {
    const samples = ['2026-02-28', '2024-02-29', '2026-02-29', '2000-02-29', '1900-02-29', '0000-01-01', '0000-02-29', '0400-02-29', '0001-01-01', '2026-13-01', '2026-04-31'];
    for (const s of samples) expect([s, DATE_PATTERN.test(s)]).toEqual([s, dateField.safeParse(s).success]);
    const date = fc.tuple(fc.stringMatching(/^\d{4}$/), fc.stringMatching(/^[01]\d$/), fc.stringMatching(/^[0-3]\d$/)).map((p) => p.join('-'));
    fc.assert(fc.property(date, (s) => DATE_PATTERN.test(s) === dateField.safeParse(s).success), { numRuns: 5000 });
  });

  it('the timezone pattern admits the IANA names', () => {
    for (const zone of [...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires']) expect([zone, TIMEZONE_PATTERN.test(zone)]).toEqual([zone, true]);
    for (const bad of ['+05:00', 'Europe/', '/UTC', 'Europe//Berlin', '', 'Ü']) expect([bad, TIMEZONE_PATTERN.test(bad)]).toEqual([bad, false]);
  });
});

describe('Cache-Control: no-store on every authenticated answer', () => {
  const authenticated = () => {
    const ops: [string, string][] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) if (op.security?.length) ops.push([method.toUpperCase(), path.replace('{id}', '00000000-0000-4000-8000-000000000000')]);
    }
    return ops;
  };

  it('every authenticated operation answers no-store, also its 401', async () => {
    const ops = authenticated();
    expect(ops.length).toBeGreaterThanOrEqual(20);
    for (const [method, url] of ops) {
      const res = await gw.app.inject({ method: method as 'GET', url });
      expect([method, url, res.statusCode, res.headers['cache-control']]).toEqual([method, url, 401, 'no-store']);
    }
  });

  it('errors with a valid token (422, 404) and successes answer no-store', async () => {
    gw.reset();
    gw.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId }) }));
    const ok = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
    expect([ok.statusCode, ok.headers['cache-control']]).toEqual([200, 'no-store']);
    const invalid = await gw.app.inject({ method: 'POST', url: '/transactions', headers: bearer(token), payload: { amount: 'abc' } });
    expect([invalid.statusCode, invalid.headers['cache-control']]).toEqual([422, 'no-store']);
    const missing = await gw.app.inject({ method: 'GET', url: '/transactions/not-a-uuid', headers: bearer(token) });
    expect([missing.statusCode, missing.headers['cache-control']]).toEqual([404, 'no-store']);
  });

  it('public answers are left cacheable as before (the docs)', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.headers['cache-control']).toBeUndefined();
  });
});
