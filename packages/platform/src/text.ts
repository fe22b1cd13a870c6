/**
 * Length in characters (Unicode code points), as PostgreSQL's char_length and JSON Schema's
 * maxLength count them: four emoji are four characters, not the eight UTF-16 units `.length` says.
 */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** PostgreSQL text cannot hold U+0000; such input is refused as invalid rather than failing in the database. */
export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}
