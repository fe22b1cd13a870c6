import type { onRequestHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthClient } from '../clients.js';
import { decodeUtf8Body, parseFormBody } from '../json-body.js';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import { emailField, passwordField, toTokenPairResponse, toUserResponse, tokenPairSchema, userSchema, usernameField } from './schemas.js';

export interface AuthRoutesOptions {
  auth: AuthClient;
  /** The `/auth/*` limiter: one bucket per client address shared by every route here. */
  rateLimit: onRequestHookHandler;
  bodyLimit: number;
}

const registerBody = z.object({
  email: emailField,
  username: usernameField,
  password: passwordField,
});

// The OAuth2 password grant (RFC 6749 §4.3) as Swagger UI's Authorize sends it; `grant_type`,
// `scope`, `client_id`, `client_secret` may come along and are ignored.
const loginBody = z.object({
  username: doc(z.string().min(1).max(254), 'Username or email address'),
  password: z.string().min(1).max(1024),
});

const refreshTokenBody = z.object({ refresh_token: z.string().min(1).max(4096) });

// Token answers must not be stored by caches on the way (RFC 6749 §5.1).
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { auth, rateLimit, bodyLimit }) => {
  const limited = { rateLimit: false as const, public: true };

  app.post(
    '/auth/register',
    {
      config: limited,
      onRequest: [rateLimit],
      schema: {
        tags: ['auth'],
        operationId: 'registerUser',
        summary: 'Create an account',
        description: 'Email and username must be unused (compared case-insensitively).',
        body: registerBody,
        response: { 201: jsonResponse(userSchema, 'The new account'), ...problemResponses(400, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { user } = await auth.registerUser(request.body, { requestId: request.id });
      return reply.code(201).send(toUserResponse(user));
    },
  );

  // Login alone also accepts an HTML form body, so its parser lives in this scope only. Its bytes
  // and %-escapes are decoded strictly as UTF-8 (400 INVALID_UTF8 otherwise), like JSON bodies.
  await app.register(async (form) => {
    form.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
      try {
        done(null, parseFormBody(decodeUtf8Body(body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    form.withTypeProvider<ZodTypeProvider>().post(
      '/auth/login',
      {
        config: limited,
        onRequest: [rateLimit],
        schema: {
          tags: ['auth'],
          operationId: 'loginUser',
          summary: 'Log in (OAuth2 password grant)',
          description:
            'JSON `{username, password}` or form-urlencoded `username`, `password` (the OAuth2 password grant, so the Authorize button of these docs works). ' +
            '`username` may be the email. Wrong username or password answer the same 401. After 10 failed logins for one account within 15 minutes, 429 with `Retry-After`.',
          consumes: ['application/json', 'application/x-www-form-urlencoded'],
          body: loginBody,
          response: { 200: jsonResponse(tokenPairSchema, 'Logged in'), ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
        },
      },
      async (request, reply) => {
        const { tokens } = await auth.loginUser({ identifier: request.body.username, password: request.body.password }, { requestId: request.id });
        return reply.headers(NO_STORE).send(toTokenPairResponse(tokens));
      },
    );
  });

  app.post(
    '/auth/refresh',
    {
      config: limited,
      onRequest: [rateLimit],
      schema: {
        tags: ['auth'],
        operationId: 'refreshSession',
        summary: 'Exchange a refresh token for a new pair',
        description: 'The presented refresh token stops working (rotation); presenting it again → 401 and the whole login session is revoked.',
        body: refreshTokenBody,
        response: { 200: jsonResponse(tokenPairSchema, 'A new pair'), ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { tokens } = await auth.refreshSession({ refreshToken: request.body.refresh_token }, { requestId: request.id });
      return reply.headers(NO_STORE).send(toTokenPairResponse(tokens));
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { rateLimit: false },
      onRequest: [rateLimit],
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        summary: 'End a login session',
        description: 'The login session of `refresh_token` ends: its refresh tokens stop working, and so do its access tokens (at once). Another session of the caller may be ended this way too.',
        body: refreshTokenBody,
        response: { 204: doc(z.undefined(), 'Logged out'), ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { sessionId } = await auth.revokeSession({ userId, refreshToken: request.body.refresh_token }, { requestId: request.id });
      // This replica refuses the ended session's access tokens at once (the caller's next request
      // included); the others learn of it from auth.session.revoked.v1.
      if (sessionId) app.revocations.revokeSession(sessionId);
      return reply.code(204).send();
    },
  );
};
