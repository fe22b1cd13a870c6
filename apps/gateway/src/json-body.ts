/**
 * A JSON number the client wrote with an exponent (`1e3`). JSON.parse would hand over 1000, the
 * same value as `1000`, but an amount must be written as a plain decimal (API.md), and only the
 * gateway still sees the text; so such a number reaches validation as this marker instead.
 */
export class ExponentNumberLiteral {
  constructor(
    readonly source: string,
    readonly value: number,
  ) {}
}

/** JSON.parse's reviver context (source text access, Node ≥ 21). */
interface ReviverContext {
  source?: string;
}

/**
 * Parses a JSON request body. `__proto__` keys are dropped (zod strips unknown keys anyway; this
 * keeps them out of logs too) and numbers written with an exponent become ExponentNumberLiteral.
 */
export function parseJsonBody(text: string): unknown {
  return JSON.parse(text, (key, value: unknown, context?: ReviverContext) => {
    if (key === '__proto__') return undefined;
    if (typeof value === 'number' && context?.source !== undefined && /[eE]/.test(context.source)) {
      return new ExponentNumberLiteral(context.source, value);
    }
    return value;
  });
}
