import { randomUUID } from 'node:crypto';
import { formatMoney, MoneyError, parseMoney, type Money } from '@finance/money';
import { DomainError, invalidField, type AsyncServiceImplementation } from '@finance/platform';
import { GrpcFake } from './grpc-fake.js';
import { ledgerV1, type commonV1 } from '@finance/proto';

const { TransactionType } = ledgerV1;

interface StoredTransaction {
  id: string;
  userId: string;
  amount: Money;
  type: ledgerV1.TransactionType;
  /** YYYY-MM-DD */
  date: string;
  description: string;
  categoryId: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

interface StoredCategory {
  id: string;
  userId: string;
  name: string;
  color: string;
  icon: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const COLOR = /^#[0-9A-Fa-f]{6}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Error codes and details as the ledger's (apps/ledger/src/domain/errors.ts), so the gateway is
// tested against the answers it will really get.
const notFound = {
  transaction: () => new DomainError('not_found', 'LEDGER_TRANSACTION_NOT_FOUND', 'Transaction not found.'),
  category: () => new DomainError('not_found', 'LEDGER_CATEGORY_NOT_FOUND', 'Category not found.'),
};

function dateText(date: commonV1.DateMessage | undefined, path: string): string {
  if (!date) throw invalidField('LEDGER_INVALID_FIELDS', path, 'is required');
  const { year, month, day } = date;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || year > 9999 || probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw invalidField('LEDGER_INVALID_FIELDS', path, 'is not a calendar date');
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toProtoDate(text: string): commonV1.DateMessage {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** Keyset cursor over (date desc, created_at desc, id desc), opaque to callers. */
function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, arity: number): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((part) => typeof part === 'string')) return key;
  } catch {
    // fall through
  }
  throw invalidField('LEDGER_INVALID_CURSOR', 'cursor', 'is not a cursor this service issued');
}

function pageLimit(page: commonV1.PageRequest | undefined): number {
  const limit = page?.limit ?? 0;
  if (limit === 0) return DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) throw invalidField('LEDGER_INVALID_FIELDS', 'limit', 'must be from 1 to 200');
  return limit;
}

function compareDesc(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! > b[i]! ? -1 : 1;
  }
  return 0;
}

/**
 * An in-memory LedgerService that keeps the contract (API.md / ledger.proto) strictly enough for
 * the gateway to be tested against it over real gRPC: rows of other users are NOT_FOUND, amounts
 * are parsed with the currency's precision, idempotency keys replay or refuse, keyset cursors are
 * opaque and checked, a category delete reassigns or uncategorizes.
 */
export class FakeLedgerService extends GrpcFake {
  readonly transactions = new Map<string, StoredTransaction>();
  readonly categories = new Map<string, StoredCategory>();
  /** The user's base currency, for transactions without one (the real ledger asks auth). */
  baseCurrencyOf: (userId: string) => string = () => 'USD';
  private readonly idempotency = new Map<string, { fingerprint: string; response: ledgerV1.CreateTransactionResponse }>();
  private clockMs = Date.parse('2026-03-01T09:00:00.000Z');

  static async start(): Promise<FakeLedgerService> {
    const fake = new FakeLedgerService();
    await fake.serve(ledgerV1.LedgerServiceService, fake.implementation(), 'fake-ledger');
    return fake;
  }

  /** A deterministic clock: every write is one second after the previous one. */
  private now(): Date {
    this.clockMs += 1000;
    return new Date(this.clockMs);
  }

  seedCategory(userId: string, fields: Partial<Pick<StoredCategory, 'name' | 'color' | 'icon'>> = {}): StoredCategory {
    const now = this.now();
    const category: StoredCategory = {
      id: randomUUID(),
      userId,
      name: fields.name ?? `Category ${this.categories.size + 1}`,
      color: fields.color ?? '#336699',
      icon: fields.icon,
      createdAt: now,
      updatedAt: now,
    };
    this.categories.set(category.id, category);
    return category;
  }

  seedTransaction(userId: string, fields: Partial<Omit<StoredTransaction, 'id' | 'userId' | 'amount'>> & { amount?: string; currency?: string } = {}): StoredTransaction {
    const now = this.now();
    const transaction: StoredTransaction = {
      id: randomUUID(),
      userId,
      amount: parseMoney(fields.amount ?? '10.00', fields.currency ?? 'USD'),
      type: fields.type ?? TransactionType.TRANSACTION_TYPE_EXPENSE,
      date: fields.date ?? '2026-03-01',
      description: fields.description ?? '',
      categoryId: fields.categoryId,
      createdAt: now,
      updatedAt: now,
    };
    this.transactions.set(transaction.id, transaction);
    return transaction;
  }

  private requireUser(userId: string): void {
    if (!UUID.test(userId)) throw invalidField('LEDGER_INVALID_FIELDS', 'user_id', 'must be a UUID');
  }

  private ownTransaction(userId: string, id: string): StoredTransaction {
    const found = this.transactions.get(id);
    if (!found || found.userId !== userId) throw notFound.transaction();
    return found;
  }

  private ownCategory(userId: string, id: string): StoredCategory {
    const found = this.categories.get(id);
    if (!found || found.userId !== userId) throw notFound.category();
    return found;
  }

  /** A category named in a transaction: someone else's or a missing one is an invalid field, not a 404. */
  private categoryField(userId: string, id: string, path: string): string {
    const found = this.categories.get(id);
    if (!found || found.userId !== userId) throw invalidField('LEDGER_UNKNOWN_CATEGORY', path, 'is not one of your categories');
    return id;
  }

  private amount(text: string, currency: string): Money {
    try {
      return parseMoney(text, currency, { requirePositive: true });
    } catch (err) {
      if (err instanceof MoneyError) {
        throw invalidField('LEDGER_INVALID_FIELDS', err.reason === 'unknown_currency' ? 'currency' : 'amount', err.message);
      }
      throw err;
    }
  }

  private type(type: ledgerV1.TransactionType): ledgerV1.TransactionType {
    if (type !== TransactionType.TRANSACTION_TYPE_INCOME && type !== TransactionType.TRANSACTION_TYPE_EXPENSE) {
      throw invalidField('LEDGER_INVALID_FIELDS', 'transaction_type', 'must be income or expense');
    }
    return type;
  }

  private description(text: string): string {
    if ([...text].length > 1000) throw invalidField('LEDGER_INVALID_FIELDS', 'description', 'must be at most 1000 characters');
    return text;
  }

  private toTransaction(row: StoredTransaction): ledgerV1.Transaction {
    const category = row.categoryId ? this.categories.get(row.categoryId) : undefined;
    return {
      id: row.id,
      userId: row.userId,
      amount: { minorUnits: row.amount.minor.toString(), currency: row.amount.currency },
      transactionType: row.type,
      date: toProtoDate(row.date),
      description: row.description,
      categoryId: row.categoryId,
      category: category && { id: category.id, name: category.name, color: category.color, icon: category.icon },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  private toCategory(row: StoredCategory): ledgerV1.Category {
    return { id: row.id, name: row.name, color: row.color, icon: row.icon, createdAt: row.createdAt, updatedAt: row.updatedAt };
  }

  private categoryName(userId: string, name: string, except?: string): string {
    const trimmed = name.trim();
    if ([...trimmed].length < 1 || [...trimmed].length > 100) throw invalidField('LEDGER_INVALID_FIELDS', 'name', 'must be 1 to 100 characters');
    for (const other of this.categories.values()) {
      if (other.userId === userId && other.id !== except && other.name.toLowerCase() === trimmed.toLowerCase()) {
        throw new DomainError('already_exists', 'LEDGER_CATEGORY_NAME_TAKEN', 'You already have a category with this name.', { errors: [{ path: 'name', message: 'is taken' }] });
      }
    }
    return trimmed;
  }

  private color(color: string): string {
    if (!COLOR.test(color)) throw invalidField('LEDGER_INVALID_FIELDS', 'color', 'must be #RRGGBB');
    return color;
  }

  private implementation(): AsyncServiceImplementation<typeof ledgerV1.LedgerServiceService> {
    const rpc =
      <Req, Res>(name: string, body: (request: Req) => Res) =>
      async (request: Req, context: { requestId: string }): Promise<Res> => {
        await this.enter(name, request, context);
        this.requireUser((request as { userId: string }).userId);
        return body(request);
      };

    return {
      createTransaction: rpc('createTransaction', (req: ledgerV1.CreateTransactionRequest): ledgerV1.CreateTransactionResponse => {
        const { idempotencyKey, ...rest } = req;
        const fingerprint = JSON.stringify(rest);
        const slot = idempotencyKey === undefined ? undefined : `${req.userId}:${idempotencyKey}`;
        const earlier = slot === undefined ? undefined : this.idempotency.get(slot);
        if (earlier) {
          if (earlier.fingerprint !== fingerprint) {
            throw invalidField('LEDGER_IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key', 'was already used with a different request');
          }
          return { ...earlier.response, replayed: true };
        }
        const currency = req.currency ?? this.baseCurrencyOf(req.userId);
        const now = this.now();
        const row: StoredTransaction = {
          id: randomUUID(),
          userId: req.userId,
          amount: this.amount(req.amount, currency),
          type: this.type(req.transactionType),
          date: dateText(req.date, 'date'),
          description: this.description(req.description),
          categoryId: req.categoryId === undefined ? undefined : this.categoryField(req.userId, req.categoryId, 'category_id'),
          createdAt: now,
          updatedAt: now,
        };
        this.transactions.set(row.id, row);
        const response = { transaction: this.toTransaction(row), replayed: false };
        if (slot !== undefined) this.idempotency.set(slot, { fingerprint, response });
        return response;
      }),

      getTransaction: rpc('getTransaction', (req: ledgerV1.GetTransactionRequest) => ({ transaction: this.toTransaction(this.ownTransaction(req.userId, req.id)) })),

      listTransactions: rpc('listTransactions', (req: ledgerV1.ListTransactionsRequest): ledgerV1.ListTransactionsResponse => {
        const limit = pageLimit(req.page);
        const after = decodeCursor(req.page?.cursor ?? '', 3) as string[] | undefined;
        const from = req.from && dateText(req.from, 'from');
        const to = req.to && dateText(req.to, 'to');
        const type = req.transactionType;
        const needle = req.q?.toLowerCase();
        const key = (t: StoredTransaction) => [t.date, t.createdAt.toISOString(), t.id];
        const rows = [...this.transactions.values()]
          .filter(
            (t) =>
              t.userId === req.userId &&
              (from === undefined || t.date >= from) &&
              (to === undefined || t.date <= to) &&
              (type === TransactionType.TRANSACTION_TYPE_UNSPECIFIED || t.type === type) &&
              (req.categoryId === undefined || t.categoryId === req.categoryId) &&
              (needle === undefined || t.description.toLowerCase().includes(needle)),
          )
          .sort((a, b) => compareDesc(key(a), key(b)))
          .filter((t) => after === undefined || compareDesc(key(t), after) > 0);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return { items: page.map((t) => this.toTransaction(t)), page: { nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : '' } };
      }),

      updateTransaction: rpc('updateTransaction', (req: ledgerV1.UpdateTransactionRequest): ledgerV1.UpdateTransactionResponse => {
        const row = this.ownTransaction(req.userId, req.id);
        const currency = req.currency ?? row.amount.currency;
        const next: StoredTransaction = {
          ...row,
          amount: req.amount !== undefined || req.currency !== undefined ? this.amount(req.amount ?? formatMoney(row.amount), currency) : row.amount,
          type: req.transactionType === TransactionType.TRANSACTION_TYPE_UNSPECIFIED ? row.type : this.type(req.transactionType),
          date: req.date ? dateText(req.date, 'date') : row.date,
          description: req.description === undefined ? row.description : this.description(req.description),
          categoryId:
            req.categoryId === undefined ? row.categoryId : req.categoryId === '' ? undefined : this.categoryField(req.userId, req.categoryId, 'category_id'),
          updatedAt: this.now(),
        };
        this.transactions.set(row.id, next);
        return { transaction: this.toTransaction(next) };
      }),

      deleteTransaction: rpc('deleteTransaction', (req: ledgerV1.DeleteTransactionRequest) => {
        this.ownTransaction(req.userId, req.id);
        this.transactions.delete(req.id);
        return {};
      }),

      createCategory: rpc('createCategory', (req: ledgerV1.CreateCategoryRequest): ledgerV1.CreateCategoryResponse => {
        const now = this.now();
        const row: StoredCategory = {
          id: randomUUID(),
          userId: req.userId,
          name: this.categoryName(req.userId, req.name),
          color: this.color(req.color),
          icon: req.icon || undefined,
          createdAt: now,
          updatedAt: now,
        };
        this.categories.set(row.id, row);
        return { category: this.toCategory(row) };
      }),

      getCategory: rpc('getCategory', (req: ledgerV1.GetCategoryRequest) => ({ category: this.toCategory(this.ownCategory(req.userId, req.id)) })),

      listCategories: rpc('listCategories', (req: ledgerV1.ListCategoriesRequest): ledgerV1.ListCategoriesResponse => {
        const limit = pageLimit(req.page);
        const after = decodeCursor(req.page?.cursor ?? '', 2) as string[] | undefined;
        // Ascending by (lower-case name, id): compareDesc on the negated order.
        const key = (c: StoredCategory) => [c.name.toLowerCase(), c.id];
        const rows = [...this.categories.values()]
          .filter((c) => c.userId === req.userId)
          .sort((a, b) => compareDesc(key(b), key(a)))
          .filter((c) => after === undefined || compareDesc(after, key(c)) > 0);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return { items: page.map((c) => this.toCategory(c)), page: { nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : '' } };
      }),

      updateCategory: rpc('updateCategory', (req: ledgerV1.UpdateCategoryRequest): ledgerV1.UpdateCategoryResponse => {
        const row = this.ownCategory(req.userId, req.id);
        const next: StoredCategory = {
          ...row,
          name: req.name === undefined ? row.name : this.categoryName(req.userId, req.name, row.id),
          color: req.color === undefined ? row.color : this.color(req.color),
          icon: req.icon === undefined ? row.icon : req.icon || undefined,
          updatedAt: this.now(),
        };
        this.categories.set(row.id, next);
        return { category: this.toCategory(next) };
      }),

      deleteCategory: rpc('deleteCategory', (req: ledgerV1.DeleteCategoryRequest) => {
        this.ownCategory(req.userId, req.id);
        if (req.reassignTo !== undefined) {
          if (req.reassignTo === req.id) throw invalidField('LEDGER_INVALID_FIELDS', 'reassign_to', 'must be another category');
          this.categoryField(req.userId, req.reassignTo, 'reassign_to');
        }
        for (const t of this.transactions.values()) {
          if (t.categoryId === req.id) t.categoryId = req.reassignTo;
        }
        this.categories.delete(req.id);
        return {};
      }),

      sumTransactions: rpc('sumTransactions', (): ledgerV1.SumTransactionsResponse => {
        throw new DomainError('failed_precondition', 'FAKE_NOT_IMPLEMENTED', 'SumTransactions is not part of this fake.');
      }),
    };
  }
}
