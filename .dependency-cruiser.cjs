// Import rules of the repository, checked by packages/server/src/layers.test.ts (part of
// `pnpm test`); ARCHITECTURE.md draws them. Paths are relative to the repo root.
//
// Between packages: a package imports only the packages PACKAGE_DEPENDENCIES lists, only
// through their `exports` (a path they do not export does not resolve), never by a relative
// path into another package; nothing imports the leaves (e2e, bench). Tests and testing/
// folders may reach further (a test may start the whole platform).
//
// Inside @platform/server the layers run one way:
//   schemas/ (API types, a leaf) and shared/ (neutral helpers)
//     → store/ (Postgres) → services/ (the domain) → api/ (HTTP) and worker/ (jobs);
//   scheduler/ only enqueues (store, services); app.ts and main-*.ts wire them together;
//   testing/ is for tests. Tests (*.test.ts) may reach any layer they test.
const SERVER = '^packages/server/src/';
const layer = (...names) => `${SERVER}(${names.join('|')})/`;
const NOT_TESTS = '\\.test\\.ts$';

const PACKAGE_DEPENDENCIES = {
  protocol: [],
  services: [],
  'api-types': [],
  'json-schema': [],
  connectors: ['protocol', 'services', 'json-schema'],
  server: ['protocol', 'connectors', 'services', 'api-types', 'json-schema'],
  'lake-query': ['services'],
  'api-client': ['api-types', 'lake-query'],
  launcher: ['server', 'api-client', 'api-types', 'lake-query', 'services', 'webapp'],
  webapp: ['api-client', 'api-types', 'lake-query'],
};
const TEST_CODE = '\\.test\\.tsx?$|/testing/';

/** A rule allowing package `name` (its tests aside) to import only the packages in `allowed`. */
const packageRule = (name, allowed) => ({
  name: `package-${name}`,
  comment: `${name} may import ${allowed.length ? allowed.join(', ') : 'no other package of ours'} (ARCHITECTURE.md).`,
  severity: 'error',
  from: { path: `^packages/${name}/`, pathNot: TEST_CODE },
  to: { path: '^packages/', pathNot: `^packages/(${[name, ...allowed].join('|')})/` },
});

/** A rule forbidding `from` (a server layer, its tests excepted) to import any server module outside `allowed`. */
const serverLayer = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: layer(from), pathNot: NOT_TESTS },
  to: { path: SERVER, pathNot: layer(from, ...allowed) },
});

module.exports = {
  forbidden: [
    ...Object.entries(PACKAGE_DEPENDENCIES).map(([name, allowed]) => packageRule(name, allowed)),
    {
      name: 'package-leaves',
      comment: 'e2e and bench are leaves: no package imports them (a test may use e2e helpers).',
      severity: 'error',
      from: { path: '^packages/', pathNot: `${TEST_CODE}|^packages/(e2e|bench)/` },
      to: { path: '^packages/(e2e|bench)/' },
    },
    {
      name: 'package-no-relative-reach',
      comment: "Another package is imported by its name and exports, never by a relative path into its files.",
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/', pathNot: '^packages/$1/', dependencyTypes: ['local'] },
    },
    {
      name: 'package-exports-only',
      comment: 'An import that does not resolve is a path the package does not export (or a typo).',
      severity: 'error',
      from: { path: '^packages/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'server-no-cycle',
      comment: 'An import cycle ties its modules into one: none may change or be tested alone. Move the shared part down a layer.',
      severity: 'error',
      from: { path: SERVER },
      to: { circular: true },
    },
    serverLayer('server-schemas', 'schemas', [], 'schemas/ holds the API types every layer uses; it imports nothing of the server.'),
    serverLayer('server-shared', 'shared', ['schemas'], 'shared/ holds neutral helpers; they import no layer.'),
    serverLayer('server-store', 'store', ['shared', 'schemas'], 'store/ is the bottom layer: it knows no service, route or job runner.'),
    serverLayer('server-services', 'services', ['store', 'shared', 'schemas'], 'services/ (the domain) builds on the stores only; api/ and worker/ build on it.'),
    serverLayer('server-api', 'api', ['services', 'store', 'shared', 'schemas'], 'api/ translates HTTP to services; it never reaches the worker or the scheduler.'),
    {
      name: 'server-api-calls-services',
      comment: 'Routes and presenters call services, never a store: they may import store/ types only (the records they present).',
      severity: 'error',
      from: { path: layer('api'), pathNot: NOT_TESTS },
      to: { path: layer('store'), dependencyTypesNot: ['type-only'] },
    },
    serverLayer('server-worker', 'worker', ['services', 'store', 'shared', 'schemas'], 'worker/ runs jobs from the stores; it never calls the API or the scheduler.'),
    serverLayer('server-scheduler', 'scheduler', ['services', 'store', 'shared'], 'scheduler/ only enqueues due syncs; it never runs them (worker) nor answers HTTP (api).'),
    {
      name: 'server-composition-root',
      comment: 'app.ts, index.ts and main-*.ts wire the layers together; no layer imports them.',
      severity: 'error',
      from: { path: `${SERVER}[^/]+/`, pathNot: `${NOT_TESTS}|${SERVER}testing/` },
      to: { path: `${SERVER}[^/]+\\.ts$` },
    },
    {
      name: 'server-testing',
      comment: 'testing/ (harnesses, fake connectors) is for tests only.',
      severity: 'error',
      from: { path: SERVER, pathNot: `${NOT_TESTS}|${SERVER}testing/` },
      to: { path: `${SERVER}testing/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules|/dist/' },
    // Type-only imports count: a cycle through types still ties the modules together.
    tsPreCompilationDeps: true,
    // Workspace packages resolve through their package.json `exports`, as Node and tsx do.
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'], exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
