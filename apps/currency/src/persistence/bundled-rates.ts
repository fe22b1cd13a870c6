import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The ECB history bundled with the service (apps/currency/data/eurofxref-hist.csv, see
 * data/SOURCES.md). Resolved from the package root: this file is src/persistence/*.ts under jest and
 * dist/persistence/*.js when built, both two levels below the root, and the container image ships
 * `data/` beside `dist/` (package.json "files").
 */
export const BUNDLED_RATES_FILE = fileURLToPath(new URL('../../data/eurofxref-hist.csv', import.meta.url));

export function readBundledRates(file: string = BUNDLED_RATES_FILE): Promise<string> {
  return readFile(file, 'utf8');
}
