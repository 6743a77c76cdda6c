// Lint rules for the whole workspace. Workflow and fsm code must stay deterministic and
// runnable in a browser, so Node built-ins and heavy I/O libraries are forbidden there.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const nodeBuiltins = [...new Set(builtinModules.flatMap((m) => [m, `node:${m}`, `${m}/*`]))];
const heavyLibraries = [
  'onnxruntime-node',
  'node-llama-cpp',
  'opossum',
  'pg',
  'kysely',
  'minio',
  'sharp',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

const purity = (message, extra = []) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: [...nodeBuiltins, ...heavyLibraries].map((name) => ({ name, message })),
      patterns: [{ group: ['node:*'], message }, ...extra],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message },
    { name: 'Buffer', message },
    { name: 'require', message },
    { name: '__dirname', message },
  ],
});

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '.metis/**', '**/*.d.ts', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/lib/*.mjs', 'packages/*/bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/*/bin/*.js', 'scripts/lib/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['packages/fsm/src/**/*.ts'],
    rules: purity('packages/fsm is pure: it runs in browsers and in the Temporal workflow sandbox, so no Node built-ins or I/O libraries.'),
  },
  {
    files: ['packages/sdk/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['@temporalio/worker', 'onnxruntime-node', 'node-llama-cpp', 'sharp', '@metis/worker', '@metis/activities'].map((name) => ({
            name,
            message: '@metis/sdk is the client: no worker or native library, and activities only by role (`@metis/activities/storage`, …), never their root.',
            allowTypeImports: true,
          })),
          patterns: [{ group: ['@metis/activities/ocr', '@metis/activities/risk', '@metis/activities/llm'], message: '@metis/sdk never loads the AI activities.', allowTypeImports: true }],
        },
      ],
    },
  },
  {
    files: ['packages/workflows/src/**/*.ts'],
    rules: {
      ...purity('Workflow code must be deterministic: no Node built-ins or I/O libraries; call activities instead.', [
        {
          group: ['@metis/activities', '@metis/activities/*'],
          allowTypeImports: true,
          message: 'Workflows know activities only as types: use `import type`.',
        },
      ]),
    },
  },
);
