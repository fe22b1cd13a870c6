import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { client, signUp, startStack, type Stack } from './support/stack.js';
import { expectProblem } from './support/problems.js';

// GET /export/csv through the real stack (issue 13 item 1): the ledger's StreamTransactions,
// reporting's CSV encoding and the gateway's streaming, together. The exact text of the file:
// quoting (commas, quotes, newlines), formula neutralisation, emoji, categories by name, amounts with
// their currency's digits, oldest first; a range; and another user's export holds only the header.

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack();
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack?.close();
});

const HEADER = 'id,date,transaction_type,amount,currency,category,description';
const today = () => new Date().toISOString().slice(0, 10);

async function newUser() {
  const { tokens } = await signUp(api, 'export');
  return tokens.access_token;
}

async function created(path: string, json: Record<string, unknown>, token: string) {
  const reply = await api.post(path, json, token);
  if (reply.status !== 201) throw new Error(`POST ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as { id: string };
}

async function exported(query: string, token: string) {
  const reply = await api.get(`/export/csv${query}`, token);
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(reply.headers.get('cache-control')).toBe('no-store');
  return { text: reply.body as string, disposition: reply.headers.get('content-disposition') };
}

describe('GET /export/csv', () => {
  let token: string;
  const ids: string[] = [];

  beforeAll(async () => {
    token = await newUser();
    const food = await created('/categories', { name: 'Food', color: '#AA5500' }, token);
    const home = await created('/categories', { name: '@home', color: '#3366AA' }, token);
    // Created newest first, so the export's order is its own (by date), not the order of creation.
    const rows: Record<string, unknown>[] = [
      { amount: '2', transaction_type: 'expense', date: '2026-03-06', description: '🎉 party 🎈' },
      { amount: '1', transaction_type: 'expense', date: '2026-03-05', description: '=SUM(A1,A2)', category_id: food.id },
      { amount: '12', transaction_type: 'expense', date: '2026-03-04', description: 'line one\nline two', category_id: home.id },
      { amount: '1000', currency: 'JPY', transaction_type: 'income', date: '2026-03-03', description: 'He said "hi"' },
      { amount: '4.5', transaction_type: 'expense', date: '2026-03-02', description: 'Coffee, large', category_id: food.id },
      { amount: '7.25', transaction_type: 'income', date: '2026-02-28' },
    ];
    for (const row of rows) ids.unshift((await created('/transactions', row, token)).id);
  });

  test('the whole file, exactly: quoting, neutralised formulas, emoji, categories by name, oldest first', async () => {
    const { text, disposition } = await exported('', token);
    expect(disposition).toBe(`attachment; filename="transactions-all-${today()}.csv"`);
    expect(text).toBe(
      [
        HEADER,
        `${ids[0]},2026-02-28,income,7.25,USD,,`,
        `${ids[1]},2026-03-02,expense,4.50,USD,Food,"Coffee, large"`,
        `${ids[2]},2026-03-03,income,1000,JPY,,"He said ""hi"""`,
        `${ids[3]},2026-03-04,expense,12.00,USD,'@home,"line one\nline two"`,
        `${ids[4]},2026-03-05,expense,1.00,USD,Food,"'=SUM(A1,A2)"`,
        `${ids[5]},2026-03-06,expense,2.00,USD,,🎉 party 🎈`,
        '',
      ].join('\r\n'),
    );
  });

  test('from and to bound the rows (inclusive) and name the file', async () => {
    const { text, disposition } = await exported('?from=2026-03-02&to=2026-03-03', token);
    expect(disposition).toBe('attachment; filename="transactions-2026-03-02-2026-03-03.csv"');
    expect(text.split('\r\n')).toEqual([HEADER, `${ids[1]},2026-03-02,expense,4.50,USD,Food,"Coffee, large"`, `${ids[2]},2026-03-03,income,1000,JPY,,"He said ""hi"""`, '']);
  });

  test('a range without transactions is the header alone', async () => {
    expect((await exported('?from=2025-01-01&to=2025-12-31', token)).text).toBe(`${HEADER}\r\n`);
  });

  test('from after to → 422 problem+json naming from', async () => {
    const reply = await api.get('/export/csv?from=2026-03-03&to=2026-03-02', token);
    expectProblem(reply, 422);
    expect(reply.body.code).toBe('VALIDATION_FAILED');
    expect(reply.body.errors).toEqual([{ path: 'from', message: 'must not be after `to`' }]);
  });

  test('another user’s export holds only the header: never someone else’s rows', async () => {
    const other = await newUser();
    expect((await exported('', other)).text).toBe(`${HEADER}\r\n`);
  });

  test('without a token → 401', async () => {
    expectProblem(await api.get('/export/csv'), 401);
  });
});
