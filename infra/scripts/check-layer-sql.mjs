// SQL lives in apps/*/src/persistence (<aggregate>.queries.ts, migrations). An import rule cannot see a
// string, so this reads the use cases (and the domain and transport beside them) with swc and reports
// SQL text in string and template literals, `sql` tagged templates and raw-query calls
// (em.execute, getKysely, createQueryBuilder, qb, getConnection, raw). Run by lint-deps.mjs;
// `node infra/scripts/check-layer-sql.mjs` alone prints what it finds and exits 1 if anything.
import { globSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const ROOT = resolve(import.meta.dirname, '../..');
export const LAYERS_WITHOUT_SQL = ['domain', 'application', 'transport'];

// Statement shapes, not single words: "select a category" in a message is not SQL, "select … from" is.
const SQL_SHAPES = [
  /\bselect\b[\s\S]*\bfrom\s+[\w."]/i,
  /\bselect\s+[a-z_][\w.]*\s*\(/i,
  /\binsert\s+into\b/i,
  /\bupdate\s+[\w."]+\s+set\b/i,
  /\bdelete\s+from\b/i,
  /\bwith\s+(recursive\s+)?\w+\s+as\s*\(/i,
  /\b(create|alter|drop)\s+(table|index|schema|view|function|trigger|type)\b/i,
  /\btruncate\s+(table\s+)?[\w."]+/i,
  /\bpg_[a-z_]+\s*\(/i,
];
const RAW_QUERY_METHODS = new Set(['execute', 'getKysely', 'createQueryBuilder', 'qb', 'getConnection', 'raw']);

/** Every finding in the given files: { file, line, what }. */
export function findLayerSql(files = layerFiles()) {
  const findings = [];
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const bytes = Buffer.from(source, 'utf8');
    const lineOf = (span) => bytes.subarray(0, Math.max(0, span.start - 1)).toString('utf8').split('\n').length;
    const report = (node, what) => findings.push({ file: relative(ROOT, file), line: lineOf(node.span), what });
    const ast = swc.parseSync(source, { syntax: 'typescript', target: 'es2023' });
    walk(ast, (node) => {
      if (node.type === 'StringLiteral' || node.type === 'TemplateLiteral') {
        const text = node.type === 'StringLiteral' ? node.value : node.quasis.map((q) => q.cooked ?? q.raw).join('${…}');
        if (SQL_SHAPES.some((shape) => shape.test(text))) report(node, `SQL text ${preview(text)}`);
      } else if (node.type === 'TaggedTemplateExpression' && calleeName(node.tag) === 'sql') {
        report(node, 'an sql`…` tagged template');
      } else if (node.type === 'CallExpression' && RAW_QUERY_METHODS.has(calleeName(node.callee) ?? '')) {
        report(node, `a raw query call ${calleeName(node.callee)}(…)`);
      }
    });
  }
  return findings;
}

export function layerFiles() {
  return LAYERS_WITHOUT_SQL.flatMap((layer) => globSync(`apps/*/src/${layer}/**/*.ts`, { cwd: ROOT }))
    .sort()
    .map((f) => resolve(ROOT, f));
}

export function formatFindings(findings) {
  return [
    `${findings.length} SQL statement(s) outside persistence/ (${LAYERS_WITHOUT_SQL.map((l) => `src/${l}`).join(', ')} hold no SQL):`,
    ...findings.map((f) => `  ${f.file}:${f.line}: ${f.what}`),
    'Move each into apps/<app>/src/persistence/<aggregate>.queries.ts (a function taking the EntityManager and typed parameters) and call that.',
  ].join('\n');
}

function walk(node, visit) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node && typeof node === 'object') {
    if (typeof node.type === 'string') visit(node);
    for (const key in node) if (key !== 'span') walk(node[key], visit);
  }
}

/** `f` of f(…), `x.f` of x.f(…) / x?.f(…); undefined for anything else. */
function calleeName(callee) {
  if (callee?.type === 'Identifier') return callee.value;
  if (callee?.type === 'MemberExpression' && callee.property?.type === 'Identifier') return callee.property.value;
  if (callee?.type === 'OptionalChainingExpression') return calleeName(callee.base);
  return undefined;
}

function preview(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 70 ? `${flat.slice(0, 70)}…` : flat);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const findings = findLayerSql();
  if (findings.length) {
    console.error(formatFindings(findings));
    process.exitCode = 1;
  }
}
