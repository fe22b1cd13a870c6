// Import boundaries (STYLE.md: "Boundaries are enforced by tooling, not by memory").
// Run by `npm run lint:deps` (infra/scripts/lint-deps.mjs), which `npm test` runs before jest.
// Paths are matched after resolution, so `@finance/ledger` is seen as `apps/ledger/src/...` and
// `@finance/proto` as `packages/proto/src/...`; the package names are matched as well in case a
// name does not resolve.

// Every folder under apps/ is an app (so a new service needs no change here).
const APPS = `(${require('node:fs').readdirSync(require('node:path').join(__dirname, 'apps')).join('|')})`;
/** An npm package, resolved into node_modules (pnpm's .pnpm store or a hoisted copy) or unresolved. */
const npm = (names) => [`(^|/)node_modules/(${names})/`, `^(${names})(/|$)`];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-not-to-other-app',
      severity: 'error',
      comment:
        'An app (its src and its test) never imports another app: services talk through protos/ clients and event ' +
        'contracts only. e2e/ is the one tier that wires real services and may import apps.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: ['^apps/', `^@finance/${APPS}(/|$)`], pathNot: ['^apps/$1/', '^@finance/$1(/|$)'] },
    },
    {
      name: 'package-not-to-app',
      severity: 'error',
      comment: 'Shared packages hold mechanism, not domain: nothing under packages/ imports an app.',
      from: { path: '^packages/' },
      to: { path: ['^apps/', `^@finance/${APPS}(/|$)`] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'apps/*/src/domain is plain TypeScript: other files of the same domain, @finance/money, @finance/calendar, ' +
        'the dependency-free parts of @finance/platform (errors, ids, pagination, text, amount-fields), pure node ' +
        'built-ins (crypto, util, assert), the crypto primitives auth\'s password and token rules use (jose, ' +
        '@node-rs/argon2) and the CSV parser reporting\'s import reads with (csv-parse: its synchronous API, and its streaming one, a ' +
        'Node Transform the file is written into piece by piece in memory, with node:stream\'s helpers and no I/O; ' +
        'csv-stringify/sync only in the tests that compare the export against it). No framework, persistence, transport, proto or events; not the app\'s application, ' +
        'persistence or transport folders.',
      from: { path: '^apps/([^/]+)/src/domain/' },
      to: {
        pathNot: [
          '^apps/$1/src/domain/',
          '^packages/(money|calendar)/src/',
          '^packages/platform/src/(errors|ids|pagination|text|amount-fields)\\.ts$',
          '^(node:)?(crypto|util|assert|stream|stream/promises)$',
          ...npm('jose|@node-rs/argon2'),
          '(^|/)node_modules/(csv-parse|csv-stringify)/lib/sync\\.(js|d\\.ts)$',
          '^(csv-parse|csv-stringify)/sync$',
          '(^|/)node_modules/csv-parse/lib/index\\.(js|d\\.ts)$',
          '^csv-parse$',
          // Test libraries, for the unit tests beside the code (domain-test-libraries-only-in-tests below).
          ...npm('@jest/globals|fast-check|@fast-check/jest'),
        ],
      },
    },
    {
      name: 'domain-test-libraries-only-in-tests',
      severity: 'error',
      comment: 'Test libraries (and csv-stringify, the export\'s reference) are for the *.test.ts files beside the domain code, not for the domain itself.',
      from: { path: '^apps/[^/]+/src/domain/', pathNot: '\\.test\\.ts$' },
      to: { path: npm('@jest/globals|fast-check|@fast-check/jest|csv-stringify') },
    },
    {
      name: 'application-no-sql-driver',
      severity: 'error',
      comment:
        'Use cases hold no SQL: query builders and drivers (pg, kysely, @mikro-orm/sql, @mikro-orm/knex, ' +
        '@mikro-orm/migrations) belong in persistence/. SQL text is checked by infra/scripts/check-layer-sql.mjs.',
      from: { path: '^apps/[^/]+/src/application/' },
      to: { path: npm('pg|pg-[^/]+|postgres|kysely|@mikro-orm/sql|@mikro-orm/knex|@mikro-orm/migrations') },
    },
    {
      name: 'application-orm-driver-types-only',
      severity: 'error',
      comment:
        'From @mikro-orm/postgresql the application takes types only (EntityManager, MikroORM); its values ' +
        '(sql, raw, QueryBuilder, Kysely) are for persistence/. Exceptions and LockMode come from @mikro-orm/core.',
      from: { path: '^apps/[^/]+/src/application/' },
      to: { path: npm('@mikro-orm/postgresql'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'proto-only-in-transport',
      severity: 'error',
      comment:
        'Generated proto types are mapped at the edge: in the layered apps only src/transport/ sees @finance/proto ' +
        '(the composition root takes gRPC registrations from transport/). The gateway is itself a transport ' +
        '(routes, plugins, security: no layers).',
      from: { path: '^apps/[^/]+/src/', pathNot: ['^apps/[^/]+/src/transport/', '^apps/gateway/'] },
      to: { path: ['^packages/proto/', '^@finance/proto(/|$)'] },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API: swc parses (TOOLCHAIN.md). Type-only imports count too.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    // Build output of our own packages only: a pattern matching any dist/ would also drop npm packages
    // (jose, uuid) from the graph, and with them the rules' view of who imports them.
    exclude: { path: '^(apps|packages|e2e)/[^/]+/dist/' },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      // Sibling packages resolve to their sources, as in jest and tsc (customConditions).
      conditionNames: ['@finance/source', 'import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
    // `./x.js` in a .ts file means ./x.ts (NodeNext): tsconfig gives the resolver that mapping.
    tsConfig: { fileName: 'tsconfig.test.json' },
  },
};
