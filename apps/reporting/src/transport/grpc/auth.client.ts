import { createGrpcClient, type GrpcClient } from '@finance/platform';
import { authV1 } from '@finance/proto';
import type { UserDirectory } from '../../application/context.js';
import { errors } from '../../domain/errors.js';
import { callOptions, dependencyError } from './dependency-errors.js';

export type AuthClient = GrpcClient<typeof authV1.AuthServiceService>;

const AUTH_DEADLINE_MS = 3000;

export function createAuthClient(address: string): AuthClient {
  return createGrpcClient(authV1.AuthServiceService, address, { deadlineMs: AUTH_DEADLINE_MS });
}

/** The UserDirectory port over auth's gRPC API; auth's failures become reporting's own errors. */
export function authUserDirectory(client: AuthClient): UserDirectory {
  return {
    async profileOf(userId, scope) {
      let user: authV1.User | undefined;
      try {
        ({ user } = await client.getUser({ userId }, callOptions(scope, AUTH_DEADLINE_MS)));
      } catch (err) {
        throw dependencyError('auth', err);
      }
      if (!user) throw errors.userNotFound();
      return { baseCurrency: user.baseCurrency };
    },
  };
}
