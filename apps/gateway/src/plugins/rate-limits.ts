import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { HttpProblem } from './problem.js';

export interface RateLimitSettings {
  /** Requests per minute per client address, every route but `/auth/*`. */
  perMinute: number;
  /** Requests per minute per client address over all `/auth/*` routes together. */
  authPerMinute: number;
}

const MINUTE_MS = 60_000;

/**
 * Per-address limits, in memory (each replica counts on its own; a Redis store can be plugged in
 * later without changing routes). Returns the `/auth/*` limiter for those routes to use; every
 * other route, the docs and unknown paths get the global one.
 */
export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<{ authLimiter: onRequestHookHandler }> {
  await app.register(rateLimit, {
    global: true,
    max: settings.perMinute,
    timeWindow: MINUTE_MS,
    errorResponseBuilder: (_request, context) => {
      const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HttpProblem(429, 'RATE_LIMITED', `Too many requests from this address; retry in ${retryAfter} s.`, {
        headers: { 'retry-after': String(retryAfter) },
      });
    },
  });
  // One limiter (one store) shared by all auth routes, so they count together.
  const authLimiter = app.rateLimit({ max: settings.authPerMinute, timeWindow: MINUTE_MS }) as unknown as onRequestHookHandler;
  return { authLimiter };
}
