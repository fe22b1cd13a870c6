import { status } from '@grpc/grpc-js';
import { createGrpcClient, isServiceError, type GrpcClient } from '@finance/platform';
import { authV1 } from '@finance/proto';
import type { UserDirectory } from '../../application/context.js';
import { errors } from '../../domain/errors.js';
import { dependencyFailure } from './dependency-errors.js';

export type AuthClient = GrpcClient<typeof authV1.AuthServiceService>;

export function createAuthClient(address: string): AuthClient {
  return createGrpcClient(authV1.AuthServiceService, address, { deadlineMs: 3000 });
}

/** The UserDirectory port over auth's gRPC API; auth's failures become budgeting's own errors. */
export function authUserDirectory(client: AuthClient): UserDirectory {
  return {
    async profileOf(userId) {
      let user: authV1.User | undefined;
      try {
        ({ user } = await client.getUser({ userId }));
      } catch (err) {
        if (isServiceError(err) && (err.code === status.UNAUTHENTICATED || err.code === status.NOT_FOUND)) throw errors.userNotFound();
        throw dependencyFailure('auth', err) ?? err;
      }
      if (!user) throw errors.userNotFound();
      return { baseCurrency: user.baseCurrency, timezone: user.timezone };
    },
  };
}
