import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { namespacedStream, namespacedSubject } from '@finance/events';
import { inspector, streamMessages, waitFor } from '@finance/testing';
import { createCategory, listAll, newTransaction, registerUser, rejected, startLedgerHarness, type LedgerHarness } from './helpers.js';

let h: LedgerHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startLedgerHarness();
  nats = await inspector();
});

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

const noFilter = { transactionType: 0, from: undefined, to: undefined } as const;

async function categoryDeletedEvents(categoryId: string) {
  const subject = namespacedSubject(h.namespace, 'ledger.category.deleted.v1');
  const msgs = await streamMessages(nats.jsm, namespacedStream(h.namespace, 'LEDGER'));
  return msgs.filter((m) => m.subject === subject).map((m) => m.json<Record<string, unknown>>()).filter((e) => e.category_id === categoryId);
}

describe('CreateCategory / GetCategory', () => {
  test('trims the name, stores the colour in upper case and answers the category', async () => {
    const userId = registerUser(h);
    const { category } = await h.client.createCategory({ userId, name: '  Groceries  ', color: '#a1b2c3', icon: '🛒' });
    expect(category).toMatchObject({ name: 'Groceries', color: '#A1B2C3', icon: '🛒' });
    expect(category!.createdAt).toBeInstanceOf(Date);
    expect((await h.client.getCategory({ userId, id: category!.id })).category).toEqual(category);
    const { category: plain } = await h.client.createCategory({ userId, name: 'Rent', color: '#000000' });
    expect(plain!.icon).toBeUndefined();
  });

  test('the same name in any case twice for one user is a 409; another user may use it', async () => {
    const userId = registerUser(h);
    await h.client.createCategory({ userId, name: 'Food', color: '#000000' });
    expect(await rejected(h.client.createCategory({ userId, name: ' FOOD ', color: '#111111' }))).toMatchObject({
      status: status.ALREADY_EXISTS,
      httpStatus: 409,
      code: 'LEDGER_CATEGORY_NAME_TAKEN',
      errors: [{ path: 'name' }],
    });
    const other = registerUser(h);
    await expect(h.client.createCategory({ userId: other, name: 'food', color: '#000000' })).resolves.toBeTruthy();
  });

  test('ten concurrent creates of one name: exactly one wins, the rest are 409', async () => {
    const userId = registerUser(h);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => h.client.createCategory({ userId, name: i % 2 ? 'Race' : 'RACE', color: '#000000' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(await rejected(Promise.reject((r as PromiseRejectedResult).reason))).toMatchObject({ httpStatus: 409, code: 'LEDGER_CATEGORY_NAME_TAKEN' });
    }
  });

  test.each([
    ['an empty name', 'name', { name: '  ', color: '#000000' }],
    ['a name of 101 characters', 'name', { name: 'n'.repeat(101), color: '#000000' }],
    ['a colour without #', 'color', { name: 'x', color: '000000' }],
    ['a three-digit colour', 'color', { name: 'x', color: '#fff' }],
    ['an icon of 101 characters', 'icon', { name: 'x', color: '#000000', icon: 'i'.repeat(101) }],
  ])('%s → 422 on path %s', async (_, path, input) => {
    const userId = registerUser(h);
    expect(await rejected(h.client.createCategory({ userId, ...input }))).toMatchObject({ httpStatus: 422, errors: [{ path }] });
  });

  test("another user's, unknown and malformed ids are NOT_FOUND", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const category = await createCategory(h, owner);
    for (const id of [category.id, randomUUID(), 'x', '']) {
      expect(await rejected(h.client.getCategory({ userId: stranger, id }))).toMatchObject({ httpStatus: 404, code: 'LEDGER_CATEGORY_NOT_FOUND' });
    }
  });
});

describe('ListCategories', () => {
  test('ordered by name regardless of case, paged with a cursor, only the user’s own', async () => {
    const userId = registerUser(h);
    const other = registerUser(h);
    await h.client.createCategory({ userId: other, name: 'aaa', color: '#000000' });
    for (const name of ['banana', 'Apple', 'cherry', 'apricot', 'Blueberry']) await h.client.createCategory({ userId, name, color: '#000000' });
    const names: string[] = [];
    let cursor = '';
    do {
      const { items, page } = await h.client.listCategories({ userId, page: { limit: 2, cursor } });
      expect(items.length).toBeLessThanOrEqual(2);
      names.push(...items.map((c) => c.name));
      cursor = page!.nextCursor;
    } while (cursor);
    expect(names).toEqual(['Apple', 'apricot', 'banana', 'Blueberry', 'cherry']);
  });

  test('bad limit and cursor are 422; a transaction cursor is not a category cursor', async () => {
    const userId = registerUser(h);
    for (let i = 0; i < 3; i++) await h.client.createTransaction(newTransaction(userId));
    const { page } = await h.client.listTransactions({ userId, ...noFilter, page: { limit: 1, cursor: '' } });
    expect(await rejected(h.client.listCategories({ userId, page: { limit: 1, cursor: page!.nextCursor } }))).toMatchObject({ httpStatus: 422, code: 'LEDGER_INVALID_CURSOR', errors: [{ path: 'cursor' }] });
    expect(await rejected(h.client.listCategories({ userId, page: { limit: 500, cursor: '' } }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'limit' }] });
  });
});

describe('UpdateCategory', () => {
  test('changes the fields given; icon "" removes the icon; the new name shows in transactions', async () => {
    const userId = registerUser(h);
    const { category } = await h.client.createCategory({ userId, name: 'Fun', color: '#123456', icon: '🎉' });
    const { transaction } = await h.client.createTransaction(newTransaction(userId, { categoryId: category!.id }));
    const { category: renamed } = await h.client.updateCategory({ userId, id: category!.id, name: 'Leisure', icon: '' });
    expect(renamed).toMatchObject({ name: 'Leisure', color: '#123456', createdAt: category!.createdAt });
    expect(renamed!.icon).toBeUndefined();
    const { category: recoloured } = await h.client.updateCategory({ userId, id: category!.id, color: '#abcdef' });
    expect(recoloured).toMatchObject({ name: 'Leisure', color: '#ABCDEF' });
    expect((await h.client.getTransaction({ userId, id: transaction!.id })).transaction!.category).toEqual({ id: category!.id, name: 'Leisure', color: '#ABCDEF' });
  });

  test("renaming to another category's name is a 409; changing only its case is fine", async () => {
    const userId = registerUser(h);
    await createCategory(h, userId, 'Home');
    const car = await createCategory(h, userId, 'Car');
    expect(await rejected(h.client.updateCategory({ userId, id: car.id, name: 'HOME' }))).toMatchObject({ httpStatus: 409, code: 'LEDGER_CATEGORY_NAME_TAKEN' });
    expect((await h.client.updateCategory({ userId, id: car.id, name: 'CAR' })).category!.name).toBe('CAR');
  });

  test("another user's category is NOT_FOUND and unchanged; bad values are 422", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const category = await createCategory(h, owner, 'Mine');
    expect(await rejected(h.client.updateCategory({ userId: stranger, id: category.id, name: 'Stolen' }))).toMatchObject({ httpStatus: 404 });
    expect(await rejected(h.client.updateCategory({ userId: owner, id: category.id, color: 'blue' }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'color' }] });
    expect((await h.client.getCategory({ userId: owner, id: category.id })).category).toEqual(category);
  });
});

describe('DeleteCategory', () => {
  test('without reassign_to its transactions stay, uncategorized; ledger.category.deleted.v1 says so', async () => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId);
    const { transaction } = await h.client.createTransaction(newTransaction(userId, { categoryId: category.id }));
    await h.client.deleteCategory({ userId, id: category.id });
    expect(await rejected(h.client.getCategory({ userId, id: category.id }))).toMatchObject({ httpStatus: 404 });
    const after = (await h.client.getTransaction({ userId, id: transaction!.id })).transaction!;
    expect(after.categoryId).toBeUndefined();
    expect(after.category).toBeUndefined();
    const events = await waitFor(async () => {
      const found = await categoryDeletedEvents(category.id);
      return found.length ? found : undefined;
    }, { timeoutMs: 5000, message: 'ledger.category.deleted.v1' });
    expect(events).toEqual([{ event_id: expect.any(String), occurred_at: expect.any(String), user_id: userId, category_id: category.id, reassigned_to: null }]);
  });

  test('with reassign_to its transactions move there, and the event names it', async () => {
    const userId = registerUser(h);
    const from = await createCategory(h, userId, 'Old');
    const to = await createCategory(h, userId, 'New');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await h.client.createTransaction(newTransaction(userId, { categoryId: from.id }))).transaction!.id);
    await h.client.deleteCategory({ userId, id: from.id, reassignTo: to.id });
    const moved = await listAll(h, { userId, ...noFilter, categoryId: to.id });
    expect(moved.map((t) => t.id).sort()).toEqual(ids.sort());
    expect(moved.every((t) => t.category?.name === 'New')).toBe(true);
    const [event] = await waitFor(async () => {
      const found = await categoryDeletedEvents(from.id);
      return found.length ? found : undefined;
    }, { timeoutMs: 5000 });
    expect(event).toMatchObject({ user_id: userId, category_id: from.id, reassigned_to: to.id });
  });

  test.each([
    ['itself', (c: { id: string }) => c.id],
    ['an unknown category', () => randomUUID()],
    ['a malformed id', () => 'elsewhere'],
  ])('reassign_to %s → 422 on path reassign_to; nothing changes', async (_, target) => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId);
    const { transaction } = await h.client.createTransaction(newTransaction(userId, { categoryId: category.id }));
    expect(await rejected(h.client.deleteCategory({ userId, id: category.id, reassignTo: target(category) }))).toMatchObject({
      httpStatus: 422,
      code: 'LEDGER_UNKNOWN_CATEGORY',
      errors: [{ path: 'reassign_to' }],
    });
    expect((await h.client.getTransaction({ userId, id: transaction!.id })).transaction!.categoryId).toBe(category.id);
  });

  test("another user's category: deleting it is NOT_FOUND, reassigning to it is a 422", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const ownersCategory = await createCategory(h, owner);
    const strangersCategory = await createCategory(h, stranger);
    expect(await rejected(h.client.deleteCategory({ userId: stranger, id: ownersCategory.id }))).toMatchObject({ httpStatus: 404, code: 'LEDGER_CATEGORY_NOT_FOUND' });
    expect(await rejected(h.client.deleteCategory({ userId: stranger, id: strangersCategory.id, reassignTo: ownersCategory.id }))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'reassign_to' }],
    });
    await expect(h.client.getCategory({ userId: owner, id: ownersCategory.id })).resolves.toBeTruthy();
    await expect(h.client.getCategory({ userId: stranger, id: strangersCategory.id })).resolves.toBeTruthy();
  });

  test('two categories deleted at once, each reassigning to the other: one succeeds, the other is a 422, no deadlock', async () => {
    const userId = registerUser(h);
    const a = await createCategory(h, userId);
    const b = await createCategory(h, userId);
    await h.client.createTransaction(newTransaction(userId, { categoryId: a.id }));
    await h.client.createTransaction(newTransaction(userId, { categoryId: b.id }));
    const results = await Promise.allSettled([
      h.client.deleteCategory({ userId, id: a.id, reassignTo: b.id }),
      h.client.deleteCategory({ userId, id: b.id, reassignTo: a.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(await rejected(Promise.reject(failure.reason))).toMatchObject({ httpStatus: 422, errors: [{ path: 'reassign_to' }] });
    const remaining = await listAll(h, { userId, ...noFilter });
    expect(remaining).toHaveLength(2);
    expect(new Set(remaining.map((t) => t.categoryId)).size).toBe(1);
  });
});
