import { HttpProblem } from './plugins/problem.js';

/**
 * A JSON number the client wrote with an exponent (`1e3`). JSON.parse would hand over a double
 * (1e-400 → 0, 1e400 → Infinity, 1.23456789012345678e17 rounded), and only the gateway still sees
 * the text; so such a number reaches validation as this marker, and an amount field reads it
 * exactly from `source` (@finance/money's amountFromNumberLiteral).
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

/** 400 INVALID_UTF8: the body is not UTF-8 (RFC 8259 §8.1 for JSON; a form's bytes and %-escapes too). */
function invalidUtf8(): HttpProblem {
  return new HttpProblem(400, 'INVALID_UTF8', 'The request body is not valid UTF-8 text.');
}

// fatal: a malformed sequence (0xFF, a truncated or overlong one, an encoded surrogate) throws
// instead of becoming U+FFFD, which would be stored as if the client had sent it.
// ignoreBOM: a byte order mark stays in the text, so JSON.parse refuses it as before.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A request body's bytes → its text; a 400 INVALID_UTF8 HttpProblem unless they are well-formed UTF-8. */
export function decodeUtf8Body(body: Buffer | string): string {
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    throw invalidUtf8();
  }
}

/**
 * Parses `application/x-www-form-urlencoded` text (already decoded from UTF-8): `+` is a space,
 * `%XX` escapes are UTF-8 bytes. Escapes that decode to invalid UTF-8 (`%FF`) are a 400 INVALID_UTF8,
 * like raw bytes; other malformed escapes (`%zz`, a lone `%`) a 400 MALFORMED_FORM. A repeated name gives an array (which
 * no schema accepts as text); `__proto__` is dropped.
 */
export function parseFormBody(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeFormComponent(pair.slice(eq + 1));
    if (name === '__proto__') continue;
    const seen = fields[name];
    fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return fields;
}

function decodeFormComponent(raw: string): string {
  const spaced = raw.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  if (/%(?![0-9A-Fa-f]{2})/.test(spaced)) throw new HttpProblem(400, 'MALFORMED_FORM', 'The form body has a malformed %-escape.');
  // decodeURIComponent reads the escapes as UTF-8 and throws, rather than substituting U+FFFD, on
  // bytes that are not (%FF, overlong forms, encoded surrogates): strict, as the raw body was.
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw invalidUtf8();
  }
}
