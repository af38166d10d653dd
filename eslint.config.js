// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'benchmarks/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Core is portable: node:* only behind the `node` export condition, and no framework imports.
    files: ['packages/core/src/**'],
    ignores: ['packages/core/src/crypto/node*.ts', 'packages/core/src/index.node.ts', 'packages/core/src/**/node/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['hono', 'fastify', 'express', 'buffer', 'crypto'], patterns: ['node:*', 'hono/*'] }],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require'],
    },
  },
  {
    // Plain scripts run by Node, Deno, Bun and workerd (core's runtime smoke test).
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        crypto: 'readonly',
        btoa: 'readonly',
        TextEncoder: 'readonly',
        Response: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Deno: 'readonly',
        Bun: 'readonly',
      },
    },
  },
  {
    files: ['**/test/**', '**/*.test.ts', 'examples/**', 'benchmarks/**', 'packages/conformance/**'],
    rules: { 'no-console': 'off' },
  },
);
