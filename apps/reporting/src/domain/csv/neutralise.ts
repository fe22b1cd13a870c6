// Formula neutralisation (OWASP "CSV Injection") and its exact undo.
//
// A spreadsheet runs a cell as a formula when it starts with a TRIGGER: `=`, `+`, `-`, `@`, TAB or
// CR (OWASP's list), or the fullwidth `＝` `＋` `－` `＠` (U+FF1D, U+FF0B, U+FF0D, U+FF20), which
// Apple Numbers folds into the ASCII ones (csv-stringify's own escape_formulas guards them too).
//
// The rule, on the value of every cell before it is quoted:
//   neutralise(s) = "'" + s   when s starts with a trigger,
//                             or with one or more `'` followed by a trigger (s matches /^'+T/);
//                   s         otherwise.
//   undo(s)       = s without its first character   when s matches /^'+T/;
//                   s                                 otherwise.
// Why the second case: OWASP's plain rule ("a leading `'`") maps both `=x` and `'=x` to `'=x`, so no
// import could tell them apart. Escaping every run of quotes that ends in a trigger too makes the
// rule injective, and `undo(neutralise(s)) === s` for EVERY string (proved case by case below and
// property-tested): s starting with T or matching /^'+T/ is written as "'" + s, which matches /^'+T/,
// and undo strips exactly that quote; any other s is written unchanged and does not match /^'+T/, so
// undo leaves it. No written cell starts with a trigger, so no cell ever runs as a formula.
// A cell written by hand that starts with a trigger (`-5`, `=A1`) has no quote to strip and is read
// as it is; a hand-written `'=A1` is read as `=A1`, as our own export would have meant it.

/** The first characters that make a spreadsheet evaluate a cell. */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];

/** One or more quotes followed by a trigger: a value that neutralise has escaped (or must escape). */
const QUOTES_THEN_TRIGGER = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The first characters (UTF-16 code units) of FORMULA_TRIGGERS. */
const TRIGGER_CODES = new Set(FORMULA_TRIGGERS.map((t) => t.charCodeAt(0)));
const APOSTROPHE = 0x27;

/** The cell value to write for `value`: a leading `'` when a spreadsheet could run it as a formula (see above). */
export function neutraliseCell(value: string): string {
  // Every cell of an export passes here (7 a row): the first character decides, and only a value
  // starting with `'` needs the pattern. Every trigger is one code unit.
  if (value === '') return value;
  const first = value.charCodeAt(0);
  if (TRIGGER_CODES.has(first)) return `'${value}`;
  return first === APOSTROPHE && QUOTES_THEN_TRIGGER.test(value) ? `'${value}` : value;
}

/** The value a neutralised cell stood for: exactly the inverse of neutraliseCell. */
export function undoNeutralise(cell: string): string {
  return QUOTES_THEN_TRIGGER.test(cell) ? cell.slice(1) : cell;
}
