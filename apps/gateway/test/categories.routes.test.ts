import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import { CREATED_AT, protoCategory, UPDATED_AT } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

let userId: string;
let token: string;
beforeEach(async () => {
  gw.reset();
  ({ userId, token } = await gw.caller());
  // By default the ledger answers the category it is sent, and changes it as it is told.
  gw.ledger.on('createCategory', (req) => ({ category: protoCategory({ name: req.name, color: req.color, icon: req.icon }) }));
  gw.ledger.on('updateCategory', (req) => ({
    category: protoCategory({ id: req.id, ...(req.name !== undefined ? { name: req.name } : {}), ...(req.color !== undefined ? { color: req.color } : {}), icon: req.icon || undefined }),
  }));
});

const notFound = () => stubError('not_found', 'LEDGER_CATEGORY_NOT_FOUND', 'Category not found.');
const nameTaken = () => stubError('already_exists', 'LEDGER_CATEGORY_NAME_TAKEN', 'You already have a category with that name.');


const CATEGORY_KEYS = ['color', 'created_at', 'icon', 'id', 'name', 'updated_at'];

const post = (payload: unknown, t = token) => gw.app.inject({ method: 'POST', url: '/categories', headers: bearer(t), payload: payload as object });
const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: bearer(t) });
const put = (id: string, payload: unknown, t = token) => gw.app.inject({ method: 'PUT', url: `/categories/${id}`, headers: bearer(t), payload: payload as object });
const del = (url: string, t = token) => gw.app.inject({ method: 'DELETE', url, headers: bearer(t) });


async function expectRefusedByGateway(send: () => Promise<Res>, rpc: Parameters<TestGateway['ledger']['callsOf']>[0], paths: string[]) {
  const before = gw.ledger.callsOf(rpc).length;
  const body = expectProblem(await send(), 422, 'VALIDATION_FAILED');
  expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
  expect(gw.ledger.callsOf(rpc)).toHaveLength(before);
}

describe('POST /categories', () => {
  it('sends the fields to CreateCategory and answers 201 with the category', async () => {
    const res = await post({ name: 'Groceries', color: '#1A2B3C', icon: 'cart' });
    expect(res.statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createCategory')).toEqual({ userId, name: 'Groceries', color: '#1A2B3C', icon: 'cart' });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(CATEGORY_KEYS);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Groceries',
      color: '#1A2B3C',
      icon: 'cart',
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
    });
    expect(res.headers.location).toBe(`/categories/${body.id}`);
  });

  it('without icon (absent, null or "") the icon is null; the name is trimmed', async () => {
    for (const [i, icon] of [undefined, null, ''].entries()) {
      const res = await post({ name: `  Bills ${i} `, color: '#000000', ...(icon === undefined ? {} : { icon }) });
      expect(res.statusCode).toBe(201);
      expect(gw.ledger.lastRequest('createCategory')).toEqual({ userId, name: `Bills ${i}`, color: '#000000' });
      expect(res.json()).toMatchObject({ name: `Bills ${i}`, icon: null });
    }
  });

  it('a user_id in the body has no effect', async () => {
    expect((await post({ name: 'Mine', color: '#FFFFFF', user_id: randomUUID() })).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createCategory').userId).toBe(userId);
  });

  it('a name already used (any case): the ledger’s ALREADY_EXISTS → 409 with its code and message', async () => {
    gw.ledger.fail('createCategory', nameTaken());
    const body = expectProblem(await post({ name: 'TRAVEL', color: '#654321' }), 409, 'LEDGER_CATEGORY_NAME_TAKEN');
    expect(body.detail).toBe('You already have a category with that name.');
  });

  it.each([
    ['no name', { name: undefined }, ['name']],
    ['an empty name', { name: '' }, ['name']],
    ['a blank name', { name: '   ' }, ['name']],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, ['name']],
    ['no color', { color: undefined }, ['color']],
    ['color "red"', { color: 'red' }, ['color']],
    ['color #12345', { color: '#12345' }, ['color']],
    ['color #GGGGGG', { color: '#GGGGGG' }, ['color']],
    ['color without #', { color: '123456' }, ['color']],
    ['icon a number', { icon: 7 }, ['icon']],
    ['icon of 101 characters', { icon: 'i'.repeat(101) }, ['icon']],
  ])('422 for %s, before any RPC', async (_name, change, paths) => {
    await expectRefusedByGateway(() => post({ name: 'Valid', color: '#ABCDEF', ...change }), 'createCategory', paths);
  });

  it('a name of exactly 100 characters is fine, counted as characters; surrounding spaces do not count', async () => {
    expect((await post({ name: 'n'.repeat(100), color: '#ABCDEF' })).statusCode).toBe(201);
    expect((await post({ name: ` ${'🍕'.repeat(100)} `, color: '#ABCDEF' })).statusCode).toBe(201);
    await expectRefusedByGateway(() => post({ name: '🍕'.repeat(101), color: '#ABCDEF' }), 'createCategory', ['name']);
  });
});

describe('GET /categories', () => {
  it('a page of the ledger’s categories in its order; limit and cursor pass through both ways; next_cursor null on the last page', async () => {
    const [alpha, books, cinema] = ['Alpha', 'Books', 'Cinema'].map((name) => protoCategory({ name }));
    gw.ledger.on('listCategories', (req) =>
      req.page?.cursor === '' ? { items: [alpha!, books!], page: { nextCursor: 'opaque-cursor/2' } } : { items: [cinema!], page: { nextCursor: '' } },
    );

    const first = await get('/categories?limit=2');
    expect(first.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listCategories')).toEqual({ userId, page: { limit: 2, cursor: '' } });
    const page = first.json();
    expect(page.items.map((c: { name: string }) => c.name)).toEqual(['Alpha', 'Books']);
    expect(Object.keys(page.items[0]).sort()).toEqual(CATEGORY_KEYS);
    expect(page.next_cursor).toBe('opaque-cursor/2');

    const second = await get(`/categories?limit=2&cursor=${encodeURIComponent(page.next_cursor)}`);
    expect(gw.ledger.lastRequest('listCategories')).toEqual({ userId, page: { limit: 2, cursor: 'opaque-cursor/2' } });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: cinema!.id, name: 'Cinema' })], next_cursor: null });
  });

  it('limit defaults to 50; unknown parameters are ignored', async () => {
    gw.ledger.answer('listCategories', { items: [], page: { nextCursor: '' } });
    expect((await get('/categories?sort=name&user_id=x')).statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listCategories')).toEqual({ userId, page: { limit: 50, cursor: '' } });
  });

  it.each(['limit=0', 'limit=201', 'limit=x'])('422 for ?%s', async (query) => {
    await expectRefusedByGateway(() => get(`/categories?${query}`), 'listCategories', ['limit']);
  });

  it('a tampered cursor → the ledger’s 422', async () => {
    gw.ledger.fail('listCategories', stubError('invalid_argument', 'LEDGER_INVALID_CURSOR', 'cursor: is not a cursor this service issued', { errors: [{ path: 'cursor', message: 'is not a cursor this service issued' }] }));
    const body = expectProblem(await get('/categories?cursor=garbage'), 422, 'LEDGER_INVALID_CURSOR');
    expect(body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this service issued' }]);
    expect(gw.ledger.lastRequest('listCategories').page?.cursor).toBe('garbage');
  });
});

describe('GET /categories/{id}', () => {
  it('answers the ledger’s category, icon null when it has none', async () => {
    const category = protoCategory({ name: 'Health', color: '#FF0000' });
    gw.ledger.answer('getCategory', { category });
    const res = await get(`/categories/${category.id.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('getCategory')).toEqual({ userId, id: category.id });
    expect(res.json()).toEqual({
      id: category.id,
      name: 'Health',
      color: '#FF0000',
      icon: null,
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
    });
  });

  it('the ledger’s NOT_FOUND (missing, or another user’s) → 404 with its code and message', async () => {
    gw.ledger.fail('getCategory', notFound());
    const body = expectProblem(await get(`/categories/${randomUUID()}`), 404, 'LEDGER_CATEGORY_NOT_FOUND');
    expect(body.detail).toBe('Category not found.');
  });
});

describe('a path id that is not a UUID: 404, and the ledger is not asked', () => {
  it('the answer is the one the ledger gives for an id that does not exist', async () => {
    gw.ledger.fail('getCategory', notFound());
    const { instance: _a, ...malformed } = expectProblem(await get('/categories/nope'), 404);
    const { instance: _b, ...missing } = expectProblem(await get(`/categories/${randomUUID()}`), 404);
    expect(malformed).toEqual(missing);
  });

  it.each((['GET', 'PUT', 'DELETE'] as const).flatMap((method) => ['x', '42', 'not-a-uuid'].map((id) => [method, id] as const)))('%s /categories/%s', async (method, id) => {
    const calls = gw.ledger.calls.length;
    const res = await gw.app.inject({ method, url: `/categories/${id}`, headers: bearer(token), ...(method === 'PUT' ? { payload: { color: 'nope' } } : {}) });
    expectProblem(res, 404, 'LEDGER_CATEGORY_NOT_FOUND');
    expect(gw.ledger.calls).toHaveLength(calls);
  });
});

describe('PUT /categories/{id}', () => {
  it('sends only the fields given and answers the ledger’s category', async () => {
    const category = protoCategory({ name: 'Fun', color: '#222222', icon: 'star' });
    gw.ledger.answer('updateCategory', { category });
    const res = await put(category.id, { color: '#222222' });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateCategory')).toEqual({ userId, id: category.id, name: undefined, color: '#222222', icon: undefined });
    expect(res.json()).toMatchObject({ id: category.id, name: 'Fun', color: '#222222', icon: 'star' });
  });

  it('maps every field; icon: null (or "") clears the icon ("" on the wire)', async () => {
    const category = { id: randomUUID() };
    const res = await put(category.id, { name: 'Renamed', color: '#333333', icon: 'moon' });
    expect(gw.ledger.lastRequest('updateCategory')).toEqual({ userId, id: category.id, name: 'Renamed', color: '#333333', icon: 'moon' });
    expect(res.json()).toMatchObject({ name: 'Renamed', color: '#333333', icon: 'moon' });

    for (const icon of [null, '']) {
      const cleared = await put(category.id, { icon });
      expect(cleared.statusCode).toBe(200);
      expect(gw.ledger.lastRequest('updateCategory').icon).toBe('');
      expect(cleared.json().icon).toBeNull();
    }
  });

  it.each([
    ['name null', { name: null }, ['name']],
    ['an empty name', { name: '' }, ['name']],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, ['name']],
    ['color null', { color: null }, ['color']],
    ['color "blue"', { color: 'blue' }, ['color']],
    ['icon of 101 characters', { icon: 'i'.repeat(101) }, ['icon']],
  ])('422 for %s, before any RPC', async (_name, payload, paths) => {
    await expectRefusedByGateway(() => put(randomUUID(), payload), 'updateCategory', paths);
  });

  it('the ledger’s 409 (renamed onto another category’s name) and 404 (missing or someone else’s) pass through', async () => {
    gw.ledger.fail('updateCategory', nameTaken());
    expectProblem(await put(randomUUID(), { name: 'taken' }), 409, 'LEDGER_CATEGORY_NAME_TAKEN');
    gw.ledger.fail('updateCategory', notFound());
    expectProblem(await put(randomUUID(), { name: 'Mine now' }), 404, 'LEDGER_CATEGORY_NOT_FOUND');
  });
});

describe('DELETE /categories/{id}', () => {
  beforeEach(() => {
    gw.ledger.answer('deleteCategory', {});
  });

  it('with reassign_to: sends it (lower case) to DeleteCategory; 204 with no body', async () => {
    const from = randomUUID();
    const to = randomUUID();
    const res = await del(`/categories/${from}?reassign_to=${to.toUpperCase()}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.ledger.lastRequest('deleteCategory')).toEqual({ userId, id: from, reassignTo: to });
  });

  it('without reassign_to: none is sent (the ledger leaves its transactions uncategorized); 204', async () => {
    expect((await del(`/categories/${randomUUID()}`)).statusCode).toBe(204);
    expect(gw.ledger.lastRequest('deleteCategory').reassignTo).toBeUndefined();
  });

  it('422 for a reassign_to that is not a UUID (before any RPC), and the ledger’s 422 for one that is not the caller’s', async () => {
    const id = randomUUID();
    await expectRefusedByGateway(() => del(`/categories/${id}?reassign_to=elsewhere`), 'deleteCategory', ['reassign_to']);
    gw.ledger.fail('deleteCategory', stubError('invalid_argument', 'LEDGER_UNKNOWN_CATEGORY', 'reassign_to: is not one of your categories', { errors: [{ path: 'reassign_to', message: 'is not one of your categories' }] }));
    const theirs = randomUUID();
    const body = expectProblem(await del(`/categories/${id}?reassign_to=${theirs}`), 422, 'LEDGER_UNKNOWN_CATEGORY');
    expect(body.errors).toEqual([{ path: 'reassign_to', message: 'is not one of your categories' }]);
    expect(gw.ledger.lastRequest('deleteCategory')).toEqual({ userId, id, reassignTo: theirs });
  });

  it('the ledger’s NOT_FOUND (missing, or another user’s) → 404 with its code', async () => {
    gw.ledger.fail('deleteCategory', notFound());
    expectProblem(await del(`/categories/${randomUUID()}`), 404, 'LEDGER_CATEGORY_NOT_FOUND');
  });
});

describe('every transactions and categories route needs a bearer token', () => {
  const id = randomUUID();
  const routes = [
    ['POST', '/transactions'],
    ['GET', '/transactions'],
    ['GET', `/transactions/${id}`],
    ['PUT', `/transactions/${id}`],
    ['DELETE', `/transactions/${id}`],
    ['POST', '/categories'],
    ['GET', '/categories'],
    ['GET', `/categories/${id}`],
    ['PUT', `/categories/${id}`],
    ['DELETE', `/categories/${id}`],
    // Checked before the id: an anonymous caller learns nothing, not even a 404.
    ['GET', '/transactions/not-a-uuid'],
    ['DELETE', '/categories/not-a-uuid'],
  ] as const;

  it.each(routes)('%s %s → 401 without a token, 401 with a bad one; the ledger is not asked', async (method, url) => {
    const calls = gw.ledger.calls.length;
    const payload = method === 'POST' || method === 'PUT' ? { payload: { amount: 'x' } } : {};
    const anonymous = await gw.app.inject({ method, url, ...payload });
    expectProblem(anonymous, 401, 'TOKEN_MISSING');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await gw.app.inject({ method, url, headers: bearer('not.a.token'), ...payload }), 401, 'TOKEN_INVALID');
    expect(gw.ledger.calls).toHaveLength(calls);
  });
});
