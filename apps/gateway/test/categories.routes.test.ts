import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ledgerV1 } from '@finance/proto';
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
  const seeded = await gw.fake.seedUser();
  userId = seeded.user.id;
  token = seeded.token;
});


const CATEGORY_KEYS = ['color', 'created_at', 'icon', 'id', 'name', 'updated_at'];

const post = (payload: unknown, t = token) => gw.app.inject({ method: 'POST', url: '/categories', headers: bearer(t), payload: payload as object });
const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: bearer(t) });
const put = (id: string, payload: unknown, t = token) => gw.app.inject({ method: 'PUT', url: `/categories/${id}`, headers: bearer(t), payload: payload as object });
const del = (url: string, t = token) => gw.app.inject({ method: 'DELETE', url, headers: bearer(t) });


async function expectRefusedByGateway(send: () => Promise<Res>, rpc: string, paths: string[]) {
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
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    expect(res.headers.location).toBe(`/categories/${body.id}`);
  });

  it('without icon (absent, null or "") the icon is null; the name is trimmed', async () => {
    for (const [i, icon] of [undefined, null, ''].entries()) {
      const res = await post({ name: `  Bills ${i} `, color: '#000000', ...(icon === undefined ? {} : { icon }) });
      expect(res.statusCode).toBe(201);
      expect(gw.ledger.lastRequest<ledgerV1.CreateCategoryRequest>('createCategory')).toEqual({ userId, name: `Bills ${i}`, color: '#000000' });
      expect(res.json()).toMatchObject({ name: `Bills ${i}`, icon: null });
    }
  });

  it('a user_id in the body has no effect', async () => {
    expect((await post({ name: 'Mine', color: '#FFFFFF', user_id: randomUUID() })).statusCode).toBe(201);
    expect(gw.ledger.lastRequest<ledgerV1.CreateCategoryRequest>('createCategory').userId).toBe(userId);
  });

  it('the same name twice (any case) → the ledger’s 409', async () => {
    expect((await post({ name: 'Travel', color: '#123456' })).statusCode).toBe(201);
    expectProblem(await post({ name: 'TRAVEL', color: '#654321' }), 409, 'LEDGER_CATEGORY_NAME_TAKEN');
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
  it('a page of the caller’s categories; limit and cursor pass through; next_cursor null on the last page', async () => {
    for (const name of ['Cinema', 'Alpha', 'Books']) gw.ledger.seedCategory(userId, { name });
    const stranger = await gw.fake.seedUser();
    gw.ledger.seedCategory(stranger.user.id, { name: 'Aardvark' });

    const first = await get('/categories?limit=2');
    expect(first.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listCategories')).toEqual({ userId, page: { limit: 2, cursor: '' } });
    const page = first.json();
    expect(page.items.map((c: { name: string }) => c.name)).toEqual(['Alpha', 'Books']);
    expect(Object.keys(page.items[0]).sort()).toEqual(CATEGORY_KEYS);
    expect(page.next_cursor).toEqual(expect.any(String));

    const second = await get(`/categories?limit=2&cursor=${encodeURIComponent(page.next_cursor)}`);
    expect(gw.ledger.lastRequest('listCategories')).toEqual({ userId, page: { limit: 2, cursor: page.next_cursor } });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ name: 'Cinema' })], next_cursor: null });
  });

  it('limit defaults to 50; unknown parameters are ignored', async () => {
    expect((await get('/categories?sort=name&user_id=x')).statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listCategories')).toEqual({ userId, page: { limit: 50, cursor: '' } });
  });

  it.each(['limit=0', 'limit=201', 'limit=x'])('422 for ?%s', async (query) => {
    await expectRefusedByGateway(() => get(`/categories?${query}`), 'listCategories', ['limit']);
  });

  it('a tampered cursor → the ledger’s 422', async () => {
    expectProblem(await get('/categories?cursor=garbage'), 422, 'LEDGER_INVALID_CURSOR');
  });
});

describe('GET /categories/{id}', () => {
  it('answers the category, icon null when it has none', async () => {
    const category = gw.ledger.seedCategory(userId, { name: 'Health', color: '#FF0000' });
    const res = await get(`/categories/${category.id.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('getCategory')).toEqual({ userId, id: category.id });
    expect(res.json()).toEqual({
      id: category.id,
      name: 'Health',
      color: '#FF0000',
      icon: null,
      created_at: category.createdAt.toISOString(),
      updated_at: category.updatedAt.toISOString(),
    });
  });

  it('404 for another user’s category and for a missing one', async () => {
    const stranger = await gw.fake.seedUser();
    const theirs = gw.ledger.seedCategory(stranger.user.id);
    expectProblem(await get(`/categories/${theirs.id}`), 404, 'LEDGER_CATEGORY_NOT_FOUND');
    expectProblem(await get(`/categories/${randomUUID()}`), 404, 'LEDGER_CATEGORY_NOT_FOUND');
  });
});

describe('a path id that is not a UUID: 404, and the ledger is not asked', () => {
  it('the answer is the one the ledger gives for an id that does not exist', async () => {
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
  it('sends only the fields given', async () => {
    const category = gw.ledger.seedCategory(userId, { name: 'Fun', color: '#111111', icon: 'star' });
    const res = await put(category.id, { color: '#222222' });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateCategory')).toEqual({ userId, id: category.id, name: undefined, color: '#222222', icon: undefined });
    expect(res.json()).toMatchObject({ id: category.id, name: 'Fun', color: '#222222', icon: 'star' });
  });

  it('maps every field; icon: null (or "") clears the icon ("" on the wire)', async () => {
    const category = gw.ledger.seedCategory(userId, { icon: 'star' });
    const res = await put(category.id, { name: 'Renamed', color: '#333333', icon: 'moon' });
    expect(gw.ledger.lastRequest('updateCategory')).toEqual({ userId, id: category.id, name: 'Renamed', color: '#333333', icon: 'moon' });
    expect(res.json()).toMatchObject({ name: 'Renamed', color: '#333333', icon: 'moon' });

    for (const icon of [null, '']) {
      const cleared = await put(category.id, { icon });
      expect(cleared.statusCode).toBe(200);
      expect(gw.ledger.lastRequest<ledgerV1.UpdateCategoryRequest>('updateCategory').icon).toBe('');
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
    const category = gw.ledger.seedCategory(userId);
    await expectRefusedByGateway(() => put(category.id, payload), 'updateCategory', paths);
  });

  it('renaming onto another category’s name → 409; someone else’s category → 404', async () => {
    gw.ledger.seedCategory(userId, { name: 'Taken' });
    const mine = gw.ledger.seedCategory(userId, { name: 'Free' });
    expectProblem(await put(mine.id, { name: 'taken' }), 409, 'LEDGER_CATEGORY_NAME_TAKEN');
    const stranger = await gw.fake.seedUser();
    const theirs = gw.ledger.seedCategory(stranger.user.id, { name: 'Theirs' });
    expectProblem(await put(theirs.id, { name: 'Mine now' }), 404, 'LEDGER_CATEGORY_NOT_FOUND');
    expect(gw.ledger.categories.get(theirs.id)?.name).toBe('Theirs');
  });
});

describe('DELETE /categories/{id}', () => {
  it('with reassign_to: 204, and its transactions move there', async () => {
    const from = gw.ledger.seedCategory(userId, { name: 'Old' });
    const to = gw.ledger.seedCategory(userId, { name: 'New' });
    const t = gw.ledger.seedTransaction(userId, { categoryId: from.id });
    const res = await del(`/categories/${from.id}?reassign_to=${to.id.toUpperCase()}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.ledger.lastRequest('deleteCategory')).toEqual({ userId, id: from.id, reassignTo: to.id });
    expect((await get(`/transactions/${t.id}`)).json()).toMatchObject({ category_id: to.id, category: { id: to.id, name: 'New' } });
    expectProblem(await get(`/categories/${from.id}`), 404);
  });

  it('without reassign_to: 204, and its transactions become uncategorized', async () => {
    const category = gw.ledger.seedCategory(userId);
    const t = gw.ledger.seedTransaction(userId, { categoryId: category.id });
    expect((await del(`/categories/${category.id}`)).statusCode).toBe(204);
    expect(gw.ledger.lastRequest<ledgerV1.DeleteCategoryRequest>('deleteCategory').reassignTo).toBeUndefined();
    expect((await get(`/transactions/${t.id}`)).json()).toMatchObject({ category_id: null, category: null });
  });

  it('422 for a reassign_to that is not a UUID (before any RPC), and the ledger’s 422 for another user’s', async () => {
    const category = gw.ledger.seedCategory(userId);
    await expectRefusedByGateway(() => del(`/categories/${category.id}?reassign_to=elsewhere`), 'deleteCategory', ['reassign_to']);
    const stranger = await gw.fake.seedUser();
    const theirs = gw.ledger.seedCategory(stranger.user.id);
    const body = expectProblem(await del(`/categories/${category.id}?reassign_to=${theirs.id}`), 422, 'LEDGER_UNKNOWN_CATEGORY');
    expect(body.errors).toEqual([{ path: 'reassign_to', message: expect.any(String) }]);
    expect(gw.ledger.categories.has(category.id)).toBe(true);
  });

  it('404 for another user’s category, which stays', async () => {
    const stranger = await gw.fake.seedUser();
    const theirs = gw.ledger.seedCategory(stranger.user.id);
    expectProblem(await del(`/categories/${theirs.id}`), 404, 'LEDGER_CATEGORY_NOT_FOUND');
    expect(gw.ledger.categories.has(theirs.id)).toBe(true);
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
