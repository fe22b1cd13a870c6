import { createLogger } from '@finance/platform';
import { ledgerV1 } from '@finance/proto';
import type { FastifyInstance } from 'fastify';
import { buildGateway, loadGatewayConfig, type BuildGatewayOptions } from '../../src/index.js';
import { FakeAuthService } from './fake-auth-service.js';
import { FakeBudgetingService } from './fake-budgeting-service.js';
import { FakeLedgerService } from './fake-ledger-service.js';
import { FakeReportingService } from './fake-reporting-service.js';

export interface TestGateway {
  app: FastifyInstance;
  /** The fake AuthService. */
  fake: FakeAuthService;
  ledger: FakeLedgerService;
  budgeting: FakeBudgetingService;
  reporting: FakeReportingService;
  /** Closes the gateway and stops every fake (those already stopped are skipped). */
  close(): Promise<void>;
}

/**
 * A gateway wired to a fresh fake AuthService, LedgerService, BudgetingService and ReportingService over real gRPC.
 * `env` overrides configuration.
 */
export async function startTestGateway(env: Record<string, string> = {}, extra: Partial<BuildGatewayOptions> = {}): Promise<TestGateway> {
  const fake = await FakeAuthService.start();
  const ledger = await FakeLedgerService.start();
  // As the real ledger does, a transaction without currency takes the user's base currency from auth.
  ledger.baseCurrencyOf = (userId) => fake.users.get(userId)?.user.baseCurrency ?? 'USD';
  const budgeting = await FakeBudgetingService.start();
  // As the real budgeting service does, it asks auth for base currencies and the ledger for categories and expenses.
  budgeting.baseCurrencyOf = ledger.baseCurrencyOf;
  budgeting.categoryOf = (userId, id) => {
    const category = ledger.categories.get(id);
    return category?.userId === userId ? category : undefined;
  };
  budgeting.expensesOf = (userId) =>
    [...ledger.transactions.values()]
      .filter((t) => t.userId === userId && t.type === ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE)
      .map((t) => ({ date: t.date, amount: t.amount, categoryId: t.categoryId }));
  const reporting = await FakeReportingService.start();
  // As the real reporting service does, it asks auth for base currencies, the ledger for categories
  // and sums, and budgeting for the budget status.
  reporting.baseCurrencyOf = ledger.baseCurrencyOf;
  reporting.categoryOf = budgeting.categoryOf;
  reporting.transactionsOf = (userId) =>
    [...ledger.transactions.values()]
      .filter((t) => t.userId === userId)
      .map((t) => ({ date: t.date, amount: t.amount, categoryId: t.categoryId, type: t.type === ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME ? 'income' : 'expense' }));
  reporting.budgetStatusOf = (userId, date) => budgeting.statusOn(userId, date);
  const config = loadGatewayConfig({
    AUTH_GRPC_ADDR: fake.address,
    LEDGER_GRPC_ADDR: ledger.address,
    BUDGETING_GRPC_ADDR: budgeting.address,
    REPORTING_GRPC_ADDR: reporting.address,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await buildGateway({ config, logger: createLogger('gateway-test', 'silent'), ...extra });
  return {
    app,
    fake,
    ledger,
    budgeting,
    reporting,
    close: async () => {
      await app.close();
      await fake.stop();
      await ledger.stop();
      await budgeting.stop();
      await reporting.stop();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
