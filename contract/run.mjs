// `npm run contract`: contract tests generated from the served OpenAPI document (Specmatic, run from
// npm's `specmatic` package on the machine's Java) against the whole running system: every service
// of the manifest and the gateway, on a throw-away database (bench/lib/stack.mjs). A user is
// registered for a bearer token; Specmatic sends it for the `bearer` and `oauth2` security schemes.
// Fails on any 5xx answer and any answer that does not match the document's response schema.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signUp, startStack } from '../bench/lib/stack.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '.out');
const jar = join(dirname(createRequire(import.meta.url).resolve('specmatic/package.json')), 'specmatic.jar');

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(cmd, args, { env, cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk) => {
      output += chunk;
      if (process.env.CONTRACT_VERBOSE) process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * Specmatic's log → figures. Generated requests carry made-up credentials, ids and amounts, so many
 * answers are a documented 4xx where the generator expected a 2xx (Specmatic's R0002 status
 * mismatch): those are counted, not failed. What fails the run: any 5xx, any other finding of
 * Specmatic (R-codes other than R0002: the body or headers do not match the document), and any
 * 4xx/5xx that is not application/problem+json.
 */
function summarize(log) {
  const blocks = log.split('\n--------------------\n');
  const figures = { tests: 0, passed: 0, failed: 0, status_mismatches_4xx: 0, server_errors: 0, schema_mismatches: 0, not_problem_json: 0, answers_by_status: {}, findings: {} };
  const examples = [];
  for (const block of blocks) {
    const scenario = /^Scenario: (.*) has (SUCCEEDED|FAILED)$/m.exec(block);
    if (!scenario) continue;
    figures.tests++;
    const status = Number(/Response at [^\n]*\n\s+(\d{3}) /.exec(block)?.[1] ?? 0);
    figures.answers_by_status[status] = (figures.answers_by_status[status] ?? 0) + 1;
    if (status >= 500) figures.server_errors++;
    const contentType = /^\s+content-type: (.*)$/im.exec(block.slice(block.indexOf('Response at')))?.[1] ?? '';
    if (status >= 400 && !contentType.startsWith('application/problem+json')) figures.not_problem_json++;
    if (scenario[2] === 'SUCCEEDED') {
      figures.passed++;
      continue;
    }
    figures.failed++;
    const codes = [...block.matchAll(/^\s+(R\d{4}): (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
    for (const c of new Set(codes)) figures.findings[c] = (figures.findings[c] ?? 0) + 1;
    if (codes.some((c) => !c.startsWith('R0002'))) {
      figures.schema_mismatches++;
      if (examples.length < 5) examples.push(block.slice(0, 4000));
    } else if (status >= 400 && status < 500) {
      figures.status_mismatches_4xx++;
    }
  }
  if (examples.length) console.log(`first schema mismatches:\n${examples.join('\n--------------------\n')}`);
  figures.schema_mismatches += figures.not_problem_json;
  return figures;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const stack = await startStack();
let failed = true;
try {
  const { token } = await signUp(stack.baseUrl, `contract_${Date.now().toString(36)}`);
  const doc = await (await fetch(`${stack.baseUrl}/docs/json`)).json();
  writeFileSync(join(out, 'openapi.json'), JSON.stringify(doc, null, 2));
  // DELETE /users/me would erase the account whose token every later test uses (they would all be 401).
  const filter = process.env.CONTRACT_FILTER ?? "!(METHOD='DELETE' && PATH='/users/me')";
  const args = ['-jar', jar, 'test', 'openapi.json', `--testBaseURL=${stack.baseUrl}`, '--junitReportDir=junit', `--filter=${filter}`, ...process.argv.slice(2)];
  const { output } = await run('java', args, { ...process.env, bearer: token, oauth2: token });
  writeFileSync(join(out, 'specmatic.log'), output);
  const summary = summarize(output);
  console.log(output.split('\n').filter((l) => /^Tests run/.test(l)).join('\n'));
  console.log(JSON.stringify(summary, null, 2));
  console.log(`log: ${join(out, 'specmatic.log')}`);
  failed = summary.tests === 0 || summary.server_errors > 0 || summary.schema_mismatches > 0;
} finally {
  await stack.close();
}
process.exit(failed ? 1 : 0);
