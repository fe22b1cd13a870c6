import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { serializerCompiler } from './serializer.js';

// Responses are written by fast-json-stringify compiled from the zod schema's JSON Schema; they
// must read exactly as the zod serializer wrote them, and a schema it cannot express keeps zod.

const compile = (schema: z.ZodType) => serializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' } as never) as (data: unknown) => string;

const page = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      amount: z.string(),
      category_id: z.string().nullable(),
      category: z.object({ id: z.string(), name: z.string(), icon: z.string().nullable() }).nullable(),
      count: z.number().int(),
      date: z.iso.date(),
      created_at: z.iso.datetime(),
      status: z.enum(['under', 'over']),
    }),
  ),
  next_cursor: z.string().nullable(),
});

const sample = {
  items: [
    { id: 'a', amount: '12.50', category_id: null, category: null, count: 3, date: '2026-03-01', created_at: '2026-03-01T10:00:00.000Z', status: 'over' },
    { id: 'b"\\\u2028', amount: '0.30', category_id: 'c', category: { id: 'c', name: 'Café "☕"', icon: null }, count: 0, date: '2026-02-28', created_at: '2026-02-28T23:59:59.999Z', status: 'under' },
  ],
  next_cursor: null,
};

describe('response serializer', () => {
  it('writes the same JSON as the schema-checked JSON.stringify', () => {
    const out = compile(page)(sample);
    expect(JSON.parse(out)).toEqual(page.parse(sample));
  });

  it('drops properties the schema does not declare (nothing internal leaks)', () => {
    const out = JSON.parse(compile(page)({ ...sample, secret: 'x', items: [{ ...sample.items[0], user_id: 'other' }] }));
    expect(out).not.toHaveProperty('secret');
    expect(out.items[0]).not.toHaveProperty('user_id');
  });

  it('fails on a missing required property instead of writing a partial answer', () => {
    const { next_cursor: _drop, ...partial } = sample;
    expect(() => compile(page)(partial)).toThrow();
  });

  it('keeps the zod serializer for a schema JSON Schema cannot express', () => {
    const withDate = z.object({ at: z.date() });
    expect(() => z.toJSONSchema(withDate, { io: 'output', unrepresentable: 'throw' })).toThrow();
    expect(compile(withDate)({ at: new Date(0), extra: 1 })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});
