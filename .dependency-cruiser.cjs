// Imports run one way (docs/architecture.md): scripts → platform → api → process definitions and
// clients (workflows/) → activities → db. Integrations (modular/, channels/) and the clock sit
// beside the chain and import none of it. The configuration schema (platform/config.ts, with its
// error and the payload key parsing) is read by every layer. Checked by `npm run lint` in `npm test`.
// The entries and the tooling around the application: nothing of the application imports them.
const outside = 'scripts|demo|bench|test';
// What any layer may read of the composition root: the configuration and the payload codec.
const platformBelow = 'platform/(?!config|payload-codec)';

/** A layer (`from`) that must not import the folders named in `to` (one alternation), nor the tooling. */
const importsNot = (name, from, to, comment) => ({
  name,
  severity: 'error',
  ...(comment ? { comment } : {}),
  from: { path: `^${from}/` },
  to: { path: `^(${to}|${outside})/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A cycle, even of types only, means two modules are one.', from: {}, to: { circular: true } },
    importsNot('db-is-the-bottom', 'db', 'api|activities|workflows/(?!clock/)|platform|modular|channels', 'The database layer imports only itself and the clock.'),
    importsNot('activities-below-api', 'activities', `api|${platformBelow}`),
    importsNot('processes-below-api', 'workflows', `api|${platformBelow}`, 'Process definitions, workflows and their clients never import the API or the start-up code.'),
    {
      name: 'workflow-code-is-sandboxed',
      severity: 'error',
      comment: 'Workflow code imports activities and the database only for their types.',
      from: { path: '^workflows/', pathNot: '^workflows/.*/(client|schedule)\\.ts$|^workflows/settings\\.ts$|^workflows/clock/flemish-holidays\\.ts$' },
      to: { path: '^(activities|db)/', dependencyTypesNot: ['type-only'] },
    },
    importsNot('api-does-not-run-activities', 'api', `activities|${platformBelow}`, 'The API starts and commands processes; it never runs their activities.'),
    importsNot('integrations-stand-alone', '(modular|channels)', `api|activities|workflows/(?!clock/)|db|${platformBelow}`),
    {
      name: 'platform-not-from-below',
      severity: 'error',
      comment: 'Start-up and configuration is the composition root: only entries and tests import it.',
      from: { pathNot: `^(platform|${outside})/` },
      to: { path: '^platform/', pathNot: '^platform/(config|config-error|payload-codec)\\.ts$' },
    },
    {
      name: 'bench-shares-only-test-support',
      severity: 'error',
      comment: 'The bench reuses the tests\' helpers of test/support/ (databases, ports, deadlines), never a test itself.',
      from: { path: '^bench/' },
      to: { path: '^test/(?!support/)' },
    },
    {
      name: 'test-support-stands-alone',
      severity: 'error',
      comment: 'Helpers shared by the tests, the fault checks and the bench: plain tooling, none of the application.',
      from: { path: '^test/support/' },
      to: { path: `^(api|activities|workflows|db|platform|modular|channels|scripts|demo|bench)/` },
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
