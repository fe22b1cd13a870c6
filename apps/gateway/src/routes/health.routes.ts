import type { HealthStatus } from '@finance/platform';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jsonResponse } from '../openapi-registry.js';
import { problemResponses, sendProblem } from '../plugins/problem.js';
import type { Readiness } from '../plugins/readiness.js';

/** Asks one backing service for its grpc.health.v1 status. */
export type HealthCheck = (timeoutMs: number) => Promise<HealthStatus>;

export interface HealthRoutesOptions {
  /** Every service the gateway needs, by name (`auth`, later `ledger`, …). */
  checks: Record<string, HealthCheck>;
  timeoutMs: number;
  /** This replica's own readiness (drained on SIGTERM): /health/ready. */
  readiness: Readiness;
}

const healthStatus = z.enum(['SERVING', 'NOT_SERVING', 'UNKNOWN', 'SERVICE_UNKNOWN', 'UNREACHABLE']);

const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  services: z.record(z.string(), healthStatus),
});

const probeSchema = z.object({ status: z.literal('ok') });

export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { checks, timeoutMs, readiness }) => {
  // Kubernetes' probes: about this replica only (a probe that asked the services would restart or
  // unplug every gateway when one service hiccups), never rate limited (the kubelet polls from one
  // address), no token.
  const probe = { public: true, rateLimit: false } as const;

  app.get(
    '/health/live',
    {
      config: probe,
      schema: {
        tags: ['operations'],
        operationId: 'healthLive',
        summary: 'Liveness of this gateway replica: 200 while the process runs',
        response: { 200: jsonResponse(probeSchema, 'The process answers') },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      config: probe,
      schema: {
        tags: ['operations'],
        operationId: 'healthReady',
        summary: 'Readiness of this gateway replica: 503 once it is shutting down (it still answers while draining)',
        response: { 200: jsonResponse(probeSchema, 'The replica takes new work'), ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (!readiness.ready) return sendProblem(request, reply, { status: 503, code: 'SHUTTING_DOWN', detail: 'This gateway replica is shutting down; send new requests to another one.' });
      return reply.send({ status: 'ok' });
    },
  );

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        operationId: 'health',
        summary: 'Readiness of the gateway and every service it needs',
        response: {
          200: jsonResponse(healthSchema, 'Every service answers SERVING'),
          503: jsonResponse(healthSchema, 'At least one service does not'),
        },
      },
    },
    async (_request, reply) => {
      const entries = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await check(timeoutMs).catch((): HealthStatus => 'UNREACHABLE')] as const),
      );
      const services = Object.fromEntries(entries);
      const ok = entries.every(([, status]) => status === 'SERVING');
      return reply
        .code(ok ? 200 : 503)
        .header('cache-control', 'no-store')
        .send({ status: ok ? 'ok' : 'unavailable', services });
    },
  );
};
