// `npm run bench [-- name…]`: runs the benchmarks in this folder and prints their figures.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).filter((f) => !wanted.length || wanted.some((w) => f.includes(w)));
for (const file of benches) {
  console.log(`\n## ${file}\n`);
  const { run } = await import(join(here, file));
  await run();
}
