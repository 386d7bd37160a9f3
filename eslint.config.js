// ESLint (flat config) with typescript-eslint; part of `npm test` (npm run lint).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', 'ui/dist/**', 'tmp/**', '.test-artifacts/**', 'eslint.config.js', '.dependency-cruiser.cjs', 'ui/src/api-types.ts'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its error: in a workflow that is a silent bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A workflow's state read by a closure before it is first set is the usual shape here.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAsExpression > TSNeverKeyword', message: '`as never` hides a type error: type the value instead.' },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O. A
    // process's client and schedule modules and the settings run in the API or worker instead.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/*/client.ts', 'workflows/*/schedule.ts', 'workflows/settings.ts', 'workflows/clock/flemish-holidays.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code is deterministic: no Node built-ins (use an activity).' })),
          patterns: [
            { group: ['**/api/**', '**/platform/**', '**/scripts/**', '**/channels/**'], message: 'Workflow code imports only workflow code and the types of activities, tables and Modular\'s contract.' },
            { group: ['**/activities/**', '**/db/**', '**/modular/**'], allowTypeImports: true, message: 'Workflows import only the types of activities, tables and Modular\'s contract.' },
          ],
        },
      ],
    },
  },
  {
    // Route plugins stay readable: a route's handler is a named function, none over 120 lines.
    files: ['api/routes/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Kysely's convention: migrations are frozen in time and take Kysely<any>.
    files: ['db/migrations/**/*.ts', 'db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
