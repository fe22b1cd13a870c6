import swagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { openApiRegistry } from '../openapi-registry.js';
import { isPublicRoute } from './authentication.js';
import { PROBLEM_TYPE_PREFIX } from './problem.js';

export const SECURITY_SCHEMES = {
  // Swagger UI's Authorize button: it posts the password grant form to /auth/login.
  oauth2: {
    type: 'oauth2',
    description: 'Log in with username (or email) and password; the access token is sent as a Bearer token.',
    flows: { password: { tokenUrl: '/auth/login', scopes: {} } },
  },
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /auth/login or /auth/refresh.' },
} as const;

const PROTECTED: Record<string, string[]>[] = [{ oauth2: [] }, { bearer: [] }];

const DESCRIPTION = `Personal finance API.

Authenticate with \`Authorization: Bearer <access_token>\` (from \`POST /auth/login\`) on every path
except \`/auth/register\`, \`/auth/login\`, \`/auth/refresh\`, \`/health\` (also \`/health/live\` and
\`/health/ready\`, a replica's own probes) and \`/docs\`.

Errors are RFC 9457 \`application/problem+json\` with \`type\`, \`title\`, \`status\`, \`detail\`, a stable
\`code\` and the request id as \`instance\`; invalid fields (422) add \`errors: [{path, message}]\`.
Problem types are \`${PROBLEM_TYPE_PREFIX}<name>\` with name one of malformed-request (400),
unauthorized (401), not-found (404), conflict (409), payload-too-large (413), unsupported-media-type (415),
validation-failed (422), rate-limited (429, with \`Retry-After\`), internal-error (500),
service-unavailable (503), upstream-timeout (504).

Every answer carries \`x-request-id\` (yours if you sent a sane one).`;

const REF = /"#\/components\/schemas\/([^"]+)"/g;

/**
 * The zod transform publishes every registered component in an input and an output variant;
 * keep only those the paths actually reference (directly or through other components).
 */
function pruneUnusedSchemas<D extends { paths?: unknown; components?: { schemas?: Record<string, unknown> } }>(document: D): D {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const used = new Set<string>();
  const pending = [JSON.stringify(document.paths ?? {})];
  while (pending.length) {
    for (const [, id] of pending.pop()!.matchAll(REF)) {
      const name = decodeURIComponent(id!);
      if (used.has(name) || !(name in schemas)) continue;
      used.add(name);
      pending.push(JSON.stringify(schemas[name]));
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...document.components, schemas: kept } };
}

type Transformed = ReturnType<SwaggerTransform>;

/**
 * The zod transform keeps only `description` and `content` of a response; response headers
 * (`headers: { Name: { type, description } }`, plain JSON Schema) are carried over here.
 */
function withResponseHeaders(source: unknown, result: Transformed): Transformed {
  const responses = (source as { response?: Record<string, { headers?: unknown }> } | undefined)?.response;
  const transformed = (result.schema as { response?: Record<string, Record<string, unknown>> } | undefined)?.response;
  if (!responses || !transformed) return result;
  for (const [status, response] of Object.entries(responses)) {
    const target = transformed[status];
    if (response?.headers && target) target.headers = response.headers;
  }
  return result;
}

/** `/docs` (Swagger UI) and `/docs/json` (OpenAPI 3.1), generated from the same zod schemas that validate. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  const zodTransform = createJsonSchemaTransform({ schemaRegistry: openApiRegistry });
  const transform: SwaggerTransform = (input) => {
    const result = withResponseHeaders(input.schema, zodTransform(input));
    const schema = result.schema as Record<string, unknown>;
    // Security follows the same rule the authentication hook enforces, so docs and behaviour agree.
    if (!schema.hide && !isPublicRoute(input.url, input.route.config as { public?: boolean } | undefined)) {
      return { ...result, schema: { ...schema, security: PROTECTED } };
    }
    return result;
  };

  const zodTransformObject = createJsonSchemaTransformObject({ schemaRegistry: openApiRegistry });
  const transformObject: SwaggerTransformObject = (document) => pruneUnusedSchemas(zodTransformObject(document));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Finance Tracker API', version, description: DESCRIPTION },
      tags: [
        { name: 'auth', description: 'Accounts and sessions' },
        { name: 'users', description: 'The caller’s account' },
        { name: 'transactions', description: 'Income and expenses' },
        { name: 'categories', description: 'The caller’s transaction categories' },
        { name: 'budgets', description: 'Spending limits per period, and how much of them is spent' },
        { name: 'recurring', description: 'Recurring transaction templates and their occurrences' },
        { name: 'goals', description: 'Savings goals and the transactions contributed to them' },
        { name: 'notifications', description: 'Budget alerts, goal milestones and reminders of upcoming recurring transactions' },
        { name: 'analytics', description: 'Summaries over the caller’s data' },
        { name: 'currencies', description: 'ISO 4217 currencies, ECB exchange rates and conversion' },
        { name: 'export', description: 'Your data as files' },
        { name: 'operations', description: 'Health' },
      ],
      components: { securitySchemes: SECURITY_SCHEMES as never },
    },
    transform,
    transformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true, displayOperationId: false },
  });
}
