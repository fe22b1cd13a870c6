import { z } from 'zod';

/**
 * Metadata for the OpenAPI document: component ids and descriptions. Kept in a registry of our own,
 * not zod's global one, so nothing else loaded in the same process (other services in an
 * in-process end-to-end test) can collide with these ids.
 */
export const openApiRegistry = z.registry<{ id?: string; description?: string; [key: string]: unknown }>();

/** Gives `schema` a description in the OpenAPI document (zod's `.describe()` writes to the global registry). */
export function doc<T extends z.ZodType>(schema: T, description: string): T {
  openApiRegistry.add(schema, { ...openApiRegistry.get(schema), description });
  return schema;
}

/** Publishes `schema` as `#/components/schemas/<id>`. */
export function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  openApiRegistry.add(schema, { ...openApiRegistry.get(schema), id, ...(description ? { description } : {}) });
  return schema;
}

/** A documented JSON success response: `response: { 200: jsonResponse(userSchema, 'The account') }`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
