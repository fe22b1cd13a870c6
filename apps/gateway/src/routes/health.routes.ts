import type { HealthStatus } from '@finance/platform';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jsonResponse } from '../openapi-registry.js';

/** Asks one backing service for its grpc.health.v1 status. */
export type HealthCheck = (timeoutMs: number) => Promise<HealthStatus>;

export interface HealthRoutesOptions {
  /** Every service the gateway needs, by name (`auth`, later `ledger`, …). */
  checks: Record<string, HealthCheck>;
  timeoutMs: number;
}

const healthStatus = z.enum(['SERVING', 'NOT_SERVING', 'UNKNOWN', 'SERVICE_UNKNOWN', 'UNREACHABLE']);

const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  services: z.record(z.string(), healthStatus),
});

export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { checks, timeoutMs }) => {
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
