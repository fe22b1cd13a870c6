import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type SerializerCompiler = typeof zodSerializerCompiler;

/** Drops `format` (and `pattern`) from a JSON Schema: the values are ours, already checked, and strings pass through as they are. */
function withoutFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutFormats);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'format' && k !== 'pattern').map(([k, v]) => [k, withoutFormats(v)]));
}

/**
 * Response serialization compiled once per route with fast-json-stringify from the JSON Schema of
 * the route's zod response schema (the one the OpenAPI document shows), instead of a zod encode
 * plus JSON.stringify on every response. Unknown properties are dropped and a missing required
 * property fails the response (500), as with zod. A schema JSON Schema cannot express (a
 * transform) keeps the zod serializer.
 */
export const serializerCompiler: SerializerCompiler = (route) => {
  const { schema } = route as { schema: unknown };
  if (schema instanceof z.ZodType) {
    let stringify: ((data: unknown) => string) | undefined;
    try {
      const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-07', unrepresentable: 'throw' });
      stringify = fastJson(withoutFormats(json) as Parameters<typeof fastJson>[0]);
    } catch {
      stringify = undefined;
    }
    if (stringify) return stringify;
  }
  return zodSerializerCompiler(route);
};
