// Imports run one way (docs/architecture.md): scripts → platform → api → process definitions and
// clients (workflows/) → activities → db. Integrations (modular/, channels/) and the clock sit
// beside the chain and import none of it. The configuration schema (platform/config.ts, with its
// error and the payload key parsing) is read by every layer. Checked by `npm run lint` in `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A cycle, even of types only, means two modules are one.', from: {}, to: { circular: true } },
    {
      name: 'db-is-the-bottom',
      severity: 'error',
      comment: 'The database layer imports only itself and the clock.',
      from: { path: '^db/' },
      to: { path: '^(api|activities|workflows/(?!clock/)|platform|modular|channels|scripts|demo|bench|test)/' },
    },
    {
      name: 'activities-below-api',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(api|platform/(?!config|payload-codec)|scripts|demo|bench|test)/' },
    },
    {
      name: 'processes-below-api',
      severity: 'error',
      comment: 'Process definitions, workflows and their clients never import the API or the start-up code.',
      from: { path: '^workflows/' },
      to: { path: '^(api|platform/(?!config|payload-codec)|scripts|demo|bench|test)/' },
    },
    {
      name: 'workflow-code-is-sandboxed',
      severity: 'error',
      comment: 'Workflow code imports activities and the database only for their types.',
      from: { path: '^workflows/', pathNot: '^workflows/.*/(client|schedule)\\.ts$|^workflows/settings\\.ts$|^workflows/clock/flemish-holidays\\.ts$' },
      to: { path: '^(activities|db)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-does-not-run-activities',
      severity: 'error',
      comment: 'The API starts and commands processes; it never runs their activities.',
      from: { path: '^api/' },
      to: { path: '^(activities|platform/(?!config|payload-codec)|scripts|demo|bench|test)/' },
    },
    {
      name: 'integrations-stand-alone',
      severity: 'error',
      from: { path: '^(modular|channels)/' },
      to: { path: '^(api|activities|workflows/(?!clock/)|db|platform/(?!config|payload-codec)|scripts|demo|bench|test)/' },
    },
    {
      name: 'platform-not-from-below',
      severity: 'error',
      comment: 'Start-up and configuration is the composition root: only entries and tests import it.',
      from: { pathNot: '^(platform|scripts|demo|bench|test)/' },
      to: { path: '^platform/', pathNot: '^platform/(config|config-error|payload-codec)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|ui/|tmp/|data/|dist/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
