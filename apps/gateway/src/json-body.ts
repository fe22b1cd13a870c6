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

// Without source text access `1e3` would silently be read as 1000: refuse to run instead.
// (`npm start` runs the services on the Node 24 it provisions; this guards a manual start.)
let sourceTextAccess = false;
JSON.parse('1', (_key, value: unknown, context?: ReviverContext) => {
  sourceTextAccess = context?.source === '1';
  return value;
});
if (!sourceTextAccess) {
  throw new Error(`the gateway needs JSON.parse source text access (Node ≥ 22); this is Node ${process.versions.node}`);
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
