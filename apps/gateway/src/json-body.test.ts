import { describe, expect, it } from '@jest/globals';
import { ExponentNumberLiteral, parseJsonBody } from './json-body.js';

describe('parseJsonBody', () => {
  it('parses plain JSON as JSON.parse does', () => {
    expect(parseJsonBody('{"a": 12.50, "b": [1, -2, 0.1], "c": "1e3", "d": null}')).toEqual({ a: 12.5, b: [1, -2, 0.1], c: '1e3', d: null });
  });

  it('marks numbers written with an exponent, at any depth, keeping their text', () => {
    const body = parseJsonBody('{"amount": 1e3, "nested": {"x": [2.5E-1]}}') as { amount: unknown; nested: { x: unknown[] } };
    expect(body.amount).toEqual(new ExponentNumberLiteral('1e3', 1000));
    expect(body.nested.x[0]).toEqual(new ExponentNumberLiteral('2.5E-1', 0.25));
  });

  it('drops __proto__ keys', () => {
    const body = parseJsonBody('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws on malformed JSON', () => {
    expect(() => parseJsonBody('{"a": ')).toThrow(SyntaxError);
  });
});
