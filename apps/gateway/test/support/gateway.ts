import { randomUUID } from 'node:crypto';
import { createLogger } from '@finance/platform';
import { authV1, budgetingV1, currencyV1, goalsV1, ledgerV1, notificationsV1, reportingV1 } from '@finance/proto';
import { GrpcStub } from '@finance/testing';
import type { FastifyInstance } from 'fastify';
import { buildGateway, loadGatewayConfig, type BuildGatewayOptions } from '../../src/index.js';
import { mintAccessToken, newSigningKey, type MintOptions, type SigningKey } from './tokens.js';

export type AuthStub = GrpcStub<typeof authV1.AuthServiceService>;
export type LedgerStub = GrpcStub<typeof ledgerV1.LedgerServiceService>;
export type BudgetingStub = GrpcStub<typeof budgetingV1.BudgetingServiceService>;
export type ReportingStub = GrpcStub<typeof reportingV1.ReportingServiceService>;
export type GoalsStub = GrpcStub<typeof goalsV1.GoalsServiceService>;
export type CurrencyStub = GrpcStub<typeof currencyV1.CurrencyServiceService>;
export type NotificationsStub = GrpcStub<typeof notificationsV1.NotificationsServiceService>;

export interface TestGateway {
  app: FastifyInstance;
  /** Scripted stand-ins of the services, each a real gRPC server. Auth answers ListPublicKeys with `publishedKeys`. */
  auth: AuthStub;
  ledger: LedgerStub;
  budgeting: BudgetingStub;
  reporting: ReportingStub;
  goals: GoalsStub;
  currency: CurrencyStub;
  notifications: NotificationsStub;
  /** The key tokens are signed with (see `mint`). */
  signingKey: SigningKey;
  /** What auth's ListPublicKeys answers. */
  publishedKeys: SigningKey[];
  /** Publishes a new key and signs with it from now on (the old one stays published). */
  rotateKey(): Promise<SigningKey>;
  /** An access token as auth would issue it, signed with `signingKey` unless `options.key` says otherwise. */
  mint(options: MintOptions): Promise<string>;
  /** A new caller: a fresh user id and a valid access token for it. */
  caller(): Promise<{ userId: string; sessionId: string; token: string }>;
  /** Every stub forgets its calls, scripts, outage and delay; auth keeps publishing the keys. */
  reset(): void;
  /** Closes the gateway and stops every stub (those already stopped are skipped). */
  close(): Promise<void>;
}

/**
 * A gateway wired to scripted stubs of AuthService, LedgerService, BudgetingService,
 * ReportingService, GoalsService, CurrencyService and NotificationsService over real gRPC, each at its `<SERVICE>_GRPC_ADDR`. `env` overrides configuration.
 */
export async function startTestGateway(env: Record<string, string> = {}, extra: Partial<BuildGatewayOptions> = {}): Promise<TestGateway> {
  const [auth, ledger, budgeting, reporting, goals, currency, notifications] = await Promise.all([
    GrpcStub.start(authV1.AuthServiceService),
    GrpcStub.start(ledgerV1.LedgerServiceService),
    GrpcStub.start(budgetingV1.BudgetingServiceService),
    GrpcStub.start(reportingV1.ReportingServiceService),
    GrpcStub.start(goalsV1.GoalsServiceService),
    GrpcStub.start(currencyV1.CurrencyServiceService),
    GrpcStub.start(notificationsV1.NotificationsServiceService),
  ]);
  const signingKey = await newSigningKey();
  const config = loadGatewayConfig({
    AUTH_GRPC_ADDR: auth.address,
    LEDGER_GRPC_ADDR: ledger.address,
    BUDGETING_GRPC_ADDR: budgeting.address,
    REPORTING_GRPC_ADDR: reporting.address,
    GOALS_GRPC_ADDR: goals.address,
    CURRENCY_GRPC_ADDR: currency.address,
    NOTIFICATIONS_GRPC_ADDR: notifications.address,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await buildGateway({ config, logger: createLogger('gateway-test', 'silent'), ...extra });
  const gw: TestGateway = {
    app,
    auth,
    ledger,
    budgeting,
    reporting,
    goals,
    currency,
    notifications,
    signingKey,
    publishedKeys: [signingKey],
    async rotateKey() {
      gw.signingKey = await newSigningKey();
      gw.publishedKeys = [...gw.publishedKeys, gw.signingKey];
      return gw.signingKey;
    },
    mint: (options) => mintAccessToken(gw.signingKey, options),
    async caller() {
      const userId = randomUUID();
      const sessionId = randomUUID();
      return { userId, sessionId, token: await gw.mint({ sub: userId, sid: sessionId }) };
    },
    reset() {
      for (const stub of [auth, ledger, budgeting, reporting, goals, currency, notifications] as GrpcStub<any>[]) stub.reset();
      publishKeys();
    },
    close: async () => {
      await app.close();
      await Promise.all([auth.stop(), ledger.stop(), budgeting.stop(), reporting.stop(), goals.stop(), currency.stop(), notifications.stop()]);
    },
  };
  const publishKeys = () => auth.on('listPublicKeys', () => ({ keys: gw.publishedKeys.map((k) => k.publicJwk) }));
  publishKeys();
  return gw;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

