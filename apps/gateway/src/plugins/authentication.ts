import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { TokenRejectedError, type AccessTokenVerifier, type AuthContext } from '../security/access-token-verifier.js';
import { HttpProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without an access token (API.md: register, login, refresh, health, docs). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** Set on every non-public route once the bearer token is verified. */
    auth: AuthContext | null;
  }
}

/** Paths served by plugins (swagger-ui) that cannot carry route config. */
const PUBLIC_PREFIXES = ['/docs'];

export function isPublicRoute(url: string, config: { public?: boolean } | undefined): boolean {
  return config?.public === true || PUBLIC_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function unauthorized(code: string, detail: string, challenge: string): HttpProblem {
  return new HttpProblem(401, code, detail, { headers: { 'www-authenticate': challenge } });
}

const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/**
 * Answers to an access token are the caller's own data: no shared or browser cache may keep them
 * (RFC 9111 `no-store`). Set on every authenticated route before anything can fail, so errors carry it too.
 */
const noStore: onRequestHookHandler = (_request, reply, done) => {
  reply.header('cache-control', 'no-store');
  done();
};

/**
 * Requires `Authorization: Bearer <access token>` on every route that is not public. The check is
 * added per route (after the rate limiter's hook, so floods are limited before any crypto) and runs
 * before the body is read, so an unauthenticated caller learns nothing about validation.
 */
export function registerAuthentication(app: FastifyInstance, verify: AccessTokenVerifier): void {
  app.decorateRequest('auth', null);

  const authenticate: onRequestHookHandler = async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') {
      throw unauthorized('TOKEN_MISSING', 'This endpoint needs an access token: Authorization: Bearer <token>.', 'Bearer');
    }
    const match = BEARER.exec(header);
    if (!match?.[1]) {
      throw unauthorized('TOKEN_INVALID', 'The Authorization header must be "Bearer <access token>".', INVALID_TOKEN_CHALLENGE);
    }
    try {
      request.auth = await verify(match[1]);
    } catch (err) {
      if (!(err instanceof TokenRejectedError)) throw err;
      request.log.info({ reason: err.reason, why: err.message }, 'access token refused');
      if (err.reason === 'expired') {
        throw unauthorized('TOKEN_EXPIRED', 'The access token has expired; refresh it.', `${INVALID_TOKEN_CHALLENGE}, error_description="The access token expired"`);
      }
      if (err.reason === 'revoked') throw unauthorized('TOKEN_REVOKED', 'The access token has been revoked.', INVALID_TOKEN_CHALLENGE);
      throw unauthorized('TOKEN_INVALID', 'The access token is invalid.', INVALID_TOKEN_CHALLENGE);
    }
  };

  app.addHook('onRoute', (route) => {
    if (isPublicRoute(route.url, route.config)) return;
    const existing = route.onRequest;
    const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    // noStore first, so that every answer of the route, a 401 or 429 included, carries it.
    route.onRequest = [noStore, ...hooks, authenticate];
  });
}

/** The verified caller of a protected route (the hook guarantees it is set). */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new HttpProblem(401, 'TOKEN_MISSING', 'This endpoint needs an access token.', { headers: { 'www-authenticate': 'Bearer' } });
  return request.auth;
}
