// `npm run lint:deps`: the boundaries, checked by machines. dependency-cruiser with
// .dependency-cruiser.cjs (apps do not import apps, packages do not import apps, the domain is pure,
// use cases hold no SQL driver, proto types stay in transport/), then check-layer-sql.mjs (no SQL
// text outside persistence/). Silent when clean, so jest's summary stays the last thing `npm test`
// prints; on a violation prints what and where, and exits 1.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { findLayerSql, formatFindings } from './check-layer-sql.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
let failed = false;

const cruise = spawnSync(
  process.execPath,
  [resolve(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'apps', 'packages', 'e2e'],
  { cwd: ROOT, encoding: 'utf8' },
);
if (cruise.status !== 0) {
  failed = true;
  // TypeScript 7 has no compiler API, so dependency-cruiser always adds its missing-tsc-transpiler
  // warning; the swc parser reads the sources instead (TOOLCHAIN.md), so the warning is noise here.
  const out = `${cruise.stdout}${cruise.stderr}`.replace(/\n*‼ missing-tsc-transpiler:[\s\S]*?lacks what dependency-cruiser needs\.\n/, '\n');
  process.stderr.write(out.trimEnd() + '\n');
}

const sql = findLayerSql();
if (sql.length) {
  failed = true;
  process.stderr.write(`\n${formatFindings(sql)}\n`);
}

if (failed) {
  process.stderr.write('\nlint:deps failed: fix the imports above (rules and reasons in .dependency-cruiser.cjs).\n');
  process.exitCode = 1;
}
