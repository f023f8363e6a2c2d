// Lint (part of `npm test`): ESLint's and typescript-eslint's recommended rules, not type-aware
// (fast: no TypeScript program to build). The few settings below say why they differ.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output, dependencies, and the audited inputs (fixtures are test data, not our code).
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // Everything here runs on Node (scripts/ and bench/ are plain .mjs, where no-undef applies).
    languageOptions: { globals: globals.node },
    rules: {
      // `_`-prefixed names are deliberately unused (`const { repo: _r, ...facts } = entry`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Parsers and the terminal UI match control characters on purpose (NUL/SOH sentinels, ANSI
      // escapes, C0 controls in names).
      'no-control-regex': 'off',
    },
  },
);
