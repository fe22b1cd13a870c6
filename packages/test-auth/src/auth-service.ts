import { authConfigSchema, startAuthService, type RunningAuthService } from '@finance/auth';
import { createGrpcClient, createLogger, type GrpcClient } from '@finance/platform';
import { authV1 } from '@finance/proto';
import { testNatsUrl } from '@finance/testing';

export type AuthClient = GrpcClient<typeof authV1.AuthServiceService>;

/** TEST_LOG_LEVEL (default silent): `TEST_LOG_LEVEL=debug` shows every service's log. */
export const testLogLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

/** The environment every service of one harness shares, ready to spread into a config schema. */
export interface SharedServiceEnv {
  DATABASE_URL: string;
  NATS_URL: string;
  EVENT_NAMESPACE: string;
  LOG_LEVEL: typeof testLogLevel;
}

/** The shared environment of services on one (throw-away) database and one event namespace. */
export const sharedServiceEnv = (databaseUrl: string, namespace: string): SharedServiceEnv => ({
  DATABASE_URL: databaseUrl,
  NATS_URL: testNatsUrl(),
  EVENT_NAMESPACE: namespace,
  LOG_LEVEL: testLogLevel,
});

export interface TestAuthService {
  auth: RunningAuthService;
  /** A direct client (no proxy), for arranging users and for assertions. */
  authClient: AuthClient;
  /** Closes the client and stops auth. The database and the namespace's streams are the caller's. */
  stop(): Promise<void>;
}

/**
 * The real auth service in-process on an ephemeral port, on the database and event namespace of
 * `env` (its migrations create schema `auth` there), with a direct gRPC client. The caller owns the
 * database (`createTestDatabase`), since the services under test share it.
 */
export async function startTestAuthService(env: SharedServiceEnv): Promise<TestAuthService> {
  const auth = await startAuthService(authConfigSchema.parse({ ...env, AUTH_GRPC_ADDR: '127.0.0.1:0' }), createLogger('auth-test', testLogLevel));
  const authClient = createGrpcClient(authV1.AuthServiceService, auth.address);
  return {
    auth,
    authClient,
    async stop() {
      authClient.$channel.close();
      await auth.stop();
    },
  };
}

let counter = 0;

/** Registers a new user through auth; returns its id. */
export async function registerUser(h: { authClient: AuthClient }, prefix = 'user'): Promise<string> {
  const tag = `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
  const { user } = await h.authClient.registerUser({ email: `${tag}@example.com`, username: tag, password: 'correct horse 1' });
  return user!.id;
}

/** Changes the user's profile in auth (base currency, time zone). */
export async function updateProfile(h: { authClient: AuthClient }, userId: string, fields: { baseCurrency?: string; timezone?: string }) {
  await h.authClient.updateUser({ userId, notificationPreferences: undefined, ...fields });
}
