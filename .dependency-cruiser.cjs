/**
 * The boundaries the code keeps (docs/architecture.md, "Modules and what they own"). Which module
 * may touch which table is checked separately by scripts/check-table-ownership.ts, since SQL is
 * text to this tool.
 */
// A pure engine (economics' plan format, rules, simulator, errors) is public too: it touches no database.
const MODULE_PUBLIC = '[.](service|schema|errors|states|fragments|provider)[.]ts$|/engine/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-knows-no-module',
      severity: 'error',
      comment: 'platform/ is generic infrastructure: it imports no module, flow, provider, adapter, simulator, CLI or the app.',
      from: { path: '^src/platform/', pathNot: '[.]test[.]ts$' },
      to: { path: '^src/(modules|flows|providers|adapters|simulators|cli)/|^src/(app|database)[.]ts$' },
    },
    {
      name: 'module-through-public-files',
      severity: 'error',
      comment: 'A module reaches another only through its public files (service, schema, errors, states, fragments, provider interface), never its repo or tables.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', MODULE_PUBLIC] },
    },
    {
      name: 'flows-through-public-files',
      severity: 'error',
      comment: 'Flows and provider units compose modules through their public files only.',
      from: { path: '^src/(flows|providers)/' },
      to: { path: '^src/modules/', pathNot: MODULE_PUBLIC },
    },
    {
      name: 'only-routes-call-flows',
      severity: 'error',
      comment: 'Module code runs inside flows, not the other way round; only thin HTTP handlers start a flow.',
      from: { path: '^src/modules/', pathNot: '[.]routes[.]ts$|[.]test[.]ts$' },
      to: { path: '^src/(flows|providers)/' },
    },
    {
      name: 'modules-see-no-provider-code',
      severity: 'error',
      comment: 'Modules never see adapters or simulators: a provider registers as one unit in src/providers, chosen in app.ts.',
      from: { path: '^src/modules/' },
      to: { path: '^src/(adapters|simulators|providers)/' },
    },
    {
      name: 'adapters-see-only-provider-contracts',
      severity: 'error',
      comment: 'Adapters translate protocols: of modules they know only provider interfaces and error sets.',
      from: { path: '^src/adapters/' },
      to: { path: '^src/modules/', pathNot: '[.](provider|errors)[.]ts$' },
    },
    {
      name: 'economics-is-downstream',
      severity: 'error',
      comment: 'Economics reads orders, catalog and B nodes through their fragments and services; they never call economics (guarded changes go through flows). Describing data the guard returns (its Zod schemas) is not calling it.',
      from: { path: '^src/modules/(identity|catalog|inventory|b-nodes|customers|orders|payments|wechat)/' },
      to: { path: '^src/modules/(economics|campaigns)/', pathNot: '[.]schema[.]ts$' },
    },
    {
      name: 'economics-engine-is-pure',
      severity: 'error',
      comment: 'The economics engine reads no database and speaks no HTTP, so the CLI, the server and tests run the same code: it imports only itself, platform/money and platform/errors.',
      from: { path: '^src/modules/economics/engine/', pathNot: '[.]test[.]ts$' },
      to: { path: '^src/', pathNot: ['^src/modules/economics/engine/', '^src/platform/(money|errors)[.]ts$'] },
    },
    {
      name: 'economics-engine-uses-no-io',
      severity: 'error',
      comment: 'Of packages the engine uses only Zod (the plan format): no driver, no file system, no network.',
      from: { path: '^src/modules/economics/engine/', pathNot: '[.]test[.]ts$' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '^node_modules/zod/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'The CLI is an entry point; only the CLI (and the benchmarks it runs) import it.',
      from: { path: '^src/', pathNot: '^src/cli/|[.]test[.]ts$' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-imports-no-test',
      severity: 'error',
      comment: 'Shipped code never depends on test helpers.',
      from: { path: '^src/', pathNot: '[.]test[.]ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
